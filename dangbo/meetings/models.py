"""Party cell meetings (sinh hoạt chi bộ), their scoring, and leaders on the ground.

* A ``Meeting`` belongs to a unit (a cell, a ward committee or the city) and has an agenda,
  its expected members (one ``Attendance`` row each, the roll-call), guests, minutes,
  conclusions and ``MeetingDecision`` rows that may become tasks.
* A ``CriteriaSet`` (bộ tiêu chí) is versioned data: sections, criteria with maximum points
  and guidance, grade thresholds. A ``MeetingScore`` keeps the set (version) it was made with.
* ``LeaderAssignment``, ``WorkingGroup`` and ``LeaderVisit`` record who follows which units
  and every visit or attended meeting.
* ``CalendarFeed`` holds the generation signed into a user's calendar link (revocable).

Counts that the quality pages aggregate (expected, present, excused, unexcused, the grade
and the score) are kept on ``Meeting`` by the services, so a ward or city page reads one
row per meeting and never the attendance table.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangbo.orgs.models import CurrentQuerySet, Person, Term, Unit

# --- Criteria sets ---------------------------------------------------------------------


class CriteriaSet(models.Model):
    """A versioned set of criteria for scoring meetings. A score keeps its version.

    **Draft, then locked.** A version is a draft until the first meeting score uses it
    (``MeetingScore.criteria_set``, protected, like each ``ScoreItem.criterion``): its
    criteria, sections and grades can change. From then on it is locked, and a change
    takes a new version. Its dates do not lock it: a version already in force that no
    meeting has been scored with yet can still be corrected, and the first score reads it
    as it stands then. ``services.criteria_set_lock_reason`` says why a version is locked.
    """

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="criteria_sets",
        help_text=_("The committee that set it; empty for the system default."),
    )
    source_document = models.CharField(_("source document"), max_length=300, blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="criteriaset_code_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def max_total(self) -> Decimal:
        return sum((c.max_points for c in self.criteria.all()), Decimal(0))


class CriteriaSection(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    class Auto(models.TextChoices):
        NONE = "", _("—")
        ATTENDANCE = "attendance", _("From the roll-call")
        DURATION = "duration", _("From the duration")

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    section = models.ForeignKey(CriteriaSection, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=400)
    guidance = models.TextField(_("guidance"), blank=True)
    max_points = models.DecimalField(
        _("maximum points"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)]
    )
    required_for_top = models.BooleanField(
        _("full marks needed for the top grade"), default=False
    )
    auto = models.CharField(
        _("suggested from"), max_length=12, choices=Auto.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_code_per_set"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class GradeThreshold(models.Model):
    """A grade (Tốt, Khá, Trung bình, Kém) and the least total that earns it."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="thresholds")
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=80)
    min_points = models.DecimalField(_("from points"), max_digits=5, decimal_places=1)
    requires_full_marks = models.BooleanField(
        _("needs full marks on the marked criteria"), default=False
    )
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 is the best grade."))

    class Meta:
        verbose_name = _("grade threshold")
        verbose_name_plural = _("grade thresholds")
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="threshold_code_per_set"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ≥ {self.min_points}"


# --- Meetings --------------------------------------------------------------------------


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Regular monthly meeting")
    THEMATIC = "thematic", _("Thematic meeting")
    FORUM = "forum", _("Forum session")
    FLAG = "flag", _("Flag ceremony")
    WARD_COMMITTEE = "ward", _("Ward committee meeting")
    CITY_COMMITTEE = "city", _("City committee meeting")


class MeetingQuerySet(models.QuerySet):
    def held(self):
        return self.filter(status=Meeting.Status.HELD)


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=300, blank=True)
    date = models.DateField(_("date"))
    month = models.DateField(editable=False, help_text="The first day of the meeting's month.")
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    combined = models.BooleanField(
        _("combined with a thematic meeting"),
        default=False,
        help_text=_("A combined session must last at least 120 minutes."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    chair = models.ForeignKey(
        Person, verbose_name=_("chaired by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    secretary = models.ForeignKey(
        Person, verbose_name=_("minutes taken by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept by the services (roll-call and scoring) for the quality pages.
    expected_count = models.PositiveIntegerField(default=0, editable=False)
    present_count = models.PositiveIntegerField(default=0, editable=False)
    excused_count = models.PositiveIntegerField(default=0, editable=False)
    unexcused_count = models.PositiveIntegerField(default=0, editable=False)
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True, editable=False)
    grade = models.SlugField(max_length=20, blank=True, editable=False)
    grade_rank = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["unit", "kind", "month"]),
            models.Index(fields=["month", "kind"]),
            models.Index(fields=["date"]),
        ]

    def __str__(self) -> str:
        return f"{self.title or self.get_kind_display()} – {self.unit} – {self.date:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        self.month = self.date.replace(day=1)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "date" in update_fields:
            kwargs["update_fields"] = {*update_fields, "month"}
        super().save(*args, **kwargs)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD

    @property
    def attendance_rate(self) -> float | None:
        if not self.expected_count or self.status != self.Status.HELD:
            return None
        return self.present_count / self.expected_count

    @property
    def min_duration(self) -> int:
        return 120 if self.combined else 90


class Attendance(models.Model):
    """One expected member of a meeting and their roll-call answer."""

    class Status(models.TextChoices):
        UNKNOWN = "", _("Not recorded")
        PRESENT = "present", _("Present")
        EXCUSED = "excused", _("Excused absence")
        UNEXCUSED = "unexcused", _("Unexcused absence")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices, blank=True, default="")
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once_per_meeting"),
        ]
        indexes = [models.Index(fields=["person", "meeting"])]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_status_display()}"


class MeetingGuest(models.Model):
    """Someone who attended without being a member: a leader, a ward committee member."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("guest")
        verbose_name_plural = _("guests")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class MeetingScore(models.Model):
    """A score of one meeting by one rater, against one version of a criteria set."""

    class Rater(models.TextChoices):
        SELF = "self", _("Cell's self-assessment")
        LEADER = "leader", _("Attending leader")
        WARD = "ward", _("Ward committee")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="scores")
    rater = models.CharField(_("scored by"), max_length=8, choices=Rater.choices)
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="scores")
    rater_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=1)
    grade = models.SlugField(_("grade"), max_length=20)
    grade_name = models.CharField(_("grade"), max_length=80)
    grade_rank = models.PositiveSmallIntegerField()
    note = models.TextField(_("note"), blank=True)
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "rater"], name="score_once_per_rater"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rater_display()}: {self.total} ({self.grade_name})"


class ScoreItem(models.Model):
    score = models.ForeignKey(MeetingScore, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["score", "criterion"], name="score_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.points}"


# --- Leaders on the ground -------------------------------------------------------------


class LeaderAssignment(models.Model):
    """A leader is assigned to follow a ward or a cell (phân công phụ trách địa bàn)."""

    person = models.ForeignKey(Person, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("follows"), on_delete=models.PROTECT, related_name="leader_assignments")
    assigned_by = models.ForeignKey(
        Unit, verbose_name=_("assigned by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    term = models.ForeignKey(Term, verbose_name=_("term"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=200, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    objects = CurrentQuerySet.as_manager()

    class Meta:
        verbose_name = _("leader assignment")
        verbose_name_plural = _("leader assignments")
        ordering = ["unit__path", "start"]
        indexes = [models.Index(fields=["person", "end"]), models.Index(fields=["unit", "end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="leader_assignment_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.unit}"


class WorkingGroup(models.Model):
    """A working group of the committee (tổ công tác, e.g. 687-KH/TU) following ward committees."""

    unit = models.ForeignKey(Unit, verbose_name=_("set up by"), on_delete=models.PROTECT, related_name="working_groups")
    name = models.CharField(_("name"), max_length=200)
    decision = models.CharField(_("decision"), max_length=200, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    followed_units = models.ManyToManyField(Unit, verbose_name=_("follows"), related_name="followed_by_groups", blank=True)

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["-start", "name"]

    def __str__(self) -> str:
        return self.name


class WorkingGroupMember(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role in the group"), max_length=120, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["group", "person"], name="wg_member_once")]

    def __str__(self) -> str:
        return f"{self.person} ({self.role})"


class LeaderVisit(models.Model):
    """A leader's visit to a unit or attendance at its meeting, with what was raised and decided."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Attended a meeting")
        VISIT = "visit", _("Visit")

    person = models.ForeignKey(Person, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="leader_visits")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.VISIT)
    date = models.DateField(_("date"))
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    raised = models.TextField(_("raised"), blank=True)
    decided = models.TextField(_("decided"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("leader visit")
        verbose_name_plural = _("leader visits")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "date"]), models.Index(fields=["person", "date"])]

    def __str__(self) -> str:
        return f"{self.person} – {self.unit} – {self.date:%d/%m/%Y}"


# --- Decisions -------------------------------------------------------------------------


class MeetingDecision(models.Model):
    """A decision of a meeting or a visit, which may become a task.

    The tasks app (``dangbo.assignments``) links the task it creates through
    ``task_content_type``/``task_object_id`` by calling
    ``dangbo.meetings.services.decision_link_task(decision=…, task=…)``; this app never
    imports it.
    """

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions")
    visit = models.ForeignKey(LeaderVisit, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    responsible_unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    task_content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["id"]
        indexes = [models.Index(fields=["task_content_type", "task_object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting__isnull=False) | Q(visit__isnull=False), name="decision_has_a_source"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def task(self):
        if self.task_content_type_id is None or self.task_object_id is None:
            return None
        model = self.task_content_type.model_class()  # type: ignore[union-attr]
        return model._default_manager.filter(pk=self.task_object_id).first() if model else None


# --- Calendar feeds --------------------------------------------------------------------


class CalendarFeed(models.Model):
    """A user's calendar feed (iCal). Its link is signed with ``generation``: revoking the
    link raises the generation, so every link given before answers 404. A user without a
    row is at generation 0."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    generation = models.PositiveIntegerField(_("generation"), default=0)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} ({self.generation})"
