"""The members' forms and the roster's filter pick a unit by typing: the pages list no unit,
whatever the number of units, and the lookup answers only with the units the field takes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangbo.conftest import field_errors as _errors
from dangbo.conftest import page_not_growing
from dangbo.orgs import services as org_services
from dangbo.orgs.models import Person, UnitKind

from .test_services import add

LOOKUP = "people:member_unit_lookup"


def _record(name):
    return {"full_name": name, "gender": "f", "status": "official", "ethnicity": "Kinh"}


@pytest.fixture
def arrived(cast):
    """A member of cell1 the ward secretary may transfer."""
    return add(cast, name="Trần Thị Chuyển", card="93.5", citizen_id="045085000555")


def _pages(arrived):
    transfer = reverse("people:member_transfer", args=[arrived.pk])
    return [
        (reverse("people:member_list"), "unit", reverse(LOOKUP)),
        (reverse("people:member_create"), "cell", reverse(LOOKUP) + "?scope=cells"),
        (reverse("people:member_transfer_in"), "cell", reverse(LOOKUP) + "?scope=cells"),
        (reverse("people:member_admit"), "cell", reverse(LOOKUP) + "?scope=cells"),
        (transfer, "to_unit", reverse(LOOKUP) + f"?scope=transfer&amp;person={arrived.pk}"),
    ]


@pytest.mark.parametrize("index", range(5))
def test_the_page_lists_no_unit_whatever_their_number(cast, login, arrived, index):
    url, field, lookup = _pages(arrived)[index]
    client = login(cast.ward_secretary)
    body = page_not_growing(client, url, cast.ward1)
    assert "Chi bộ Mới" not in body and "Chi bộ Khu phố 1</option>" not in body
    assert f'data-lookup-url="{lookup}"' in body and f'name="{field}_q"' in body


@pytest.mark.parametrize(("scope", "ward1_in", "cell1_in"), [("", True, True), ("cells", False, True)])
def test_the_lookup_answers_with_the_units_of_its_scope(cast, login, scope, ward1_in, cell1_in):
    url = reverse(LOOKUP)
    params = {"q": "phuong", **({"scope": scope} if scope else {})}
    found = [i["id"] for i in login(cast.ward_secretary).get(url, params).json()["items"]]
    assert (cast.ward1.pk in found) is ward1_in and cast.ward_dl.pk not in found
    found = [i["id"] for i in login(cast.ward_secretary).get(url, params | {"q": "khu pho"}).json()["items"]]
    assert (cast.cell1.pk in found) is cell1_in and cast.cell_dl.pk not in found
    found = [i["id"] for i in login(cast.outsider).get(url, params | {"q": "khu pho"}).json()["items"]]
    assert cast.cell1.pk not in found and cast.cell_dl.pk in found


def test_the_transfer_lookup_leaves_out_the_member_s_cell_and_needs_the_member(cast, login, arrived):
    other = org_services.unit_create(actor=None, parent=cast.ward1, kind=UnitKind.objects.get(code="chi-bo"),
                                     name="Chi bộ Khu phố 2", code="t-p1-kp2")
    url = reverse(LOOKUP)
    params = {"q": "khu pho", "scope": "transfer", "person": arrived.pk}
    found = [i["id"] for i in login(cast.ward_secretary).get(url, params).json()["items"]]
    assert found == [other.pk]
    assert login(cast.outsider).get(url, params).status_code == 404
    assert login(cast.member).get(url, params).status_code == 403
    assert login(cast.ward_secretary).get(url, params | {"person": "x"}).status_code == 404
    assert login(cast.ward_secretary).get(url, params | {"scope": "all"}).status_code == 404


def test_the_roster_filter_narrows_to_a_picked_unit_and_refuses_others(cast, login):
    add(cast, name="Người Phường Một")
    client = login(cast.ward_secretary)
    body = client.get(reverse("people:member_list"), {"unit": cast.cell1.pk}).content.decode()
    assert "Người Phường Một" in body and f'name="unit_q" value="{cast.cell1.label}"' in body
    body = client.get(reverse("people:member_list"), {"unit": cast.cell_dl.pk}).content.decode()
    assert 'class="error"' in body or "field-invalid" in body


def test_create_transfer_in_and_admit_into_a_picked_cell_only(cast, login):
    client = login(cast.ward_secretary)
    url = reverse("people:member_create")
    data = {"cell": cast.cell_dl.pk, "start": "2022-01-10", **_record("Ngô Thị Lan")}
    response = client.post(url, data)
    assert response.status_code == 200 and _errors(response, "cell") == ["invalid_choice"]
    assert client.post(url, data | {"cell": cast.cell1.pk}).status_code == 302
    url = reverse("people:member_transfer_in")
    data = {"cell": cast.ward1.pk, "date": "2025-02-03", "origin": "Đảng bộ xã Vĩnh Linh", **_record("Mai Văn Đến")}
    response = client.post(url, data)  # a ward holds no members
    assert response.status_code == 200 and _errors(response, "cell") == ["invalid_choice"]
    assert client.post(url, data | {"cell": cast.cell1.pk}).status_code == 302
    cadre = Person.objects.get(user=cast.ward_secretary)
    url = reverse("people:member_admit")
    data = {"person": cadre.pk, "cell": cast.cell_dl.pk, "date": "2024-01-02"}
    response = client.post(url, data)
    assert response.status_code == 200 and _errors(response, "cell") == ["invalid_choice"]
    assert client.post(url, data | {"cell": cast.cell1.pk}).status_code == 302
    assert {p.memberships.get().unit for p in Person.objects.filter(
        full_name__in=["Ngô Thị Lan", "Mai Văn Đến"]) | Person.objects.filter(pk=cadre.pk)} == {cast.cell1}


def test_transfer_to_a_picked_cell_only(cast, login, arrived):
    other = org_services.unit_create(actor=None, parent=cast.ward1, kind=UnitKind.objects.get(code="chi-bo"),
                                     name="Chi bộ Khu phố 2", code="t-p1-kp2")
    client = login(cast.ward_secretary)
    url = reverse("people:member_transfer", args=[arrived.pk])
    for refused in (cast.cell1, cast.cell_dl):  # the member's own cell; the sibling ward's
        response = client.post(url, {"to_unit": refused.pk, "date": "2025-03-03"})
        assert response.status_code == 200 and _errors(response, "to_unit") == ["invalid_choice"]
    response = client.post(url, {"to_unit": "", "to_unit_q": "khu pho", "date": "2025-03-03"})
    body = response.content.decode()
    assert _errors(response, "to_unit") == ["search"]
    assert f'type="radio" name="to_unit" value="{other.pk}"' in body
    assert f'type="radio" name="to_unit" value="{cast.cell1.pk}"' not in body
    assert client.post(url, {"to_unit": other.pk, "date": "2025-03-03"}).status_code == 302
    assert arrived.memberships.get(end__isnull=True).unit == other
