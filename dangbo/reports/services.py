"""Writes of the reports: draft a term review, edit a sentence's wording, refresh its figures;
draft, refresh and submit a periodic report. Each change saves a new version of the draft."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangbo.core import policy
from dangbo.core.audit import audit_record, audit_record_many
from dangbo.core.policy import Action
from dangbo.orgs.models import Term, Unit

from . import periodic, review
from .models import PeriodicReport, Review, ReviewVersion

#: Reports written per INSERT when the schedule drafts a period's reports.
DRAFT_CHUNK = 1000


def _today() -> dt.date:
    return timezone.localdate()


def _version(obj: Review | PeriodicReport, *, actor, change: str, note: str = "") -> ReviewVersion:
    """Save ``obj``'s content as its version ``obj.version`` (a term review or a periodic report)."""
    version = ReviewVersion(number=obj.version, change=change, note=note, content=obj.content,
                            saved_by=actor if actor is not None and actor.is_authenticated else None)
    if isinstance(obj, Review):
        version.review = obj
    else:
        version.periodic = obj
    version.full_clean()
    version.save()
    return version


def _reword(obj: Review | PeriodicReport, *, actor, key: str, template: str, expected_version: int | None,
            action: str) -> bool:
    """Change the wording of sentence ``key`` of ``obj``'s content (locked by the caller).
    Figures are written as ``{name}``; each must be one the sentence has, so the figures stay
    linked. Saves a new version; False when the wording is the same."""
    if expected_version is not None and expected_version != obj.version:
        raise ValidationError({"template": _("Someone saved this report after you opened it; reload and edit again.")})
    template = " ".join(template.split())
    if not template:
        raise ValidationError({"template": _("Write the sentence.")})
    found = None
    for _section, sentence in review.sentences(obj.content):
        if sentence["key"] == key:
            found = sentence
    if found is None:
        raise ValidationError({"key": _("This sentence is not in the report.")})
    unknown = review.placeholders(template) - set(found["figures"])
    if unknown:
        raise ValidationError({"template": _("Unknown figures: %(names)s. Use only %(known)s.") % {
            "names": ", ".join("{" + n + "}" for n in sorted(unknown)),
            "known": ", ".join("{" + n + "}" for n in found["figures"]) or _("no figure")}})
    if template == found["template"]:
        return False
    before = found["template"]
    found["template"], found["edited"] = template, True
    found["text"] = review.render(template, {k: f["text"] for k, f in found["figures"].items()})
    obj.version += 1
    obj.save(update_fields=["content", "version"])
    _version(obj, actor=actor, change=ReviewVersion.Change.EDITED, note=key)
    audit_record(actor=actor, action=action, obj=obj, before={"sentence": before}, after={"sentence": template})
    return True


def _refreshed(obj: Review | PeriodicReport, fresh: dict[str, Any]) -> bool:
    """Put the fresh figures under ``obj``'s wording (``review.merge``); True when they changed."""
    merged = review.merge(obj.content, fresh)
    if json.dumps(merged, sort_keys=True) == json.dumps(obj.content, sort_keys=True):
        return False
    obj.content = merged
    obj.version += 1
    obj.refreshed_at = timezone.now()
    return True


@transaction.atomic
def review_create(*, actor, unit: Unit, term: Term, today: dt.date | None = None) -> Review:
    """Draft the term review of ``unit`` for ``term`` from the data (or return the draft there is)."""
    probe = Review(unit=unit, term=term)
    policy.require(actor, probe, Action.CHANGE)
    if term.unit_id != unit.pk:
        raise ValidationError({"term": _("Choose a term of this unit.")})
    existing = Review.objects.filter(unit=unit, term=term).first()
    if existing is not None:
        return existing
    ctx = review.Ctx(unit=unit, term=term, today=today or _today())
    obj = Review(
        unit=unit, term=term, title=f"Báo cáo tổng kết nhiệm kỳ {ctx.term_text} của {unit.name}",
        content=review.compose(ctx), created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    obj.full_clean()
    obj.save()
    _version(obj, actor=actor, change=ReviewVersion.Change.DRAFTED)
    audit_record(actor=actor, action="review.create", obj=obj, after={"term": term.code})
    return obj


@transaction.atomic
def review_sentence_edit(*, actor, review_obj: Review, key: str, template: str, expected_version: int | None = None) -> Review:
    """Change the wording of one sentence. Figures are written as ``{name}``; each must be one
    the sentence has, so the figures stay linked."""
    obj = Review.objects.select_for_update().get(pk=review_obj.pk)
    policy.require(actor, obj, Action.CHANGE)
    _reword(obj, actor=actor, key=key, template=template, expected_version=expected_version, action="review.edit")
    return obj


@transaction.atomic
def review_refresh(*, actor, review_obj: Review, today: dt.date | None = None) -> Review:
    """"Làm mới số liệu": recompute every figure from the data, keeping the edited wording."""
    obj = Review.objects.select_for_update().select_related("unit", "term").get(pk=review_obj.pk)
    policy.require(actor, obj, Action.CHANGE)
    if not _refreshed(obj, review.compose(review.Ctx(unit=obj.unit, term=obj.term, today=today or _today()))):
        return obj
    obj.save(update_fields=["content", "version", "refreshed_at"])
    _version(obj, actor=actor, change=ReviewVersion.Change.REFRESHED)
    audit_record(actor=actor, action="review.refresh", obj=obj, after={"version": obj.version})
    return obj


# --- Periodic reports ------------------------------------------------------------------------


@transaction.atomic
def periodic_draft(*, actor, unit: Unit, period: str, start: dt.date, today: dt.date | None = None) -> PeriodicReport:
    """Draft (or redraft, while not submitted) the report of ``unit`` for the period starting ``start``."""
    policy.require(actor, PeriodicReport(unit=unit), Action.CHANGE)
    if period not in PeriodicReport.Period.values:
        raise ValidationError({"period": _("Choose a period.")})
    first, last = periodic.bounds(period, start)
    obj = PeriodicReport.objects.select_for_update().filter(unit=unit, period=period, start=first).first()
    if obj is not None and obj.state == PeriodicReport.State.SUBMITTED:
        raise ValidationError({"period": _("This report has been submitted; it can no longer be redrafted.")})
    content = periodic.compose(unit=unit, start=first, end=last, today=today or _today())
    if obj is None:
        obj = PeriodicReport(unit=unit, period=period, start=first, end=last, due=periodic.due(last), content=content)
        obj.full_clean()
        obj.save()
        _version(obj, actor=actor, change=ReviewVersion.Change.DRAFTED)
    elif _refreshed(obj, content):  # drafted again: the fresh figures under the edited wording
        obj.full_clean()
        obj.save(update_fields=["content", "version", "refreshed_at"])
        _version(obj, actor=actor, change=ReviewVersion.Change.REFRESHED)
    else:
        return obj
    audit_record(actor=actor, action="periodic.draft", obj=obj, after={"period": period, "start": first.isoformat(),
                                                                         "version": obj.version})
    return obj


def periodic_draft_many(*, actor, units: Sequence[Unit], period: str, start: dt.date,
                        today: dt.date | None = None) -> int:
    """``periodic_draft`` for many units that have no report of this period yet (the schedule,
    when a period ends: every party unit of the country). The figures of all of them come from
    one grouped query per kind (``periodic.figures``); the reports, their first versions and
    their audit entries are written a thousand at a time. A chunk where a person drafted a
    unit's report meanwhile is drafted one by one, leaving that report as it is. Returns how
    many reports were drafted."""
    if period not in PeriodicReport.Period.values:
        raise ValidationError({"period": _("Choose a period.")})
    for unit in units:
        policy.require(actor, PeriodicReport(unit=unit), Action.CHANGE)
    first, last = periodic.bounds(period, start)
    today = today or _today()
    values = periodic.figures(units, start=first, end=last, today=today)
    saved_by = actor if actor is not None and actor.is_authenticated else None
    drafted = 0
    for i in range(0, len(units), DRAFT_CHUNK):
        chunk = units[i : i + DRAFT_CHUNK]
        reports = [
            PeriodicReport(unit=unit, period=period, start=first, end=last, due=periodic.due(last),
                           content=periodic.build(unit=unit, start=first, end=last, counts=periodic.named(values[unit.path])))
            for unit in chunk
        ]
        try:
            with transaction.atomic():
                PeriodicReport.objects.bulk_create(reports)
                ReviewVersion.objects.bulk_create([
                    ReviewVersion(periodic=r, number=r.version, change=ReviewVersion.Change.DRAFTED, content=r.content,
                                  saved_by=saved_by) for r in reports
                ])
                audit_record_many(actor=actor, action="periodic.draft", entries=[
                    (r, {"period": period, "start": first.isoformat(), "version": r.version}) for r in reports
                ])
            drafted += len(reports)
        except IntegrityError:  # drafted meanwhile: those stay, the others one by one
            have = set(PeriodicReport.objects.filter(unit__in=chunk, period=period, start=first)
                       .values_list("unit_id", flat=True))
            for unit in chunk:
                if unit.pk not in have:
                    with transaction.atomic():
                        periodic_draft(actor=actor, unit=unit, period=period, start=first, today=today)
                    drafted += 1
    return drafted


def periodic_refresh(*, actor, report: PeriodicReport, today: dt.date | None = None) -> PeriodicReport:
    """"Làm mới số liệu" of a periodic report: draft it again, keeping the edited wording."""
    return periodic_draft(actor=actor, unit=report.unit, period=report.period, start=report.start, today=today)


@transaction.atomic
def periodic_sentence_edit(*, actor, report: PeriodicReport, key: str, template: str,
                           expected_version: int | None = None) -> PeriodicReport:
    """Change the wording of one sentence of a draft report (``_reword``: the figures stay linked)."""
    obj = PeriodicReport.objects.select_for_update().get(pk=report.pk)
    policy.require(actor, obj, Action.CHANGE)
    if obj.state == PeriodicReport.State.SUBMITTED:
        raise ValidationError({"template": _("This report has been submitted; its wording can no longer be changed.")})
    _reword(obj, actor=actor, key=key, template=template, expected_version=expected_version, action="periodic.edit")
    return obj


@transaction.atomic
def periodic_submit(*, actor, report: PeriodicReport, note: str = "", today: dt.date | None = None) -> PeriodicReport:
    obj = PeriodicReport.objects.select_for_update().select_related("unit").get(pk=report.pk)
    policy.require(actor, obj, Action.CHANGE)
    if obj.state == PeriodicReport.State.SUBMITTED:
        raise ValidationError({"note": _("This report has already been submitted.")})
    obj.note = note.strip()
    obj.state = PeriodicReport.State.SUBMITTED
    obj.submitted_on = today or _today()
    obj.submitted_by = actor if actor is not None and actor.is_authenticated else None
    obj.full_clean()
    obj.save(update_fields=["note", "state", "submitted_on", "submitted_by"])
    audit_record(actor=actor, action="periodic.submit", obj=obj, after={"submitted_on": obj.submitted_on.isoformat()})
    return obj


def content_json(obj: Any) -> dict[str, Any]:
    return obj.content
