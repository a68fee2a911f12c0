"""The reads the register's pages make through selectors: the "register this document" link's
catalogue look-ups, relations, files and study sessions opened by their owner only."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from dangbo.documents import selectors, services
from dangbo.documents.models import DocumentRelation

from .helpers import PDF, D, build_docs, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs(cast):
    return build_docs(cast)


def test_catalogue_look_ups():
    assert selectors.find_document_type(abbr="CT").name == "Chỉ thị"
    # an abbreviation the catalogue does not know: the type's name decides
    assert selectors.find_document_type(abbr="QĐI", name="quy định").abbr == "QĐi"
    assert selectors.find_document_type(abbr="XX", name="") is None
    assert selectors.find_issuer(name="bộ chính trị").abbr == "TW"
    assert selectors.find_issuer(abbr="VPTU").name == "Văn phòng Tỉnh ủy Quảng Trị"
    # three bodies write TW: the abbreviation alone names none of them
    assert selectors.find_issuer(abbr="TW") is None
    assert selectors.find_issuer(name="Không có", abbr="VPTU").abbr == "VPTU"
    assert selectors.find_issuer() is None


def test_register_link_fills_the_form_from_the_catalogue(cast, login):
    client = login(cast.ward_secretary)
    params = {
        "type": "QĐI", "type_name": "Quy định", "number": "202", "issuer_abbr": "TW",
        "issuer_name": "Ban Chấp hành Trung ương", "date": "2025-06-02", "title": "Về quản lý đảng viên",
    }
    response = client.get(reverse("documents:document_create") + "?" + urlencode(params))
    initial = response.context["form"].initial
    assert response.status_code == 200
    assert initial["type"].abbr == "QĐi" and initial["type_abbr"] == "QĐI"
    assert initial["issuer"].name == "Ban Chấp hành Trung ương"
    assert (initial["number"], initial["date"], initial["issuer_abbr"]) == ("202", "2025-06-02", "TW")
    # TW alone is ambiguous: no issuer is guessed
    response = client.get(reverse("documents:document_create") + "?" + urlencode({"type": "CT", "issuer_abbr": "TW"}))
    initial = response.context["form"].initial
    assert initial["type"].abbr == "CT" and "type_abbr" not in initial and "issuer" not in initial


def test_remove_a_relation_by_role(cast, login, docs):
    relation = DocumentRelation.objects.get(from_document=docs["ward"], to_document=docs["city"])
    url = reverse("documents:document_unrelate", args=[docs["ward"].pk, relation.pk])
    assert login(cast.outsider).post(url).status_code == 404
    assert login(cast.member).post(url).status_code == 403
    assert login(cast.ward_secretary).get(url).status_code == 405
    # the relation of another document, reached through this one's address
    other = DocumentRelation.objects.get(from_document=docs["city"], to_document=docs["central"])
    wrong = reverse("documents:document_unrelate", args=[docs["ward"].pk, other.pk])
    assert login(cast.ward_secretary).post(wrong).status_code == 404
    assert login(cast.ward_secretary).post(url).status_code == 302
    assert not DocumentRelation.objects.filter(pk=relation.pk).exists()
    assert DocumentRelation.objects.filter(pk=other.pk).exists()


def test_edit_form_shows_the_documents_fields(cast, login, docs):
    from dangbo.documents.models import Field

    field = Field.objects.order_by("sort_order").first()
    docs["ward"].fields.set([field])
    response = login(cast.ward_secretary).get(reverse("documents:document_edit", args=[docs["ward"].pk]))
    assert response.context["form"].initial["work_fields"] == [field]
    detail = login(cast.member).get(reverse("documents:document_detail", args=[docs["ward"].pk]))
    assert detail.context["fields"] == [field]


def test_study_pages_open_only_their_own_rows(cast, login, docs, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    city = services.study_session_create(
        actor=None, unit=cast.city, title="Quán triệt Chỉ thị 05", date=D(2021, 3, 1),
        documents=[docs["central"], docs["other"]], required_units=[cast.ward1],
        uploads=[upload("tai-lieu.pdf", pdf_bytes(), PDF)],
    )
    ward = services.study_session_create(
        actor=None, unit=cast.ward1, title="Học tập ở Phường 1", date=D(2021, 3, 2), documents=[docs["ward"]],
        required_units=[cast.cell1],
    )
    material = city.materials.get()
    # Phường 1's secretary sees the city's session, but not Đông Lương's plan it studies
    response = login(cast.ward_secretary).get(reverse("documents:study_detail", args=[city.pk]))
    assert [(d.pk, visible) for d, visible in response.context["documents"]] == [
        (docs["central"].pk, True), (docs["other"].pk, False),
    ]
    assert list(response.context["materials"]) == [material]
    client = login(cast.clerk)
    assert client.get(reverse("documents:study_material", args=[city.pk, material.pk])).status_code == 200
    assert client.get(reverse("documents:study_material", args=[ward.pk, material.pk])).status_code == 404
    # a unit the session does not require
    assert client.get(reverse("documents:study_attendance", args=[city.pk, cast.ward_dl.pk])).status_code == 404
    assert client.get(reverse("documents:study_attendance", args=[city.pk, cast.ward1.pk])).status_code == 200
