"""The search when hits are many: a count that stops at ``search.COUNT_CAP`` ("more than
1,000"), pages within the cap and past it in the order of relevance, and the permission
filter unchanged in every plan PostgreSQL may be given (``search._scope``). Runs on SQLite
and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.core import search
from dangbo.core.models import ApiToken, SearchEntry
from dangbo.core.search import search_for_user

pytestmark = pytest.mark.django_db

NOTE = "note"


def add_notes(count: int, title: str, *, unit, first: int = 1, **fields) -> None:
    """``count`` notes called ``title`` in ``unit``, ids from ``first``, one day apart."""
    entries = []
    for i in range(first, first + count):
        doc = search.SearchDocument(
            kind=NOTE, object_id=i, unit_id=unit.pk, title=title,
            date=dt.date(2000, 1, 1) + dt.timedelta(days=i), **fields,
        )
        entries.append(search.entry_for(doc))
    SearchEntry.objects.bulk_create(entries, batch_size=500)


def ids(results: search.SearchResults) -> list[int]:
    return [hit.object_id for hit in results.items]


@pytest.fixture(params=["narrow", "broad", "narrow subquery", "broad subquery"])
def plan(request, monkeypatch) -> str:
    """Each way PostgreSQL may be asked: a scope walked entry by entry or taken from the
    full-text index; its units as constants or, past ``LISTED_UNITS``, as a subquery.
    SQLite has one way: the four runs must agree there too."""
    if request.param.startswith("broad"):
        monkeypatch.setattr(search, "NARROW_SCOPE", 0)
    if request.param.endswith("subquery"):
        monkeypatch.setattr(search, "LISTED_UNITS", 0)
    return request.param


# --- The count ---------------------------------------------------------------------------


def test_hits_past_the_cap_are_counted_as_the_cap_with_the_flag(cast, plan):
    add_notes(search.COUNT_CAP, "Kế hoạch tuần", unit=cast.cell1)
    for user in (cast.clerk, cast.ward_secretary):
        exact = search_for_user(user, "ke hoach")
        assert (exact.count, exact.count_capped) == (search.COUNT_CAP, False)
    add_notes(1, "Kế hoạch tuần", unit=cast.cell1, first=search.COUNT_CAP + 1)
    for user in (cast.clerk, cast.ward_secretary):
        capped = search_for_user(user, "ke hoach")
        assert (capped.count, capped.count_capped) == (search.COUNT_CAP, True)
        assert len(capped.items) == 20
        assert capped.items[0].object_id == search.COUNT_CAP + 1  # the newest first


def test_fewer_hits_than_the_cap_are_counted_exactly(cast, plan, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 5)
    add_notes(5, "Thông báo", unit=cast.ward1)
    results = search_for_user(cast.ward_secretary, "thong bao", limit=2)
    assert (results.count, results.count_capped, len(results.items)) == (5, False, 2)
    past = search_for_user(cast.ward_secretary, "thong bao", limit=2, offset=10)
    assert (past.items, past.count, past.count_capped) == ([], 5, False)
    assert search_for_user(cast.ward_secretary, "khong co").count == 0


# --- Pages and the order of relevance -------------------------------------------------------


def test_pages_within_and_past_the_cap_keep_the_order_of_relevance(cast, plan, monkeypatch):
    add_notes(8, "Báo cáo tháng", unit=cast.cell1, body="kế hoạch tháng")
    add_notes(4, "Kế hoạch năm", unit=cast.ward1, first=20)
    add_notes(2, "Kế hoạch", unit=cast.city, first=40, number="07-KH/TU", shared_down=True)
    whole = ids(search_for_user(cast.ward_secretary, "ke hoach", limit=100))
    assert len(whole) == 14
    monkeypatch.setattr(search, "COUNT_CAP", 5)
    pages = [search_for_user(cast.ward_secretary, "ke hoach", limit=3, offset=o) for o in range(0, 15, 3)]
    assert [hit for page in pages for hit in ids(page)] == whole
    assert all((page.count, page.count_capped) == (5, True) for page in pages)
    past = search_for_user(cast.ward_secretary, "ke hoach", limit=3, offset=30)
    assert (past.items, past.count, past.count_capped) == ([], 5, True)


def test_a_capped_count_ranks_as_before(cast, plan, monkeypatch):
    """The tiers (exact number, number prefix, title, body), then newest first."""
    add_notes(1, "Báo cáo quý", unit=cast.ward1, first=1, body="Thực hiện Chỉ thị 05-CT/TW")
    add_notes(1, "Chỉ thị về học tập", unit=cast.ward1, first=2, number="05-CT/TW")
    add_notes(1, "Kết luận", unit=cast.ward1, first=3, number="05-CT/TWA")
    add_notes(1, "Chỉ thị 05 ct tw cũ", unit=cast.ward1, first=4)
    add_notes(1, "Chỉ thị 05 ct tw mới", unit=cast.ward1, first=5)
    expected = [2, 3, 5, 4, 1]
    assert ids(search_for_user(cast.ward_secretary, "05 ct tw")) == expected
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    capped = search_for_user(cast.ward_secretary, "05 ct tw")
    assert ids(capped) == expected and capped.count_capped


# --- The permission filter -----------------------------------------------------------------


def test_the_outsider_finds_nothing_of_the_sibling_ward_whatever_the_count(cast, plan):
    add_notes(search.COUNT_CAP + 1, "Nghị quyết chi bộ", unit=cast.cell1)
    add_notes(3, "Nghị quyết chi bộ", unit=cast.ward1, first=5000, shared_down=True)
    add_notes(2, "Nghị quyết chi bộ", unit=cast.cell_dl, first=6000)
    add_notes(1, "Nghị quyết chi bộ", unit=cast.city, first=7000, shared_down=True)
    outsider = search_for_user(cast.outsider, "nghi quyet chi bo", limit=100)
    assert (outsider.count, outsider.count_capped) == (3, False)
    assert sorted(ids(outsider)) == [6000, 6001, 7000]
    assert search_for_user(cast.ward_secretary, "nghi quyet chi bo").count_capped
    member = search_for_user(cast.member, "nghi quyet chi bo", limit=100, offset=1000)
    assert {hit.object_id for hit in member.items} <= set(range(1, 5003)) | {7000}


def test_every_plan_finds_the_same_for_everyone(cast, monkeypatch):
    search.rebuild()
    add_notes(3, "Đông Lương kế hoạch", unit=cast.city, shared_down=True)
    add_notes(2, "Đông Lương kế hoạch", unit=cast.ward1, first=10, shared_down=True)
    add_notes(2, "Đông Lương kế hoạch", unit=cast.cell_dl, first=20)

    def everyone() -> dict[str, list[tuple[str, int]]]:
        return {
            name: [(h.kind, h.object_id) for h in search_for_user(user, "dong luong", limit=100).items]
            for name, user in cast.everyone.items()
        }

    expected = everyone()
    assert (NOTE, 10) not in expected["outsider"] and (NOTE, 20) in expected["outsider"]
    assert (NOTE, 20) not in expected["ward_secretary"] and (NOTE, 10) in expected["member"]
    for narrow, listed in [(0, 0), (0, 10**6), (10**6, 0)]:
        monkeypatch.setattr(search, "NARROW_SCOPE", narrow)
        monkeypatch.setattr(search, "LISTED_UNITS", listed)
        assert everyone() == expected, (narrow, listed)


# --- The page and the API ----------------------------------------------------------------


def test_search_page_says_more_than_the_cap_and_pages_within_it(cast, login):
    add_notes(search.COUNT_CAP + 1, "Kế hoạch tuần", unit=cast.cell1)
    client = login(cast.ward_secretary)
    url = reverse("core:search")
    body = client.get(url, {"q": "ke hoach"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "More than 1.000 results for “ke hoach”" in body  # the site writes numbers the Vietnamese way
    assert "Page 1 of 50" in body and "page=2" in body
    last = client.get(url, {"q": "ke hoach", "page": "999"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Page 50 of 50" in last and 'start="981"' in last and "<mark>" in last
    few = client.get(url, {"q": "ke hoach tuan 0"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "More than" not in few


def test_a_capped_search_page_runs_as_many_queries_as_a_small_one(cast, login, django_assert_num_queries):
    client = login(cast.ward_secretary)
    url = reverse("core:search")
    add_notes(3, "Kế hoạch", unit=cast.cell1)
    client.get(url, {"q": "ke hoach"})  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, {"q": "ke hoach"}).status_code == 200
    add_notes(search.COUNT_CAP, "Kế hoạch", unit=cast.ward1, first=10)
    add_notes(50, "Kế hoạch", unit=cast.city, first=5000, shared_down=True)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url, {"q": "ke hoach", "page": "3"})
    assert response.status_code == 200 and "<mark>" in response.content.decode()


def test_api_adds_the_flag_and_serves_pages_past_the_cap(cast, client, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 4)
    add_notes(6, "Kế hoạch", unit=cast.ward1)
    headers = {"Authorization": f"Bearer {ApiToken.issue(user=cast.ward_secretary)[1]}"}
    first = client.get("/api/v1/search", {"q": "ke hoach", "limit": 4}, headers=headers).json()
    assert set(first) == {"items", "count", "count_capped"}
    assert (first["count"], first["count_capped"]) == (4, True)
    rest = client.get("/api/v1/search", {"q": "ke hoach", "limit": 4, "offset": 4}, headers=headers).json()
    assert [item["id"] for item in first["items"] + rest["items"]] == [6, 5, 4, 3, 2, 1]
    outsider = {"Authorization": f"Bearer {ApiToken.issue(user=cast.outsider)[1]}"}
    assert client.get("/api/v1/search", {"q": "ke hoach"}, headers=outsider).json() == {
        "items": [], "count": 0, "count_capped": False
    }
