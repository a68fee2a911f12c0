"""Cadres (công tác cán bộ): a cadre's record, planning for a term, rotation and appointment,
staff streamlining.

A cadre is an ``orgs.Person``; their positions over time are ``orgs.Position`` rows, and a
rotation or an appointment ends in one (``orgs.services.position_create``). The criteria of
planning (age limits, political-theory level, years in post) and the targets for young and
female cadres are data (``PlanningRule``), with a version, a source document and an
effective date, installed from ``rules.py`` by a data migration.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangbo.orgs.models import Person, Position, Unit

__all__ = [
    "Award",
    "CadreProfile",
    "EducationLevel",
    "Move",
    "Plan",
    "PlanCandidate",
    "PlanningRule",
    "Streamlining",
    "TheoryLevel",
    "Training",
]

YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]


class TheoryLevel(models.IntegerChoices):
    """Political-theory level (trình độ lý luận chính trị); a higher value includes the lower."""

    NONE = 0, _("None")
    ELEMENTARY = 1, _("Elementary (sơ cấp)")
    INTERMEDIATE = 2, _("Intermediate (trung cấp)")
    ADVANCED = 3, _("Advanced (cao cấp)")
    BACHELOR = 4, _("Bachelor of political theory (cử nhân)")


class EducationLevel(models.IntegerChoices):
    """Professional education (trình độ chuyên môn)."""

    NONE = 0, _("Not recorded")
    VOCATIONAL = 1, _("Vocational (trung cấp)")
    COLLEGE = 2, _("College (cao đẳng)")
    UNIVERSITY = 3, _("University (đại học)")
    MASTER = 4, _("Master (thạc sĩ)")
    DOCTOR = 5, _("Doctor (tiến sĩ)")


class PlanningRule(models.Model):
    """The criteria of cadre planning in force at one level from a date, with their source."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    level_code = models.SlugField(
        _("level"), max_length=40, help_text=_("The code of the unit level (orgs.UnitLevel) the rule applies to.")
    )
    source = models.CharField(_("source document"), max_length=300)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    max_age_male = models.PositiveSmallIntegerField(_("oldest age for men"))
    max_age_female = models.PositiveSmallIntegerField(_("oldest age for women"))
    min_theory = models.PositiveSmallIntegerField(
        _("lowest political-theory level"), choices=TheoryLevel.choices, default=TheoryLevel.INTERMEDIATE
    )
    min_years_in_post = models.PositiveSmallIntegerField(_("fewest years in a leading post"), default=0)
    young_age = models.PositiveSmallIntegerField(
        _("young below the age of"), help_text=_("A cadre younger than this counts as young.")
    )
    young_target = models.PositiveSmallIntegerField(_("target share of young cadres (%)"))
    female_target = models.PositiveSmallIntegerField(_("target share of female cadres (%)"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("planning rule")
        verbose_name_plural = _("planning rules")
        ordering = ["level_code", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.source} ({self.level_code}, {self.effective_from:%d/%m/%Y})"

    def max_age(self, gender: str) -> int:
        return self.max_age_female if gender == Person.Gender.FEMALE else self.max_age_male


class CadreProfile(models.Model):
    """A cadre's record (hồ sơ cán bộ), kept by the unit that manages the cadre."""

    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="cadre_profile"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("managing unit"), on_delete=models.PROTECT, related_name="cadre_profiles"
    )
    education = models.PositiveSmallIntegerField(
        _("education"), choices=EducationLevel.choices, default=EducationLevel.NONE
    )
    field_of_study = models.CharField(_("field of study"), max_length=200, blank=True)
    theory = models.PositiveSmallIntegerField(
        _("political-theory level"), choices=TheoryLevel.choices, default=TheoryLevel.NONE
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("cadre record")
        verbose_name_plural = _("cadre records")
        ordering = ["person__search_name", "id"]

    def __str__(self) -> str:
        return str(self.person)

    def get_absolute_url(self) -> str:
        return reverse("people:cadre_detail", args=[self.pk])


class Training(models.Model):
    """A training course (đào tạo, bồi dưỡng) a cadre attended."""

    class Kind(models.TextChoices):
        THEORY = "theory", _("Political theory")
        PROFESSIONAL = "professional", _("Professional")
        STATE = "state", _("State management")
        OTHER = "other", _("Other")

    profile = models.ForeignKey(
        CadreProfile, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="trainings"
    )
    name = models.CharField(_("course"), max_length=200)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices, default=Kind.OTHER)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    certificate = models.CharField(_("certificate"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="cadre_training_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Award(models.Model):
    """An award (khen thưởng) with its decision."""

    profile = models.ForeignKey(
        CadreProfile, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="awards"
    )
    title = models.CharField(_("award"), max_length=200)
    date = models.DateField(_("date"))
    decision = models.CharField(_("decision"), max_length=200, blank=True)
    issuer = models.CharField(_("awarded by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title


class Plan(models.Model):
    """The planning (quy hoạch) of a unit's leading positions for a term."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cadre_plans")
    term_code = models.CharField(_("term"), max_length=20, help_text=_("For example 2025-2030."))
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=YEAR_VALIDATORS)
    rule = models.ForeignKey(
        PlanningRule, verbose_name=_("criteria in force"), on_delete=models.PROTECT, related_name="plans"
    )
    decision = models.CharField(_("decision"), max_length=200, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("cadre planning")
        verbose_name_plural = _("cadre planning")
        ordering = ["-start_year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "term_code"], name="cadre_plan_unique_term"),
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="cadre_plan_years"),
        ]

    def __str__(self) -> str:
        return _("Planning of %(unit)s, term %(term)s") % {"unit": self.unit, "term": self.term_code}

    def get_absolute_url(self) -> str:
        return reverse("people:plan_detail", args=[self.pk])


class PlanCandidate(models.Model):
    """A person planned for a leading position of the plan's unit, with the criteria checked
    when they were added (``checks``: one entry per criterion, ``met`` or not and the figures)."""

    plan = models.ForeignKey(Plan, verbose_name=_("planning"), on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="cadre_candidacies"
    )
    title = models.CharField(_("position"), max_length=120)
    checks = models.JSONField(_("criteria"), default=list, blank=True)
    all_met = models.BooleanField(_("meets every criterion"), default=True)
    young = models.BooleanField(_("young cadre"), default=False)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("planned candidate")
        verbose_name_plural = _("planned candidates")
        ordering = ["plan", "title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "person", "title"], name="cadre_candidate_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.title}"


class Move(models.Model):
    """A rotation (luân chuyển) or an appointment (bổ nhiệm, bổ nhiệm lại) as steps:
    proposed → decided (decision and date) → in post (a position in orgs) → completed."""

    class Kind(models.TextChoices):
        ROTATION = "rotation", _("Rotation")
        APPOINTMENT = "appointment", _("Appointment")
        REAPPOINTMENT = "reappointment", _("Reappointment")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        DECIDED = "decided", pgettext_lazy("cadre move", "Decided")
        IN_POST = "in_post", _("In post")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    person = models.ForeignKey(Person, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="cadre_moves")
    unit = models.ForeignKey(
        Unit, verbose_name=_("to unit"), on_delete=models.PROTECT, related_name="cadre_moves"
    )
    title = models.CharField(_("position"), max_length=120)
    from_position = models.ForeignKey(
        Position, verbose_name=_("from position"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("Ended the day before the new post starts."),
    )
    proposed_on = models.DateField(_("proposed on"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=200, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    position = models.ForeignKey(
        Position, verbose_name=_("position in the organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="cadre_moves",
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("rotation or appointment")
        verbose_name_plural = _("rotations and appointments")
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")), name="cadre_move_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person} – {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("people:move_detail", args=[self.pk])


class Streamlining(models.Model):
    """Staff streamlining (tinh giản biên chế) of a unit in a year."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="streamlinings")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    staff = models.PositiveIntegerField(_("staff at the start of the year"))
    reduced = models.PositiveIntegerField(_("streamlined"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("staff streamlining")
        verbose_name_plural = _("staff streamlining")
        ordering = ["unit__path", "-year"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="cadre_streamlining_unique")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"
