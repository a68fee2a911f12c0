import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangbo.core import workdays
from dangbo.core.models import CalendarDay, DeadlineRule

D = dt.date

pytestmark = pytest.mark.django_db


def test_weekends_are_off_and_weekdays_work():
    assert workdays.is_working_day(D(2026, 3, 10))  # a Tuesday
    assert not workdays.is_working_day(D(2026, 3, 14))  # Saturday
    assert not workdays.is_working_day(D(2026, 3, 15))  # Sunday
    assert workdays.add(D(2026, 3, 13), 1) == D(2026, 3, 16)  # Friday + 1 → Monday


def test_tet_is_off():
    # Tết Bính Ngọ: 16–20/2/2026 off, so the Friday before + 1 is the Monday after.
    for day in range(16, 21):
        assert not workdays.is_working_day(D(2026, 2, day))
    assert workdays.add(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert workdays.between(D(2026, 2, 13), D(2026, 2, 23)) == 1


def test_the_30_4_bridge_with_the_hung_kings_day_in_lieu():
    # 26/4/2026 (Sunday) is the Hùng Kings' day, off in lieu on Monday 27/4; 30/4 and 1/5
    # are a Thursday and a Friday.
    assert not workdays.is_working_day(D(2026, 4, 27))
    assert not workdays.is_working_day(D(2026, 4, 30))
    assert not workdays.is_working_day(D(2026, 5, 1))
    assert workdays.add(D(2026, 4, 24), 3) == D(2026, 5, 4)
    assert workdays.between(D(2026, 4, 24), D(2026, 5, 4)) == 3
    assert workdays.next_working_day(D(2026, 4, 29)) == D(2026, 5, 4)


def test_a_make_up_saturday_from_the_package():
    # 2025: Friday 2/5 off against Saturday 26/4 worked.
    assert workdays.is_working_day(D(2025, 4, 26))
    assert not workdays.is_working_day(D(2025, 5, 2))


def test_the_offices_table_wins_over_the_package():
    saturday, friday = D(2027, 1, 9), D(2027, 1, 15)
    assert workdays.add(D(2027, 1, 8), 1) == D(2027, 1, 11)
    CalendarDay.objects.create(date=saturday, kind=CalendarDay.Kind.WORKDAY, source="Thông báo của Bộ Nội vụ")
    CalendarDay.objects.create(date=friday, kind=CalendarDay.Kind.OFF, source="Thông báo của Bộ Nội vụ")
    assert CalendarDay.objects.get(date=saturday).year == 2027
    assert workdays.add(D(2027, 1, 8), 1) == saturday
    assert not workdays.is_working_day(friday)
    # Monday 11 to Monday 18: 12, 13, 14 and 18 (15 is now off).
    assert workdays.between(D(2027, 1, 11), D(2027, 1, 18)) == 4


def test_add_and_between_agree_across_a_year():
    start = D(2025, 12, 20)
    for n in (0, 1, 7, 10, 30, 250):
        assert workdays.between(start, workdays.add(start, n)) == n
    assert workdays.add(D(2026, 1, 5), -1) == D(2026, 1, 2)
    assert workdays.between(D(2026, 1, 5), D(2026, 1, 2)) == -1


def test_the_command_prints_the_date_and_the_count(capsys):
    assert workdays.main(["add", "2026-04-24", "3"]) == 0
    assert capsys.readouterr().out == "2026-05-04\n"
    assert workdays.main(["between", "2026-04-24", "2026-05-04"]) == 0
    assert capsys.readouterr().out == "3\n"
    assert workdays.main(["add", "24/04/2026", "3"]) == 2
    assert "usage" in capsys.readouterr().err


def test_a_deadline_rule_in_working_or_calendar_days_by_version():
    old = DeadlineRule.objects.create(
        code="t.rule", name="T", days=10, counting="working", source="A", effective_from=D(2019, 1, 1),
        effective_to=D(2025, 12, 31),
    )
    new = DeadlineRule.objects.create(
        code="t.rule", name="T", days=15, counting="calendar", source="B", effective_from=D(2026, 1, 1)
    )
    assert DeadlineRule.current("t.rule", D(2025, 6, 1)) == old
    assert DeadlineRule.current("t.rule", D(2026, 6, 1)) == new
    assert old.deadline(D(2026, 4, 24)) == D(2026, 5, 13)  # 4/5 is the third
    assert new.deadline(D(2026, 4, 24)) == D(2026, 5, 9)
    with pytest.raises(DeadlineRule.DoesNotExist):
        DeadlineRule.current("t.rule", D(2018, 1, 1))


def test_a_rule_cannot_end_before_it_starts():
    rule = DeadlineRule(
        code="t.rule", name="T", days=10, counting="working", source="A",
        effective_from=D(2026, 1, 1), effective_to=D(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert "effective_to" in error.value.message_dict
