"""The meetings demo on top of the Đông Hà demo, loaded once for the module (rolled back)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count

from dangbo.conftest import demo_tree
from dangbo.meetings import demo, selectors
from dangbo.meetings.models import (
    Attendance,
    LeaderAssignment,
    LeaderVisit,
    Meeting,
    MeetingScore,
    WorkingGroup,
)
from dangbo.orgs.models import Unit

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 3, 20)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with demo_tree(django_db_blocker):
        counts = demo.load(today=TODAY)
        yield counts


def test_every_cell_has_24_months(loaded):
    cells = Unit.objects.filter(path__startswith=Unit.objects.get(code="dongha").path, kind__holds_members=True)
    held = dict(
        Meeting.objects.filter(kind="regular", status="held", month__lt=TODAY.replace(day=1))
        .values_list("unit_id").annotate(n=Count("pk"))
    )
    assert all(22 <= held.get(c.pk, 0) <= 24 for c in cells)
    assert 90_000 <= Attendance.objects.count() <= 160_000
    assert loaded["meetings"] == Meeting.objects.count()


def test_realistic_scores_attendance_and_visits(loaded):
    grades = dict(Meeting.objects.filter(kind="regular", status="held").values_list("grade").annotate(n=Count("pk")))
    assert grades["tot"] > 0 and grades["kha"] > 0 and grades.get("trung-binh", 0) > 0
    rates = Meeting.objects.filter(kind="regular", status="held").values_list("present_count", "expected_count")
    overall = sum(p for p, _e in rates) / sum(e for _p, e in rates)
    assert 0.8 < overall < 0.97
    assert MeetingScore.objects.filter(rater="leader").exists()
    assert LeaderVisit.objects.filter(kind="meeting").exists() and LeaderVisit.objects.filter(kind="visit").exists()
    assert WorkingGroup.objects.filter(decision="687-KH/TU").count() == 3
    assert LeaderAssignment.objects.filter(person__user__username="bithu.phuong1").count() >= 3


def test_quality_pages_have_something_to_show(loaded):
    city = Unit.objects.get(code="dongha")
    months = selectors.window(TODAY, 24)
    rows = selectors.city_comparison(city=city, months=months)
    assert len([r for r in rows if r["unit"].kind.code == "dang-bo-xa"]) == 9
    assert any(r["missing"] for r in rows), [(r["unit"].name, r["cells"], r["held"], r["possible"]) for r in rows]
    coverage = selectors.coverage(root=city, months=3, today=TODAY)
    uncovered = sum(r["uncovered"] for r in coverage)
    assert 0 < uncovered < len(coverage), (uncovered, len(coverage))


def test_loading_again_changes_nothing(loaded):
    before = Meeting.objects.count(), Attendance.objects.count()
    assert demo.load(today=TODAY)["meetings"] == 0
    assert (Meeting.objects.count(), Attendance.objects.count()) == before


def test_the_687_working_groups_start_with_their_plan_in_2018(loaded):
    from dangbo.meetings.models import WorkingGroup

    groups = WorkingGroup.objects.filter(decision="687-KH/TU")
    assert groups.exists()
    assert set(groups.values_list("start", flat=True)) == {dt.date(2018, 6, 15)}


def test_this_months_meetings_are_mostly_held_past_the_first_week_and_never_after_today(loaded):
    """Issue 11 item 16: on 20/03 most cells have met this month; nothing is held after today."""
    this_month = Meeting.objects.filter(kind="regular", month=dt.date(2025, 3, 1))
    held = this_month.filter(status="held")
    assert held.count() >= 0.8 * this_month.count() > 0
    assert not held.filter(date__gte=TODAY).exists()
    assert not Meeting.objects.filter(status="held", date__gte=TODAY).exists()
    assert held.filter(present_count__gt=0).count() == held.count()  # held ones have their roll-call
    assert not this_month.exclude(status="held").filter(date__lt=dt.date(2025, 3, 1)).exists()

