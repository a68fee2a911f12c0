"""The ratings demo: 2023 under 124-QĐ/TW, 2025 under 366-QĐ/TW, pre-filled, some adjusted with
reasons, a discipline gate and a two-year flag; loading it again changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from dangbo.core.models import AuditEntry
from dangbo.orgs.models import Person
from dangbo.people.ratings import demo, services
from dangbo.people.ratings.models import Discipline, Rating

from .factories import meeting, task

pytestmark = pytest.mark.django_db


def test_the_demo_rates_two_years_under_their_rules_once(cast):
    member = Person.objects.get(user=cast.member)
    for n in range(3):
        task(cast, responsible=member, done_on=dt.date(2025, 2, 1 + n))
        task(cast, responsible=member, start=dt.date(2023, 1, 1), deadline=dt.date(2023, 6, 30),
             done_on=dt.date(2023, 3, 1))
    meeting(cast, day=dt.date(2025, 2, 3), present=[member])
    summary = demo.load(today=dt.date(2026, 1, 15), root_code=cast.city.code)
    assert summary["ratings_rated"] > 0 and summary["disciplines"] == 1
    assert set(Rating.objects.filter(year__in=[2023, 2024]).values_list("rule__code", flat=True)) == {"124-QD-TW"}
    assert set(Rating.objects.filter(year=2025).values_list("rule__code", flat=True)) == {"366-QD-TW"}
    cell = Rating.objects.get(person=member, year=2025, level="cell")
    assert cell.prefilled["tasks_done"]["value"] == 3 and cell.prefilled["attendance"]["of"] == 1
    assert cell.grade and cell.points is not None
    # The member of Phường 1 disciplined in 2025 is not excellent; the last is not completed twice.
    disciplined = Discipline.objects.get().person
    assert not Rating.objects.filter(person=disciplined, year=2025, grade="xuat_sac").exists()
    failing = Rating.objects.filter(person__isnull=False, grade="khong_hoan_thanh", level="cell")
    assert failing.filter(year=2023).exists() and failing.filter(year=2025).exists()
    assert services.previous_final(failing.get(year=2025)) == "khong_hoan_thanh"
    # Organisations rated too; nothing of Đông Lương's members at the cell level (only Phường 1 is rated).
    assert Rating.objects.filter(subject_unit=cast.cell1, year=2025).exclude(grade="").exists()
    assert not Rating.objects.filter(person__isnull=False, unit=cast.cell_dl).exclude(grade="").exists()
    before = (Rating.objects.count(), AuditEntry.objects.count(), Discipline.objects.count())
    again = demo.load(today=dt.date(2026, 1, 15), root_code=cast.city.code)
    assert again["ratings_rated"] == 0 and again["disciplines"] == 0
    assert (Rating.objects.count(), AuditEntry.objects.count(), Discipline.objects.count()) == before


def test_the_demo_without_the_city_does_nothing(db):
    assert demo.load(today=dt.date(2026, 1, 15)) == {}
