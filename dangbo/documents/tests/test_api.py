"""``/api/v1/documents`` and ``/api/v1/citations/parse``: what each member of the cast gets."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.core.models import ApiToken

from .helpers import D, build_docs, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    raws: dict[int, str] = {}

    def _call(user, method: str, path: str, data=None):
        if user.pk not in raws:
            raws[user.pk] = ApiToken.issue(user=user)[1]
        headers = {"Authorization": f"Bearer {raws[user.pk]}", "Accept-Language": "en"}
        if method == "get":
            return client.get(f"/api/v1{path}", data or {}, headers=headers)
        return client.post(f"/api/v1{path}", data or {}, content_type="application/json", headers=headers)

    return _call


@pytest.fixture
def docs(cast):
    return build_docs(cast)


def symbols(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["symbol"] for item in response.json()["items"]}


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error", "fields"}
    return body


def test_list_is_scoped(api, cast, docs):
    assert symbols(api(cast.clerk, "get", "/documents")) == {"05-CT/TW", "12-KH/TU", "03-KH/ĐU", "01-KH/CB", "07-KH/ĐU"}
    assert symbols(api(cast.outsider, "get", "/documents")) == {"05-CT/TW", "12-KH/TU", "07-KH/ĐU"}
    assert symbols(api(cast.member, "get", "/documents", {"type": "KH"})) == {"12-KH/TU", "03-KH/ĐU", "01-KH/CB"}


def test_list_filters_and_pages(api, cast, docs):
    body = api(cast.clerk, "get", "/documents", {"issuer": "TW", "limit": 1}).json()
    assert body["count"] == 1 and body["items"][0]["symbol"] == "05-CT/TW"
    assert body["items"][0]["issuer"] == "Bộ Chính trị"
    body = api(cast.clerk, "get", "/documents", {"limit": 2, "offset": 2}).json()
    assert body["count"] == 5 and len(body["items"]) == 2
    assert symbols(api(cast.clerk, "get", "/documents", {"status": "expired"})) == set()


def test_list_search(api, cast, docs):
    from dangbo.core import search
    from dangbo.documents.models import Document

    search.index(Document.objects.all())
    assert symbols(api(cast.outsider, "get", "/documents", {"q": "ke hoach"})) == {"12-KH/TU", "07-KH/ĐU"}


def test_list_runs_a_fixed_number_of_queries(api, cast, docs, django_assert_num_queries):
    api(cast.clerk, "get", "/documents")
    with CaptureQueriesContext(connection) as small:
        api(cast.clerk, "get", "/documents")
    for n in range(40, 60):
        register(cast.ward1, number=str(n), date=D(2019, 1, 1))
    with django_assert_num_queries(len(small.captured_queries)):
        assert api(cast.clerk, "get", "/documents").json()["count"] == 25


def test_bad_filters_are_422(api, cast):
    body = assert_error(api(cast.clerk, "get", "/documents", {"limit": 0}), 422)
    assert "limit" in body["fields"]


def test_detail_by_role(api, cast, docs):
    path = f"/documents/{docs['ward'].pk}"
    body = api(cast.member, "get", path).json()
    assert body["symbol"] == "03-KH/ĐU"
    assert [r["symbol"] for r in body["implements"]] == ["12-KH/TU"]
    assert [r["symbol"] for r in body["implemented_by"]] == ["01-KH/CB"]
    assert_error(api(cast.outsider, "get", path), 404)
    assert_error(api(cast.clerk, "get", "/documents/999999"), 404)


def test_detail_hides_relations_the_caller_may_not_see(api, cast, docs):
    body = api(cast.outsider, "get", f"/documents/{docs['city'].pk}").json()
    assert {r["symbol"] for r in body["implemented_by"]} == {"07-KH/ĐU"}


def test_parse_citations(api, cast):
    text = "Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị và Nghị định 30/2020/NĐ-CP"
    body = api(cast.member, "post", "/citations/parse", {"text": text}).json()
    first = body["citations"][0]
    assert first["number"] == "05" and first["type_abbr"] == "CT" and first["issuer_abbr"] == "TW"
    assert text[first["start"]:first["end"]] == first["raw"]
    assert any(c["type_abbr"] == "NĐ" for c in body["citations"])


def test_parse_needs_text_and_login(api, cast, client):
    assert_error(api(cast.member, "post", "/citations/parse", {}), 422)
    assert_error(api(cast.member, "post", "/citations/parse", {"text": "x" * 200_001}), 422)
    assert client.post("/api/v1/citations/parse", {"text": "05-CT/TW"}, content_type="application/json").status_code == 401


def test_parse_resolves_numberless_citations_among_what_the_caller_sees(api, cast):
    from .test_citing import _numberless_world

    tw12, *_rest = _numberless_world(cast)
    text = "Nghị quyết Trung ương 4 khóa XII và Nghị quyết Trung ương 5 khóa XII"
    body = api(cast.member, "post", "/citations/parse", {"text": text}).json()
    assert [c["document_id"] for c in body["citations"]] == [tw12.pk, None]
