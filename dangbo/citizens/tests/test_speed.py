"""The pages that must hold a province: the case list and the response times of the top of the
tree, in a fixed number of queries, never counting every case."""

import datetime as dt
import statistics

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.citizens import selectors, services, views
from dangbo.citizens.models import Case

from .conftest import make_case

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_top_list_counts_its_cases_only_as_far_as_the_cap(cast, login, monkeypatch, django_assert_num_queries):
    """The clerk sees the whole tree (the province of a real install): the paginator counts at
    most the cap, then says "more than …", and the queries are the same with 8 cases or 30."""
    monkeypatch.setattr(views, "COUNT_CAP", 5)
    monkeypatch.setattr(views, "PER_PAGE", 2)
    for i in range(8):
        make_case([cast.ward1, cast.cell1, cast.ward_dl, cast.cell_dl][i % 4])
    client = login(cast.clerk)
    url = reverse("citizens:case_list")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        first = client.get(url)
    queries = [q["sql"] for q in small.captured_queries]  # read now: the next request resets them
    body = first.content.decode()
    assert first.context["page_obj"].paginator.capped and first.context["page_obj"].paginator.count == 5
    assert "trên 5 kết quả" in body and "page=2" in body
    counts = [sql for sql in queries if "COUNT(" in sql.upper() and "citizens_case" in sql]
    assert len(counts) == 1 and "LIMIT 6" in counts[0]  # never a COUNT(*) over every visible case
    last = client.get(url, {"page": 4})  # the page past the cap: counted exactly that far
    assert not last.context["page_obj"].paginator.capped
    assert last.context["page_obj"].number == 4 and "Trang 4/4" in last.content.decode()
    for i in range(22):
        make_case(cast.cell_dl if i % 2 else cast.cell1)
    with django_assert_num_queries(len(queries)):
        assert client.get(url).status_code == 200


def test_the_top_response_times_page_runs_a_fixed_number_of_queries(cast, login, django_assert_num_queries):
    """The city (the top) comparing its wards: counts and medians per ward from the SQL, the
    same queries with 4 cases or 34, and medians equal to ``statistics.median`` of the cases."""
    url = reverse("citizens:response_times")
    query = {"unit": cast.city.pk, "year": 2026}
    client = login(cast.clerk)
    for unit in (cast.ward1, cast.cell1, cast.ward_dl, cast.city):
        make_case(unit)
    client.get(url, query)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, query).status_code == 200
    acks = [D(2026, 4, 27), D(2026, 4, 28), D(2026, 5, 4), D(2026, 5, 6), D(2026, 5, 12)]
    for i in range(30):
        case = make_case([cast.ward1, cast.cell1, cast.ward_dl, cast.cell_dl, cast.office][i % 5])
        if i % 3:
            services.case_acknowledge(actor=None, case=case, outcome="accepted", on=acks[i % 5])
            if i % 2:
                services.case_answer(actor=None, case=case, answer="Xong", on=D(2026, 5, 20 + i % 7))
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(url, query)
    total, rows = page.context["total"], {t.unit: t for t in page.context["rows"]}
    cases = Case.objects.all()
    assert total.received == 34
    assert total.ack_median == statistics.median(c.ack_days for c in cases if c.ack_days is not None)
    assert total.answer_median == statistics.median(c.answer_days for c in cases if c.answer_days is not None)
    ward_dl = [c for c in cases if c.unit_id in (cast.ward_dl.pk, cast.cell_dl.pk)]
    assert rows[cast.ward_dl].received == len(ward_dl) == 13
    assert rows[cast.ward_dl].ack_median == statistics.median(c.ack_days for c in ward_dl if c.ack_days is not None)
    assert rows[cast.office].answer_median == statistics.median(
        c.answer_days for c in cases if c.unit_id == cast.office.pk and c.answer_days is not None
    )


def test_a_leaf_unit_has_its_own_figures_only(cast):
    make_case(cast.cell1)
    total, rows = selectors.response_times(user=cast.clerk, unit=cast.cell1, start=D(2026, 1, 1),
                                           end=D(2026, 12, 31), today=D(2026, 12, 7))
    assert rows == [] and total.received == 1 and total.ack_median is None
    empty, rows = selectors.response_times(user=cast.clerk, unit=cast.city, start=D(2020, 1, 1),
                                           end=D(2020, 12, 31), today=D(2026, 12, 7))
    assert empty.received == 0 and empty.ack_median is None and all(t.received == 0 for t in rows)
