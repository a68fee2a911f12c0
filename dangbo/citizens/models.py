"""Citizens' cases (ý kiến, phản ánh, kiến nghị, khiếu nại, tố cáo) under 11-QĐi/TW.

A case is received by a unit (the responsible, handling unit), acknowledged in writing within
the working days of the deadline rule ``citizens.acknowledge`` (``dangbo.core.models.DeadlineRule``),
answered within ``citizens.answer``, then closed. Both deadlines are computed once, when the
case is received, from the rule version in force that day, and kept on the case.

Overdue is computed, never typed: an acknowledgement is overdue when the case is still
``received`` after ``acknowledge_by``; an answer when the case is not yet answered (and was
accepted) after ``answer_by``.

``code`` is the public code on the petitioner's receipt: random, never a counter, so that it
cannot be guessed; the public page (``citizens:follow``) shows only ``PUBLIC_FIELDS``.
The petitioners of a denunciation (tố cáo) are protected: see ``dangbo.citizens.policy``.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangbo.orgs.models import Person, Unit, UnitLevel

#: The letters of a public code: no 0/O, 1/I/L, so that it reads back over the phone.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10

#: The deadline rules cases use (``DeadlineRule.code``).
ACKNOWLEDGE_RULE = "citizens.acknowledge"
ANSWER_RULE = "citizens.answer"


def new_code() -> str:
    """A fresh public code: 10 random letters (31^10, about 8·10^14 possibilities)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_code(text: str) -> str:
    """A code as a person types it (lower case, spaces, dashes) in its stored form."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:40]


def answer_variant(kind: str, complexity: str, remote: bool) -> str:
    """The suffix of the answer rule for a case (``citizens.answer.<kind>.<variant>``), or "".

    - a complaint (Luật Khiếu nại 2011, Điều 28): ``complex`` (45 days), ``remote`` (a remote
      area hard to travel: 45), ``remote_complex`` (60); "very complex" counts as complex;
    - a denunciation (Luật Tố cáo 2018, Điều 30): ``complex`` (extended once: 60 days),
      ``very_complex`` (extended twice: 90); the law has no rule for remote areas.

    Other kinds have no longer term. A variant without a rule in force falls back to the kind's."""
    complex_ = complexity in ("complex", "very_complex")
    if kind == "khieu_nai":
        if remote:
            return "remote_complex" if complex_ else "remote"
        return "complex" if complex_ else ""
    if kind == "to_cao" and complex_:
        return complexity
    return ""


class ReceptionQuota(models.Model):
    """One version of the reception rule of a level: its committee's head receives citizens
    at least ``days_per_month`` days a month (11-QĐi/TW; 215-KL/TW for communes and wards).
    Kept as data, with its source and effective dates, so that historic months are judged by
    the rule of their time (the district rule ends with the district level)."""

    level = models.ForeignKey(UnitLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="+")
    days_per_month = models.PositiveSmallIntegerField(_("days a month"))
    source = models.CharField(_("source document"), max_length=300)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    class Meta:
        verbose_name = _("reception quota")
        verbose_name_plural = _("reception quotas")
        ordering = ["level__rank", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.level_id}: {self.days_per_month}"

    def clean(self) -> None:
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("A rule cannot end before it starts.")})


class ReceptionDay(models.Model):
    """A day the head of a committee receives citizens: scheduled (the monthly quota) or ad
    hoc (a prominent, complex or mass case); planned, then held or cancelled."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        AD_HOC = "ad_hoc", _("Ad hoc")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    unit = models.ForeignKey(Unit, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="reception_days")
    host = models.ForeignKey(Person, verbose_name=_("receiving leader"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SCHEDULED)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("reception day")
        verbose_name_plural = _("reception days")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "date"], name="reception_unit_date")]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.host}"


class Dialogue(models.Model):
    """A leader's dialogue with the cadres, members and citizens of a unit; every opinion
    raised there is recorded as a case (``Case.dialogue``)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="dialogues")
    host = models.ForeignKey(Person, verbose_name=_("host"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    participants = models.TextField(_("participants"), blank=True)
    topics = models.TextField(_("topics"))
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        verbose_name = _("dialogue")
        verbose_name_plural = _("dialogues")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("citizens:dialogue_detail", args=[self.pk])


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(state=Case.State.CLOSED)

    def late_acknowledgement(self, today: dt.date):
        return self.filter(state=Case.State.RECEIVED, acknowledge_by__lt=today)

    def late_answer(self, today: dt.date):
        return self.filter(
            Q(state=Case.State.RECEIVED)
            | Q(state=Case.State.ACKNOWLEDGED, ack_outcome=Case.Outcome.ACCEPTED),
            answer_by__lt=today,
        )

    def overdue(self, today: dt.date):
        return self.filter(
            Q(state=Case.State.RECEIVED, acknowledge_by__lt=today)
            | Q(state=Case.State.RECEIVED, answer_by__lt=today)
            | Q(state=Case.State.ACKNOWLEDGED, ack_outcome=Case.Outcome.ACCEPTED, answer_by__lt=today)
        )


class Case(models.Model):
    class Kind(models.TextChoices):
        Y_KIEN = "y_kien", pgettext_lazy("case kind", "Opinion")
        PHAN_ANH = "phan_anh", pgettext_lazy("case kind", "Report")
        KIEN_NGHI = "kien_nghi", pgettext_lazy("case kind", "Recommendation")
        KHIEU_NAI = "khieu_nai", pgettext_lazy("case kind", "Complaint")
        TO_CAO = "to_cao", pgettext_lazy("case kind", "Denunciation")

    class Channel(models.TextChoices):
        RECEPTION = "reception", pgettext_lazy("case channel", "Reception day")
        DIALOGUE = "dialogue", pgettext_lazy("case channel", "Dialogue")
        LETTER = "letter", pgettext_lazy("case channel", "Letter")
        ONLINE = "online", pgettext_lazy("case channel", "Online")

    class State(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("case state", "Received")
        ACKNOWLEDGED = "acknowledged", pgettext_lazy("case state", "Acknowledged")
        ANSWERED = "answered", pgettext_lazy("case state", "Answered")
        CLOSED = "closed", pgettext_lazy("case state", "Closed")

    class Complexity(models.TextChoices):
        """How complex the handling unit judged the case when it accepted it: the laws give a
        complex case a longer answer deadline (``answer_variant``)."""

        ORDINARY = "ordinary", pgettext_lazy("case complexity", "Ordinary")
        COMPLEX = "complex", pgettext_lazy("case complexity", "Complex")
        VERY_COMPLEX = "very_complex", pgettext_lazy("case complexity", "Very complex")

    class Outcome(models.TextChoices):
        """The kind of the acknowledgement letter."""

        ACCEPTED = "accepted", _("Accepted for handling")
        TRANSFERRED = "transferred", _("Transferred to the competent body")
        RETURNED = "returned", _("Returned with the reason")

    code = models.CharField(_("code"), max_length=16, unique=True, default=new_code, editable=False)
    unit = models.ForeignKey(
        Unit, verbose_name=_("handling unit"), on_delete=models.PROTECT, related_name="cases"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    content = models.TextField(_("content"))
    received_on = models.DateField(_("received on"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("received by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.RECEIVED)
    acknowledge_by = models.DateField(_("acknowledge by"))
    answer_by = models.DateField(_("answer by"))
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    ack_outcome = models.CharField(_("acknowledgement"), max_length=16, choices=Outcome.choices, blank=True)
    ack_note = models.TextField(_("reason or competent body"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    #: Set at the acceptance: they choose the version of the answer rule (``answer_variant``).
    complexity = models.CharField(
        _("complexity"), max_length=16, choices=Complexity.choices, default=Complexity.ORDINARY
    )
    remote = models.BooleanField(_("remote area, hard to travel"), default=False)
    #: Working days from receipt to the acknowledgement and to the answer, kept by the services
    #: that set those dates: what the response-time figures add up in the SQL.
    ack_days = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    answer_days = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    answer = models.TextField(_("answer"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    reception_day = models.ForeignKey(
        ReceptionDay, verbose_name=_("reception day"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="cases",
    )
    dialogue = models.ForeignKey(
        Dialogue, verbose_name=_("dialogue"), null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    #: A duplicate is closed into the case kept (``services.case_merge``); its history stays.
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CaseQuerySet.as_manager()

    #: What the public page by code may show: no personal data, no internal note.
    PUBLIC_FIELDS = (
        "code", "kind", "state", "received_on", "acknowledge_by", "answer_by",
        "acknowledged_on", "ack_outcome", "answered_on", "answer", "closed_on",
    )

    class Meta:
        verbose_name = _("citizen case")
        verbose_name_plural = _("citizen cases")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["unit", "-received_on"], name="case_unit_received"),
            # The list of a large subtree (the province): walked newest first, no sort.
            models.Index(fields=["-received_on", "-id"], name="case_received"),
            models.Index(fields=["state", "acknowledge_by"], name="case_state_ack"),
            models.Index(fields=["state", "answer_by"], name="case_state_answer"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"

    def get_absolute_url(self) -> str:
        return reverse("citizens:case_detail", args=[self.pk])

    @property
    def code_display(self) -> str:
        """The code in groups of five, as printed on the receipt."""
        return f"{self.code[:5]}-{self.code[5:]}"

    @property
    def answer_variant(self) -> str:
        return answer_variant(self.kind, self.complexity, self.remote)

    def is_ack_late(self, today: dt.date) -> bool:
        return self.state == self.State.RECEIVED and self.acknowledge_by < today

    def is_answer_late(self, today: dt.date) -> bool:
        waiting = self.state == self.State.RECEIVED or (
            self.state == self.State.ACKNOWLEDGED and self.ack_outcome == self.Outcome.ACCEPTED
        )
        return waiting and self.answer_by < today

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_ack_late(today) or self.is_answer_late(today)


class Petitioner(models.Model):
    """One person who brought the case (several for a collective case)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="petitioners")
    name = models.CharField(_("full name"), max_length=200)
    #: ``fold(name)``, kept by the services: what the duplicate check compares.
    name_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("petitioner")
        verbose_name_plural = _("petitioners")
        ordering = ["case", "order", "id"]

    def __str__(self) -> str:
        return self.name


class IdentityReader(models.Model):
    """Someone the head of the handling unit named to read the protected identity of a
    denunciation (a staff member handling it)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="identity_readers")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    named_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("identity reader")
        verbose_name_plural = _("identity readers")
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="identityreader_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.person_id}"
