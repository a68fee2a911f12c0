"""The admission's forms (add a candidate, set a target) pick their unit by typing: the pages
list no unit, whatever their number, and the lookup answers only with the units the field takes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangbo.conftest import field_errors as _errors
from dangbo.conftest import page_not_growing
from dangbo.people.admission.models import AdmissionTarget, Candidate

LOOKUP = "people:admission_unit_lookup"
PAGES = [("people:candidate_create", ""), ("people:admission_targets", "?scope=target")]


@pytest.mark.parametrize(("name", "scope"), PAGES)
def test_the_form_lists_no_unit_whatever_their_number(cast, login, name, scope):
    client = login(cast.ward_secretary)
    url = reverse(name)
    body = page_not_growing(client, url, cast.ward1)
    assert "Chi bộ Mới" not in body and f">{cast.cell1.name}</option>" not in body
    assert f'data-lookup-url="{reverse(LOOKUP)}{scope}"' in body and 'name="unit_q"' in body


def test_the_lookup_answers_with_the_units_of_its_scope(cast, login):
    url = reverse(LOOKUP)
    client = login(cast.ward_secretary)
    assert [i["id"] for i in client.get(url, {"q": "khu pho"}).json()["items"]] == [cast.cell1.pk]
    assert client.get(url, {"q": "phuong"}).json()["items"] == []  # a ward is not a cell
    assert [i["id"] for i in client.get(url, {"q": "phuong", "scope": "target"}).json()["items"]] == [cast.ward1.pk]
    assert [i["id"] for i in login(cast.outsider).get(url, {"q": "khu pho"}).json()["items"]] == [cast.cell_dl.pk]
    assert client.get(url, {"q": "phuong", "scope": "any"}).status_code == 404


def test_a_candidate_in_a_picked_cell_only(cast, login):
    client = login(cast.ward_secretary)
    url = reverse("people:candidate_create")
    data = {"unit": cast.cell_dl.pk, "full_name": "Đặng Thị Hồng", "gender": "f", "birth_date": "1998-03-02",
            "added_on": "2025-01-06"}
    response = client.post(url, data)
    assert response.status_code == 400 and _errors(response, "unit") == ["invalid_choice"]
    assert client.post(url, data | {"unit": cast.cell1.pk}).status_code == 302
    assert Candidate.objects.get().unit == cast.cell1


def test_a_target_for_a_picked_unit_only(cast, login):
    client = login(cast.ward_secretary)
    url = reverse("people:admission_targets") + "?nam=2026"
    data = {"unit": cast.ward_dl.pk, "year": 2026, "total": 3, "residential": 1, "enterprise": 1}
    response = client.post(url, data)
    assert response.status_code == 400 and _errors(response, "unit") == ["invalid_choice"]
    assert client.post(url, data | {"unit": cast.ward1.pk}).status_code == 302
    assert AdmissionTarget.objects.get().unit == cast.ward1
