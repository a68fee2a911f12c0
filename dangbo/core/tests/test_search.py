"""The one search: folding, numbers, ranking, snippets, the permission filter, the page,
the API and the index upkeep. Runs on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import unicodedata
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangbo.core import search
from dangbo.core.models import ApiToken, SearchEntry
from dangbo.core.search import search_for_user
from dangbo.orgs import services
from dangbo.orgs.models import Person, Unit, UnitKind
from dangbo.orgs.search import allowed_units

pytestmark = pytest.mark.django_db

NOTE = "note"  # a kind of the tests' own, written straight into the index


def add_note(object_id: int, title: str, *, unit=None, **fields) -> None:
    doc = search.SearchDocument(
        kind=NOTE,
        object_id=object_id,
        unit_id=unit.pk if unit is not None else None,
        title=title,
        **fields,
    )
    SearchEntry.objects.bulk_create([search.entry_for(doc)])


def found(q: str, **kwargs) -> list[int]:
    kwargs.setdefault("allowed_units", None)
    return [hit.object_id for hit in search.search(q, **kwargs).items]


# --- Text as the index sees it -----------------------------------------------------------


def test_words_fold_and_split_numbers():
    assert search.words("Nghị quyết 05-CT/TW") == ["nghi", "quyet", "05", "ct", "tw"]
    assert search.number_key("05-CT/TW") == "05cttw"
    assert search.number_key("30/2020/NĐ-CP") == "302020ndcp"


def test_entry_stores_the_number_split_and_joined():
    entry = search.entry_for(
        search.SearchDocument(kind=NOTE, object_id=1, unit_id=None, title="T", number="05-CT/TW")
    )
    assert entry.number_text == "05 ct tw 05cttw"
    assert entry.number_key == "05cttw"


# --- Matching ----------------------------------------------------------------------------


def test_accents_case_and_decomposed_text_do_not_matter():
    add_note(1, "Nghị quyết về phát triển kinh tế")
    add_note(2, unicodedata.normalize("NFD", "Chỉ thị về công tác cán bộ"))
    assert found("nghi quyet") == [1]
    assert found("NGHỊ QUYẾT") == [1]
    assert found(unicodedata.normalize("NFD", "nghị quyết")) == [1]
    assert found("chi thi can bo") == [2]
    assert found("Chỉ thị") == [2]


def test_d_lookalikes_match_d():
    add_note(1, "Đảng bộ phường Đông Lương")
    assert found("dang bo dong luong") == [1]
    assert found("\u00d0ảng bộ \u00f0ông lương") == [1]  # Icelandic eth
    assert found("\u0189ang \u0256ong") == [1]  # African D


def test_every_word_must_match_and_the_last_one_may_be_unfinished():
    add_note(1, "Nghị quyết về kinh tế")
    add_note(2, "Nghị định về thuế")
    assert found("nghi quy") == [1]
    assert sorted(found("nghi")) == [1, 2]
    assert found("nghi thue") == [2]
    assert found("quyet nghi thue") == []


@pytest.mark.parametrize("q", ["05-CT/TW", "05 ct tw", "05-ct", "05cttw", "05-ct/t", "05 CT"])
def test_a_number_is_found_however_it_is_typed(q):
    add_note(1, "Chỉ thị về tăng cường lãnh đạo", number="05-CT/TW")
    add_note(2, "Kế hoạch thực hiện", number="687-KH/TU")
    assert found(q) == [1]


# --- Ranking -----------------------------------------------------------------------------


def test_a_number_match_comes_before_a_body_match():
    add_note(1, "Báo cáo sơ kết", body="Thực hiện Chỉ thị 05-CT/TW, 05-CT/TW và 05-CT/TW " * 5)
    add_note(2, "Chỉ thị về học tập và làm theo", number="05-CT/TW", date=dt.date(2016, 5, 15))
    add_note(3, "Kết luận", number="05-KL/TW", body="05 ct tw")
    hits = found("05-CT/TW")
    assert hits[0] == 2 and sorted(hits[1:]) == [1, 3]  # the exact number first
    hits = found("05")
    assert set(hits[:2]) == {2, 3} and hits[2] == 1  # numbers starting with 05 first


def test_title_matches_come_before_body_matches_and_newer_before_older():
    add_note(1, "Báo cáo tháng", body="kế hoạch " * 40, date=dt.date(2024, 1, 1))
    add_note(2, "Kế hoạch năm 2019", date=dt.date(2019, 1, 1))
    add_note(3, "Kế hoạch năm 2021", date=dt.date(2021, 1, 1))
    assert found("ke hoach") == [3, 2, 1]


# --- Snippets ----------------------------------------------------------------------------


def test_snippet_marks_the_original_words_and_escapes_html():
    add_note(1, "<script>alert(1)</script> Nghị quyết số 05", body="")
    hit = search.search("nghi quyet", allowed_units=None).items[0]
    html = str(hit.snippet_html)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>Nghị</mark> <mark>quyết</mark>" in html
    assert str(hit.title_html) == html


def test_snippet_is_the_part_of_the_body_around_the_first_match():
    body = "Mở đầu. " * 60 + "Đảng bộ phường tổ chức quán triệt Nghị quyết <b>số 05</b>. " + "Kết thúc. " * 60
    add_note(1, "Báo cáo", body=body)
    html = str(search.search("quan triet", allowed_units=None).items[0].snippet_html)
    assert "<mark>quán</mark> <mark>triệt</mark>" in html
    assert "&lt;b&gt;số 05&lt;/b&gt;" in html
    assert html.startswith("… ") and html.endswith(" …")
    assert len(html) < 600


def test_snippet_marks_decomposed_text_and_prefixes():
    add_note(1, "Hồ sơ", body=unicodedata.normalize("NFD", "Thực hiện nghị quyết đúng hạn"))
    html = str(search.search("nghi quy", allowed_units=None).items[0].snippet_html)
    assert unicodedata.normalize("NFC", html) == "Thực hiện <mark>nghị</mark> <mark>quyết</mark> đúng hạn"


# --- Filters -----------------------------------------------------------------------------


def test_facets_dates_and_kinds_filter_inside_the_query():
    add_note(1, "Kế hoạch A", date=dt.date(2019, 3, 1), facets={"type": "KH", "issuer": 12, "term": "2015-2020"})
    add_note(2, "Kế hoạch B", date=dt.date(2021, 3, 1), facets={"type": "KH", "issuer": 13, "term": "2020-2025"})
    add_note(3, "Kế hoạch C", facets={"type": "NQ"})
    assert sorted(found("ke hoach", facets={"type": "KH"})) == [1, 2]
    assert found("ke hoach", facets={"issuer": 12}) == [1]
    assert found("ke hoach", facets={"issuer": "13"}) == [2]
    assert found("ke hoach", facets={"term": "2015-2020", "type": "KH"}) == [1]
    assert found("ke hoach", facets={"type": ""}) == found("ke hoach")
    assert found("ke hoach", date_from=dt.date(2020, 1, 1)) == [2]
    assert found("ke hoach", date_to=dt.date(2020, 1, 1)) == [1]
    assert found("ke hoach", kinds=["unit"]) == []
    add_note(4, "Kế hoạch D", facets={"field": ["kinh-te", "do-thi"], "issuer": [12, 14]})
    assert found("ke hoach", facets={"field": "do-thi"}) == [4]
    assert found("ke hoach", facets={"issuer": 14}) == [4]
    assert sorted(found("ke hoach", facets={"issuer": "12"})) == [1, 4]
    assert len(found("ke hoach", kinds=[NOTE])) == 4
    with pytest.raises(ValueError):
        search.search("ke hoach", allowed_units=None, facets={"a'b": 1})


def test_limit_offset_and_count():
    for i in range(7):
        add_note(i + 1, f"Thông báo số {i}", date=dt.date(2020, 1, i + 1))
    results = search.search("thong bao", allowed_units=None, limit=3, offset=3)
    assert results.count == 7
    assert [hit.object_id for hit in results.items] == [4, 3, 2]
    past = search.search("thong bao", allowed_units=None, limit=3, offset=30)
    assert past.items == [] and past.count == 7
    assert search.search("", allowed_units=None).count == 0


def test_entries_without_a_unit_are_for_superusers_only(cast):
    add_note(1, "Văn bản chung")
    add_note(2, "Văn bản của phường", unit=cast.ward1)
    assert sorted(found("van ban")) == [1, 2]
    assert found("van ban", allowed_units=Unit.objects.values("pk")) == [2]
    assert found("van ban", allowed_units=[]) == []
    assert found("van ban", allowed_units=[cast.ward1.pk]) == [2]


# --- The permission policy, with the cast ------------------------------------------------


def test_each_member_of_the_cast_finds_only_what_they_may_see(cast):
    search.rebuild()
    everything = ("unit", "person")

    def titles(user, q):
        return {hit.title for hit in search_for_user(user, q, kinds=everything, limit=100).items}

    assert "Đảng bộ Phường 1" in titles(cast.clerk, "phuong 1")
    assert titles(cast.outsider, "phuong 1") == set()
    assert titles(cast.outsider, "chi bo khu pho") == {"Chi bộ Khu phố 3 Đông Lương – Đảng bộ phường Đông Lương"}
    assert "Trần Văn Phú" in titles(cast.ward_secretary, "tran van phu")
    assert titles(cast.outsider, "tran van phu") == set()
    assert titles(cast.outsider, "hoang van minh") == set()
    assert titles(cast.member, "hoang van minh") == {"Hoàng Văn Minh"}
    # The member sees their cell (named with its parent, and found through it), not the ward.
    assert titles(cast.member, "phuong 1") == {"Chi bộ Khu phố 1 – Đảng bộ Phường 1"}
    assert titles(cast.member, "khu pho 1") == {"Chi bộ Khu phố 1 – Đảng bộ Phường 1", "Hoàng Văn Minh", "Phạm Thị Hoa"}


def test_the_permission_filter_is_a_subquery_of_the_one_statement(cast):
    search.rebuild()
    with CaptureQueriesContext(connection) as queries:
        results = search_for_user(cast.outsider, "phuong", limit=1)
    assert results.count > 1  # counted in the database, not after a page was cut
    sql = [q["sql"] for q in queries.captured_queries if "core_searchentry" in q["sql"]]
    # One statement finds, filters, ranks, counts and pages; on PostgreSQL a tiny one before
    # it sizes the scope and reads the scope's unit ids, which the search then holds as
    # constants (see search._scope).
    assert len(sql) == (2 if connection.vendor == "postgresql" else 1)
    assert "orgs_unit" in sql[0]
    assert "ORDER BY" in sql[-1] and "LIMIT" in sql[-1]
    if connection.vendor == "postgresql":
        outsider_units = sorted([cast.ward_dl.pk, cast.cell_dl.pk])
        assert search._id_array(outsider_units) in sql[-1]


def test_narrow_and_broad_scopes_find_the_same(cast, monkeypatch):
    """PostgreSQL plans a small scope and a large one differently (search._scope)."""
    search.rebuild()

    def hits(user):
        return [(h.kind, h.object_id) for h in search_for_user(user, "dong luong", limit=100).items]

    add_note(1, "Đông Lương chung", unit=cast.city, shared_down=True)
    narrow = {name: hits(user) for name, user in cast.everyone.items()}
    monkeypatch.setattr(search, "NARROW_SCOPE", 0)
    assert {name: hits(user) for name, user in cast.everyone.items()} == narrow
    assert len(narrow["outsider"]) == 4 and narrow["ward_secretary"] == [(NOTE, 1)]


def test_shared_down_entries_reach_the_units_below(cast):
    add_note(1, "Nghị quyết của Thành ủy", unit=cast.city, shared_down=True)
    add_note(2, "Nghị quyết nội bộ Thành ủy", unit=cast.city)
    add_note(3, "Nghị quyết của Phường 1", unit=cast.ward1, shared_down=True)

    def notes(user):
        return sorted(h.object_id for h in search_for_user(user, "nghi quyet", kinds=[NOTE]).items)

    assert notes(cast.clerk) == [1, 2, 3]
    assert notes(cast.ward_secretary) == [1, 3]
    assert notes(cast.member) == [1, 3]  # shared down to the cell, through the ward
    assert notes(cast.outsider) == [1]  # Phường 1's is not shared with its sibling
    with_office = search.search("nghi quyet", allowed_units=[cast.office.pk], shared_units=[cast.city.pk])
    assert sorted(h.object_id for h in with_office.items) == [1]


def test_the_scope_is_the_one_the_policy_s_app_registered(cast, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from dangbo.orgs import search as org_search

    assert search.scope_for(cast.outsider).allowed_units is not None
    assert search._SCOPE == [org_search.scope_for_user]
    monkeypatch.setattr(search, "_SCOPE", [])
    with pytest.raises(ImproperlyConfigured):  # no registered scope: no search, never "everything"
        search_for_user(cast.outsider, "phuong")
    search.register_scope(lambda user: search.UserScope(allowed_units=[cast.ward_dl.pk]))
    add_note(1, "Hồ sơ Đông Lương", unit=cast.ward_dl)
    add_note(2, "Hồ sơ Phường 1", unit=cast.ward1)
    assert [h.object_id for h in search_for_user(cast.clerk, "ho so").items] == [1]


def test_superusers_see_everything(cast, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "x" * 12)
    add_note(1, "Hồ sơ mật")
    assert allowed_units(admin) is None
    assert [hit.object_id for hit in search_for_user(admin, "ho so").items] == [1]


# --- Index upkeep ------------------------------------------------------------------------


def test_services_keep_units_and_people_indexed(cast, django_capture_on_commit_callbacks):
    kind = UnitKind.objects.get(code="chi-bo")
    with django_capture_on_commit_callbacks(execute=True):
        cell = services.unit_create(actor=None, parent=cast.ward1, kind=kind, name="Chi bộ Khu phố 9", code="t-kp9")
    assert found("khu pho 9", kinds=["unit"]) == [cell.pk]
    with django_capture_on_commit_callbacks(execute=True):
        services.unit_update(actor=None, unit=cell, name="Chi bộ Tổ dân phố Hòa Bình")
    assert found("khu pho 9", kinds=["unit"]) == []
    assert found("hoa binh", kinds=["unit"]) == [cell.pk]
    with django_capture_on_commit_callbacks(execute=True):
        person = services.person_create(actor=None, full_name="Võ Thị Sáu", gender="f")
    assert found("vo thi sau", kinds=["person"]) == [person.pk]


def test_a_merge_moves_the_people_with_their_cell(cast, django_capture_on_commit_callbacks):
    search.rebuild()
    today = timezone.localdate()
    member = Person.objects.get(user=cast.member)
    ward_view = allowed_units(cast.outsider)
    assert found("hoang van minh", allowed_units=ward_view) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.unit_merge(actor=None, sources=[cast.cell1], target=cast.cell_dl, date=today)
    assert found("hoang van minh", allowed_units=ward_view) == [member.pk]


def test_index_drops_objects_that_left_the_queryset_and_remove_drops_entries(cast):
    search.rebuild()
    person = Person.objects.get(user=cast.member)
    search.remove("person", [person.pk])
    assert found("hoang van minh") == []
    search.index(person)
    assert found("hoang van minh") == [person.pk]
    entry = SearchEntry.objects.get(kind="person", object_id=person.pk)
    entry_object = Person(pk=10**9, full_name="Không có")
    search.index([entry_object])  # not in the database: nothing to write, nothing left
    assert not SearchEntry.objects.filter(kind="person", object_id=10**9).exists()
    assert SearchEntry.objects.filter(pk=entry.pk).exists()


def test_index_needs_a_registered_kind():
    with pytest.raises(LookupError):
        search.index(ApiToken(pk=1))
    with pytest.raises(LookupError):
        search.rebuild(["nothing"])


def test_rebuild_command_prints_the_count(cast):
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    units, people = Unit.objects.count(), Person.objects.count()
    assert SearchEntry.objects.count() == units + people
    assert str(units + people) in out.getvalue()
    out = StringIO()
    call_command("rebuild_search_index", "--kind", "unit", stdout=out)
    assert str(units) in out.getvalue()
    with pytest.raises(CommandError):
        call_command("rebuild_search_index", "--kind", "nope", stdout=StringIO())


def test_a_full_rebuild_drops_kinds_nobody_registers(cast):
    add_note(1, "Mồ côi")
    search.rebuild(["unit"])
    assert SearchEntry.objects.filter(kind=NOTE).exists()
    search.rebuild()
    assert not SearchEntry.objects.filter(kind=NOTE).exists()


# --- Malformed input never breaks the query (both backends) ------------------------------

NASTY = ['"', "'", "&|!", ":*", "a:*B", "NOT", "NEAR(a b)", "{title_text}: x", "\\", "(", ")",
         "-", "*", "^", "x" * 5000, "\x00", "a\x00b", "05-CT/TW\"", "'; DROP TABLE x; --", "%_"]


@pytest.mark.parametrize("q", NASTY)
def test_malformed_queries_return_results_not_errors(q):
    add_note(1, "Ghi chú", body="a b x")
    results = search.search(q, allowed_units=None)
    assert results.count >= 0


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=300))
def test_any_text_is_a_valid_query(q, cast):
    results = search.search(q, allowed_units=Unit.objects.values("pk"), facets={"type": q})
    assert results.count >= 0


# --- The page ----------------------------------------------------------------------------


def test_search_page_needs_login(client):
    response = client.get(reverse("core:search"), {"q": "x"})
    assert response.status_code == 302


def test_search_page_empty_state(cast, login):
    body = login(cast.member).get(reverse("core:search"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Accents are optional" in body


def test_search_page_shows_marked_hits(cast, login):
    add_note(1, "Nghị quyết <i>05</i>", unit=cast.ward1, number="05-NQ/TU", date=dt.date(2021, 3, 4),
             body="Quán triệt nghị quyết trong toàn Đảng bộ",
             facets={"type": "NQ", "issuer": 7, "field": ["kinh-te", "xay-dung-dang"]})
    response = login(cast.ward_secretary).get(reverse("core:search"), {"q": "nghi quyet"}, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert "<mark>Nghị</mark> <mark>quyết</mark> &lt;i&gt;05&lt;/i&gt;" in body
    assert "05-NQ/TU" in body and "04/03/2021" in body
    assert "Quán triệt <mark>nghị</mark> <mark>quyết</mark>" in body
    assert "?q=nghi+quyet&amp;type=NQ" in body
    assert "?q=nghi+quyet&amp;field=kinh-te" in body and "?q=nghi+quyet&amp;field=xay-dung-dang" in body
    filtered = login(cast.ward_secretary).get(reverse("core:search"), {"q": "nghi quyet", "field": "kinh-te"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "<mark>" in filtered.content.decode() and "Remove filter" in filtered.content.decode()
    assert "<mark>" not in login(cast.outsider).get(reverse("core:search"), {"q": "nghi quyet"}).content.decode()


def test_search_page_filters_and_reports_bad_dates(cast, login):
    add_note(1, "Kế hoạch", unit=cast.ward1, facets={"type": "KH"}, date=dt.date(2020, 1, 1))
    client = login(cast.ward_secretary)
    url = reverse("core:search")
    assert "<mark>" in client.get(url, {"q": "ke hoach", "type": "KH"}).content.decode()
    body = client.get(url, {"q": "ke hoach", "type": "NQ"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nothing you may see matches" in body and "Remove filter" in body
    response = client.get(url, {"q": "ke hoach", "date_from": "31/02/2020"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Enter a valid date." in response.content.decode()
    response = client.get(url, {"q": "ke hoach", "date_from": "02/01/2020", "date_to": "01/01/2020"})
    assert response.status_code == 200 and "<mark>" not in response.content.decode()
    response = client.get(url, {"q": "a\x00b"})
    assert response.status_code == 200
    response = client.get(url, {"q": "ke hoach", "page": "999"})
    assert response.status_code == 200 and "<mark>" in response.content.decode()


def test_search_page_runs_a_fixed_number_of_queries(cast, login, django_assert_num_queries):
    client = login(cast.ward_secretary)
    url = reverse("core:search")
    for i in range(3):
        add_note(i + 1, f"Kế hoạch {i}", unit=cast.cell1, facets={"field": ["a", "b"]})
    client.get(url, {"q": "ke hoach"})  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, {"q": "ke hoach"}).status_code == 200
    for i in range(3, 60):
        add_note(i + 1, f"Kế hoạch {i}", unit=cast.office, facets={"type": "KH", "field": ["c"]})
        add_note(i + 101, f"Kế hoạch {i}", unit=cast.city, shared_down=True)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url, {"q": "ke hoach"}).status_code == 200


# --- The API -----------------------------------------------------------------------------


@pytest.fixture
def api_get(client):
    raws: dict[int, str] = {}

    def _get(user, **params):
        headers = {"Accept-Language": "en"}
        if user is not None:
            if user.pk not in raws:
                raws[user.pk] = ApiToken.issue(user=user)[1]
            headers["Authorization"] = f"Bearer {raws[user.pk]}"
        return client.get("/api/v1/search", params, headers=headers)

    return _get


def test_api_needs_authentication(api_get, cast):
    response = api_get(None, q="phuong")
    assert response.status_code == 401
    assert set(response.json()) == {"error", "fields"}


def test_api_answers_in_the_policy_scope(api_get, cast):
    search.rebuild()
    add_note(1, "Kế hoạch 05", unit=cast.ward1, number="05-KH/ĐU", date=dt.date(2022, 2, 2), facets={"type": "KH"})
    body = api_get(cast.ward_secretary, q="ke hoach 05").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert set(item) == {"kind", "id", "title", "number", "url", "date", "snippet"}
    assert item["kind"] == NOTE and item["number"] == "05-KH/ĐU" and item["date"] == "2022-02-02"
    assert "<mark>Kế</mark>" in item["snippet"]
    assert api_get(cast.outsider, q="ke hoach 05").json() == {"items": [], "count": 0, "count_capped": False}
    assert api_get(cast.outsider, q="phuong 1").json()["count"] == 0
    assert api_get(cast.ward_secretary, q="phuong 1", kind="unit").json()["count"] >= 1
    assert api_get(cast.ward_secretary, q="ke hoach", type="NQ").json()["count"] == 0
    assert api_get(cast.ward_secretary, q="ke hoach", date_from="2023-01-01").json()["count"] == 0
    page = api_get(cast.ward_secretary, q="ke hoach", limit=1, offset=0).json()
    assert len(page["items"]) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 201},
        {"q": "a", "limit": 0},
        {"q": "a", "limit": 1000},
        {"q": "a", "offset": -1},
        {"q": "a", "date_from": "31/02/2020"},
        {"q": "a", "kind": "k" * 41},
    ],
)
def test_api_rejects_bad_parameters_with_422(api_get, cast, params):
    response = api_get(cast.clerk, **params)
    assert response.status_code == 422, response.content
    assert set(response.json()) == {"error", "fields"}


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=200), facet=st.text(max_size=100))
def test_api_never_fails_on_odd_text(api_get, cast, q, facet):
    response = api_get(cast.outsider, q=q, type=facet, field=facet)
    assert response.status_code in (200, 422), response.content
