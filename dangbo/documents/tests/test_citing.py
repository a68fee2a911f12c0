"""Citations found in a document's text: stored, resolved, offered for registration."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from dangbo.documents.models import DocumentCitation

from .helpers import D, register

pytestmark = pytest.mark.django_db

TEXT = (
    "Căn cứ Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị và Quy định 202-QĐ/TW, "
    "ngày 2/8/2019 của Ban Bí thư; thực hiện Kế hoạch 687-KH/TU."
)


def test_citations_are_stored_and_resolved(cast):
    central = register(cast.city, abbr="CT", number="05", issuer_name="Bộ Chính trị", date=D(2016, 5, 15))
    doc = register(cast.city, abbr="KH", number="12", issuing_unit=cast.city, issuer_abbr="TU",
                   date=D(2020, 1, 10), summary=TEXT)
    rows = {c.number: c for c in DocumentCitation.objects.filter(document=doc)}
    assert set(rows) == {"05", "202", "687"}
    assert rows["05"].target == central
    assert rows["05"].date == D(2016, 5, 15)
    assert TEXT[rows["05"].start:rows["05"].end] == rows["05"].raw
    assert rows["202"].target is None and rows["202"].issuer_abbr == "TW"


def test_registering_the_cited_document_links_the_waiting_citation(cast):
    doc = register(cast.city, abbr="KH", number="12", issuing_unit=cast.city, issuer_abbr="TU",
                   date=D(2020, 1, 10), summary=TEXT)
    cited = register(cast.city, abbr="QĐ", number="202", issuer_name="Ban Bí thư", date=D(2019, 8, 2))
    assert DocumentCitation.objects.get(document=doc, number="202").target == cited


def test_page_links_resolved_and_offers_to_register_the_others(cast, login):
    central = register(cast.city, abbr="CT", number="05", issuer_name="Bộ Chính trị", date=D(2016, 5, 15))
    doc = register(cast.city, abbr="KH", number="12", issuing_unit=cast.city, issuer_abbr="TU",
                   date=D(2020, 1, 10), summary=TEXT)
    client = login(cast.clerk)
    body = client.get(reverse("documents:document_detail", args=[doc.pk])).content.decode()
    assert central.get_absolute_url() in body
    create = reverse("documents:document_create")
    assert body.count(f'href="{create}?') == 2
    start = body.index(f'href="{create}?') + len(f'href="{create}?')
    query = parse_qs(body[start:body.index('"', start)].replace("&amp;", "&"))
    assert query["number"] in (["202"], ["687"])
    # the prefilled form
    form = client.get(create + "?type=QĐ&number=202&issuer_abbr=TW&issuer_name=Ban+Bí+thư&date=2019-08-02").content.decode()
    assert 'value="202"' in form and 'value="2019-08-02"' in form
    assert "selected>Ban Bí thư (TW)" in form
    # a read-only member sees the citations but no link to register
    body = login(cast.member).get(reverse("documents:document_detail", args=[doc.pk])).content.decode()
    assert "687-KH/TU" in body and f'href="{create}?' not in body
