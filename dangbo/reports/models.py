"""Reports: the term review drafted from data, and the periodic reports of each unit.

A draft keeps its sentences as templates with named figures (``{documents}``), each figure
with its value, how it reads and the list or record it came from (``dangbo.reports.review``).
A person edits the wording, the placeholders keep the figures linked, and "làm mới số liệu"
recomputes the figures under the edited wording. Every save is a new ``ReviewVersion``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangbo.orgs.models import Term, Unit


class Review(models.Model):
    """The term review (báo cáo tổng kết nhiệm kỳ) of a unit's term, as a versioned draft."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reviews")
    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="reviews")
    title = models.CharField(_("title"), max_length=300)
    content = models.JSONField(default=dict, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    refreshed_at = models.DateTimeField(_("figures refreshed at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("term review")
        verbose_name_plural = _("term reviews")
        ordering = ["-term__start", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "term"], name="review_once_per_term")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:review_detail", args=[self.pk])


class ReviewVersion(models.Model):
    class Change(models.TextChoices):
        DRAFTED = "drafted", _("Drafted from the data")
        EDITED = "edited", _("Wording edited")
        REFRESHED = "refreshed", _("Figures refreshed")

    #: The draft saved: a term review or a periodic report (one of the two).
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.CASCADE, related_name="versions")
    periodic = models.ForeignKey("PeriodicReport", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    change = models.CharField(_("change"), max_length=10, choices=Change.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    content = models.JSONField(default=dict)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("review version")
        verbose_name_plural = _("review versions")
        ordering = ["review_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="review_version_once"),
            models.UniqueConstraint(fields=["periodic", "number"], name="periodic_version_once"),
            models.CheckConstraint(
                condition=Q(review__isnull=False, periodic__isnull=True) | Q(review__isnull=True, periodic__isnull=False),
                name="review_version_one_draft"),
        ]

    def __str__(self) -> str:
        return f"v{self.number} {self.get_change_display()}"


class PeriodicReport(models.Model):
    """A unit's report for a month, a quarter, six or nine months or a year: drafted from the
    data, submitted by the unit, read by the unit above. Its content has the term review's
    shape (sentences with linked figures); every save while a draft is a ``ReviewVersion``."""

    class Period(models.TextChoices):
        MONTH = "month", _("Monthly")
        QUARTER = "quarter", _("Quarterly")
        HALF = "half", _("Six-month")
        NINE = "nine", _("Nine-month")
        YEAR = "year", _("Annual")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="periodic_reports")
    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    due = models.DateField(_("due by"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    content = models.JSONField(default=dict, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    refreshed_at = models.DateTimeField(_("figures refreshed at"), default=timezone.now, editable=False)
    note = models.TextField(_("the unit's assessment"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("periodic report")
        verbose_name_plural = _("periodic reports")
        ordering = ["-end", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "period", "start"], name="periodic_report_once"),
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="periodic_report_dates"),
        ]
        indexes = [models.Index(fields=["state", "due"], name="periodic_state_due")]

    def __str__(self) -> str:
        return f"{self.get_period_display()} {self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("reports:periodic_detail", args=[self.pk])

    def late(self, today) -> bool:
        if self.state == self.State.SUBMITTED:
            return bool(self.submitted_on and self.submitted_on > self.due)
        return today > self.due
