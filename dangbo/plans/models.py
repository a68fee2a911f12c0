"""Plans: the annual theme and its items (chủ đề năm, nhiệm vụ trọng tâm, khâu đột phá).

A unit's year has one or more themes (the city's 2018 had two); each theme holds items, focus
tasks and breakthroughs, each with an owner (a leader and a unit), a target, milestones by month
or quarter, and the tasks that deliver it. An item's progress and whether it is on track are
computed from its tasks (``dangbo.plans.progress``), never typed.

A ward's theme may adopt the city's theme of the same year (``adopted_from``), and a ward's
item may serve the city's item (``upper``): the city's item page shows the wards' items under
it, and their tasks count towards its progress.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangbo.assignments.models import Task
from dangbo.documents.models import StoredFile
from dangbo.orgs.models import Person, Unit

YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]


class Theme(models.Model):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="themes")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    text = models.TextField(_("theme"))
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    adopted_from = models.ForeignKey(
        "self",
        verbose_name=_("adopted from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adoptions",
        help_text=_("The theme of a unit above, for the same year, that this unit takes up."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("annual theme")
        verbose_name_plural = _("annual themes")
        ordering = ["-year", "unit_id", "order", "id"]
        indexes = [models.Index(fields=["unit", "year"], name="theme_unit_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.text[:180]}"

    def get_absolute_url(self) -> str:
        return reverse("plans:theme_detail", args=[self.pk])


class ThemeItem(models.Model):
    class Kind(models.TextChoices):
        FOCUS = "focus", _("Focus task")
        BREAKTHROUGH = "breakthrough", _("Breakthrough")

    theme = models.ForeignKey(Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.FOCUS)
    title = models.CharField(_("title"), max_length=500)
    target = models.TextField(_("target"), blank=True)
    owner_person = models.ForeignKey(
        Person, verbose_name=_("leader in charge"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="theme_items",
    )
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("unit in charge"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="owned_theme_items",
    )
    upper = models.ForeignKey(
        "self", verbose_name=_("serves the item"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="lower_items",
        help_text=_("The item of a unit above, for the same year, that this item serves."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    tasks = models.ManyToManyField(Task, verbose_name=_("tasks"), blank=True, related_name="theme_items")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("theme item")
        verbose_name_plural = _("theme items")
        ordering = ["theme_id", "kind", "order", "id"]

    def __str__(self) -> str:
        return self.title[:200]

    def get_absolute_url(self) -> str:
        return reverse("plans:item_detail", args=[self.pk])


class Milestone(models.Model):
    class Period(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")

    item = models.ForeignKey(ThemeItem, on_delete=models.CASCADE, related_name="milestones")
    period = models.CharField(_("period"), max_length=8, choices=Period.choices, default=Period.QUARTER)
    number = models.PositiveSmallIntegerField(
        _("month or quarter"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    text = models.CharField(_("milestone"), max_length=500)
    expected_progress = models.PositiveSmallIntegerField(
        _("expected progress (%)"), default=0, validators=[MaxValueValidator(100)],
        help_text=_("How far the item's tasks should be by the end of this period."),
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["item_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_period_display()} {self.number}: {self.text}"


# --- Responsibility commitments (cam kết trách nhiệm) ------------------------------------------


class EvaluationScale(models.Model):
    """The scale a year-end evaluation uses. Local practice, so data: a code, a version, the
    document it comes from and the day it takes effect; a commitment keeps the scale it was
    evaluated on."""

    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source document"), max_length=300, blank=True)
    effective_from = models.DateField(_("effective from"))

    class Meta:
        verbose_name = _("evaluation scale")
        verbose_name_plural = _("evaluation scales")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="evaluation_scale_version")]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class EvaluationGrade(models.Model):
    scale = models.ForeignKey(EvaluationScale, on_delete=models.CASCADE, related_name="grades")
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=120)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("Higher is better."))

    class Meta:
        verbose_name = _("evaluation grade")
        verbose_name_plural = _("evaluation grades")
        ordering = ["scale_id", "-rank"]
        constraints = [models.UniqueConstraint(fields=["scale", "code"], name="evaluation_grade_code")]

    def __str__(self) -> str:
        return self.label


class Commitment(models.Model):
    """One signed commitment of a year: the lower unit (its standing committee and its head)
    commits to the upper unit (its standing committee and secretary)."""

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    upper_unit = models.ForeignKey(
        Unit, verbose_name=_("upper level"), on_delete=models.PROTECT, related_name="commitments_received"
    )
    lower_unit = models.ForeignKey(
        Unit, verbose_name=_("committing unit"), on_delete=models.PROTECT, related_name="commitments"
    )
    upper_signer = models.ForeignKey(
        Person, verbose_name=_("signs for the upper level"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    lower_signer = models.ForeignKey(
        Person, verbose_name=_("head who signs"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    scale = models.ForeignKey(
        EvaluationScale, verbose_name=_("evaluation scale"), null=True, blank=True, on_delete=models.PROTECT
    )
    self_evaluation = models.TextField(_("self-evaluation of the head"), blank=True)
    conclusion = models.TextField(_("conclusion of the upper level"), blank=True)
    grade = models.ForeignKey(
        EvaluationGrade, verbose_name=_("evaluation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    next_year = models.TextField(_("proposed items for next year"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("responsibility commitment")
        verbose_name_plural = _("responsibility commitments")
        ordering = ["-year", "lower_unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "upper_unit", "lower_unit"], name="commitment_once_a_year")
        ]

    def __str__(self) -> str:
        return self.title[:200]

    def get_absolute_url(self) -> str:
        return reverse("plans:commitment_detail", args=[self.pk])


def _scan_upload_to(instance: CommitmentScan, filename: str) -> str:
    return f"plans/commitments/{timezone.now():%Y/%m}/{filename}"


class CommitmentScan(StoredFile):
    """The signed commitment, scanned (the latest one is the commitment's)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="scans")
    file = models.FileField(_("file"), upload_to=_scan_upload_to, max_length=300)

    class Meta(StoredFile.Meta):
        verbose_name = _("signed scan")
        verbose_name_plural = _("signed scans")


class CommitmentItem(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("commitment item"), max_length=500)
    target = models.TextField(_("target"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    evidence = models.TextField(_("how it is evidenced"), blank=True)
    cascades_from = models.ForeignKey(
        "self", verbose_name=_("cascades from"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="cascaded",
    )
    tasks = models.ManyToManyField(Task, verbose_name=_("tasks"), blank=True, related_name="commitment_items")
    grade = models.ForeignKey(
        EvaluationGrade, verbose_name=_("evaluation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("commitment item")
        verbose_name_plural = _("commitment items")
        ordering = ["commitment_id", "order", "id"]

    def __str__(self) -> str:
        return self.title[:200]


class ItemStatus(models.Model):
    """The quarterly status of a commitment item: suggested from its evidence, confirmed or
    corrected by the unit (a reason when it departs from the suggestion), commented above."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        PARTLY = "partly", _("Partly")
        IN_PROGRESS = "in_progress", _("In progress")
        MOSTLY = "mostly", _("Mostly")
        DONE = "done", _("Done")

    item = models.ForeignKey(CommitmentItem, on_delete=models.CASCADE, related_name="statuses")
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    suggested = models.CharField(_("suggested"), max_length=12, choices=Status.choices, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    comment = models.TextField(_("comment of the upper level"), blank=True)
    set_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("quarterly status")
        verbose_name_plural = _("quarterly statuses")
        ordering = ["item_id", "quarter"]
        constraints = [models.UniqueConstraint(fields=["item", "quarter"], name="item_status_quarter")]

    def __str__(self) -> str:
        return f"Q{self.quarter}: {self.get_status_display()}"


# --- Indicators (chỉ tiêu) ---------------------------------------------------------------------


class Indicator(models.Model):
    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")
        MILESTONE = "milestone", _("A milestone reached by a date")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Sum")
        AVERAGE = "average", _("Average")
        WEIGHTED = "weighted", _("Weighted")
        NONE = "none", _("None")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="indicators")
    term = models.ForeignKey(
        "orgs.Term", verbose_name=_("term"), on_delete=models.PROTECT, related_name="indicators"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=300)
    measure = models.CharField(_("unit of measure"), max_length=40, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    aggregation = models.CharField(
        _("aggregation over units"), max_length=10, choices=Aggregation.choices, default=Aggregation.NONE
    )
    due = models.DateField(_("due by"), null=True, blank=True, help_text=_("For a milestone: the day it is due."))
    method = models.TextField(_("how it is measured"), blank=True)
    #: The code of a figure dangbo computes (``dangbo.core.evidence``, about the unit and the
    #: units below it); empty for an indicator whose results are entered.
    computed_from = models.CharField(_("computed from"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["unit_id", "term_id", "code"]
        constraints = [models.UniqueConstraint(fields=["unit", "term", "code"], name="indicator_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"[:200]

    def get_absolute_url(self) -> str:
        return reverse("plans:indicator_detail", args=[self.pk])


class IndicatorTarget(models.Model):
    """A target for the whole term (``year`` empty) or for one year, for one unit."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, validators=YEAR_VALIDATORS)
    value = models.DecimalField(_("target"), max_digits=16, decimal_places=4)

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["indicator_id", "unit_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "year"], name="indicator_target_once"),
            models.UniqueConstraint(
                fields=["indicator", "unit"], condition=models.Q(year__isnull=True), name="indicator_term_target_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year or ''}: {self.value}"


class IndicatorActual(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="actuals")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    value = models.DecimalField(_("achieved"), max_digits=16, decimal_places=4)
    source = models.CharField(_("source"), max_length=300, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now, editable=False)
    #: Computed by dangbo from the records at ``records_url``, never typed.
    computed = models.BooleanField(_("computed"), default=False, editable=False)
    records_url = models.CharField(_("records counted"), max_length=500, blank=True, editable=False)

    class Meta:
        verbose_name = _("indicator actual")
        verbose_name_plural = _("indicator actuals")
        ordering = ["indicator_id", "unit_id", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "year", "quarter"], name="indicator_actual_once"),
            models.UniqueConstraint(
                fields=["indicator", "unit", "year"], condition=models.Q(quarter__isnull=True),
                name="indicator_year_actual_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value}"


class ConfidenceRating(models.Model):
    """How likely an item is to be delivered, as a leader rates it for a month: the owner, and
    optionally other leaders. Forward-looking, with a reason; raters who disagree by two steps
    or more are the signal (research/domain-vn.md §3)."""

    class Level(models.IntegerChoices):
        VERY_LIKELY = 4, _("Very feasible")
        LIKELY = 3, _("Feasible")
        DIFFICULT = 2, _("Difficult")
        UNLIKELY = 1, _("Not feasible")

    item = models.ForeignKey(ThemeItem, on_delete=models.CASCADE, related_name="ratings")
    month = models.DateField(_("month"), help_text=_("The first day of the month rated."))
    rater = models.ForeignKey(Person, verbose_name=_("rater"), on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("delivery confidence"), choices=Level.choices)
    reason = models.TextField(_("reason"))
    rated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("confidence rating")
        verbose_name_plural = _("confidence ratings")
        ordering = ["item_id", "month", "rater_id"]
        constraints = [models.UniqueConstraint(fields=["item", "month", "rater"], name="rating_once_a_month")]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.get_level_display()}"
