"""The reorganisation forms (move, merge) pick the unit by typing: their pages list no unit,
whatever the number of units, and the lookup answers with the units the form takes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.conftest import field_errors as _errors
from dangbo.conftest import page_not_growing
from dangbo.orgs import services
from dangbo.orgs.models import Unit, UnitKind


def _add_cells(ward, n, start=0):
    kind = UnitKind.objects.get(code="chi-bo")
    return [
        services.unit_create(actor=None, parent=ward, kind=kind, name=f"Chi bộ Mới {i}", code=f"moi-{ward.pk}-{i}")
        for i in range(start, start + n)
    ]


def _wards(n, city, start=0):
    kind = UnitKind.objects.get(code="dang-bo-xa")
    for i in range(start, start + n):
        services.unit_create(actor=None, parent=city, kind=kind, name=f"Đảng bộ xã Mới {i}", code=f"xa-{i}")


@pytest.mark.parametrize(("name", "field", "scope"), [("unit_move", "new_parent", "parent"), ("unit_merge", "target", "merge")])
def test_the_form_lists_no_unit_whatever_their_number(cast, login, name, field, scope):
    client = login(cast.clerk)
    url = reverse(f"orgs:{name}", args=[cast.cell1.pk])
    _wards(2, cast.city)
    _add_cells(cast.ward_dl, 2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _wards(20, cast.city, start=2)
    _add_cells(cast.ward_dl, 20, start=2)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "Mới" not in body and "<option" not in body
    lookup = reverse("orgs:unit_lookup", args=[cast.cell1.pk]) + f"?scope={scope}"
    assert f'data-lookup-url="{lookup}"' in body and f'name="{field}_q"' in body


def test_the_move_lookup_offers_the_possible_parents_only(cast, login):
    url = reverse("orgs:unit_lookup", args=[cast.ward1.pk])
    client = login(cast.clerk)
    # A ward goes under a city, not under a ward nor into its own cells.
    assert [i["id"] for i in client.get(url, {"q": "dong ha", "scope": "parent"}).json()["items"]] == [cast.city.pk]
    assert client.get(url, {"q": "phuong", "scope": "parent"}).json()["items"] == []
    assert client.get(url, {"q": "khu pho", "scope": "parent"}).json()["items"] == []
    cell = reverse("orgs:unit_lookup", args=[cast.cell1.pk])
    found = [i["id"] for i in client.get(cell, {"q": "phuong", "scope": "parent"}).json()["items"]]
    assert set(found) == {cast.ward1.pk, cast.ward_dl.pk}
    assert client.get(cell, {"q": "phuong", "scope": "tree"}).status_code == 404


def test_the_merge_lookup_offers_units_of_the_same_kind(cast, login):
    url = reverse("orgs:unit_lookup", args=[cast.cell1.pk])
    found = [i["id"] for i in login(cast.clerk).get(url, {"q": "chi bo", "scope": "merge"}).json()["items"]]
    assert found == [cast.cell_dl.pk]


def test_the_lookup_needs_the_right_to_reorganise_the_unit(cast, login):
    url = reverse("orgs:unit_lookup", args=[cast.cell1.pk])
    params = {"q": "phuong", "scope": "parent"}
    assert login(cast.outsider).get(url, params).status_code == 404
    assert login(cast.ward_secretary).get(url, params).status_code == 403
    own = reverse("orgs:unit_lookup", args=[cast.cell_dl.pk])
    assert login(cast.outsider).get(own, params).status_code == 403


def test_move_to_a_picked_parent_and_refuse_one_not_offered(cast, login):
    client = login(cast.clerk)
    url = reverse("orgs:unit_move", args=[cast.cell1.pk])
    response = client.post(url, {"new_parent": cast.city.pk, "date": "2024-05-01"})  # a cell under the city: no
    assert response.status_code == 200 and _errors(response, "new_parent") == ["invalid_choice"]
    response = client.post(url, {"new_parent": "", "new_parent_q": "dong luong", "date": "2024-05-01"})
    assert _errors(response, "new_parent") == ["search"]
    assert f'type="radio" name="new_parent" value="{cast.ward_dl.pk}"' in response.content.decode()
    response = client.post(url, {"new_parent": cast.ward_dl.pk, "date": "2024-05-01"})
    assert response.status_code == 302
    assert Unit.objects.get_parent(Unit.objects.get(pk=cast.cell1.pk)) == cast.ward_dl


def test_merge_into_a_picked_target_and_refuse_one_not_offered(cast, login):
    client = login(cast.clerk)
    url = reverse("orgs:unit_merge", args=[cast.cell1.pk])
    response = client.post(url, {"target": cast.ward_dl.pk, "date": "2025-07-01"})  # another kind
    assert response.status_code == 200 and _errors(response, "target") == ["invalid_choice"]
    response = client.post(url, {"target": "1e9", "date": "2025-07-01"})
    assert response.status_code == 200 and _errors(response, "target")
    response = client.post(url, {"target": cast.cell_dl.pk, "date": "2025-07-01"})
    assert response.status_code == 302
    assert Unit.objects.get(pk=cast.cell1.pk).valid_to == dt.date(2025, 6, 30)


# --- The merge form's other units: a units picker (several units, typed) -------------------


def test_the_merge_form_lists_no_sibling_whatever_their_number(cast, login):
    client = login(cast.clerk)
    url = reverse("orgs:unit_merge", args=[cast.cell1.pk])
    body = page_not_growing(client, url, cast.ward1)
    assert "Chi bộ Mới" not in body and "<option" not in body and 'type="checkbox"' not in body
    lookup = reverse("orgs:unit_lookup", args=[cast.cell1.pk]) + "?scope=siblings"
    assert f'data-lookup-url="{lookup}"' in body and 'name="others_q"' in body and "data-units-picker" in body


def test_the_siblings_lookup_offers_the_cells_beside_the_unit_only(cast, login):
    _add_cells(cast.ward1, 2)
    url = reverse("orgs:unit_lookup", args=[cast.cell1.pk])
    params = {"q": "chi bo", "scope": "siblings"}
    found = [i["name"] for i in login(cast.clerk).get(url, params).json()["items"]]
    assert sorted(found) == ["Chi bộ Mới 0 – Đảng bộ Phường 1", "Chi bộ Mới 1 – Đảng bộ Phường 1"]
    assert login(cast.outsider).get(url, params).status_code == 404


def test_merge_picked_siblings_and_refuse_a_unit_not_offered(cast, login):
    one, two, target = _add_cells(cast.ward1, 3)
    client = login(cast.clerk)
    url = reverse("orgs:unit_merge", args=[cast.cell1.pk])
    data = {"target": target.pk, "date": "2025-07-01"}
    response = client.post(url, data | {"others": [one.pk, cast.cell_dl.pk]})  # the outsider's cell: no
    assert response.status_code == 200 and _errors(response, "others") == ["invalid_choice"]
    assert "không nằm trong các đơn vị" in response.content.decode()
    assert not Unit.objects.filter(valid_to__isnull=False).exists()
    response = client.post(url, data | {"others": [one.pk, two.pk]})
    assert response.status_code == 302
    merged = Unit.objects.filter(valid_to=dt.date(2025, 6, 30))
    assert set(merged.values_list("pk", flat=True)) == {cast.cell1.pk, one.pk, two.pk}


def test_without_javascript_the_units_found_come_back_to_tick(cast, login):
    one, two, target = _add_cells(cast.ward1, 3)
    client = login(cast.clerk)
    url = reverse("orgs:unit_merge", args=[cast.cell1.pk])
    data = {"target": target.pk, "date": "2025-07-01"}
    response = client.post(url, data | {"others": [one.pk], "others_q": "moi 1", "others_shown": ""})
    assert _errors(response, "others") == ["search"]
    body = response.content.decode()
    assert f'name="others" value="{one.pk}" checked' in body  # what was chosen stays chosen
    assert f'type="checkbox" name="others" value="{two.pk}" id=' in body  # what was found, to tick
    assert 'name="others_shown" value="moi 1"' in body
    response = client.post(url, data | {"others": [one.pk, two.pk], "others_q": "moi 1", "others_shown": "moi 1"})
    assert response.status_code == 302
    assert Unit.objects.get(pk=two.pk).valid_to == dt.date(2025, 6, 30)
