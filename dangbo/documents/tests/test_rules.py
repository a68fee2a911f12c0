"""The register's rules, held by its services whoever calls them (page, import, API, command):
change only what you manage (403 when you see it, 404 when you do not), name only what you
may see (404, the same answer as a missing id, so that ids cannot be probed)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from dangbo.conftest import START, make_person
from dangbo.core.models import ApiToken
from dangbo.documents import services
from dangbo.documents.models import (
    Document,
    DocumentFile,
    DocumentRelation,
    StudyAttendance,
    StudyMaterial,
    StudySession,
)
from dangbo.orgs import services as org_services

from .helpers import PDF, D, build_docs, doc_type, pdf_bytes, register, upload

pytestmark = pytest.mark.django_db
DAY = D(2021, 3, 1)


@pytest.fixture
def docs(cast):
    return build_docs(cast)


def _register(actor, unit, **extra) -> Document:
    values = {"number": "99", "date": D(2020, 5, 1), "issuing_unit": unit, "issuer_abbr": "ĐU"} | extra
    return services.document_register(
        actor=actor, unit=unit, type=doc_type("KH"), title="Kế hoạch mới", **values
    )


# --- Registering and correcting ------------------------------------------------------------


def test_only_a_manager_of_the_registering_unit_registers(cast):
    with pytest.raises(Http404):
        _register(cast.outsider, cast.ward1)  # Phường 1 is not the outsider's to see
    with pytest.raises(PermissionDenied):
        _register(cast.member, cast.cell1)  # seen, not managed
    assert not Document.objects.exists()
    assert _register(cast.ward_secretary, cast.ward1).unit == cast.ward1


def test_the_issuing_unit_is_one_the_registrar_may_see_or_one_above(cast):
    with pytest.raises(Http404):
        _register(cast.ward_secretary, cast.ward1, issuing_unit=cast.ward_dl)
    assert not Document.objects.exists()
    above = _register(cast.ward_secretary, cast.ward1, issuing_unit=cast.city, issuer_abbr="TU")
    assert above.issuing_unit == cast.city


def test_the_term_and_the_signer_are_ones_the_registrar_may_see(cast):
    other_term = org_services.term_create(actor=None, unit=cast.ward_dl, code="2020-2025", start=START)
    own_term = org_services.term_create(actor=None, unit=cast.ward1, code="2020-2025", start=START)
    stranger = make_person("Người Đông Lương")
    org_services.membership_create(actor=None, person=stranger, unit=cast.cell_dl, start=START)
    with pytest.raises(Http404):
        _register(cast.ward_secretary, cast.ward1, term=other_term)
    with pytest.raises(Http404):
        _register(cast.ward_secretary, cast.ward1, signer_person=stranger)
    assert not Document.objects.exists()
    neighbour = make_person("Người Phường 1")
    org_services.membership_create(actor=None, person=neighbour, unit=cast.cell1, start=START)
    doc = _register(cast.ward_secretary, cast.ward1, term=own_term, signer_person=neighbour, date=DAY)
    assert (doc.term, doc.signer_person) == (own_term, neighbour)


def _update(actor, document: Document, **changes) -> Document:
    values = {
        "type": document.type, "number": document.number, "date": document.date, "title": "Tên đã sửa",
        "issuer": document.issuer, "issuing_unit": document.issuing_unit, "issuer_abbr": document.issuer_abbr,
    } | changes
    return services.document_update(actor=actor, document=document, **values)


def test_only_a_manager_of_the_registering_unit_corrects(cast, docs):
    with pytest.raises(Http404):
        _update(cast.outsider, docs["cell"])
    with pytest.raises(PermissionDenied):
        _update(cast.member, docs["cell"])
    with pytest.raises(PermissionDenied):
        _update(cast.outsider, docs["city"])  # shared down to Đông Lương: seen, not managed
    with pytest.raises(Http404):
        _update(cast.ward_secretary, docs["ward"], issuing_unit=cast.ward_dl)
    assert not Document.objects.filter(title="Tên đã sửa").exists()
    assert _update(cast.cell_secretary, docs["cell"]).title == "Tên đã sửa"


# --- Relations, files ----------------------------------------------------------------------


def test_a_relation_is_recorded_by_a_manager_and_names_a_visible_document(cast, docs):
    plan = register(cast.ward1, number="40", date=D(2017, 1, 1))
    with pytest.raises(Http404):  # Đông Lương's plan is not Phường 1's to see
        services.document_relate(actor=cast.ward_secretary, document=plan, target=docs["other"], kind="implements")
    with pytest.raises(Http404):
        services.document_relate(actor=cast.outsider, document=plan, target=docs["city"], kind="implements")
    with pytest.raises(PermissionDenied):
        services.document_relate(actor=cast.member, document=plan, target=docs["city"], kind="implements")
    assert not DocumentRelation.objects.filter(from_document=plan).exists()
    services.document_relate(actor=cast.ward_secretary, document=plan, target=docs["city"], kind="implements")
    assert DocumentRelation.objects.filter(from_document=plan, to_document=docs["city"]).exists()


def test_a_relation_is_removed_only_by_a_manager(cast, docs):
    relation = DocumentRelation.objects.get(from_document=docs["ward"])
    with pytest.raises(Http404):
        services.document_unrelate(actor=cast.outsider, relation=relation)
    with pytest.raises(PermissionDenied):
        services.document_unrelate(actor=cast.member, relation=relation)
    assert DocumentRelation.objects.filter(pk=relation.pk).exists()
    services.document_unrelate(actor=cast.ward_secretary, relation=relation)
    assert not DocumentRelation.objects.filter(pk=relation.pk).exists()


def test_files_are_attached_only_by_a_manager(cast, docs, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for actor, refused in ((cast.outsider, Http404), (cast.member, PermissionDenied)):
        with pytest.raises(refused):
            services.document_attach_file(actor=actor, document=docs["ward"], upload=upload("a.pdf", pdf_bytes(), PDF))
    assert not DocumentFile.objects.exists()
    services.document_attach_file(actor=cast.ward_secretary, document=docs["ward"], upload=upload("a.pdf", pdf_bytes(), PDF))
    assert DocumentFile.objects.count() == 1


# --- Study sessions ------------------------------------------------------------------------


def _study(actor, unit, required_units, documents):
    return services.study_session_create(
        actor=actor, unit=unit, title="Học tập", date=DAY, documents=documents, required_units=required_units,
    )


def test_a_session_is_organised_by_a_manager_for_units_and_documents_they_see(cast, docs):
    with pytest.raises(Http404):  # organised in Phường 1
        _study(cast.outsider, cast.ward1, [cast.cell1], [docs["city"]])
    with pytest.raises(Http404):  # Phường 1 required by Đông Lương: refused without naming it
        _study(cast.outsider, cast.ward_dl, [cast.ward1], [docs["city"]])
    with pytest.raises(Http404):  # a document of Đông Lương studied in Phường 1
        _study(cast.ward_secretary, cast.ward1, [cast.cell1], [docs["other"]])
    with pytest.raises(PermissionDenied):
        _study(cast.member, cast.cell1, [cast.cell1], [docs["cell"]])
    assert not StudySession.objects.exists()
    assert _study(cast.ward_secretary, cast.ward1, [cast.cell1], [docs["ward"], docs["city"]]).unit == cast.ward1


@pytest.fixture
def city_session(cast, docs):
    for i in range(2):
        person = make_person(f"Đảng viên Đông Lương {i}")
        org_services.membership_create(actor=None, person=person, unit=cast.cell_dl, start=START)
    return _study(None, cast.city, [cast.ward1, cast.ward_dl], [docs["central"]])


def test_attendance_is_ticked_only_for_the_members_one_manages(cast, city_session):
    ward1 = list(StudyAttendance.objects.filter(session=city_session, required_unit=cast.ward1).values_list("person_id", flat=True))
    dl = list(StudyAttendance.objects.filter(session=city_session, required_unit=cast.ward_dl).values_list("person_id", flat=True))
    with pytest.raises(PermissionDenied):  # the outsider sees the session, but not Phường 1's rows
        services.study_attendance_record(actor=cast.outsider, session=city_session, required_unit=cast.ward1, present=ward1)
    with pytest.raises(PermissionDenied):
        services.study_attendance_record(actor=cast.member, session=city_session, required_unit=cast.ward1, present=ward1)
    assert not StudyAttendance.objects.filter(attended=True).exists()
    assert services.study_attendance_record(
        actor=cast.outsider, session=city_session, required_unit=cast.ward_dl, present=dl
    ) == len(dl)
    assert set(StudyAttendance.objects.filter(attended=True).values_list("person_id", flat=True)) == set(dl)


def test_attendance_of_a_session_one_does_not_see_is_refused_as_missing(cast, docs):
    own = _study(None, cast.ward1, [cast.cell1], [docs["ward"]])
    people = list(StudyAttendance.objects.filter(session=own).values_list("person_id", flat=True))
    with pytest.raises(Http404):
        services.study_attendance_record(actor=cast.outsider, session=own, required_unit=cast.cell1, present=people)
    with pytest.raises(Http404):  # not a unit the session requires
        services.study_attendance_record(actor=cast.ward_secretary, session=own, required_unit=cast.ward_dl, present=[])
    assert not StudyAttendance.objects.filter(attended=True).exists()


def test_materials_are_added_only_by_a_manager_of_the_organiser(cast, docs, city_session, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    own = _study(None, cast.ward1, [cast.cell1], [docs["ward"]])
    for actor, session, refused in (
        (cast.outsider, own, Http404), (cast.outsider, city_session, PermissionDenied), (cast.member, own, PermissionDenied),
    ):
        with pytest.raises(refused):
            services.study_material_add(actor=actor, session=session, upload=upload("a.pdf", pdf_bytes(), PDF))
    assert not StudyMaterial.objects.exists()
    services.study_material_add(actor=cast.ward_secretary, session=own, upload=upload("a.pdf", pdf_bytes(), PDF))
    assert StudyMaterial.objects.count() == 1


# --- The same rules on the pages and in the API --------------------------------------------


def test_pages_answer_as_the_services(cast, docs, city_session, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    relation = DocumentRelation.objects.get(from_document=docs["ward"])
    attached = services.document_attach_file(actor=None, document=docs["ward"], upload=upload("a.pdf", pdf_bytes(), PDF))
    unrelate = reverse("documents:document_unrelate", args=[docs["ward"].pk, relation.pk])
    ward_file = reverse("documents:document_file", args=[docs["ward"].pk, attached.pk])
    assert login(cast.outsider).post(unrelate).status_code == 404
    assert login(cast.member).post(unrelate).status_code == 403
    assert login(cast.outsider).get(ward_file).status_code == 404
    # a file or relation reached through another document is missing, even to its managers
    other_file = reverse("documents:document_file", args=[docs["city"].pk, attached.pk])
    other_unrelate = reverse("documents:document_unrelate", args=[docs["city"].pk, relation.pk])
    assert login(cast.clerk).get(other_file).status_code == 404
    assert login(cast.clerk).post(other_unrelate).status_code == 404
    assert DocumentRelation.objects.filter(pk=relation.pk).exists()
    assert login(cast.member).get(ward_file).status_code == 200
    checklist = reverse("documents:study_attendance", args=[city_session.pk, cast.ward1.pk])
    assert login(cast.outsider).post(checklist, {"present": []}).status_code == 403


@pytest.fixture
def api(client):
    def _get(user, path: str, data=None):
        raw = ApiToken.issue(user=user)[1]
        return client.get(f"/api/v1{path}", data or {}, headers={"Authorization": f"Bearer {raw}"})

    return _get


def test_the_api_answers_as_the_policy(cast, docs, api):
    for user, status in ((cast.outsider, 404), (cast.ward_secretary, 200), (cast.member, 200)):
        response = api(user, f"/documents/{docs['ward'].pk}")
        assert response.status_code == status, (user, response.content)
    refused = api(cast.outsider, f"/documents/{docs['ward'].pk}").json()
    assert set(refused) == {"error", "fields"}
    # shared down from the city: Đông Lương reads it; Phường 1's own plan it does not
    assert api(cast.outsider, f"/documents/{docs['city'].pk}").status_code == 200
    stats = {"term": "2015-2020"}
    assert api(cast.outsider, "/documents/stats", {**stats, "issuer": cast.ward1.pk}).status_code == 404
    assert api(cast.outsider, "/documents/stats", {**stats, "issuer": cast.city.pk}).status_code == 200
