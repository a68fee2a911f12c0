"""Tasks (nhiệm vụ), their progress reports, and the inspection programs that produce them.

A task belongs to the unit in charge (``unit``) and to the unit that assigned it
(``assigning_unit``). Both units' paths are copied onto the task (``unit_path``,
``assigning_path``) so that "the tasks of this unit and everything below it" is one prefix
query on an indexed column, without a join to the unit table. The unit-move service must
keep them up to date (``dangbo.assignments.services.task_paths_refresh``).

A task tree (cascade, cụ thể hóa) keeps ``parent``, ``root``, ``depth`` and ``tree_path``
(``/<root id>/<child id>/…/``) so a whole subtree is one prefix query. Sub-tasks inherit
their root's ``document`` so "every task that serves this document" is one indexed query.

Overdue, behind schedule and long-running are computed, never typed:

* overdue: status is active and ``deadline < today``;
* behind schedule: active, not overdue, and ``behind_from <= today`` — ``behind_from`` is
  the first day on which the progress falls more than ``BEHIND_MARGIN`` points below the
  share of the time elapsed; the services recompute it when the progress or dates change;
* long-running (việc kéo dài): active and started two or more years ago.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangbo.core import dates
from dangbo.documents.models import Document
from dangbo.orgs.models import Person, Term, Unit

#: Percentage points below the share of time elapsed from which a task is behind schedule.
BEHIND_MARGIN_DEFAULT = 25
#: A task open this many years or more is long-running (việc kéo dài).
LONG_RUNNING_YEARS = 2


def behind_margin() -> int:
    return int(getattr(settings, "DANGBO_BEHIND_MARGIN", BEHIND_MARGIN_DEFAULT))


def due_soon_days() -> int:
    return int(getattr(settings, "DANGBO_DUE_SOON_DAYS", 7))


def escalate_after_days() -> int:
    return int(getattr(settings, "DANGBO_ESCALATE_AFTER_DAYS", 14))


class TaskQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=Task.ACTIVE)

    def overdue(self, today: dt.date):
        return self.filter(status__in=Task.ACTIVE, deadline__lt=today)

    def due_soon(self, today: dt.date, days: int | None = None):
        days = due_soon_days() if days is None else days
        return self.filter(
            status__in=Task.ACTIVE,
            deadline__gte=today,
            deadline__lte=today + dt.timedelta(days=days),
        )

    def behind(self, today: dt.date):
        return self.filter(status__in=Task.ACTIVE, deadline__gte=today, behind_from__lte=today)

    def long_running(self, today: dt.date):
        return self.filter(
            status__in=Task.OPEN, start__lte=dates.add_years(today, -LONG_RUNNING_YEARS)
        )

    def in_unit(self, path: str):
        """Tasks in charge of the unit with this path or any unit below it."""
        return self.filter(unit_path__startswith=path)


class Task(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        AWAITING = "awaiting", _("Awaiting confirmation")
        DONE = "done", _("Done")
        PAUSED = "paused", _("Paused")
        CANCELLED = "cancelled", _("Cancelled")

    class Priority(models.IntegerChoices):
        LOW = 1, _("Low")
        NORMAL = 2, _("Normal")
        HIGH = 3, _("High")
        URGENT = 4, _("Urgent")

    class SourceKind(models.TextChoices):
        NONE = "", _("None")
        DOCUMENT = "document", _("Document")
        DECISION = "decision", _("Meeting decision")
        RECOMMENDATION = "recommendation", _("Inspection recommendation")
        PETITION = "petition", _("Citizen petition")
        PARENT = "parent", _("Parent task")

    class Cadence(models.TextChoices):
        NONE = "", _("Whenever there is progress")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")

    #: The unit in charge still has work to do: these can be overdue or behind schedule.
    ACTIVE = (Status.ASSIGNED, Status.IN_PROGRESS)
    #: Not closed (done or cancelled).
    OPEN = (Status.ASSIGNED, Status.IN_PROGRESS, Status.AWAITING, Status.PAUSED)

    title = models.CharField(_("title"), max_length=500)
    #: ``fold(title)``, kept by the services: what the list's text filter searches.
    search_title = models.CharField(max_length=500, editable=False, blank=True, default="")
    description = models.TextField(_("description"), blank=True)

    source_kind = models.CharField(
        _("source"), max_length=16, choices=SourceKind.choices, blank=True, default=""
    )
    source_content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_content_type", "source_object_id")
    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        help_text=_("The document the task (or the task it was cascaded from) implements."),
    )

    assigning_unit = models.ForeignKey(
        Unit, verbose_name=_("assigning unit"), on_delete=models.PROTECT, related_name="assigned_tasks"
    )
    assigning_path = models.CharField(max_length=255, db_index=True, editable=False)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit in charge"), on_delete=models.PROTECT, related_name="tasks"
    )
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    responsible = models.ForeignKey(
        Person,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    coordinating_units = models.ManyToManyField(
        Unit, verbose_name=_("coordinating units"), blank=True, related_name="coordinated_tasks"
    )

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="tree_members"
    )
    depth = models.PositiveSmallIntegerField(default=1, editable=False)
    tree_path = models.CharField(max_length=255, db_index=True, editable=False, blank=True)
    batch = models.UUIDField(null=True, blank=True, editable=False, db_index=True)

    start = models.DateField(_("start date"))
    deadline = models.DateField(_("deadline"))
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ASSIGNED
    )
    status_reason = models.TextField(_("reason"), blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    own_progress = models.PositiveSmallIntegerField(default=0, editable=False)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("The share of this task in its parent's progress. Empty: equal shares."),
    )
    cadence = models.CharField(
        _("report cadence"), max_length=10, choices=Cadence.choices, blank=True, default=""
    )
    behind_from = models.DateField(null=True, blank=True, editable=False)
    last_report_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True, editable=False)
    done_on = models.DateField(_("done on"), null=True, blank=True, editable=False)
    reminded_on = models.DateField(null=True, blank=True, editable=False)

    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["deadline", "id"]
        indexes = [
            # The overdue / due-soon lists: active tasks by deadline.
            models.Index(
                fields=["deadline", "id"],
                condition=Q(status__in=["assigned", "in_progress"]),
                name="task_active_deadline",
            ),
            models.Index(fields=["status", "deadline"], name="task_status_deadline"),
            # The long-running list: open tasks by start.
            models.Index(
                fields=["start", "id"],
                condition=Q(status__in=["assigned", "in_progress", "awaiting", "paused"]),
                name="task_open_start",
            ),
            models.Index(fields=["unit", "status"], name="task_unit_status"),
            models.Index(fields=["document", "depth"], name="task_document_depth"),
            models.Index(fields=["parent", "id"], name="task_parent"),
            models.Index(
                fields=["behind_from"],
                condition=Q(status__in=["assigned", "in_progress"]),
                name="task_active_behind",
            ),
            models.Index(fields=["source_content_type", "source_object_id"], name="task_source"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("start")), name="task_deadline_after_start"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_max_100"),
        ]

    def __str__(self) -> str:
        return self.title[:200]

    def get_absolute_url(self) -> str:
        return reverse("assignments:task_detail", args=[self.pk])

    # --- computed flags (for one task already in memory) ----------------------------

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_active and self.deadline < today

    def is_behind(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.is_active
            and self.deadline >= today
            and self.behind_from is not None
            and self.behind_from <= today
        )

    def is_long_running(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        end = self.done_on if self.status == self.Status.DONE and self.done_on else today
        if self.status == self.Status.CANCELLED:
            return False
        return self.start <= dates.add_years(end, -LONG_RUNNING_YEARS)

    def days_overdue(self, today: dt.date | None = None) -> int:
        today = today or timezone.localdate()
        return max((today - self.deadline).days, 0) if self.is_active else 0

    def expected_progress(self, today: dt.date | None = None) -> int:
        """The share of the time elapsed, in percent."""
        today = today or timezone.localdate()
        span = (self.deadline - self.start).days
        if span <= 0:
            return 100 if today >= self.deadline else 0
        return max(0, min(100, round((today - self.start).days * 100 / span)))

    def compute_behind_from(self) -> dt.date | None:
        """The first day the progress is more than the margin below the time elapsed."""
        threshold = self.progress + behind_margin()
        if threshold >= 100:
            return None
        span = (self.deadline - self.start).days
        # expected(d) > threshold  ⇔  (d - start) * 100 > threshold * span
        days = (threshold * span) // 100 + 1
        return self.start + dt.timedelta(days=days)

    def flags(self, today: dt.date | None = None) -> list[str]:
        today = today or timezone.localdate()
        flags = []
        if self.is_overdue(today):
            flags.append("overdue")
        elif self.is_behind(today):
            flags.append("behind")
        if self.is_active and today <= self.deadline <= today + dt.timedelta(days=due_soon_days()):
            flags.append("due_soon")
        if self.is_open and self.is_long_running(today):
            flags.append("long_running")
        return flags


def _evidence_upload_to(instance: ReportFile, filename: str) -> str:
    return f"tasks/{timezone.now():%Y/%m}/{filename}"


class ProgressReport(models.Model):
    """A report of progress on a task: a percentage, text and evidence files.

    Reports are never overwritten: two people reporting at once make two rows; the task's
    cached progress follows the latest report by time.

    A report on a task that has sub-tasks (``rolled_up``) keeps its text and evidence, but its
    percentage is not typed: it is the roll-up of the sub-tasks when it was sent, which is
    what the task's progress stays.
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    percent = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    text = models.TextField(_("report"), blank=True)
    period = models.CharField(
        _("period"), max_length=10, blank=True, help_text=_("2025-03 or 2025-Q1 for a due report.")
    )
    rolled_up = models.BooleanField(
        _("rolled up from the sub-tasks"), default=False, editable=False,
        help_text=_("The percentage is the sub-tasks' roll-up when the report was sent, not typed."),
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["task", "-reported_at", "-id"], name="report_task_time")]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.percent}%"


class ReportFile(models.Model):
    """An evidence file attached to a progress report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=_evidence_upload_to, max_length=300)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


# --- Inspection and supervision (kiểm tra, giám sát) ---------------------------------------


class InspectionProgram(models.Model):
    """The annual program of inspection and supervision of a unit's Inspection Commission."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="inspection_programs",
        help_text=_("The committee or inspection commission that runs the program."),
    )
    term = models.ForeignKey(
        Term, verbose_name=_("term"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    document = models.ForeignKey(
        Document,
        verbose_name=_("program document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("inspection program")
        verbose_name_plural = _("inspection programs")
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assignments:program_detail", args=[self.pk])


class Inspection(models.Model):
    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("Inspection")
        SUPERVISION = "supervision", _("Supervision")

    program = models.ForeignKey(
        InspectionProgram, on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    target_unit = models.ForeignKey(
        Unit, verbose_name=_("inspected unit"), on_delete=models.PROTECT, related_name="inspections"
    )
    subject = models.CharField(_("subject"), max_length=300)
    team = models.TextField(_("team"), blank=True, help_text=_("The members of the team."))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    findings = models.TextField(_("findings"), blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    conclusion_document = models.ForeignKey(
        Document,
        verbose_name=_("conclusion document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["period_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="inspection_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject} – {self.target_unit}"

    def get_absolute_url(self) -> str:
        return reverse("assignments:inspection_detail", args=[self.pk])


class Recommendation(models.Model):
    """A recommendation of an inspection's conclusion: a task of the inspected unit."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="recommendations"
    )
    text = models.TextField(_("recommendation"))
    task = models.OneToOneField(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="recommendation"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:120]


class UnitTally(models.Model):
    """The counts of one unit's own tasks as of ``day`` — derived data, see ``tally.py``.

    A dashboard adds up one row per unit of the subtree instead of counting every task below
    it; a row whose ``day`` is not today is worked out again when read."""

    unit = models.OneToOneField(Unit, primary_key=True, on_delete=models.CASCADE, related_name="task_tally")
    day = models.DateField(null=True)
    counts = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("task counts of a unit")
        verbose_name_plural = _("task counts of units")

    def __str__(self) -> str:
        return f"{self.unit_id} @ {self.day}"
