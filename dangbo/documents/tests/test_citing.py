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


# --- Citations without a number (issue 11 item 11) -----------------------------------------

NUMBERLESS = (
    "Thực hiện Nghị quyết Trung ương 4 khóa XII, Nghị quyết Trung ương 4 (khóa XI), "
    "Nghị quyết Trung ương 5 khóa XII; Nghị quyết Đại hội XVI Đảng bộ thành phố, "
    "Nghị quyết Đại hội XV Đảng bộ thành phố và Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XVII."
)


def _numberless_world(cast):
    tw12 = register(cast.city, abbr="NQ", number="04", issuer_name="Ban Chấp hành Trung ương", date=D(2016, 10, 30),
                    title="Hội nghị lần thứ tư Ban Chấp hành Trung ương Đảng khóa XII về tăng cường xây dựng, "
                          "chỉnh đốn Đảng")
    tw11 = register(cast.city, abbr="NQ", number="12", issuer_name="Ban Chấp hành Trung ương", date=D(2012, 1, 16),
                    title="Hội nghị lần thứ tư Ban Chấp hành Trung ương khóa XI một số vấn đề cấp bách về xây dựng Đảng")
    register(cast.city, abbr="NQ", number="18", issuer_name="Ban Chấp hành Trung ương", date=D(2017, 10, 25),
             title="Hội nghị lần thứ sáu Ban Chấp hành Trung ương khóa XII về sắp xếp tổ chức bộ máy")
    city16 = register(cast.city, abbr="NQ", number="01", issuing_unit=cast.city, issuer_abbr="TU",
                      date=D(2020, 7, 18), title="Đại hội đại biểu Đảng bộ thành phố lần thứ XVI, nhiệm kỳ 2020–2025")
    province17 = register(cast.city, abbr="NQ", number="01", issuer_name="Tỉnh ủy Quảng Trị", date=D(2020, 10, 16),
                          title="Đại hội đại biểu Đảng bộ tỉnh Quảng Trị lần thứ XVII, nhiệm kỳ 2020–2025")
    return tw12, tw11, city16, province17


def test_numberless_citations_resolve_by_type_conference_and_term(cast):
    tw12, tw11, city16, province17 = _numberless_world(cast)
    doc = register(cast.ward1, abbr="KH", number="30", date=D(2021, 3, 1), summary=NUMBERLESS)
    rows = {c.raw: c.target for c in DocumentCitation.objects.filter(document=doc)}
    assert rows == {
        "Nghị quyết Trung ương 4 khóa XII": tw12,
        "Nghị quyết Trung ương 4 (khóa XI)": tw11,
        "Nghị quyết Trung ương 5 khóa XII": None,  # no such document registered: unresolved
        "Nghị quyết Đại hội XVI Đảng bộ thành phố": city16,
        "Nghị quyết Đại hội XV Đảng bộ thành phố": None,
        "Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XVII": province17,
    }


def test_a_numberless_citation_waiting_is_linked_when_its_document_is_registered(cast):
    doc = register(cast.ward1, abbr="KH", number="30", date=D(2021, 3, 1), summary=NUMBERLESS)
    assert DocumentCitation.objects.get(document=doc, raw="Nghị quyết Trung ương 4 khóa XII").target is None
    tw12, *_rest = _numberless_world(cast)
    assert DocumentCitation.objects.get(document=doc, raw="Nghị quyết Trung ương 4 khóa XII").target == tw12

