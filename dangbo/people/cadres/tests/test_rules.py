"""The planning criteria as data and as plain checks (no database)."""

import datetime as dt
import itertools

from django.utils import translation

from dangbo.people.cadres import rules

QD50 = rules.Criteria(max_age_male=57, max_age_female=53, min_theory=3, min_years_in_post=2, young_age=40)


def test_every_rule_names_its_source_level_and_date_and_versions_do_not_overlap():
    by_level: dict[str, list[dict]] = {}
    for row in rules.RULES:
        assert row["source"] and row["level_code"] in {"huyen", "xa"} and row["effective_from"]
        assert 0 < row["young_target"] <= 100 and 0 < row["female_target"] <= 100
        by_level.setdefault(row["level_code"], []).append(row)
    for rows in by_level.values():
        rows.sort(key=lambda r: r["effective_from"])
        for older, newer in itertools.pairwise(rows):
            assert older["effective_to"] is not None and older["effective_to"] < newer["effective_from"]
        assert rows[-1]["effective_to"] is None
        assert "50-QĐ/TW" in rows[-1]["source"]


def test_age_counts_full_years_and_falls_back_on_the_birth_year():
    day = dt.date(2025, 1, 1)
    assert rules.age_on(day, birth_date=dt.date(1968, 1, 2), birth_year=None) == 56
    assert rules.age_on(day, birth_date=dt.date(1968, 1, 1), birth_year=None) == 57
    assert rules.age_on(day, birth_date=None, birth_year=1970) == 55
    assert rules.age_on(day, birth_date=None, birth_year=None) is None


def test_years_in_post_count_overlapping_posts_once_and_stop_at_the_day():
    day = dt.date(2025, 1, 1)
    spans = [(dt.date(2020, 1, 1), dt.date(2022, 12, 31)), (dt.date(2022, 1, 1), None), (dt.date(2026, 1, 1), None)]
    assert rules.years_in_post(spans, day) == 5.0
    assert rules.years_in_post([], day) == 0


def test_a_man_over_the_age_limit_is_not_met_and_the_reason_says_so():
    checks = rules.check(QD50, gender="m", age=58, theory=3, years=4)
    assert [c["met"] for c in checks] == [False, True, True]
    with translation.override("vi"):
        text = rules.describe(checks[0])
    assert "58" in text and "57" in text and "Quá tuổi" in text


def test_the_limit_for_women_is_their_own_and_theory_below_the_level_is_named():
    checks = rules.check(QD50, gender="f", age=54, theory=2, years=1)
    assert [c["met"] for c in checks] == [False, False, False]
    assert checks[0]["limit"] == 53
    with translation.override("vi"):
        assert "Cao cấp" in rules.describe(checks[1]) or "cao cấp" in rules.describe(checks[1])
        assert "Chưa có" in rules.describe(rules.check(QD50, gender="m", age=None, theory=3, years=3)[0])


def test_young_is_below_the_rules_age():
    assert rules.is_young(QD50, 39) and not rules.is_young(QD50, 40) and not rules.is_young(QD50, None)
