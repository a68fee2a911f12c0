"""Documents of a term by type: the counts, the sentence, the API and the page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.core.models import ApiToken
from dangbo.documents import selectors
from dangbo.documents.models import DocumentType

from .helpers import D, register

pytestmark = pytest.mark.django_db

SEED_ITEMS = "ban hành 2 nghị quyết, 11 chỉ thị, 7 chương trình hành động, 11 kết luận chuyên đề, 132 kế hoạch, 8 quy chế"


def _issue(unit, counts: dict[str, int], *, term="2015-2020", year=2017, issuer_abbr="TU", start=1):
    for abbr, n in counts.items():
        for i in range(start, start + n):
            register(unit, abbr=abbr, number=f"{i:02d}", issuing_unit=unit, issuer_abbr=issuer_abbr,
                     date=D(year, 1, 1 + i % 28), term_code=term, title=f"{abbr} {i}")


def test_the_sentence_reads_like_the_review():
    types = {t.abbr: t for t in DocumentType.objects.all()}
    counts = [selectors.TypeCount(types[a], n) for a, n in
              (("NQ", 2), ("CT", 11), ("CTr", 7), ("KL", 11), ("KH", 132), ("QC", 8), ("HD", 0))]
    unit = type("U", (), {"name": "Đảng bộ thành phố Đông Hà"})()
    sentence = selectors.stats_sentence(term="2015-2020", issuer=unit, counts=counts)
    assert sentence == f"Nhiệm kỳ 2015 - 2020, BCH Đảng bộ thành phố Đông Hà đã {SEED_ITEMS}."
    assert " và " not in sentence and "hướng dẫn" not in sentence
    empty = selectors.stats_sentence(term="2015-2020", issuer=unit, counts=[])
    assert "chưa có văn bản" in empty


def test_the_wording_and_order_are_data():
    kl = DocumentType.objects.get(abbr="KL")
    assert (kl.sentence_name, kl.counted_name) == ("kết luận chuyên đề", "kết luận chuyên đề")
    hd = DocumentType.objects.get(abbr="HD")
    assert hd.counted_name == "hướng dẫn"  # no wording given: the name in lower case
    DocumentType.objects.filter(abbr="QC").update(sentence_order=1)
    assert [t.abbr for t in DocumentType.objects.filter(abbr__in=["NQ", "QC"]).order_by("sentence_order")] == ["QC", "NQ"]


@pytest.mark.parametrize("code,ok", [
    ("2015-2020", True), ("2020-2025", True), ("2015 - 2020", False), ("2020-2015", False),
    ("20152020", False), ("abc", False), ("", False), ("1800-1805", False), ("2015-2040", False),
])
def test_parse_term(code, ok):
    assert (selectors.parse_term(code) is not None) == ok


def test_counts_only_the_issuer_and_term(cast):
    _issue(cast.city, {"NQ": 2, "KH": 3, "QC": 1})
    _issue(cast.city, {"KH": 4}, term="2020-2025", year=2021, start=50)
    _issue(cast.ward1, {"KH": 5}, issuer_abbr="ĐU")
    register(cast.city, abbr="CT", number="05", issuer_name="Bộ Chính trị", date=D(2016, 5, 15), term_code="2015-2020")
    stats = selectors.term_stats(user=cast.clerk, term="2015-2020", issuer=cast.city)
    assert [(c.type.abbr, c.count) for c in stats.counts] == [("NQ", 2), ("KH", 3), ("QC", 1)]
    assert stats.total == 6
    assert stats.sentence.endswith("ban hành 2 nghị quyết, 3 kế hoạch, 1 quy chế.")


@pytest.fixture
def api(client):
    raws: dict[int, str] = {}

    def _call(user, path: str, data=None):
        if user.pk not in raws:
            raws[user.pk] = ApiToken.issue(user=user)[1]
        headers = {"Authorization": f"Bearer {raws[user.pk]}", "Accept-Language": "en"}
        return client.get(f"/api/v1{path}", data or {}, headers=headers)

    return _call


def test_api_answers_counts_and_sentence(api, cast):
    _issue(cast.city, {"NQ": 2, "CT": 1})
    response = api(cast.clerk, "/documents/stats", {"term": "2015-2020", "issuer": cast.city.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["term"] == "2015-2020"
    assert body["issuer"] == {"id": cast.city.pk, "name": cast.city.name}
    assert body["counts"] == [
        {"type_abbr": "NQ", "type_name": "Nghị quyết", "count": 2},
        {"type_abbr": "CT", "type_name": "Chỉ thị", "count": 1},
    ]
    assert body["total"] == 3
    assert "ban hành 2 nghị quyết, 1 chỉ thị." in body["sentence"]
    # a ward's secretary may count the city's documents (shared down to the ward)
    assert api(cast.ward_secretary, "/documents/stats", {"term": "2015-2020", "issuer": cast.city.pk}).json()["total"] == 3


def _assert_error(response, statuses):
    assert response.status_code in statuses, response.content
    assert set(response.json()) == {"error", "fields"}


def test_api_refuses_hidden_issuers_and_bad_terms(api, cast):
    _issue(cast.ward1, {"KH": 2}, issuer_abbr="ĐU")
    _assert_error(api(cast.outsider, "/documents/stats", {"term": "2015-2020", "issuer": cast.ward1.pk}), {404})
    _assert_error(api(cast.clerk, "/documents/stats", {"term": "2015-2020", "issuer": 999999}), {404})
    for term in ("2015", "2020-2015", "x" * 30, "2015-2020\x00"):
        _assert_error(api(cast.clerk, "/documents/stats", {"term": term, "issuer": cast.city.pk}), {400, 422})
    _assert_error(api(cast.clerk, "/documents/stats", {"term": "2015-2020", "issuer": "abc"}), {400, 422})
    _assert_error(api(cast.clerk, "/documents/stats"), {400, 422})


def test_stats_route_does_not_collide_with_the_id_route(api, cast):
    doc = register(cast.city, abbr="KH", number="01", issuing_unit=cast.city, issuer_abbr="TU")
    assert api(cast.clerk, f"/documents/{doc.pk}").json()["symbol"] == "01-KH/TU"
    assert api(cast.clerk, "/documents/stats", {"term": "2015-2020", "issuer": cast.city.pk}).status_code == 200
    _assert_error(api(cast.clerk, "/documents/statistics"), {400, 404, 422})


def test_page_shows_chart_data_and_sentence(cast, login):
    _issue(cast.city, {"NQ": 2, "KL": 1})
    url = reverse("documents:document_stats")
    body = login(cast.clerk).get(url, {"term": "2015-2020", "issuer": cast.city.pk}).content.decode()
    assert "ban hành 2 nghị quyết, 1 kết luận chuyên đề." in body
    assert 'id="stats-data"' in body and "chart-4.6.1.umd.min.js" in body and "data-copy" in body
    # defaults: the caller's top unit and the latest term the caller can see
    assert login(cast.clerk).get(url).status_code == 200


def test_page_refuses_hidden_issuers_and_bad_terms(cast, login):
    url = reverse("documents:document_stats")
    assert login(cast.outsider).get(url, {"term": "2015-2020", "issuer": cast.ward1.pk}).status_code == 404
    response = login(cast.clerk).get(url, {"term": "2015/2020", "issuer": cast.city.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Give a term such as 2015-2020." in response.content.decode()
    assert login(cast.clerk).get(url, {"term": "2015-2020", "issuer": "x1"}).status_code == 400
    # a plain member reads the page (read-only: there is nothing to change on it)
    assert login(cast.member).get(url, {"term": "2015-2020", "issuer": cast.cell1.pk}).status_code == 200


def test_page_runs_a_fixed_number_of_queries(cast, login, django_assert_num_queries):
    client = login(cast.clerk)
    url = reverse("documents:document_stats")
    params = {"term": "2015-2020", "issuer": cast.city.pk}
    _issue(cast.city, {"NQ": 1})
    client.get(url, params)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, params).status_code == 200
    _issue(cast.city, {"CT": 5, "KH": 20, "QC": 3, "KL": 4}, start=10)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url, params).status_code == 200
