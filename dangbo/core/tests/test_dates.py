import datetime as dt

import pytest

from dangbo.core import dates
from dangbo.core.dates import Span

D = dt.date


def test_month_end_knows_leap_years():
    assert dates.month_end(D(2024, 2, 10)) == D(2024, 2, 29)
    assert dates.month_end(D(2025, 2, 10)) == D(2025, 2, 28)
    assert dates.month_end(D(2100, 2, 1)) == D(2100, 2, 28)  # a century is no leap year…
    assert dates.month_end(D(2000, 2, 1)) == D(2000, 2, 29)  # …unless it divides by 400
    assert dates.month_end(D(2025, 4, 30)) == D(2025, 4, 30)
    assert dates.month_end(D(2025, 12, 1)) == D(2025, 12, 31)


def test_month_start_moves_across_the_new_year():
    assert dates.month_start(D(2025, 12, 15)) == D(2025, 12, 1)
    assert dates.month_start(D(2025, 12, 15), 1) == D(2026, 1, 1)
    assert dates.month_start(D(2026, 1, 31), -1) == D(2025, 12, 1)
    assert dates.month_start(D(2026, 3, 31), -15) == D(2024, 12, 1)
    assert dates.month_start(D(2024, 1, 1), 24) == D(2026, 1, 1)


def test_month_is_the_whole_calendar_month():
    assert dates.month(D(2024, 2, 29)) == Span(D(2024, 2, 1), D(2024, 2, 29))
    assert dates.month(D(2025, 12, 31)).days == 31


def test_months_ending_counts_back_over_december():
    assert dates.months_ending(D(2025, 2, 1), 4) == [D(2024, 11, 1), D(2024, 12, 1), D(2025, 1, 1), D(2025, 2, 1)]
    assert dates.months_ending(D(2026, 1, 31), 1) == [D(2026, 1, 1)]
    assert dates.months_ending(D(2026, 1, 31), 0) == []
    twelve = dates.months_ending(D(2026, 5, 20), 12)
    assert twelve[0] == D(2025, 6, 1) and twelve[-1] == D(2026, 5, 1) and len(set(twelve)) == 12


@pytest.mark.parametrize(
    ("day", "number", "start", "end"),
    [
        (D(2026, 1, 1), 1, D(2026, 1, 1), D(2026, 3, 31)),
        (D(2024, 2, 29), 1, D(2024, 1, 1), D(2024, 3, 31)),
        (D(2026, 6, 30), 2, D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 7, 1), 3, D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 11, 25), 4, D(2026, 10, 1), D(2026, 12, 31)),
        (D(2026, 12, 31), 4, D(2026, 10, 1), D(2026, 12, 31)),
    ],
)
def test_quarters(day, number, start, end):
    assert dates.quarter_number(day) == number
    assert dates.quarter(day) == Span(start, end)


def test_the_day_after_a_quarter_starts_the_next_one():
    q4 = dates.quarter(D(2026, 11, 25))
    assert dates.quarter(q4.end + dt.timedelta(days=1)) == Span(D(2027, 1, 1), D(2027, 3, 31))


def test_first_monday():
    assert dates.first_monday(2025, 9) == D(2025, 9, 1)  # the 1st is a Monday
    assert dates.first_monday(2025, 10) == D(2025, 10, 6)  # the 1st is a Wednesday
    assert dates.first_monday(2026, 2) == D(2026, 2, 2)  # the 1st is a Sunday
    assert dates.first_monday(2025, 11) == D(2025, 11, 3)  # the 1st is a Saturday
    assert all(dates.first_monday(2026, m).weekday() == 0 for m in range(1, 13))
    assert all(dates.first_monday(2026, m).day <= 7 for m in range(1, 13))


def test_last_days_of_a_month():
    november, december = dates.month(D(2026, 11, 3)), dates.month(D(2026, 12, 3))
    assert november.last_days(5) == Span(D(2026, 11, 26), D(2026, 11, 30))
    assert december.last_days(5) == Span(D(2026, 12, 27), D(2026, 12, 31))
    assert dates.month(D(2024, 2, 1)).last_days(3) == Span(D(2024, 2, 27), D(2024, 2, 29))
    assert dates.month(D(2025, 2, 1)).last_days(3) == Span(D(2025, 2, 26), D(2025, 2, 28))
    assert november.last_days(1) == Span(D(2026, 11, 30), D(2026, 11, 30))
    assert november.last_days(0) == november.last_days(1)  # never empty
    assert november.last_days(45) == november  # never beyond the period


def test_first_days_and_membership():
    january = dates.month(D(2026, 1, 20))
    first = january.first_days(5)
    assert first == Span(D(2026, 1, 1), D(2026, 1, 5))
    assert D(2026, 1, 5) in first and D(2026, 1, 6) not in first
    assert D(2025, 12, 31) not in january and D(2026, 1, 31) in january
    assert "2026-01-03" not in january
    assert january.first_days(40) == january


def test_add_years_keeps_29_february_in_range():
    assert dates.add_years(D(2024, 2, 29), -2) == D(2022, 2, 28)
    assert dates.add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)
    assert dates.add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert dates.add_years(D(2026, 12, 31), -2) == D(2024, 12, 31)
