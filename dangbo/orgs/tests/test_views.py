"""The organisation pages, each tried by the whole cast: allowed, read-only and outsider."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangbo.core.models import AuditEntry
from dangbo.orgs import services
from dangbo.orgs.models import Membership, Person, Position, Role, Unit, UnitChange, UnitKind

pytestmark = pytest.mark.django_db


def status_of(client, url, method="get", data=None):
    return getattr(client, method)(url, data or {}).status_code


@pytest.mark.parametrize(
    ("user", "expected"),
    [("clerk", 200), ("ward_secretary", 200), ("cell_secretary", 404), ("member", 404), ("outsider", 404)],
)
def test_ward_page_by_role(cast, login, user, expected):
    client = login(getattr(cast, user))
    assert status_of(client, reverse("orgs:unit_detail", args=[cast.ward1.pk])) == expected


@pytest.mark.parametrize("name", ["unit_detail", "unit_members", "unit_history"])
def test_read_pages_of_a_cell(cast, login, name):
    url = reverse(f"orgs:{name}", args=[cast.cell1.pk])
    assert status_of(login(cast.member), url) == 200
    assert status_of(login(cast.cell_secretary), url) == 200
    assert status_of(login(cast.outsider), url) == 404


@pytest.mark.parametrize(
    "name", ["unit_edit", "unit_create", "term_create", "position_create"]
)
def test_change_pages_need_manage(cast, login, name):
    url = reverse(f"orgs:{name}", args=[cast.cell1.pk])
    assert status_of(login(cast.member), url) == 403
    assert status_of(login(cast.outsider), url) == 404
    assert status_of(login(cast.cell_secretary), url) == 200


@pytest.mark.parametrize("name", ["unit_move", "unit_merge", "unit_split"])
def test_reorganisation_needs_admin(cast, login, name):
    url = reverse(f"orgs:{name}", args=[cast.cell1.pk])
    assert status_of(login(cast.ward_secretary), url) == 403
    assert status_of(login(cast.outsider), url) == 404
    assert status_of(login(cast.clerk), url) == 200


def test_anonymous_is_sent_to_login(client, cast):
    response = client.get(reverse("orgs:unit_detail", args=[cast.city.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_tree_shows_only_visible_units(cast, login):
    body = login(cast.outsider).get(reverse("orgs:unit_list")).content.decode()
    assert "Đảng bộ phường Đông Lương" in body
    assert "Đảng bộ Phường 1" not in body
    assert "Chi bộ Khu phố 1" not in body


def test_search_is_diacritics_insensitive_and_scoped(cast, login):
    url = reverse("orgs:unit_list") + "?q=khu+pho"
    clerk_body = login(cast.clerk).get(url).content.decode()
    assert "Chi bộ Khu phố 1" in clerk_body and "Chi bộ Khu phố 3 Đông Lương" in clerk_body
    outsider_body = login(cast.outsider).get(url).content.decode()
    assert "Chi bộ Khu phố 3 Đông Lương" in outsider_body and "Chi bộ Khu phố 1<" not in outsider_body


def test_tree_children_partial(cast, login):
    url = reverse("orgs:unit_tree_children", args=[cast.ward1.pk])
    assert "Chi bộ Khu phố 1" in login(cast.ward_secretary).get(url).content.decode()
    assert status_of(login(cast.outsider), url) == 404


def test_rename_keeps_history_and_audit(cast, login):
    client = login(cast.ward_secretary)
    response = client.post(
        reverse("orgs:unit_edit", args=[cast.cell1.pk]),
        {"name": "Chi bộ Khu phố 1A", "short_name": "", "code": "t-p1-kp1", "date": "2024-01-01", "decision": "12-QĐ/ĐU"},
    )
    assert response.status_code == 302
    cast.cell1.refresh_from_db()
    assert cast.cell1.name == "Chi bộ Khu phố 1A"
    change = UnitChange.objects.get(kind="rename", from_units=cast.cell1)
    assert change.details == {"old_name": "Chi bộ Khu phố 1", "new_name": "Chi bộ Khu phố 1A"}
    entry = AuditEntry.objects.filter(action="unit.update", object_id=cast.cell1.pk).get()
    assert entry.actor == cast.ward_secretary
    assert entry.before["name"] == "Chi bộ Khu phố 1" and entry.after["name"] == "Chi bộ Khu phố 1A"
    history = client.get(reverse("orgs:unit_history", args=[cast.cell1.pk])).content.decode()
    assert "Chi bộ Khu phố 1 → Chi bộ Khu phố 1A" in history
    assert "unit.update" not in history  # the action reads as words, not as its code
    assert "t-p1-kp1" not in history


def test_duplicate_code_is_refused_in_vietnamese(cast, login):
    client = login(cast.ward_secretary)
    response = client.post(
        reverse("orgs:unit_create", args=[cast.ward1.pk]),
        {"kind": UnitKind.objects.get(code="chi-bo").pk, "name": "Chi bộ mới", "code": "t-dl-kp3"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mã “t-dl-kp3” đã được dùng cho Chi bộ Khu phố 3 Đông Lương." in body
    assert not Unit.objects.filter(name="Chi bộ mới").exists()


def test_move_into_own_subtree_is_refused(cast, login):
    client = login(cast.clerk)
    before = Unit.objects.get(pk=cast.ward1.pk).path
    response = client.post(
        reverse("orgs:unit_move", args=[cast.ward1.pk]),
        {"new_parent": cast.cell1.pk, "date": "2024-01-01"},
    )
    assert response.status_code == 200
    assert "field-invalid" in response.content.decode()
    assert Unit.objects.get(pk=cast.ward1.pk).path == before


def test_move_service_rejects_cycles_with_clear_message(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.unit_move(actor=None, unit=cast.ward1, new_parent=cast.cell1)
    assert "new_parent" in error.value.message_dict


def test_move_a_cell_to_another_ward(cast, login):
    client = login(cast.clerk)
    response = client.post(
        reverse("orgs:unit_move", args=[cast.cell1.pk]),
        {"new_parent": cast.ward_dl.pk, "date": "2024-05-01", "decision": "45-QĐ/TU"},
    )
    assert response.status_code == 302
    cell = Unit.objects.get(pk=cast.cell1.pk)
    assert Unit.objects.get_parent(cell) == cast.ward_dl
    # The ward secretary of Phường 1 no longer sees it; the outsider now does.
    assert status_of(login(cast.ward_secretary), reverse("orgs:unit_detail", args=[cell.pk])) == 404
    assert status_of(login(cast.outsider), reverse("orgs:unit_detail", args=[cell.pk])) == 200


def test_position_ending_before_it_starts_is_refused(cast, login):
    client = login(cast.ward_secretary)
    person = Person.objects.get(full_name="Hoàng Văn Minh")
    response = client.post(
        reverse("orgs:position_create", args=[cast.cell1.pk]),
        {"person": person.pk, "title": "Phó Bí thư Chi bộ", "start": "2024-05-01", "end": "2024-01-01", "role": Role.VIEW},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.content.decode()
    assert not Position.objects.filter(title="Phó Bí thư Chi bộ").exists()


def test_position_grants_its_role_and_cannot_exceed_the_granter(cast, login):
    client = login(cast.ward_secretary)
    person = Person.objects.get(full_name="Hoàng Văn Minh")
    url = reverse("orgs:position_create", args=[cast.cell1.pk])
    too_high = client.post(url, {"person": person.pk, "title": "Phó Bí thư", "start": "2024-01-01", "role": Role.ADMIN})
    assert too_high.status_code == 200
    assert not Position.objects.filter(title="Phó Bí thư").exists()
    ok = client.post(url, {"person": person.pk, "title": "Phó Bí thư", "start": "2024-01-01", "role": Role.MANAGE})
    assert ok.status_code == 302
    assert status_of(login(cast.member), reverse("orgs:unit_edit", args=[cast.cell1.pk])) == 200


def test_position_end_removes_the_grant(cast, login):
    position = Position.objects.get(person__user=cast.cell_secretary)
    client = login(cast.ward_secretary)
    response = client.post(reverse("orgs:position_end", args=[position.pk]), {"end": "2024-12-31"})
    assert response.status_code == 302
    assert status_of(login(cast.cell_secretary), reverse("orgs:unit_detail", args=[cast.cell1.pk])) == 404
    assert status_of(login(cast.outsider), reverse("orgs:position_end", args=[position.pk])) == 404


def test_term_code_and_dates_are_checked(cast, login):
    client = login(cast.ward_secretary)
    url = reverse("orgs:term_create", args=[cast.ward1.pk])
    bad = client.post(url, {"code": "2025", "start": "2025-10-01"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert "Ghi nhiệm kỳ bằng hai năm" in bad.content.decode()
    assert client.post(url, {"code": "2025-2030", "start": "2025-10-01"}).status_code == 302
    again = client.post(url, {"code": "2025-2030", "start": "2025-10-01"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert "đã có nhiệm kỳ 2025-2030" in again.content.decode()


def test_merge_keeps_the_old_unit_readable_and_attributed(cast, login):
    kind = UnitKind.objects.get(code="chi-bo")
    other = services.unit_create(actor=None, parent=cast.ward1, kind=kind, name="Chi bộ Khu phố 2", code="t-p1-kp2")
    client = login(cast.clerk)
    response = client.post(
        reverse("orgs:unit_merge", args=[cast.cell1.pk]),
        {"target": other.pk, "date": "2025-07-01", "decision": "99-QĐ/ĐU"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    old = Unit.objects.get(pk=cast.cell1.pk)
    assert old.valid_to == dt.date(2025, 6, 30)
    member = Person.objects.get(user=cast.member)
    assert Membership.objects.current().get(person=member).unit == other
    assert Membership.objects.get(person=member, unit=old).end == dt.date(2025, 6, 30)
    page = client.get(reverse("orgs:unit_detail", args=[old.pk])).content.decode()
    assert "Chi bộ Khu phố 2" in page and "99-QĐ/ĐU" in page
    # The member keeps read access to the cell they belong to now, and to the merged one's past.
    assert status_of(login(cast.member), reverse("orgs:unit_detail", args=[other.pk])) == 200


def test_split_creates_parts_and_closes_the_source(cast, login):
    client = login(cast.clerk)
    response = client.post(
        reverse("orgs:unit_split", args=[cast.ward1.pk]),
        {"parts": "Đảng bộ Phường 1A | t-p1a\nĐảng bộ Phường 1B | t-p1b", "date": "2025-07-01", f"child_{cast.cell1.pk}": 2},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    part_b = Unit.objects.get(code="t-p1b")
    assert Unit.objects.get_parent(Unit.objects.get(pk=cast.cell1.pk)) == part_b
    assert Unit.objects.get(pk=cast.ward1.pk).valid_to == dt.date(2025, 6, 30)
    assert UnitChange.objects.get(kind="split").to_units.count() == 2


def test_split_with_a_bad_line_changes_nothing(cast, login):
    client = login(cast.clerk)
    response = client.post(
        reverse("orgs:unit_split", args=[cast.ward1.pk]),
        {"parts": "Đảng bộ Phường 1A | t-p1a\nno code here", "date": "2025-07-01"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert "Dòng 2" in response.content.decode()
    assert not Unit.objects.filter(code="t-p1a").exists()


def test_people_list_is_scoped(cast, login):
    url = reverse("orgs:person_list")
    assert "Hoàng Văn Minh" in login(cast.ward_secretary).get(url).content.decode()
    assert "Hoàng Văn Minh" not in login(cast.outsider).get(url).content.decode()
    minh = Person.objects.get(full_name="Hoàng Văn Minh")
    assert status_of(login(cast.outsider), reverse("orgs:person_detail", args=[minh.pk])) == 404
    assert status_of(login(cast.ward_secretary), reverse("orgs:person_detail", args=[minh.pk])) == 200
    assert "Hoàng Văn Minh" in login(cast.clerk).get(url + "?q=hoang+van").content.decode()


def _add_members(unit, count, start=0):
    people = Person.objects.bulk_create(
        [Person(full_name=f"Người {start + i}", search_name=f"nguoi {start + i}", gender="m") for i in range(count)]
    )
    Membership.objects.bulk_create([Membership(person=p, unit=unit, start=dt.date(2020, 1, 1)) for p in people])


def _add_cells(parent, count, start=0):
    kind = UnitKind.objects.get(code="chi-bo")
    for i in range(count):
        services.unit_create(actor=None, parent=parent, kind=kind, name=f"Chi bộ số {start + i}", code=f"cb-{start + i}")


@pytest.mark.parametrize(
    ("name", "arg"),
    [("unit_list", None), ("person_list", None), ("unit_members", "ward1"), ("unit_detail", "ward1"),
     ("unit_history", "ward1")],
)
def test_list_pages_run_a_fixed_number_of_queries(cast, login, django_assert_num_queries, name, arg):
    client = login(cast.clerk)
    url = reverse(f"orgs:{name}", args=[getattr(cast, arg).pk] if arg else [])
    _add_members(cast.cell1, 3)
    _add_cells(cast.ward1, 2)
    client.get(url)  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _add_members(cast.cell1, 120, start=100)
    _add_cells(cast.ward1, 15, start=100)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_term_page_groups_positions_by_body(cast, login):
    term = services.term_create(actor=None, unit=cast.ward1, code="2020-2025", start=dt.date(2020, 10, 1), end=dt.date(2025, 9, 30))
    person = Person.objects.get(user=cast.ward_secretary)
    services.position_create(actor=None, person=person, unit=cast.ward1, title="Bí thư Đảng ủy", body="btv", term=term, start=dt.date(2020, 10, 1))
    url = reverse("orgs:term_detail", args=[term.pk])
    body = login(cast.ward_secretary).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Standing committee (BTV)" in body and "Trần Văn Phú" in body
    assert status_of(login(cast.outsider), url) == 404
    assert status_of(login(cast.member), url) == 404
