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
