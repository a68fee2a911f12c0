"""Study sessions (học tập, quán triệt): roster, attendance, completion, pages, permissions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.conftest import START, make_person
from dangbo.documents import selectors, services
from dangbo.documents.models import StudyAttendance, StudySession
from dangbo.orgs import services as org_services

from .helpers import PDF, D, build_docs, pdf_bytes, upload

pytestmark = pytest.mark.django_db
DAY = D(2021, 3, 1)


def _members(unit, n: int, start: int = 0) -> list:
    people = []
    for i in range(start, start + n):
        person = make_person(f"Đảng viên {unit.code} {i:03d}")
        org_services.membership_create(actor=None, person=person, unit=unit, start=START)
        people.append(person)
    return people


@pytest.fixture
def docs(cast):
    return build_docs(cast)


@pytest.fixture
def session(cast, docs):
    """The city's session on Chỉ thị 05 for Phường 1 (its cell) and Đông Lương."""
    _members(cast.cell1, 3)
    _members(cast.cell_dl, 2)
    return services.study_session_create(
        actor=None, unit=cast.city, title="Quán triệt Chỉ thị 05", date=DAY, place="Hội trường",
        documents=[docs["central"], docs["city"]], required_units=[cast.ward1, cast.ward_dl],
    )


def test_roster_holds_every_member_of_the_required_units(cast, session):
    rows = StudyAttendance.objects.filter(session=session)
    assert rows.filter(required_unit=cast.ward1).count() == 4  # 3 + cast.member
    assert rows.filter(required_unit=cast.ward_dl).count() == 2
    assert not rows.filter(attended=True).exists()
    assert set(rows.filter(required_unit=cast.ward1).values_list("unit", flat=True)) == {cast.cell1.pk}


def test_members_who_joined_after_the_date_are_not_expected(cast, docs):
    late = make_person("Người mới")
    org_services.membership_create(actor=None, person=late, unit=cast.cell1, start=D(2022, 1, 1))
    session = services.study_session_create(
        actor=None, unit=cast.ward1, title="Học tập", date=DAY, documents=[docs["ward"]], required_units=[cast.cell1],
    )
    assert not StudyAttendance.objects.filter(session=session, person=late).exists()


def test_bad_sessions_change_nothing(cast, docs):
    with pytest.raises(ValidationError) as error:
        services.study_session_create(
            actor=None, unit=cast.ward1, title="Học tập", date=DAY, documents=[], required_units=[cast.cell_dl],
        )
    assert {"documents", "required_units"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        services.study_session_create(
            actor=None, unit=cast.ward1, title="", date=DAY, documents=[docs["ward"]], required_units=[cast.cell1],
        )
    assert "title" in error.value.message_dict
    assert not StudySession.objects.exists()


def test_attendance_and_completion(cast, docs, session):
    ward1_people = list(StudyAttendance.objects.filter(session=session, required_unit=cast.ward1).values_list("person_id", flat=True))
    services.study_attendance_record(actor=None, session=session, required_unit=cast.ward1, present=ward1_people[:3])
    by_unit = {c.unit.code: (c.present, c.expected, c.percent) for c in selectors.session_completion(session=session)}
    assert by_unit == {"t-phuong1": (3, 4, 75), "t-dongluong": (0, 2, 0)}
    # a make-up session: the absent member attends; completion counts people, not sessions
    makeup = services.study_session_create(
        actor=None, unit=cast.ward1, title="Học bù", date=D(2021, 3, 20), documents=[docs["central"]],
        required_units=[cast.ward1],
    )
    services.study_attendance_record(actor=None, session=makeup, required_unit=cast.ward1, present=ward1_people[3:])
    on_doc = {c.unit.code: (c.present, c.expected) for c in selectors.document_completion(user=cast.clerk, document=docs["central"])}
    assert on_doc == {"t-phuong1": (4, 4), "t-dongluong": (0, 2)}
    # the other document of the first session only
    assert {c.unit.code: c.present for c in selectors.document_completion(user=cast.clerk, document=docs["city"])}["t-phuong1"] == 3
    # the unit's page: per document, its members only
    cell = {c.document.symbol: (c.present, c.expected) for c in selectors.unit_completion(user=cast.cell_secretary, unit=cast.cell1)}
    assert cell == {"05-CT/TW": (4, 4), "12-KH/TU": (3, 4)}
    with pytest.raises(ValidationError):
        services.study_attendance_record(actor=None, session=session, required_unit=cast.ward1, present=[999999])


def test_visibility(cast, docs, session):
    own = services.study_session_create(
        actor=None, unit=cast.ward1, title="Học tập ở Phường 1", date=DAY, documents=[docs["ward"]],
        required_units=[cast.cell1],
    )
    seen = {name: set(selectors.study_list(user=u).values_list("pk", flat=True)) for name, u in cast.everyone.items()}
    assert seen["clerk"] == {session.pk, own.pk}
    assert seen["ward_secretary"] == {session.pk, own.pk}
    assert seen["outsider"] == {session.pk}  # Đông Lương is required at the city's session
    assert seen["cell_secretary"] == {session.pk, own.pk}  # the audience sees what it must attend
    assert seen["member"] == {session.pk, own.pk}


def _status(client, url, method="get", data=None):
    return getattr(client, method)(url, data or {}).status_code


def test_pages_and_permissions(cast, docs, session, login):
    own = services.study_session_create(
        actor=None, unit=cast.ward1, title="Học tập ở Phường 1", date=DAY, documents=[docs["ward"]],
        required_units=[cast.cell1],
    )
    detail = reverse("documents:study_detail", args=[own.pk])
    checklist = reverse("documents:study_attendance", args=[own.pk, cast.cell1.pk])
    material = reverse("documents:study_material_add", args=[own.pk])
    assert _status(login(cast.outsider), detail) == 404
    assert _status(login(cast.outsider), checklist) == 404
    assert _status(login(cast.outsider), checklist, "post", {"present": []}) == 404
    assert _status(login(cast.member), detail) == 200
    assert _status(login(cast.member), checklist) == 403
    assert _status(login(cast.member), checklist, "post", {"present": []}) == 403
    assert _status(login(cast.member), material, "post", {}) == 403
    assert _status(login(cast.member), reverse("documents:study_create")) == 403
    # the cell's secretary ticks the cell's members; the ward secretary sees the share
    people = list(StudyAttendance.objects.filter(session=own).values_list("person_id", flat=True))
    response = login(cast.cell_secretary).post(checklist, {"present": [str(p) for p in people[:2]]})
    assert response.status_code == 302
    assert StudyAttendance.objects.filter(session=own, attended=True).count() == 2
    body = login(cast.ward_secretary).get(detail, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "50%" in body and "Take attendance" in body
    assert login(cast.cell_secretary).post(checklist, {"present": ["x"]}).status_code == 400
    assert login(cast.cell_secretary).post(checklist, {"present": ["999999"]}).status_code == 400


def test_a_ward_secretary_ticks_only_what_they_manage(cast, session, login):
    """At the city's session, Đông Lương's secretary may tick Đông Lương but not Phường 1."""
    client = login(cast.outsider)
    assert client.get(reverse("documents:study_attendance", args=[session.pk, cast.ward_dl.pk])).status_code == 200
    assert client.get(reverse("documents:study_attendance", args=[session.pk, cast.ward1.pk])).status_code == 403


def test_create_through_the_form(cast, docs, login):
    _members(cast.cell1, 2)
    client = login(cast.ward_secretary)
    url = reverse("documents:study_create")
    assert "03-KH/ĐU" in client.get(url, {"document": docs["ward"].pk}).content.decode()
    data = {
        "unit": cast.ward1.pk, "title": "Quán triệt Kế hoạch 03", "date": "2021-03-01", "place": "Nhà văn hóa",
        "documents": "03-KH/ĐU, 2016\n05-CT/TW", "required_units": [cast.cell1.pk],
        "file": upload("de-cuong.pdf", pdf_bytes("De cuong"), PDF),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    session = StudySession.objects.get(title="Quán triệt Kế hoạch 03")
    assert {d.symbol for d in session.documents.all()} == {"03-KH/ĐU", "05-CT/TW"}
    assert session.attendance.count() == 3 and session.materials.count() == 1
    material = session.materials.get()
    assert client.get(reverse("documents:study_material", args=[session.pk, material.pk])).status_code == 200
    assert login(cast.outsider).get(reverse("documents:study_material", args=[session.pk, material.pk])).status_code == 404
    # bad input: field and reason, nothing created
    bad = client.post(url, {**data, "documents": "99-KH/XX", "required_units": [cast.cell_dl.pk], "file": ""},
                      HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "No document you may see is registered as 99-KH/XX." in body
    assert StudySession.objects.count() == 1


def test_document_and_unit_pages_show_completion(cast, docs, session, login):
    body = login(cast.clerk).get(docs["central"].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Study of documents" in body and "Đảng bộ Phường 1" in body and "0%" in body
    request = RequestFactory().get("/")
    request.user = cast.ward_secretary
    html = Template("{% load documents %}{% study_completion unit %}").render(Context({"request": request, "unit": cast.ward1}))
    assert "05-CT/TW" in html and "12-KH/TU" in html


def test_list_runs_a_fixed_number_of_queries(cast, docs, login, django_assert_num_queries):
    client = login(cast.clerk)
    url = reverse("documents:study_list")

    def add(n):
        for i in range(n):
            services.study_session_create(
                actor=None, unit=cast.city, title=f"Học tập {i}", date=DAY, documents=[docs["central"], docs["city"]],
                required_units=[cast.ward1, cast.ward_dl],
            )

    add(1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add(12)
    _members(cast.cell1, 10)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_detail_and_checklist_run_a_fixed_number_of_queries(cast, docs, login, django_assert_num_queries):
    client = login(cast.clerk)
    _members(cast.cell1, 2)
    small_session = services.study_session_create(
        actor=None, unit=cast.city, title="Nhỏ", date=DAY, documents=[docs["central"]], required_units=[cast.ward1],
    )
    _members(cast.cell1, 30, start=10)
    _members(cast.cell_dl, 10)
    big_session = services.study_session_create(
        actor=None, unit=cast.city, title="Lớn", date=DAY, documents=[docs["central"], docs["city"]],
        required_units=[cast.ward1, cast.ward_dl],
    )
    for name, args in (("study_detail", []), ("study_attendance", [cast.ward1.pk])):
        small_url = reverse(f"documents:{name}", args=[small_session.pk, *args])
        big_url = reverse(f"documents:{name}", args=[big_session.pk, *args])
        client.get(small_url)
        with CaptureQueriesContext(connection) as small:
            assert client.get(small_url).status_code == 200
        with django_assert_num_queries(len(small.captured_queries)):
            assert client.get(big_url).status_code == 200


def test_unit_page_shows_study_completion_panel(cast, login):
    """The documents app adds its study completion panel to the organisation's unit page."""
    from django.urls import reverse

    body = login(cast.ward_secretary).get(reverse("orgs:unit_detail", args=[cast.ward1.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "study-completion" in body
    assert login(cast.outsider).get(reverse("orgs:unit_detail", args=[cast.ward1.pk])).status_code == 404
