"""The admission arithmetic, without the database."""

import datetime as dt

from dangbo.people.admission.rules import (
    add_months,
    age_allowed,
    age_in_months,
    probation_end,
    probation_month,
)

D = dt.date


def test_age_counts_full_months():
    assert age_in_months(D(2008, 6, 15), D(2026, 6, 14)) == 215
    assert age_in_months(D(2008, 6, 15), D(2026, 6, 15)) == 216


def test_age_limits_are_inclusive_in_months():
    assert not age_allowed(D(2008, 6, 15), D(2026, 6, 14), min_months=216, max_months=720)
    assert age_allowed(D(2008, 6, 15), D(2026, 6, 15), min_months=216, max_months=720)
    assert age_allowed(D(1966, 6, 15), D(2026, 7, 14), min_months=216, max_months=720)  # 60 years 0 months
    assert not age_allowed(D(1966, 6, 15), D(2026, 7, 15), min_months=216, max_months=720)  # 60 years 1 month


def test_add_months_keeps_the_last_day_of_short_months():
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert add_months(D(2025, 5, 19), -5) == D(2024, 12, 19)


def test_probation_ends_twelve_months_after_the_ceremony():
    assert probation_end(D(2025, 5, 19)) == D(2026, 5, 19)


def test_probation_month_counts_from_the_ceremony():
    assert probation_month(D(2025, 5, 19), D(2025, 5, 19)) == 1
    assert probation_month(D(2025, 5, 19), D(2026, 4, 18)) == 11
    assert probation_month(D(2025, 5, 19), D(2026, 4, 19)) == 12
    assert probation_month(D(2025, 5, 19), D(2026, 5, 19)) == 13
