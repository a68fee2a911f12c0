"""The cadres of the Đông Hà demo: 2025–2030 planning of the city and nine wards with criteria
results, rotations and appointments at each step, training and theory; loaded once."""

from __future__ import annotations

import datetime as dt

import pytest

from dangbo.orgs import services as orgs
from dangbo.orgs.demo import dongha
from dangbo.orgs.models import Position, UnitKind
from dangbo.people.cadres import demo
from dangbo.people.cadres.models import (
    CadreProfile,
    Move,
    Plan,
    PlanCandidate,
    Streamlining,
    Training,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dongha_tree():
    kinds = {k.code: k for k in UnitKind.objects.all()}
    city = orgs.unit_create(actor=None, parent=None, kind=kinds["dang-bo-huyen"], name=dongha.CITY[1], code=dongha.CITY[0])
    units = [city] + [
        orgs.unit_create(actor=None, parent=city, kind=kinds["dang-bo-xa"], name=name, code=f"{dongha.CITY[0]}-{code}")
        for code, name, _short in dongha.WARDS
    ]
    for n, unit in enumerate(units):
        for k in range(6):
            person = orgs.person_create(
                actor=None, full_name=f"Cán bộ {n}-{k}", gender="f" if k % 3 == 0 else "m",
                birth_date=dt.date(1962 + 5 * k + n % 3, 4, 1),
            )
            orgs.position_create(actor=None, person=person, unit=unit, title=f"Ủy viên {k}", start=dt.date(2015 + k, 1, 1))
    return units


def test_the_demo_plans_the_city_and_nine_wards_and_loads_once(dongha_tree):
    # Elected at the 2025 congress: after the 2025–2030 planning was decided, so not in its pool.
    newcomers = []
    for k in range(6):
        person = orgs.person_create(actor=None, full_name=f"Ủy viên mới {k}", gender="m", birth_date=dt.date(1990, 1, 1))
        orgs.position_create(actor=None, person=person, unit=dongha_tree[0], title="Ủy viên", start=dt.date(2025, 6, 20))
        newcomers.append(person)
    counts = demo.load(today=dt.date(2026, 12, 7))
    assert not PlanCandidate.objects.filter(person__in=newcomers).exists()
    assert PlanCandidate.objects.filter(plan__unit=dongha_tree[0]).exists()
    assert Plan.objects.filter(term_code="2025-2030").count() == 10
    assert counts["cadre plans"] == 10 and counts["cadre records"] == CadreProfile.objects.count() == 66
    assert PlanCandidate.objects.count() == counts["planned candidates"] >= 60
    assert PlanCandidate.objects.filter(all_met=False).exists() and PlanCandidate.objects.filter(all_met=True).exists()
    assert PlanCandidate.objects.filter(young=True).exists()
    statuses = set(Move.objects.values_list("status", flat=True))
    assert statuses == {"proposed", "decided", "in_post", "completed"}
    assert set(Move.objects.values_list("kind", flat=True)) == {"rotation", "appointment", "reappointment"}
    taken = Move.objects.filter(status__in=["in_post", "completed"])
    assert all(Position.objects.filter(pk=m.position_id, person=m.person, unit=m.unit).exists() for m in taken)
    assert Training.objects.filter(kind="theory").exists()
    assert Streamlining.objects.filter(year=2025).count() == 10
    before = (PlanCandidate.objects.count(), Move.objects.count(), Position.objects.count())
    assert demo.load(today=dt.date(2026, 12, 7)) == {}
    assert (PlanCandidate.objects.count(), Move.objects.count(), Position.objects.count()) == before
