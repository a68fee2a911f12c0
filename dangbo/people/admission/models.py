"""Admission (phát triển đảng viên): the rules as versioned data, candidates, and targets.

A rule set (``AdmissionRules``: 24-QĐ/TW of 2021, 232-QĐ/TW of 2025) names its source
document and the dates it is in force, the age limits counted in months, how long the
awareness-class certificate stays valid, the KNĐ forms of the file and the length of probation;
its stages (``AdmissionStage``) give each step its order and its deadline in working days. A
step's deadline comes from the rule set in force on the day the step starts.

A candidate (``Candidate``) is an ``orgs.Person`` in a cell, with the date and paper of each
step; ``stage`` is the step awaited and ``due_date`` its deadline (``None`` when the rules set
none), kept by the services at every step.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangbo.core import workdays

from .rules import add_months, probation_month

__all__ = ["AdmissionRules", "AdmissionStage", "AdmissionTarget", "Candidate", "Sector", "Stage"]


class Stage(models.TextChoices):
    """The step a candidate awaits, in order; ``official`` and ``stopped`` end the way."""

    AWARENESS = "awareness", _("Awareness class")
    FILE = "file", _("File and cell resolution")
    DECISION = "decision", _("Admission decision")
    CEREMONY = "ceremony", _("Admission ceremony")
    PROBATION = "probation", _("Probation and cell review")
    RECOGNITION = "recognition", _("Recognition decision")
    OFFICIAL = "official", _("Official member")
    STOPPED = "stopped", _("Stopped")


#: The stages a candidate is still going through.
OPEN_STAGES = [
    Stage.AWARENESS, Stage.FILE, Stage.DECISION, Stage.CEREMONY, Stage.PROBATION, Stage.RECOGNITION,
]


class Sector(models.TextChoices):
    """Where a candidate works or lives: the resolution asks for residential areas and private
    enterprises to be counted apart."""

    RESIDENTIAL = "residential", _("Residential area")
    ENTERPRISE = "enterprise", _("Private enterprise")
    OTHER = "other", _("Agency, school, armed forces")


class Counting(models.TextChoices):
    WORKING = "working", _("Working days")
    CALENDAR = "calendar", _("Calendar days")
    MONTHS = "months", _("Months")


class AdmissionRules(models.Model):
    """One version of the admission rules, with its source document and the dates it is in force."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    source = models.CharField(_("source document"), max_length=300)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    min_age_months = models.PositiveSmallIntegerField(_("minimum age in months"), default=18 * 12)
    max_age_months = models.PositiveSmallIntegerField(_("maximum age in months"), default=60 * 12)
    certificate_months = models.PositiveSmallIntegerField(_("certificate valid for (months)"), default=60)
    probation_months = models.PositiveSmallIntegerField(_("probation (months)"), default=12)
    #: The KNĐ forms the file needs before the cell resolves: ``[[code, name], …]``.
    forms = models.JSONField(_("forms of the file"), default=list)

    class Meta:
        verbose_name = _("admission rules")
        verbose_name_plural = _("admission rules")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("A rule cannot end before it starts.")})

    @classmethod
    def in_force(cls, day: dt.date) -> AdmissionRules:
        """The rule set in force on ``day`` (the earliest one for a day before them all)."""
        found = (
            cls.objects.filter(effective_from__lte=day)
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
            .order_by("-effective_from")
            .first()
        )
        if found is None:
            found = cls.objects.order_by("effective_from").first()
        if found is None:
            raise cls.DoesNotExist("no admission rules")
        return found

    def stage(self, code: str) -> AdmissionStage:
        for stage in self.stages.all():
            if stage.code == code:
                return stage
        raise AdmissionStage.DoesNotExist(f"{self.code} has no stage {code}")

    def form_codes(self) -> list[str]:
        return [row[0] for row in self.forms]


class AdmissionStage(models.Model):
    """A step of a rule set: its order and deadline, counted from the step before."""

    rules = models.ForeignKey(AdmissionRules, on_delete=models.CASCADE, related_name="stages")
    code = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=200)
    days = models.PositiveSmallIntegerField(_("deadline"), null=True, blank=True)
    counting = models.CharField(_("counted in"), max_length=10, choices=Counting.choices, default=Counting.WORKING)
    extension_days = models.PositiveSmallIntegerField(_("extension at most"), default=0)
    counted_from = models.CharField(_("counted from"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("admission stage")
        verbose_name_plural = _("admission stages")
        ordering = ["rules", "order"]
        constraints = [models.UniqueConstraint(fields=["rules", "code"], name="admissionstage_unique_code")]

    def __str__(self) -> str:
        return f"{self.rules.code}: {self.name}"

    def deadline(self, start: dt.date, *, extended: bool = False, calendar: workdays.WorkCalendar | None = None) -> dt.date | None:
        """The last day of this step when it starts on ``start``; ``None`` without a deadline."""
        if self.days is None:
            return None
        days = self.days + (self.extension_days if extended else 0)
        if self.counting == Counting.WORKING:
            return (calendar or workdays.WorkCalendar()).add(start, days)
        if self.counting == Counting.MONTHS:
            return add_months(start, days)
        return start + dt.timedelta(days=days)


class CandidateQuerySet(models.QuerySet):
    def open(self) -> CandidateQuerySet:
        return self.filter(stage__in=OPEN_STAGES)

    def late(self, today: dt.date) -> CandidateQuerySet:
        return self.open().filter(due_date__lt=today)

    def due_soon(self, today: dt.date, days: int) -> CandidateQuerySet:
        return self.open().filter(due_date__gte=today, due_date__lte=today + dt.timedelta(days=days))


class Candidate(models.Model):
    """A person on the way into the Party, in a cell, with the date and paper of each step."""

    person = models.ForeignKey("orgs.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="candidacies")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("party cell"), on_delete=models.PROTECT, related_name="candidates")
    sector = models.CharField(_("sector"), max_length=12, choices=Sector.choices, default=Sector.OTHER)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.AWARENESS, db_index=True)
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    added_on = models.DateField(_("added on"))
    # 1. Awareness class
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    certificate_on = models.DateField(_("certificate issued on"), null=True, blank=True)
    certificate_valid_to = models.DateField(_("certificate valid to"), null=True, blank=True)
    # 2. File and cell resolution
    forms_done = models.JSONField(_("forms done"), default=list, blank=True)
    resolution_on = models.DateField(_("cell resolution on"), null=True, blank=True)
    # 3. Decision
    decision_extended = models.BooleanField(_("decision deadline extended"), default=False)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_on = models.DateField(_("decision on"), null=True, blank=True)
    # 4. Ceremony and probation
    ceremony_on = models.DateField(_("ceremony on"), null=True, blank=True)
    helper = models.ForeignKey(
        "orgs.Person", verbose_name=_("helper"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    probation_end = models.DateField(_("end of probation"), null=True, blank=True)
    # 5. Review and recognition
    review_on = models.DateField(_("cell review on"), null=True, blank=True)
    recognition_extended = models.BooleanField(_("recognition deadline extended"), default=False)
    recognition_number = models.CharField(_("recognition decision number"), max_length=60, blank=True)
    recognition_on = models.DateField(_("recognition decision on"), null=True, blank=True)
    official_on = models.DateField(_("official on"), null=True, blank=True)
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    stop_reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["unit__path", "person__search_name", "id"]
        indexes = [models.Index(fields=["unit", "stage"], name="candidate_unit_stage")]

    def __str__(self) -> str:
        return self.person.full_name

    def get_absolute_url(self) -> str:
        return reverse("people:candidate_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    def is_late(self, today: dt.date) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < today

    def probation_month(self, today: dt.date) -> int | None:
        """The month of probation ``today`` falls in (1 to 12; 13 after the end), or ``None``."""
        if self.stage != Stage.PROBATION or not self.ceremony_on:
            return None
        return probation_month(self.ceremony_on, today)


class AdmissionTarget(models.Model):
    """How many new members a unit means to admit in a year, with residential areas and private
    enterprises counted apart."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="admission_targets")
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.PositiveIntegerField(_("new members"))
    residential = models.PositiveIntegerField(_("of which in residential areas"), default=0)
    enterprise = models.PositiveIntegerField(_("of which in private enterprises"), default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("admission target")
        verbose_name_plural = _("admission targets")
        ordering = ["-year", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="admissiontarget_unique_year")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"

    def clean(self) -> None:
        if self.total is not None and (self.residential or 0) + (self.enterprise or 0) > self.total:
            raise ValidationError(
                {"total": _("Residential areas and private enterprises cannot count more than the whole target.")}
            )
        if self.year is not None and not 2000 <= self.year <= 2100:
            raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
