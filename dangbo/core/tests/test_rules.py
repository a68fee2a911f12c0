"""The office edits the working-day calendar and the deadline rules: who may, what is refused,
what the history keeps."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from dangbo.core import rules, workdays
from dangbo.core.models import AuditEntry, CalendarDay, DeadlineRule

pytestmark = pytest.mark.django_db
D = dt.date


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rule(db):
    return DeadlineRule.objects.create(
        code="t.rule", name="Thử", days=10, counting="working", source="Văn bản A", effective_from=D(2019, 1, 1)
    )


def test_only_the_office_may_change_the_calendar_and_the_rules(cast, rule):
    assert rules.is_office(cast.clerk)
    for who in ("ward_secretary", "outsider", "cell_secretary", "member"):
        user = getattr(cast, who)
        assert not rules.is_office(user)
        with pytest.raises(PermissionDenied):
            rules.calendar_day_set(actor=user, date=D(2027, 3, 10), kind="off", source="TB")
        with pytest.raises(PermissionDenied):
            rules.deadline_rule_add(actor=user, code="t.rule", name="x", days=5, counting="working",
                                    source="B", effective_from=D(2027, 1, 1))
    assert not CalendarDay.objects.filter(year=2027).exists() and DeadlineRule.objects.filter(code="t.rule").count() == 1


def test_an_extra_day_off_and_a_make_up_saturday_move_the_deadlines(cast):
    # Wednesday 10/3/2027 off, Saturday 13/3/2027 worked.
    start = D(2027, 3, 8)
    before = workdays.add(start, 5)
    rules.calendar_day_set(actor=cast.clerk, date=D(2027, 3, 10), kind="off", source="Thông báo số 1/TB-BNV")
    rules.calendar_day_set(actor=cast.clerk, date=D(2027, 3, 13), kind="workday", source="Thông báo số 1/TB-BNV")
    assert not workdays.is_working_day(D(2027, 3, 10))
    assert workdays.is_working_day(D(2027, 3, 13))
    assert workdays.add(start, 5) == before  # one day lost, one gained
    entries = AuditEntry.objects.filter(action="calendar_day.set")
    assert entries.count() == 2 and all(e.actor == cast.clerk for e in entries)


def test_a_calendar_day_that_changes_nothing_or_has_no_source_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        rules.calendar_day_set(actor=cast.clerk, date=D(2027, 3, 11), kind="workday", source="")
    assert set(error.value.message_dict) == {"kind", "source"}
    with pytest.raises(ValidationError) as error:
        rules.calendar_day_set(actor=cast.clerk, date=D(2027, 3, 13), kind="off", source="TB")  # a Saturday
    assert "kind" in error.value.message_dict
    assert not CalendarDay.objects.filter(year=2027).exists()


def test_removing_a_calendar_day_is_kept_in_the_history(cast):
    day = rules.calendar_day_set(actor=cast.clerk, date=D(2027, 3, 10), kind="off", source="TB 1")
    rules.calendar_day_delete(actor=cast.clerk, day=day)
    assert not CalendarDay.objects.filter(year=2027).exists()
    history = rules.recent_changes(CalendarDay)
    assert [row.action for row in history.rows] == ["calendar_day.delete", "calendar_day.set"]


def test_a_new_version_ends_the_one_in_force_and_keeps_its_source(cast, rule):
    new = rules.deadline_rule_add(actor=cast.clerk, code="t.rule", name="Thử", days=5, counting="calendar",
                                  source="Văn bản B", effective_from=D(2027, 1, 1))
    rule.refresh_from_db()
    assert rule.effective_to == D(2026, 12, 31)
    assert DeadlineRule.current("t.rule", D(2026, 12, 31)) == rule
    assert DeadlineRule.current("t.rule", D(2027, 1, 1)) == new
    assert {e.action for e in AuditEntry.objects.filter(action__startswith="deadline_rule")} == {
        "deadline_rule.add", "deadline_rule.end"}


def test_a_rule_that_would_end_before_it_starts_is_refused(cast, rule):
    with pytest.raises(ValidationError) as error:
        rules.deadline_rule_add(actor=cast.clerk, code="t.rule", name="x", days=5, counting="working",
                                source="B", effective_from=D(2027, 1, 1), effective_to=D(2026, 1, 1))
    assert "effective_to" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        rules.deadline_rule_end(actor=cast.clerk, rule=rule, effective_to=D(2018, 1, 1))
    assert "effective_to" in error.value.message_dict
    rule.refresh_from_db()
    assert rule.effective_to is None and DeadlineRule.objects.filter(code="t.rule").count() == 1
    # The database refuses it too, whatever writes it.
    with pytest.raises(IntegrityError), transaction.atomic():
        DeadlineRule.objects.filter(pk=rule.pk).update(effective_to=D(2018, 1, 1))


def test_versions_never_overlap_nor_invent_a_rule(cast, rule):
    rules.deadline_rule_add(actor=cast.clerk, code="t.rule", name="x", days=5, counting="working",
                            source="B", effective_from=D(2027, 1, 1))
    with pytest.raises(ValidationError) as error:  # an older version running into the newer
        rules.deadline_rule_add(actor=cast.clerk, code="t.rule", name="x", days=7, counting="working",
                                source="C", effective_from=D(2025, 1, 1))
    assert "effective_to" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        rules.deadline_rule_end(actor=cast.clerk, rule=rule, effective_to=None)
    assert "effective_to" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        rules.deadline_rule_add(actor=cast.clerk, code="made.up", name="x", days=5, counting="working",
                                source="B", effective_from=D(2027, 1, 1))
    assert "code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        rules.deadline_rule_add(actor=cast.clerk, code="t.rule", name="x", days=0, counting="working",
                                source="B", effective_from=D(2028, 1, 1))
    assert "days" in error.value.message_dict


def test_the_pages_show_the_forms_to_the_office_only(cast, rule):
    for name in ("core:calendar", "core:deadline_rules"):
        office = _client(cast.clerk).get(reverse(name))
        ward = _client(cast.ward_secretary).get(reverse(name))
        assert office.status_code == ward.status_code == 200
        assert b'type="submit" class="button button-primary"' in office.content
        assert b'button button-primary' not in ward.content
    response = _client(cast.ward_secretary).post(reverse("core:calendar"), {
        "date": "2027-03-10", "kind": "off", "source": "TB"})
    assert response.status_code == 403 and not CalendarDay.objects.filter(year=2027).exists()
    response = _client(cast.outsider).post(reverse("core:deadline_rule_end", args=[rule.pk]), {"effective_to": ""})
    assert response.status_code == 403


def test_the_rules_page_shows_a_bad_end_next_to_the_rule(cast, rule):
    response = _client(cast.clerk).post(reverse("core:deadline_rule_end", args=[rule.pk]),
                                        {"effective_to": "2018-01-01"})
    assert response.status_code == 400
    assert "Quy định không thể hết hiệu lực trước khi có hiệu lực." in response.content.decode()
    response = _client(cast.clerk).post(reverse("core:calendar"), {"date": "2027-03-13", "kind": "off", "source": "TB"})
    assert response.status_code == 400 and not CalendarDay.objects.filter(year=2027).exists()


def test_the_citizens_answer_rules_are_real_and_sourced(db):
    complaint = DeadlineRule.current("citizens.answer.khieu_nai", D(2026, 5, 1))
    denunciation = DeadlineRule.current("citizens.answer.to_cao", D(2026, 5, 1))
    assert (complaint.days, complaint.counting) == (30, "calendar") and "Luật Khiếu nại" in complaint.source
    assert (denunciation.days, denunciation.counting) == (30, "calendar") and "Luật Tố cáo" in denunciation.source
    for row in DeadlineRule.objects.all():
        assert row.source and "Mặc định" not in row.source
