import datetime as dt

import pytest

from dangbo.assignments.scan import scan_deadlines
from dangbo.citizens import services
from dangbo.core.models import Notification

from .conftest import make_case

pytestmark = pytest.mark.django_db
D = dt.date


def test_overdue_cases_notify_the_units_managers_once_a_day(cast, django_assert_max_num_queries):
    late = make_case(cast.ward1, kind="to_cao", name="Người Tố Cáo Bí Mật")
    on_time = make_case(cast.ward1, received_on=D(2026, 5, 12))
    answered = make_case(cast.ward1)
    services.case_acknowledge(actor=None, case=answered, outcome="accepted")
    summary = scan_deadlines(today=D(2026, 5, 14))
    assert set(summary) == {"due_soon", "overdue", "behind", "escalated", "notified"}
    notes = list(Notification.objects.filter(verb="case.overdue"))
    assert [n.user for n in notes] == [cast.ward_secretary]
    assert late.code[:5] in notes[0].title and "Người Tố Cáo" not in notes[0].title + notes[0].body
    assert notes[0].url == late.get_absolute_url()
    assert summary["notified"] >= 1
    assert on_time.pk and scan_deadlines(today=D(2026, 5, 14))["notified"] == 0
    for _ in range(10):
        make_case(cast.cell1)
    with django_assert_max_num_queries(12):
        from dangbo.citizens.scan import scan_cases

        assert scan_cases(D(2026, 5, 15)) == 11  # ward1's late case again, the cell's 10


def test_a_case_long_overdue_is_escalated_to_the_head_above_once(cast, settings):
    settings.DANGBO_ESCALATE_AFTER_DAYS = 14
    late = make_case(cast.cell1)  # acknowledge by 13/5/2026
    scan_deadlines(today=D(2026, 5, 20))
    assert not Notification.objects.filter(verb="case.escalated").exists()
    scan_deadlines(today=D(2026, 5, 28))
    escalated = list(Notification.objects.filter(verb="case.escalated"))
    assert [n.user for n in escalated] == [cast.ward_secretary] and late.code[:5] in escalated[0].title
    scan_deadlines(today=D(2026, 5, 29))
    assert Notification.objects.filter(verb="case.escalated").count() == 1
