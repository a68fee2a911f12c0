"""Admission for the Đông Hà demo: about 150 candidates in the cells of the nine wards, at every
step of the way (some late), each ward's target for the year, and the demo's probationary
members followed from their admission: reviewed and recognised where their cell did it, flagged
(late for the review) where it did not.

Everything goes through the services with past dates. ``load(today=...)`` is idempotent: the
candidates are added once (an audit entry on the city marks it), a probationary member is
followed once.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from django.db import transaction

from dangbo.core import workdays
from dangbo.core.audit import audit_record
from dangbo.core.models import AuditEntry
from dangbo.orgs.demo import dongha
from dangbo.orgs.demo.names import make_name
from dangbo.orgs.models import Membership, Person, Unit

from . import services
from .models import Candidate, Stage
from .rules import add_months

SEED = 20250120
MARKER = "demo.load_admission"
#: How many candidates wait at each step (150 in all).
PLAN = [
    (Stage.AWARENESS, 30), (Stage.FILE, 30), (Stage.DECISION, 20), (Stage.CEREMONY, 15),
    (Stage.PROBATION, 25), (Stage.RECOGNITION, 10), (Stage.OFFICIAL, 12), (Stage.STOPPED, 8),
]
FORMS = ["1-KNĐ", "2-KNĐ", "3-KNĐ", "5-KNĐ", "tham-tra"]
STOP_REASONS = [
    "Chuyển nơi cư trú ra ngoài thành phố",
    "Tự nguyện xin rút khỏi danh sách phát triển đảng viên",
    "Chưa đủ tiêu chuẩn sau thẩm tra lý lịch",
]


def _past(day: dt.date, today: dt.date) -> dt.date:
    return min(day, today)


def load(*, today: dt.date) -> dict[str, int]:
    city = Unit.objects.filter(code=dongha.CITY[0]).first()
    if city is None:
        return {}
    counts: dict[str, int] = {}
    counts.update(_follow_probationary(city, today))
    if not AuditEntry.objects.filter(action=MARKER, object_id=city.pk).exists():
        counts.update(_candidates(city, today))
        counts["targets"] = _targets(city, today)
        audit_record(actor=None, action=MARKER, obj=city, after=counts)
    return counts


def _ward_cells(city: Unit) -> dict[Unit, list[Unit]]:
    wards = list(Unit.objects.filter(path__startswith=city.path, kind__code="dang-bo-xa").order_by("path"))
    cells = Unit.objects.filter(path__startswith=city.path, kind__code="chi-bo").order_by("path")
    return {w: [c for c in cells if c.path.startswith(w.path)] for w in wards}


def _helpers(cells: list[Unit]) -> dict[int, Person]:
    found: dict[int, Person] = {}
    rows = (
        Membership.objects.current().filter(unit__in=cells, person__status=Person.Status.OFFICIAL)
        .select_related("person").order_by("unit_id", "person_id")
    )
    for m in rows:
        found.setdefault(m.unit_id, m.person)
    return found


@transaction.atomic
def _candidates(city: Unit, today: dt.date) -> dict[str, int]:
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    by_ward = _ward_cells(city)
    cells = [c for ward_cells in by_ward.values() for c in ward_cells]
    if not cells:
        return {}
    helpers = _helpers(cells)
    cal = workdays.WorkCalendar()
    made: Counter[str] = Counter()
    n = 0
    for stage, count in PLAN:
        for _ in range(count):
            cell = cells[n % len(cells)]
            n += 1
            c = _one(rng, cell, stage, today, cal, helpers.get(cell.pk))
            if c is not None:
                made[c.stage] += 1
    return {f"candidates {stage}": made[stage] for stage, _count in PLAN}


def _one(rng: random.Random, cell: Unit, stage: str, today: dt.date, cal, helper: Person | None) -> Candidate | None:
    """One candidate of ``cell`` now waiting at ``stage``: the dates go back from today, a
    quarter of those with a deadline past it."""
    late = rng.random() < 0.25
    gender = "f" if rng.random() < 0.45 else "m"
    birth = dt.date(rng.randint(1982, 2005), rng.randint(1, 12), rng.randint(1, 28))
    # Work back from the step awaited: the day the current step started.
    if stage == Stage.AWARENESS:
        added = today - dt.timedelta(days=rng.randint(5, 150))
    elif stage == Stage.FILE:
        added = today - dt.timedelta(days=rng.randint(120, 400))
    elif stage == Stage.DECISION:
        resolution = cal.add(today, -(rng.randint(62, 80) if late else rng.randint(5, 55)))
        added = resolution - dt.timedelta(days=rng.randint(150, 300))
    elif stage == Stage.CEREMONY:
        decision = cal.add(today, -(rng.randint(32, 45) if late else rng.randint(3, 28)))
        added = decision - dt.timedelta(days=rng.randint(250, 400))
    elif stage in (Stage.PROBATION, Stage.RECOGNITION, Stage.OFFICIAL):
        if stage == Stage.PROBATION:
            ceremony = add_months(today, -(rng.randint(13, 15) if late else rng.randint(1, 12)))
        else:
            ceremony = add_months(today, -rng.randint(13, 24))
        added = ceremony - dt.timedelta(days=rng.randint(300, 450))
    else:
        added = today - dt.timedelta(days=rng.randint(60, 500))
    # Old enough on the day they were added (the services check it in months).
    if (added - birth).days < 19 * 365:
        birth = dt.date(added.year - 20 - rng.randint(0, 10), birth.month, birth.day)
    c = services.candidate_create(
        actor=None, unit=cell, full_name=make_name(rng, gender), gender=gender, birth_date=birth, added_on=added
    )
    if stage == Stage.AWARENESS:
        return c
    if stage == Stage.STOPPED:
        return services.candidate_stop(
            actor=None, candidate=c, on=_past(added + dt.timedelta(days=rng.randint(30, 60)), today),
            reason=rng.choice(STOP_REASONS),
        )
    certificate_on = _past(added + dt.timedelta(days=rng.randint(20, 60)), today)
    c = services.candidate_certificate(
        actor=None, candidate=c, number=f"{rng.randint(100, 999)}/CN-TTCT", on=certificate_on
    )
    if stage == Stage.FILE:
        ready = FORMS[: rng.randint(0, len(FORMS))]
        return services.candidate_forms(actor=None, candidate=c, forms=ready) if ready else c
    c = services.candidate_forms(actor=None, candidate=c, forms=FORMS)
    if stage == Stage.DECISION:
        return services.candidate_resolution(actor=None, candidate=c, on=resolution)
    if stage == Stage.CEREMONY:
        c = services.candidate_resolution(actor=None, candidate=c, on=cal.add(decision, -rng.randint(20, 55)))
        return services.candidate_decision(actor=None, candidate=c, on=decision, number=_number(rng, "QĐ/ĐU"))
    decision = ceremony - dt.timedelta(days=rng.randint(7, 25))
    c = services.candidate_resolution(actor=None, candidate=c, on=cal.add(decision, -rng.randint(20, 55)))
    c = services.candidate_decision(actor=None, candidate=c, on=decision, number=_number(rng, "QĐ/ĐU"))
    if helper is None:
        return c
    c = services.candidate_ceremony(actor=None, candidate=c, on=ceremony, helper=helper)
    if stage == Stage.PROBATION:
        return c
    assert c.probation_end is not None  # noqa: S101 - set by the ceremony
    review = _past(cal.add(c.probation_end, rng.randint(3, 25)), today)
    c = services.candidate_review(actor=None, candidate=c, on=review, passed=True)
    if stage == Stage.RECOGNITION:
        return c
    recognition = _past(cal.add(review, rng.randint(5, 40)), today)
    return services.candidate_recognise(actor=None, candidate=c, on=recognition, number=_number(rng, "QĐ/ĐU"))


def _number(rng: random.Random, suffix: str) -> str:
    return f"{rng.randint(10, 480)}-{suffix}"


def _targets(city: Unit, today: dt.date) -> int:
    rng = random.Random(SEED + 1)  # noqa: S311 - demo data, not secrets
    made = 0
    for ward, cells in _ward_cells(city).items():
        for year in (today.year - 1, today.year):
            total = rng.randint(3, 8)
            residential = rng.randint(1, max(1, total // 2))
            enterprise = rng.randint(0, 1) if any("Công ty" in c.name for c in cells) else 0
            services.target_set(actor=None, unit=ward, year=year, total=total, residential=residential, enterprise=enterprise)
            made += 1
    return made


@transaction.atomic
def _follow_probationary(city: Unit, today: dt.date) -> dict[str, int]:
    """Follow each probationary member of the demo roster from the day they were admitted:
    two in three reviewed and recognised (official from the end of their 12 months), the others
    left for the review, late when its deadline has passed."""
    rng = random.Random(SEED + 2)  # noqa: S311 - demo data, not secrets
    followed = set(Candidate.objects.values_list("person_id", flat=True))
    rows = (
        Membership.objects.current().filter(unit__path__startswith=city.path, person__status=Person.Status.PROBATION)
        .exclude(person_id__in=followed).select_related("person", "unit").order_by("person_id")
    )
    cal = workdays.WorkCalendar()
    counts = Counter[str]()
    cell_helpers = _helpers(list({m.unit for m in rows}))
    for m in rows:
        person = m.person
        if not person.joined_on or person.joined_on > today:
            continue
        c = services.candidate_probationary(
            actor=None, person=person, unit=m.unit, ceremony_on=person.joined_on, helper=cell_helpers.get(m.unit_id),
        )
        counts["probationary followed"] += 1
        assert c.probation_end is not None  # noqa: S101 - set by the service
        if c.probation_end <= today and rng.random() < 2 / 3:
            review = _past(cal.add(c.probation_end, rng.randint(3, 25)), today)
            c = services.candidate_review(actor=None, candidate=c, on=review, passed=True)
            recognition = _past(cal.add(review, rng.randint(5, 30)), today)
            services.candidate_recognise(actor=None, candidate=c, on=recognition, number=_number(rng, "QĐ/ĐU"))
            counts["probationary recognised"] += 1
        elif c.is_late(today):
            counts["probationary flagged"] += 1
    return dict(counts)
