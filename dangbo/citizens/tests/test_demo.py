"""The cases demo on top of the Đông Hà demo tree (rolled back)."""

import datetime as dt

import pytest
from django.db.models import F

from dangbo.assignments.models import Task
from dangbo.citizens import demo
from dangbo.citizens.models import Case
from dangbo.conftest import demo_tree

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with demo_tree(django_db_blocker):
        counts = demo.load(today=TODAY)
        again = demo.load(today=TODAY)
        yield counts, again


def test_about_400_realistic_cases_loaded_once(loaded):
    counts, again = loaded
    assert again == {}
    assert counts["cases"] == Case.objects.count() and 300 <= counts["cases"] <= 500
    assert counts["merged"] == 1 and Case.objects.filter(merged_into__isnull=False).count() == 1
    kinds = set(Case.objects.values_list("kind", flat=True))
    assert kinds == set(Case.Kind.values)
    states = set(Case.objects.values_list("state", flat=True))
    assert states == set(Case.State.values)
    assert Case.objects.filter(acknowledged_on__gt=F("acknowledge_by")).exists()  # acknowledged late
    assert Case.objects.overdue(TODAY).exists()
    assert Task.objects.filter(source_kind=Task.SourceKind.PETITION).count() == counts["tasks"] > 0
    assert not Case.objects.filter(received_on__gt=TODAY).exists()


def test_reception_days_with_short_months_and_dialogues(loaded):
    from dangbo.citizens import selectors
    from dangbo.citizens.models import Dialogue, ReceptionDay
    from dangbo.orgs.models import Unit

    counts, _again = loaded
    assert ReceptionDay.objects.count() == counts["reception_days"] > 400
    assert ReceptionDay.objects.filter(date__year=2019).exists() and ReceptionDay.objects.filter(date__year=2026).exists()
    assert ReceptionDay.objects.filter(kind="ad_hoc").exists()
    assert Dialogue.objects.count() == counts["dialogues"] == 5
    assert Case.objects.filter(dialogue__isnull=False, channel="dialogue").count() == 15

    class Root:  # the superuser's view of the months
        is_authenticated = is_active = is_superuser = True

    shorts = 0
    for month in (dt.date(2019, 5, 1), dt.date(2020, 3, 1), dt.date(2024, 2, 1), dt.date(2026, 1, 1), dt.date(2026, 4, 1)):
        _days, rows = selectors.reception_month(user=Root(), month=month)
        assert rows
        shorts += sum(r.short for r in rows)
    assert shorts > 0
    city = Unit.objects.get(code="dongha")
    total, wards = selectors.response_times(user=Root(), unit=city, start=dt.date(2024, 1, 1),
                                            end=dt.date(2026, 12, 31), today=TODAY)
    assert total.received > 80 and len([w for w in wards if w.received]) >= 9
