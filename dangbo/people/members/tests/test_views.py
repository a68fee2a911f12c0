"""The members' pages and API, as the cast."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.core.models import ApiToken, AuditEntry
from dangbo.orgs.models import Person
from dangbo.people.members import services

from .test_services import add

D = dt.date


def _many(cast, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        add(cast, name=f"Người {i}", card=f"93.{i:06d}", citizen_id=f"0450850{i:05d}")


def test_member_list_runs_a_fixed_number_of_queries(cast, login, django_assert_num_queries):
    client = login(cast.ward_secretary)
    url = reverse("people:member_list")
    _many(cast, 2)
    with CaptureQueriesContext(connection) as first:
        assert client.get(url, {"status": "all"}).status_code == 200
    _many(cast, 8, start=10)
    person = Person.objects.get(full_name="Người 10")
    services.member_transfer(actor=None, person=person, to_unit=cast.cell_dl, date=D(2024, 1, 1))
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url, {"status": "all"})
    assert "Người 11" in response.content.decode() and "Người 10" not in response.content.decode()


def test_outsider_sees_none_of_the_sibling_ward(cast, login):
    add(cast, name="Bí Mật Phường Một")
    page = login(cast.outsider).get(reverse("people:member_list"), {"status": "all"}).content.decode()
    assert "Bí Mật Phường Một" not in page
    person = Person.objects.get(full_name="Bí Mật Phường Một")
    assert login(cast.outsider).get(reverse("people:member_detail", args=[person.pk])).status_code == 404


@pytest.mark.parametrize(("who", "sees"), [("clerk", True), ("cell_secretary", True), ("ward_secretary", False), ("member", False)])
def test_detail_shows_personal_data_by_the_rule(cast, login, who, sees):
    person = add(cast)
    page = login(getattr(cast, who)).get(reverse("people:member_detail", args=[person.pk])).content.decode()
    assert ("045085001234" in page) is sees
    assert ("0912345678" in page) is sees
    assert "Lê Thị Hạnh" in page


def test_filters_by_status_unit_and_admission(cast, login):
    a = add(cast, name="Đang Sinh Hoạt")
    b = add(cast, name="Đã Xóa Tên", card="93.2", citizen_id="045085000002", joined_on=D(2001, 1, 1))
    services.member_leave(actor=None, person=b, kind="struck_off", date=D(2024, 1, 1), reason="x", decision="1-QĐ")
    client = login(cast.clerk)
    url = reverse("people:member_list")
    page = client.get(url).content.decode()
    assert a.full_name in page and b.full_name not in page
    page = client.get(url, {"status": "left"}).content.decode()
    assert a.full_name not in page and b.full_name in page
    page = client.get(url, {"status": "all", "unit": cast.ward_dl.pk}).content.decode()
    assert a.full_name not in page
    page = client.get(url, {"status": "all", "joined_to": "2005-01-01"}).content.decode()
    assert a.full_name not in page and b.full_name in page
    page = client.get(url, {"day": "2023-12-31"}).content.decode()
    assert b.full_name in page  # on the roll that day


def test_forms_add_edit_transfer_and_leave(cast, login):
    client = login(cast.cell_secretary)
    response = client.post(reverse("people:member_create"), {
        "cell": cast.cell1.pk, "start": "2022-01-10", "full_name": "Ngô Thị Lan", "gender": "f",
        "status": "official", "citizen_id": "045085007777", "ethnicity": "Kinh",
    })
    person = Person.objects.get(full_name="Ngô Thị Lan")
    assert response.status_code == 302
    response = client.post(reverse("people:member_create"), {
        "cell": cast.cell1.pk, "start": "2022-01-10", "full_name": "Trùng CCCD", "gender": "f",
        "status": "official", "citizen_id": "045085007777",
    })
    assert response.status_code == 200 and not Person.objects.filter(full_name="Trùng CCCD").exists()
    edit = client.get(reverse("people:member_edit", args=[person.pk]))
    version = edit.context["form"].initial["expected_version"]
    response = client.post(reverse("people:member_edit", args=[person.pk]), {
        "expected_version": version, "full_name": "Ngô Thị Lan", "gender": "f", "status": "official",
        "citizen_id": "045085007777", "phone": "0987654321", "ethnicity": "Kinh",
    })
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "0987654321"
    response = client.post(reverse("people:member_leave", args=[person.pk]), {"kind": "deceased", "date": "2024-01-01"})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    response = client.post(reverse("people:member_transfer_out", args=[person.pk]), {
        "date": "2024-03-01", "destination": "Đảng bộ phường Thuận Hòa", "letter_number": "9-GGT",
    })
    assert response.status_code == 302
    event = person.member_events.get(kind="transfer_out")
    letter = client.get(reverse("people:member_letter", args=[person.pk, event.pk]))
    assert letter.status_code == 200 and letter.content[:2] == b"PK"
    assert AuditEntry.objects.filter(action="member.letter", after__personal_data=True).exists()


def test_ward_secretary_edit_form_leaves_out_the_personal_data(cast, login):
    person = add(cast)
    form = login(cast.ward_secretary).get(reverse("people:member_edit", args=[person.pk])).context["form"]
    assert "citizen_id" not in form.fields and "full_name" in form.fields


def test_import_page_is_for_the_organisation_board(cast, login):
    assert login(cast.ward_secretary).get(reverse("people:member_import")).status_code == 403
    assert login(cast.clerk).get(reverse("people:member_import")).status_code == 200


# --- API --------------------------------------------------------------------------------------


def _api(cast, who):
    from django.test import Client

    token = ApiToken.issue(user=getattr(cast, who), name="t")[1]
    return lambda url, **params: Client().get(url, params, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_api_list_filters_and_pages(cast):
    add(cast)
    old = add(cast, name="Cựu Đảng Viên", card="93.9", citizen_id="045085000009", joined_on=D(1990, 1, 1))
    services.member_leave(actor=None, person=old, kind="deceased", date=D(2024, 1, 1), reason="Từ trần")
    get = _api(cast, "ward_secretary")
    body = get("/api/v1/members").json()
    names = {item["full_name"] for item in body["items"]}
    assert "Lê Thị Hạnh" in names and "Cựu Đảng Viên" not in names and body["count"] == len(body["items"])
    body = get("/api/v1/members", status="deceased").json()
    assert [i["full_name"] for i in body["items"]] == ["Cựu Đảng Viên"]
    assert get("/api/v1/members", status="all", joined_to="1995-01-01").json()["count"] == 1
    assert get("/api/v1/members", unit=cast.ward1.pk, limit=1).json()["count"] >= 2
    assert get("/api/v1/members", unit=cast.ward_dl.pk).status_code == 404
    bad = get("/api/v1/members", status="nope")
    assert bad.status_code == 422 and set(bad.json()) == {"error", "fields"}
    assert _api(cast, "outsider")("/api/v1/members", status="all").json()["count"] == 0


def test_api_detail_nulls_what_the_policy_hides(cast):
    person = add(cast)
    url = f"/api/v1/members/{person.pk}"
    mine = _api(cast, "cell_secretary")(url).json()
    assert mine["citizen_id"] == "045085001234" and mine["birth_date"] == "1985-05-02"
    ward = _api(cast, "ward_secretary")(url).json()
    assert [ward[k] for k in ("birth_date", "citizen_id", "phone", "address")] == [None] * 4
    assert ward["full_name"] == "Lê Thị Hạnh" and ward["unit_id"] == cast.cell1.pk and ward["status"] == "official"
    assert _api(cast, "outsider")(url).status_code == 404


def test_a_unit_page_links_to_its_roster(cast, login):
    page = login(cast.ward_secretary).get(reverse("orgs:unit_detail", args=[cast.ward1.pk])).content.decode()
    assert f"{reverse('people:member_list')}?unit={cast.ward1.pk}" in page


def test_a_stale_edit_keeps_the_other_save(cast, login):
    person = add(cast)
    client = login(cast.cell_secretary)
    version = client.get(reverse("people:member_edit", args=[person.pk])).context["form"].initial["expected_version"]
    services.member_update(actor=cast.clerk, person=person, phone="0933333333")
    response = client.post(reverse("people:member_edit", args=[person.pk]), {
        "expected_version": version, "full_name": "Lê Thị Hạnh", "gender": "f", "status": "official",
        "phone": "0944444444", "ethnicity": "Kinh",
    })
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    person.refresh_from_db()
    assert person.phone == "0933333333"


def test_transfer_in_page_and_within_the_city(cast, login):
    client = login(cast.clerk)
    response = client.post(reverse("people:member_transfer_in"), {
        "cell": cast.cell_dl.pk, "date": "2025-02-03", "origin": "Đảng bộ xã Vĩnh Linh", "letter_number": "4-GGT",
        "full_name": "Mai Văn Đến", "gender": "m", "status": "official", "ethnicity": "Kinh",
    })
    assert response.status_code == 302
    person = Person.objects.get(full_name="Mai Văn Đến")
    response = client.post(reverse("people:member_transfer", args=[person.pk]), {"to_unit": cast.cell1.pk, "date": "2025-01-01"})
    assert response.status_code == 200 and "date" in response.context["form"].errors  # before they arrived
    response = client.post(reverse("people:member_transfer", args=[person.pk]), {"to_unit": cast.cell1.pk, "date": "2025-03-03"})
    assert response.status_code == 302
    page = client.get(reverse("people:member_detail", args=[person.pk])).content.decode()
    assert "Đảng bộ xã Vĩnh Linh" in page and "Chi bộ Khu phố 1" in page
    # The ward secretary of Phường 1 may not move them into the sibling ward.
    response = login(cast.ward_secretary).get(reverse("people:member_transfer", args=[person.pk]))
    assert cast.cell_dl.name not in response.content.decode()


def _docx_text(body: bytes) -> str:
    import io

    from docx import Document

    doc = Document(io.BytesIO(body))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(cells + [p.text for p in doc.paragraphs])


def test_the_introduction_letter_holds_personal_data_only_for_who_may_read_it(cast, login):
    person = add(cast)
    event = services.member_transfer_out(
        actor=None, person=person, date=D(2024, 2, 1), destination="Đảng bộ phường An Hòa", letter_number="15-GGT/ĐU"
    )
    url = reverse("people:member_letter", args=[person.pk, event.pk])
    mine = _docx_text(login(cast.cell_secretary).get(url).content)
    assert "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG" in mine and "Kính gửi: Đảng bộ phường An Hòa" in mine
    assert "02/05/1985" in mine and "045085001234" in mine and "Số 15-GGT/ĐU" in mine
    assert "ĐẢNG BỘ PHƯỜNG 1" in mine  # the committee above the old cell issues it
    ward = _docx_text(login(cast.ward_secretary).get(url).content)
    assert "Lê Thị Hạnh" in ward and "045085001234" not in ward and "02/05/1985" not in ward
    assert AuditEntry.objects.filter(action="member.letter").count() == 2
    assert login(cast.member).get(url).status_code == 403
    assert login(cast.outsider).get(url).status_code == 404


def test_put_a_cadre_without_a_cell_on_a_roll(cast, login):
    cadre = Person.objects.get(user=cast.ward_secretary)  # holds a position, is on no roll
    client = login(cast.ward_secretary)
    data = {"person": cadre.pk, "person_q": cadre.full_name, "person_shown": cadre.full_name,
            "cell": cast.cell1.pk, "date": "2024-01-02", "decision": "1-QĐ/ĐU"}
    response = client.post(reverse("people:member_admit"), data)
    assert response.status_code == 302
    assert cadre.memberships.get().unit == cast.cell1
    assert cadre.member_events.get().decision == "1-QĐ/ĐU"
    response = client.post(reverse("people:member_admit"), data)  # now on a roll: not offered
    assert response.status_code == 200 and "person" in response.context["form"].errors
    member = Person.objects.get(user=cast.member)
    assert login(cast.outsider).post(reverse("people:member_admit"), {**data, "person": member.pk, "cell": cast.cell_dl.pk}).status_code == 200
    assert member.memberships.count() == 1


def test_a_long_roster_is_counted_up_to_the_cap_only(cast, login, monkeypatch, settings, django_assert_num_queries):
    """A province's roster is not counted to its end for the page links: past the cap, the page
    says "more than" and the filters narrow it, in the same number of queries."""
    from dangbo.people.members import views

    monkeypatch.setattr(views, "COUNT_CAP", 3)
    settings.PAGE_SIZE = 1  # the paginator counts at least to the page after the one asked
    client = login(cast.clerk)
    url = reverse("people:member_list")
    _many(cast, 2)
    page = client.get(url).content.decode()
    assert "Hơn" not in page
    _many(cast, 6, start=10)
    with django_assert_num_queries(len(_queries(client, url))):
        response = client.get(url)
    assert response.context["page_obj"].paginator.capped
    assert "Hơn 3 đảng viên" in response.content.decode()


def _queries(client, url: str) -> list:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return captured.captured_queries


def test_the_unit_filter_lists_no_unit_and_takes_any_visible_one(cast, login):
    """A province's roster filter does not list its 1,200 cells: it is a typed picker, and any
    visible party unit, however deep, is accepted (test_unit_pickers.py has the rest)."""
    from dangbo.orgs import services as orgs
    from dangbo.orgs.models import UnitKind

    kind = {k.code: k for k in UnitKind.objects.all()}
    grassroots = orgs.unit_create(actor=None, parent=cast.ward1, kind=kind["dang-bo-co-so"],
                                  name="Đảng bộ Trường Trung học", code="t-p1-th")
    deep = orgs.unit_create(actor=None, parent=grassroots, kind=kind["chi-bo"], name="Chi bộ Giáo viên Sâu",
                            code="t-p1-th-gv")
    client = login(cast.clerk)
    url = reverse("people:member_list")
    page = client.get(url).content.decode()
    assert "Đảng bộ Trường Trung học" not in page and "Chi bộ Giáo viên Sâu" not in page
    response = client.get(url, {"unit": deep.pk})
    assert response.context["filters"].is_valid() and "Chi bộ Giáo viên Sâu" in response.content.decode()
    assert not login(cast.outsider).get(url, {"unit": deep.pk}).context["filters"].is_valid()
