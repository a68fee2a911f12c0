"""Annual ratings (đánh giá, xếp loại chất lượng): rule versions, discipline records, one rating
row per subject, year and rater level, and the campaign that pre-fills a unit's year."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangbo.orgs.models import Person, Unit

__all__ = ["Capacity", "Discipline", "Rating", "RatingCampaign", "RuleVersion"]

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class RuleVersion(models.Model):
    """One regulation on rating (124-QĐ/TW, 366-QĐ/TW…): its grades, gates, quotas, pre-fill
    weights and rater levels as data (``dangbo.people.ratings.catalogue``)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    source = models.CharField(_("source document"), max_length=300)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    points_max = models.PositiveSmallIntegerField(_("points"), null=True, blank=True)
    general_max = models.PositiveSmallIntegerField(_("general criteria points"), null=True, blank=True)
    task_max = models.PositiveSmallIntegerField(_("task results points"), null=True, blank=True)
    grades = models.JSONField(_("grades"), default=list)
    gates = models.JSONField(_("hard gates"), default=list, blank=True)
    quotas = models.JSONField(_("quotas"), default=list, blank=True)
    prefill = models.JSONField(_("pre-fill weights"), default=dict, blank=True)
    levels = models.JSONField(_("rater levels"), default=dict)

    class Meta:
        verbose_name = _("rating rule version")
        verbose_name_plural = _("rating rule versions")
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return self.source

    @property
    def uses_points(self) -> bool:
        return self.points_max is not None


class Level(models.TextChoices):
    SELF = "self", _("Self-assessment")
    CELL = "cell", _("Party cell")
    WARD = "ward", _("Ward committee")
    CITY = "city", _("City committee")


LEVEL_ORDER = [Level.SELF, Level.CELL, Level.WARD, Level.CITY]
#: The levels where a committee rates (not the subject itself, nor its cell): said by the
#: committee's own name (``Unit.committee_name``), not by the level's word.
COMMITTEE_LEVELS = (Level.WARD, Level.CITY)


class Discipline(models.Model):
    """A disciplinary measure against a member or an organisation: the gate "Xuất sắc không
    thể: bị kỷ luật năm …"."""

    class Form(models.TextChoices):
        REPRIMAND = "khien_trach", _("Reprimand")
        WARNING = "canh_cao", _("Warning")
        DISMISSAL = "cach_chuc", _("Dismissal from post")
        EXPULSION = "khai_tru", _("Expulsion")
        DISSOLUTION = "giai_tan", _("Dissolution")

    person = models.ForeignKey(
        Person, verbose_name=_("member"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_unit = models.ForeignKey(
        Unit, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="disciplines",
        help_text=_("The member's cell, or the organisation itself."),
    )
    date = models.DateField(_("date"))
    form = models.CharField(_("form"), max_length=12, choices=Form.choices)
    decision = models.CharField(_("decision"), max_length=200)
    source = models.CharField(_("decided by"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, subject_unit__isnull=True)
                | Q(person__isnull=True, subject_unit__isnull=False),
                name="discipline_one_subject",
            )
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.get_form_display()} – {self.person or self.subject_unit} – {self.date:%d/%m/%Y}"


class Capacity(models.TextChoices):
    """In what capacity a subject is rated: a member, a leader of a unit (a person holding a
    leading post there, rated by the committee above), or a party organisation."""

    MEMBER = "member", _("Party member")
    LEADER = "leader", _("Leader or manager")
    ORGANISATION = "organisation", _("Party organisation")


#: The word the rule data (gates, quotas, levels) uses for each capacity.
RULE_SUBJECT = {Capacity.MEMBER: "person", Capacity.LEADER: "leader", Capacity.ORGANISATION: "unit"}


class Rating(models.Model):
    """One rating of one subject (a member, a leader of a unit, or an organisation) for one
    year by one rater level, under the rule version of that year. ``prefilled`` holds the
    evidence figures as counted; ``adjusted`` the figures a rater corrected, each with its
    reason. A leader's rating names the person and the unit they lead (``unit``)."""

    rule = models.ForeignKey(RuleVersion, verbose_name=_("rule version"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    level = models.CharField(_("rater level"), max_length=8, choices=Level.choices)
    person = models.ForeignKey(
        Person, verbose_name=_("member"), null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    subject_unit = models.ForeignKey(
        Unit, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.CharField(_("capacity"), max_length=12, choices=Capacity.choices, default=Capacity.MEMBER)
    post_title = models.CharField(_("post"), max_length=120, blank=True,
                                  help_text=_("For a leader: the post held in the unit in the year."))
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="ratings",
        help_text=_("The member's cell in the year, the unit a leader leads, or the organisation itself."),
    )
    rater_unit = models.ForeignKey(
        Unit, verbose_name=_("rated by"), on_delete=models.PROTECT, related_name="ratings_given"
    )
    general_points = models.DecimalField(
        _("general criteria"), max_digits=5, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    task_points = models.DecimalField(
        _("task results"), max_digits=5, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, null=True, blank=True, editable=False)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    prefilled = models.JSONField(_("pre-filled figures"), default=dict, blank=True)
    adjusted = models.JSONField(_("adjusted figures"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True, editable=False)
    prefilled_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, subject_unit__isnull=True)
                | Q(person__isnull=True, subject_unit__isnull=False),
                name="rating_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(capacity="organisation", person__isnull=True)
                | Q(capacity__in=["member", "leader"], person__isnull=False),
                name="rating_capacity_subject",
            ),
            models.UniqueConstraint(
                fields=["person", "year", "level"], condition=Q(person__isnull=False, capacity="member"),
                name="rating_member_year_level",
            ),
            models.UniqueConstraint(
                fields=["person", "unit", "year", "level"], condition=Q(capacity="leader"),
                name="rating_leader_unit_year_level",
            ),
            models.UniqueConstraint(
                fields=["subject_unit", "year", "level"], condition=Q(subject_unit__isnull=False),
                name="rating_unit_year_level",
            ),
        ]
        indexes = [models.Index(fields=["year", "level"]), models.Index(fields=["rater_unit", "year"])]

    def __str__(self) -> str:
        return f"{self.subject} – {self.year} – {self.rater_label}"

    def get_absolute_url(self) -> str:
        return reverse("people:rating_detail", args=[self.pk])

    @property
    def rater_label(self) -> str:
        """Who rates at this level: the committee by its own name ("Tỉnh ủy Quảng Trị",
        "Đảng ủy Phường 1") at a committee's level, else the level ("Tự đánh giá", "Chi bộ")."""
        if self.level in COMMITTEE_LEVELS:
            return self.rater_unit.committee_name
        return str(Level(self.level).label)

    @property
    def subject(self) -> Any:
        return self.person if self.person_id else self.subject_unit

    @property
    def subject_kind(self) -> str:
        """The word the rule data uses for this subject: ``person``, ``leader`` or ``unit``."""
        return RULE_SUBJECT[Capacity(self.capacity)]

    @property
    def is_leader(self) -> bool:
        return self.capacity == Capacity.LEADER

    def figures(self) -> dict[str, dict[str, Any]]:
        """The figures in force: each pre-filled one, replaced by its adjustment when there is one."""
        figures = {code: dict(f) for code, f in (self.prefilled or {}).items()}
        for code, adjustment in (self.adjusted or {}).items():
            figures[code] = {**figures.get(code, {}), **adjustment, "adjusted": True}
        return figures


class RatingCampaign(models.Model):
    """The rating of a unit's subtree for a year: its rule version and the pre-fill job."""

    class State(models.TextChoices):
        NEW = "new", _("Not pre-filled yet")
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Pre-filling")
        DONE = "done", _("Pre-filled")
        FAILED = "failed", _("Failed")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="rating_campaigns")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    rule = models.ForeignKey(RuleVersion, verbose_name=_("rule version"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.NEW)
    done = models.PositiveIntegerField(default=0, editable=False)
    total = models.PositiveIntegerField(default=0, editable=False)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("rating campaign")
        verbose_name_plural = _("rating campaigns")
        ordering = ["-year", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="rating_campaign_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit} – {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("people:rating_campaign", args=[self.pk])

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0
