"""A party member's life in the organisation: admitted, transferred, leaving.

The member is ``orgs.Person`` (with ``citizen_id``, ``phone``, ``address`` as personal data);
their cell over time is ``orgs.Membership`` (start, end), so the roster of a cell on a date is
the memberships current on that date. ``MemberEvent`` records each step with its decision and
reason; the services that write one also change the memberships and write the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangbo.orgs.models import Person, Unit

__all__ = ["MemberEvent"]


class MemberEvent(models.Model):
    """One step of a member's record: joining a cell, a transfer, leaving the roll."""

    class Kind(models.TextChoices):
        ADMITTED = "admitted", _("Joined a cell")
        TRANSFER = "transfer", _("Transferred within the city")
        TRANSFER_OUT = "transfer_out", _("Transferred out of the city")
        TRANSFER_IN = "transfer_in", _("Transferred into the city")
        STRUCK_OFF = "struck_off", _("Struck off the roll")
        EXPELLED = "expelled", _("Left the party")
        DECEASED = "deceased", _("Deceased")

    person = models.ForeignKey(
        Person, verbose_name=_("member"), on_delete=models.PROTECT, related_name="member_events"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("date"))
    from_unit = models.ForeignKey(
        Unit, verbose_name=_("from cell"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        Unit, verbose_name=_("to cell"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    other_organisation = models.CharField(
        _("party organisation outside the city"), max_length=200, blank=True
    )
    letter_number = models.CharField(_("introduction letter number"), max_length=60, blank=True)
    decision = models.CharField(_("decision"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("member event")
        verbose_name_plural = _("member events")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["person", "date"]), models.Index(fields=["kind", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"

    @property
    def is_transfer(self) -> bool:
        return self.kind in (self.Kind.TRANSFER, self.Kind.TRANSFER_OUT)


#: The kinds of leaving the roll (chuyển đi is a transfer out).
LEAVING_KINDS = (MemberEvent.Kind.STRUCK_OFF, MemberEvent.Kind.EXPELLED, MemberEvent.Kind.DECEASED)
