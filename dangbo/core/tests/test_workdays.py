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
    # Friday 2/1/2026 is off (swapped for Saturday 10/1): the working day before 5/1 is 31/12.
    assert workdays.add(D(2026, 1, 5), -1) == D(2025, 12, 31)
    assert workdays.between(D(2026, 1, 5), D(2025, 12, 31)) == -1


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


# --- The announced swaps entered by migration 0010 (with their sources) ---------------------


def test_the_announced_swaps_are_data_with_their_sources():
    rows = {day.date: day for day in CalendarDay.objects.filter(year__in=[2019, 2020, 2024, 2025, 2026])}
    assert {d: rows[d].kind for d in rows} == {
        D(2019, 1, 5): "workday", D(2019, 4, 29): "off", D(2019, 5, 4): "workday",
        D(2024, 4, 29): "off", D(2024, 5, 4): "workday",
        D(2025, 4, 26): "workday", D(2025, 5, 2): "off",
        D(2026, 1, 2): "off", D(2026, 1, 10): "workday",
    }
    assert all("VPCP-KGVX" in day.source for day in rows.values())
    assert CalendarDay.objects.get(date=D(2018, 12, 31)).kind == "off"


def test_the_30_4_bridge_of_2025():
    # Wednesday 30/4 to Sunday 4/5 off: Friday 2/5 swapped for Saturday 26/4 (worked).
    assert workdays.is_working_day(D(2025, 4, 26))
    for day in (30, 1, 2, 3, 4):
        assert not workdays.is_working_day(D(2025, 4 if day == 30 else 5, day))
    assert workdays.next_working_day(D(2025, 4, 29)) == D(2025, 5, 5)
    # After Friday 25/4: Saturday 26/4, Monday 28/4, Tuesday 29/4, then Monday 5/5.
    assert workdays.between(D(2025, 4, 25), D(2025, 5, 5)) == 4
    assert workdays.add(D(2025, 4, 25), 10) == D(2025, 5, 13)


def test_new_year_2026_is_four_days_and_saturday_10_1_is_worked():
    # Công văn 12729/VPCP-KGVX: Thursday 1/1 to Sunday 4/1 off, Friday 2/1 swapped for Saturday 10/1.
    assert not workdays.is_working_day(D(2026, 1, 1))
    assert not workdays.is_working_day(D(2026, 1, 2))
    assert workdays.is_working_day(D(2026, 1, 10))
    assert workdays.next_working_day(D(2025, 12, 31)) == D(2026, 1, 5)
    assert workdays.add(D(2026, 1, 9), 1) == D(2026, 1, 10)
    # Ten working days from 31/12/2025: 5–9/1, Saturday 10/1, 12–15/1.
    assert workdays.add(D(2025, 12, 31), 10) == D(2026, 1, 15)


def test_tet_2026_is_nine_days_with_no_swap():
    # Saturday 14/2 to Sunday 22/2/2026: the five days of Tết (16–20/2) and two weekends.
    assert workdays.is_working_day(D(2026, 2, 13)) and workdays.is_working_day(D(2026, 2, 23))
    assert workdays.between(D(2026, 2, 13), D(2026, 2, 23)) == 1
    assert not any(workdays.is_working_day(D(2026, 2, day)) for day in range(14, 23))


def test_the_2019_and_2024_bridges():
    # 2019: Monday 31/12/2018 off for Saturday 5/1/2019; Monday 29/4 off for Saturday 4/5.
    assert not workdays.is_working_day(D(2018, 12, 31)) and workdays.is_working_day(D(2019, 1, 5))
    assert workdays.next_working_day(D(2018, 12, 28)) == D(2019, 1, 2)
    assert workdays.next_working_day(D(2019, 4, 26)) == D(2019, 5, 2)
    assert workdays.is_working_day(D(2019, 5, 4))
    # 2024: Saturday 27/4 to Wednesday 1/5 off, Saturday 4/5 worked.
    assert workdays.between(D(2024, 4, 26), D(2024, 5, 6)) == 4  # 2/5, 3/5, 4/5, 6/5


def test_a_swap_known_to_the_package_and_the_table_counts_once():
    # 2/5/2025 is both a package swap and a row: the year's working days are those of the package alone.
    import holidays as holiday_data

    package = holiday_data.country_holidays("VN", years=2025)
    expected = sum(
        1 for n in range(365)
        if (d := D(2025, 1, 1) + dt.timedelta(days=n)) in package.weekend_workdays
        or (d.weekday() < 5 and d not in package)
    )
    assert workdays.between(D(2024, 12, 31), D(2025, 12, 31)) == expected
