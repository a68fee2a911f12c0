"""Report cadence: monthly and quarterly progress reports owed, reminded, missed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.assignments import selectors, services
from dangbo.assignments.cadence import needs_report_q, period_of
from dangbo.assignments.models import Task
from dangbo.assignments.scan import scan_deadlines, scan_reports
from dangbo.core import notifications
from dangbo.core.models import Notification
from dangbo.orgs.models import Person

D = dt.date
HANOI = dt.timezone(dt.timedelta(hours=7))
pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 10):
    """Travel to ``day`` at ``hour`` o'clock in Hà Nội."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=HANOI), tick=False)


def scan(day: dt.date) -> dict[str, int]:
    with at(day):
        return scan_reports()


def report(task: Task, when: dt.datetime, percent: int = 20, period: str = "") -> None:
    with at(when.date(), when.hour):
        services.report_submit(actor=None, task=task, percent=percent, period=period, reported_at=when)


def sent(user, verb: str = "") -> list[Notification]:
    qs = Notification.objects.filter(user=user, verb__startswith="task.report")
    return list(qs.filter(verb=verb) if verb else qs)


@pytest.fixture
def member_person(cast):
    return Person.objects.get(user=cast.member)


@pytest.fixture
def monthly(cast, make_task, member_person):
    with at(D(2026, 10, 1)):
        return make_task(
            title="Báo cáo hằng tháng về cải cách hành chính", unit=cast.ward1, start=D(2026, 9, 1),
            deadline=D(2027, 6, 30), cadence="monthly", responsible=member_person,
        )


@pytest.fixture
def quarterly(cast, make_task):
    with at(D(2026, 7, 1)):
        return make_task(
            title="Báo cáo quý về công tác dân vận", unit=cast.ward1, start=D(2026, 7, 1),
            deadline=D(2027, 12, 31), cadence="quarterly",
        )


# --- Periods ------------------------------------------------------------------------------


def test_periods_are_calendar_months_and_quarters():
    feb = period_of("monthly", D(2028, 2, 10))
    assert (feb.start, feb.end, feb.key) == (D(2028, 2, 1), D(2028, 2, 29), "2028-02")
    assert feb.previous().key == "2028-01" and feb.next().key == "2028-03"
    q4 = period_of("quarterly", D(2026, 11, 25))
    assert (q4.start, q4.end, q4.key) == (D(2026, 10, 1), D(2026, 12, 31), "2026-Q4")
    assert q4.next().key == "2027-Q1" and q4.previous().key == "2026-Q3"
    assert "IV/2026" in q4.label and "11/2026" in period_of("monthly", D(2026, 11, 3)).label
    assert q4.window_open() == D(2026, 12, 27)  # the last 5 days
    assert q4.reminding(D(2026, 12, 27)) and not q4.reminding(D(2026, 12, 26))
    assert q4.next().catching_up(D(2027, 1, 5)) and not q4.next().catching_up(D(2027, 1, 6))


# --- The reminder --------------------------------------------------------------------------


def test_reminder_goes_once_in_the_last_days_of_the_month(cast, monthly):
    assert scan(D(2026, 11, 25)) == {"report_due": 0, "report_missing": 0, "notified": 0}
    first = scan(D(2026, 11, 26))
    assert first == {"report_due": 1, "report_missing": 0, "notified": 2}
    [note] = sent(cast.ward_secretary, "task.report_due")  # the manager of the unit in charge
    assert note.key == f"task.report_due:{monthly.pk}:2026-11"
    assert "11/2026" in note.title and "30/11/2026" in note.title and monthly.title in note.title
    assert note.url == monthly.get_absolute_url()
    assert len(sent(cast.member, "task.report_due")) == 1  # the responsible person
    assert scan(D(2026, 11, 26)) == {"report_due": 0, "report_missing": 0, "notified": 0}
    assert scan(D(2026, 11, 30)) == {"report_due": 0, "report_missing": 0, "notified": 0}
    assert Notification.objects.filter(verb="task.report_due").count() == 2


def test_the_daily_scan_sends_it_and_keeps_its_summary(cast, monthly):
    with at(D(2026, 11, 27)):
        first = scan_deadlines()
        second = scan_deadlines()
    assert set(first) == {"due_soon", "overdue", "behind", "escalated", "notified"}
    assert first["notified"] >= 2 and second["notified"] == 0
    assert len(sent(cast.ward_secretary)) == 1


def test_no_reminder_when_the_month_has_a_report(cast, monthly):
    report(monthly, dt.datetime(2026, 11, 3, 9, tzinfo=HANOI))
    assert scan(D(2026, 11, 28))["report_due"] == 0
    assert scan(D(2026, 12, 1))["report_missing"] == 0
    assert sent(cast.ward_secretary) == []


def test_a_report_of_last_month_does_not_count_for_this_one(cast, monthly):
    report(monthly, dt.datetime(2026, 10, 31, 23, 30, tzinfo=HANOI))  # 16:30 UTC: still October here
    assert scan(D(2026, 11, 1))["report_missing"] == 0
    assert scan(D(2026, 11, 28))["report_due"] == 1


def test_missing_report_of_the_previous_month_is_told_once(cast, monthly):
    assert scan(D(2026, 12, 1)) == {"report_due": 0, "report_missing": 1, "notified": 2}
    [note] = sent(cast.ward_secretary, "task.report_missing")
    assert note.key == f"task.report_missing:{monthly.pk}:2026-11" and note.level == "warning"
    assert "11/2026" in note.title
    assert scan(D(2026, 12, 1))["report_missing"] == 0
    assert scan(D(2026, 12, 2))["report_missing"] == 0
    assert len(sent(cast.member, "task.report_missing")) == 1


def test_missing_notice_still_goes_when_the_first_day_was_skipped(cast, monthly):
    assert scan(D(2026, 12, 3))["report_missing"] == 1
    assert scan(D(2026, 12, 10))["report_missing"] == 0  # only in the first days of the period


def test_a_late_report_labelled_with_the_month_counts_for_it(cast, monthly):
    report(monthly, dt.datetime(2026, 12, 1, 8, tzinfo=HANOI), period="2026-11")
    assert scan(D(2026, 12, 1))["report_missing"] == 0


def test_quarterly_boundaries(cast, quarterly):
    assert scan(D(2026, 11, 28))["report_due"] == 0  # not a quarter's end
    assert scan(D(2026, 12, 26))["report_due"] == 0
    assert scan(D(2026, 12, 27))["report_due"] == 1
    [note] = sent(cast.ward_secretary, "task.report_due")
    assert note.key.endswith(":2026-Q4") and "IV/2026" in note.title and "31/12/2026" in note.title
    assert scan(D(2027, 1, 1)) == {"report_due": 0, "report_missing": 1, "notified": 1}
    assert sent(cast.ward_secretary, "task.report_missing")[0].key.endswith(":2026-Q4")


def test_quarterly_report_on_the_last_evening_of_a_quarter_counts_for_that_quarter(cast, quarterly):
    report(quarterly, dt.datetime(2026, 9, 30, 23, 30, tzinfo=HANOI))  # Q3, by the site's clock
    assert scan(D(2026, 10, 1))["report_missing"] == 0  # Q3 was filed
    report(quarterly, dt.datetime(2026, 10, 2, 9, tzinfo=HANOI))
    assert scan(D(2026, 12, 28))["report_due"] == 0  # Q4 was filed too
    assert scan(D(2027, 1, 2))["report_missing"] == 0


def test_closed_paused_and_awaiting_tasks_owe_nothing(cast, make_task):
    with at(D(2026, 10, 1)):
        tasks = {
            status: make_task(title=f"Nhiệm vụ {status}", unit=cast.ward1, start=D(2026, 9, 1),
                              deadline=D(2027, 6, 30), cadence="monthly")
            for status in ("cancelled", "done", "awaiting", "paused")
        }
        services.task_transition(actor=None, task=tasks["cancelled"], to="cancelled", reason="Không còn phù hợp")
        services.task_transition(actor=None, task=tasks["paused"], to="paused", reason="Chờ chủ trương")
        services.task_transition(actor=None, task=tasks["awaiting"], to="awaiting")
        services.task_transition(actor=None, task=tasks["done"], to="awaiting")
        services.task_transition(actor=None, task=tasks["done"], to="done")
    assert scan(D(2026, 11, 28))["report_due"] == 0
    assert scan(D(2026, 12, 1))["report_missing"] == 0
    assert sent(cast.ward_secretary) == []


def test_tasks_without_a_cadence_owe_nothing(cast, make_task):
    with at(D(2026, 10, 1)):
        make_task(title="Không báo cáo định kỳ", start=D(2026, 9, 1), deadline=D(2027, 6, 30))
    assert scan(D(2026, 11, 28)) == scan(D(2026, 12, 1)) == {"report_due": 0, "report_missing": 0, "notified": 0}


def test_a_task_assigned_inside_the_window_owes_from_the_next_month(cast, make_task):
    with at(D(2026, 11, 27)):
        make_task(title="Giao muộn trong tháng", start=D(2026, 11, 27), deadline=D(2027, 6, 30), cadence="monthly")
    with at(D(2026, 11, 2)):  # entered in November with a start in January
        make_task(title="Nhập muộn", start=D(2026, 1, 1), deadline=D(2027, 6, 30), cadence="monthly")
    assert scan(D(2026, 11, 3))["report_missing"] == 0  # October: it was not in the system yet
    assert scan(D(2026, 11, 28))["report_due"] == 1  # the one entered on 2 November
    assert scan(D(2026, 12, 1))["report_missing"] == 1
    assert scan(D(2026, 12, 28))["report_due"] == 2


def test_the_outsider_and_the_city_hear_nothing(cast, monthly, make_task):
    with at(D(2026, 10, 1)):
        theirs = make_task(title="Của Đông Lương", unit=cast.ward_dl, start=D(2026, 9, 1),
                           deadline=D(2027, 6, 30), cadence="monthly")
    scan(D(2026, 11, 28))
    scan(D(2026, 12, 1))
    assert sent(cast.outsider, "task.report_due")[0].object_id == theirs.pk
    assert all(n.object_id == theirs.pk for n in sent(cast.outsider))
    assert not any(n.object_id == theirs.pk for n in sent(cast.ward_secretary))
    assert sent(cast.clerk) == [] and sent(cast.cell_secretary) == []


def test_the_reminder_reaches_the_daily_digest(cast, monthly):
    cast.ward_secretary.email = "bithu.phuong1@example.vn"
    cast.ward_secretary.save(update_fields=["email"])
    with at(D(2026, 11, 28), 5):
        scan_deadlines()
        assert notifications.send_daily_digests() == 1
    [message] = mail.outbox
    assert message.to == ["bithu.phuong1@example.vn"]
    assert monthly.title in message.body and "30/11/2026" in message.body


def test_scan_runs_a_fixed_number_of_queries(cast, make_task, member_person):
    def add(n, first):
        with at(D(2026, 10, 1)):
            for i in range(n):
                make_task(title=f"Định kỳ {first + i}", unit=cast.cell1 if i % 2 else cast.ward1,
                          start=D(2026, 9, 1), deadline=D(2027, 6, 30),
                          cadence="monthly" if i % 3 else "quarterly", responsible=member_person)

    add(3, 0)
    with at(D(2026, 12, 28)), CaptureQueriesContext(connection) as small:
        scan_reports()
    queries = len(small.captured_queries)
    Notification.objects.filter(verb__startswith="task.report").delete()
    add(40, 100)
    with at(D(2026, 12, 28)), CaptureQueriesContext(connection) as large:
        summary = scan_reports()
    assert summary["report_due"] == 43
    assert len(large.captured_queries) == queries


def test_database_and_page_agree_on_what_is_due(cast, make_task):
    """``needs_report_q`` (lists) and ``ReportState.due`` (pages) apply the same rule."""
    with at(D(2026, 7, 1)):
        tasks = [
            make_task(title=f"Định kỳ {i}", start=D(2026, 6, 1) + dt.timedelta(days=20 * i),
                      deadline=D(2027, 12, 31), cadence="monthly" if i % 2 else "quarterly")
            for i in range(6)
        ]
    report(tasks[0], dt.datetime(2026, 7, 30, 9, tzinfo=HANOI))
    report(tasks[1], dt.datetime(2026, 8, 29, 9, tzinfo=HANOI))
    report(tasks[2], dt.datetime(2026, 9, 2, 9, tzinfo=HANOI), period="2026-Q3")
    day = D(2026, 7, 20)
    while day < D(2027, 1, 10):
        due = set(Task.objects.filter(needs_report_q(day)).values_list("pk", flat=True))
        states = selectors.report_states(tasks=list(Task.objects.all()), today=day)
        assert due == {pk for pk, state in states.items() if state.due}, day
        day += dt.timedelta(days=3)


# --- Pages -----------------------------------------------------------------------------------


def test_task_page_shows_when_the_next_report_is_due(cast, login, monthly):
    url = reverse("assignments:task_detail", args=[monthly.pk])

    def page(day):
        with at(day):  # sessions last 8 hours: log in on the day
            return login(cast.ward_secretary).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    body = page(D(2026, 11, 10))
    assert "Next report due by" in body and "30/11/2026" in body and "Report due by" not in body
    assert "Report due by 30/11/2026" in page(D(2026, 11, 27))
    body = page(D(2026, 12, 5))
    assert "Report for month 11/2026 missing" in body and "31/12/2026" in body
    report(monthly, dt.datetime(2026, 12, 6, 9, tzinfo=HANOI))
    body = page(D(2026, 12, 7))
    assert "the report for month 12/2026 was sent" in body and "31/01/2027" in body
    with at(D(2026, 12, 7)):
        assert login(cast.outsider).get(url).status_code == 404


def test_my_work_lists_the_reports_to_send(cast, login, monthly, quarterly):
    url = reverse("assignments:my_work")
    with at(D(2026, 11, 27)):
        response = login(cast.ward_secretary).get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert [t.pk for t in response.context["reports"]] == [monthly.pk, quarterly.pk]
        body = response.content.decode()
        assert "Report due by 30/11/2026" in body  # November ends in 4 days
        assert "Report for quarter III/2026 missing" in body  # the third quarter was missed
        assert login(cast.outsider).get(url).context["reports"] == []
        assert login(cast.member).get(url).context["reports"] == []  # view only: nothing to send
    report(monthly, dt.datetime(2026, 11, 28, 9, tzinfo=HANOI))
    report(quarterly, dt.datetime(2026, 11, 28, 9, tzinfo=HANOI))
    with at(D(2026, 11, 28)):
        assert login(cast.ward_secretary).get(url).context["reports"] == []
    with at(D(2027, 1, 8)):  # December was missed; nothing sent since
        response = login(cast.ward_secretary).get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert [t.pk for t in response.context["reports"]] == [monthly.pk]
        assert "Report for month 12/2026 missing" in response.content.decode()


def test_my_work_runs_a_fixed_number_of_queries(cast, login, make_task, django_assert_num_queries):
    def add(n, first):
        with at(D(2026, 10, 1)):
            for i in range(n):
                make_task(title=f"Định kỳ {first + i}", unit=cast.cell1 if i % 2 else cast.ward1,
                          start=D(2026, 9, 1), deadline=D(2027, 6, 30), cadence="monthly")

    url = reverse("assignments:my_work")
    add(2, 0)
    with at(D(2026, 11, 28)):
        client = login(cast.ward_secretary)
        client.get(url)
        with CaptureQueriesContext(connection) as small:
            assert len(client.get(url).context["reports"]) == 2
    queries = len(small.captured_queries)  # now: the log keeps the last 9,000 queries only
    add(30, 100)
    with at(D(2026, 11, 28)):
        client = login(cast.ward_secretary)
        client.get(url)
        with django_assert_num_queries(queries):
            assert len(client.get(url).context["reports"]) == 10


def test_task_page_reads_the_cadence_in_one_query(cast, login, make_task):
    with at(D(2026, 10, 1)):
        plain = make_task(title="Không định kỳ", start=D(2026, 9, 1), deadline=D(2027, 6, 30))
        monthly = make_task(title="Hằng tháng", start=D(2026, 9, 1), deadline=D(2027, 6, 30), cadence="monthly")
    for i in range(3):
        report(monthly, dt.datetime(2026, 10 + i, 5, 9, tzinfo=HANOI))
        report(plain, dt.datetime(2026, 10 + i, 5, 9, tzinfo=HANOI))
    counts = []
    with at(D(2026, 12, 28)):
        client = login(cast.ward_secretary)
        for task in (plain, monthly):
            url = reverse("assignments:task_detail", args=[task.pk])
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured.captured_queries))
    assert counts[1] == counts[0] + 1 and counts[1] <= 15
