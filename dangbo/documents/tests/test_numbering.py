"""Numbering as the party numbers: a number restarts for each type within each term of the
issuer (unique per issuer, type and term), a party number is digits only, the date lies in
the term, and the register form and the API propose the next free number."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangbo.core.models import ApiToken
from dangbo.documents.models import Document
from dangbo.orgs import services as org_services

from .helpers import D, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def terms(cast):
    """The city's 2015–2020 term (congress of October 2015) and 2020–2025 (October 2020)."""
    old = org_services.term_create(
        actor=None, unit=cast.city, code="2015-2020", start=D(2015, 10, 20), end=D(2020, 10, 14)
    )
    new = org_services.term_create(actor=None, unit=cast.city, code="2020-2025", start=D(2020, 10, 15))
    return old, new


def city_plan(cast, number: str, date, **extra) -> Document:
    return register(cast.city, abbr="KH", number=number, date=date, issuing_unit=cast.city,
                    issuer_abbr="TU", **extra)


def test_a_number_restarts_in_the_new_term_even_in_the_same_year(cast, terms):
    old_term, new_term = terms
    first = city_plan(cast, "131", D(2020, 3, 1))
    again = city_plan(cast, "131", D(2020, 11, 20))
    assert (first.term, again.term) == (old_term, new_term)
    assert first.symbol == again.symbol == "131-KH/TU"


def test_a_number_is_unique_within_the_term_across_years(cast, terms):
    city_plan(cast, "24", D(2016, 5, 1))
    with pytest.raises(ValidationError) as refused:
        city_plan(cast, "24", D(2018, 5, 1))
    assert "2015-2020" in refused.value.message_dict["number"][0]
    assert Document.objects.count() == 1


@pytest.mark.parametrize("number", ["30/2020", "abc", "12a"])
def test_a_party_number_is_digits_only_and_the_message_names_the_state_format(cast, terms, number):
    with pytest.raises(ValidationError) as refused:
        city_plan(cast, number, D(2021, 5, 1))
    message = refused.value.message_dict["number"][0]
    assert "30/2020/NĐ-CP" in message
    assert not Document.objects.exists()


def test_a_state_number_keeps_its_year(cast):
    document = register(cast.city, abbr="NĐ", number="30/2020", date=D(2020, 3, 1),
                        issuer_name="Chính phủ", issuer_abbr="CP")
    assert document.symbol == "30/2020/NĐ-CP"


def test_the_date_lies_in_the_term(cast, terms):
    old_term, _new = terms
    with pytest.raises(ValidationError) as refused:
        city_plan(cast, "05", D(2021, 5, 1), term=old_term)
    assert "2015-2020" in refused.value.message_dict["date"][0]
    with pytest.raises(ValidationError):
        city_plan(cast, "05", D(2014, 5, 1), term_code="2015-2020")
    assert not Document.objects.exists()


# --- The next number --------------------------------------------------------------------


@pytest.fixture
def api(client):
    raws: dict[int, str] = {}

    def _call(user, method: str, path: str, data=None):
        if user.pk not in raws:
            raws[user.pk] = ApiToken.issue(user=user)[1]
        headers = {"Authorization": f"Bearer {raws[user.pk]}", "Accept-Language": "vi"}
        if method == "get":
            return client.get(f"/api/v1{path}", data or {}, headers=headers)
        return client.post(f"/api/v1{path}", data or {}, content_type="application/json", headers=headers)

    return _call


def test_the_api_answers_the_next_free_number_of_the_term(cast, terms, api):
    city_plan(cast, "131", D(2019, 3, 1))
    city_plan(cast, "132", D(2020, 9, 1))
    city_plan(cast, "07", D(2021, 3, 1))
    query = {"issuer": cast.city.pk, "type": "KH", "term": "2015-2020"}
    answer = api(cast.ward_secretary, "get", "/documents/next-number", query)
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"number": "133"}
    assert api(cast.clerk, "get", "/documents/next-number", query | {"term": "2020-2025"}).json() == {"number": "08"}
    assert api(cast.clerk, "get", "/documents/next-number", query | {"type": "CT"}).json() == {"number": "01"}
    # a ward the caller may not name is not found
    stranger = api(cast.outsider, "get", "/documents/next-number", query | {"issuer": cast.ward1.pk})
    assert stranger.status_code == 404
    assert set(stranger.json()) == {"error", "fields"}


def test_the_register_form_proposes_the_next_number(cast, terms, client):
    _old, new_term = terms
    city_plan(cast, "41", D(2021, 3, 1))
    client.force_login(cast.clerk)
    page = client.get(
        reverse("documents:document_create"),
        {"type": "KH", "issuing_unit": cast.city.pk, "term": new_term.pk},
    )
    assert page.status_code == 200
    assert page.context["form"]["number"].value() == "42"
    html = page.content.decode()
    assert 'id="numbering-data"' in html and "next-number" in html


def test_registering_through_the_api_follows_the_same_rules(cast, terms, api):
    body = {
        "number": "131", "type": "KH", "issuer_id": cast.city.pk, "date": "2020-11-20",
        "title": "Kế hoạch thực hiện Nghị quyết Đại hội", "term": "2020-2025",
    }
    created = api(cast.clerk, "post", "/documents", body | {"issuer_abbr": "TU"})
    assert created.status_code == 201, created.content
    assert created.json()["symbol"] == "131-KH/TU"
    assert created.json()["term"] == "2020-2025"
    again = api(cast.clerk, "post", "/documents", body | {"issuer_abbr": "TU", "date": "2021-01-05"})
    assert again.status_code == 422
    assert set(again.json()) == {"error", "fields"} and "number" in again.json()["fields"]
    wrong = api(cast.clerk, "post", "/documents", body | {"issuer_abbr": "TU", "number": "30/2020"})
    assert wrong.status_code == 422 and "number" in wrong.json()["fields"]
    unknown = api(cast.clerk, "post", "/documents", body | {"issuer_abbr": "TU", "type": "XX"})
    assert unknown.status_code == 422 and "type" in unknown.json()["fields"]
    # A member sees the cell but manages nothing; the outsider cannot name Phường 1.
    member = api(cast.member, "post", "/documents", body | {"issuer_id": cast.cell1.pk, "issuer_abbr": "CB"})
    assert member.status_code == 403
    outsider = api(cast.outsider, "post", "/documents", body | {"issuer_id": cast.ward1.pk, "number": "01"})
    assert outsider.status_code == 404
    assert Document.objects.count() == 1


def test_citations_parse_gives_the_document_each_citation_resolves_to(cast, api):
    ward_plan = register(cast.ward1, abbr="KH", number="03", date=D(2016, 9, 1), shared_down=False)
    text = "Thực hiện Kế hoạch số 03-KH/ĐU ngày 01/9/2016 và Chỉ thị số 99-CT/TW."
    mine = api(cast.ward_secretary, "post", "/citations/parse", {"text": text}).json()["citations"]
    assert [c["document_id"] for c in mine] == [ward_plan.pk, None]
    theirs = api(cast.outsider, "post", "/citations/parse", {"text": text}).json()["citations"]
    assert [c["document_id"] for c in theirs] == [None, None]


def test_a_citation_in_the_title_and_the_text_is_listed_once(cast):
    document = register(
        cast.ward1, abbr="KH", number="09", date=D(2021, 3, 1),
        title="Kế hoạch thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị",
        summary="Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị và Nghị quyết số 72-NQ-TW.",
    )
    assert sorted(c.number for c in document.citations.all()) == ["05", "72"]


def test_what_a_document_cites_as_its_basis_is_in_its_lineage(cast, client):
    basis = register(cast.ward1, abbr="NQ", number="05", date=D(2021, 1, 5), title="Nghị quyết về xây dựng chi bộ")
    plan = register(
        cast.ward1, abbr="KH", number="11", date=D(2021, 3, 1), title="Kế hoạch thực hiện",
        summary="Căn cứ Nghị quyết số 05-NQ/ĐU ngày 05/01/2021 của Đảng ủy phường.",
    )
    client.force_login(cast.ward_secretary)
    html = client.get(reverse("documents:document_lineage", args=[plan.pk])).content.decode()
    cited = html.split('id="lineage-cited"', 1)[1].split("</section>", 1)[0]
    assert basis.symbol in cited
