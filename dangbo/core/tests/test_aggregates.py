"""``Median``: the same answers as ``statistics.median``, on PostgreSQL and on SQLite."""

import datetime as dt
import statistics

import pytest
from django.db import connection
from django.db.models import Q

from dangbo.core.aggregates import Median
from dangbo.core.models import CalendarDay

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_calendar():
    CalendarDay.objects.all().delete()  # the announced swaps the migrations enter


def day(year: int, kind: str = CalendarDay.Kind.OFF, month: int = 1) -> CalendarDay:
    return CalendarDay.objects.create(date=dt.date(year, month, 1 + CalendarDay.objects.count() % 28),
                                      kind=kind, source="test")


def test_the_median_of_odd_and_even_counts_and_of_nothing():
    assert CalendarDay.objects.aggregate(m=Median("year"))["m"] is None
    for year in (2001, 2009, 2003):
        day(year)
    assert CalendarDay.objects.aggregate(m=Median("year"))["m"] == 2003
    day(2020)
    years = list(CalendarDay.objects.values_list("year", flat=True))
    assert CalendarDay.objects.aggregate(m=Median("year"))["m"] == statistics.median(years) == 2006


def test_the_median_per_group_with_a_filter_is_computed_by_the_database(django_assert_num_queries):
    for year in (2001, 2002, 2010):
        day(year, CalendarDay.Kind.OFF)
    for year in (2005, 2007):
        day(year, CalendarDay.Kind.WORKDAY)
    with django_assert_num_queries(1) as captured:
        rows = {
            r["kind"]: (r["m"], r["late"])
            for r in CalendarDay.objects.values("kind").annotate(
                m=Median("year"), late=Median("year", filter=Q(year__gte=2002))
            ).order_by()
        }
    assert rows == {CalendarDay.Kind.OFF: (2002, 2006), CalendarDay.Kind.WORKDAY: (2006, 2006)}
    sql = captured.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "percentile_cont(0.5) WITHIN GROUP" in sql
    else:
        assert "dangbo_median(" in sql


def test_the_median_ignores_nulls():
    # ``Median`` skips what the database gives as NULL: a filter that excludes every row.
    day(2001)
    assert CalendarDay.objects.aggregate(m=Median("year", filter=Q(year__gt=3000)))["m"] is None


def test_groups_and_their_total_in_one_pass_on_postgresql(django_assert_num_queries):
    from django.db.models import Count, F

    from dangbo.core.aggregates import grouped_with_total

    for year, kind in ((2001, "off"), (2002, "off"), (2010, "off"), (2005, "workday"), (2007, "workday")):
        day(year, kind)
    keys, aggregates = {"group": F("kind")}, {"n": Count("id"), "m": Median("year")}
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        groups, total = grouped_with_total(CalendarDay.objects.all(), keys, aggregates)
    assert sorted((g["group"], g["n"], g["m"]) for g in groups) == [("off", 3, 2002), ("workday", 2, 2006)]
    assert total == {"n": 5, "m": statistics.median([2001, 2002, 2010, 2005, 2007])}  # not a median of medians
    CalendarDay.objects.all().delete()
    assert grouped_with_total(CalendarDay.objects.all(), keys, aggregates) == ([], {"n": 0, "m": None})
