"""The cadres' forms (a record, a planning, a rotation, a streamlining) pick their unit by
typing: the pages list no unit, whatever their number, and the lookup answers only with the
units the user manages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangbo.conftest import field_errors as _errors
from dangbo.conftest import page_not_growing
from dangbo.people.cadres.models import CadreProfile, Move, Plan, Streamlining

PAGES = ["people:cadre_create", "people:plan_create", "people:move_create", "people:streamlining"]
MODELS = {"people:cadre_create": CadreProfile, "people:plan_create": Plan, "people:move_create": Move,
          "people:streamlining": Streamlining}


def _data(name, cadre, unit):
    return {
        "people:cadre_create": {"person": cadre.pk, "unit": unit.pk, "education": 3, "theory": 2},
        "people:plan_create": {"unit": unit.pk, "term_code": "2025-2030", "start_year": 2025, "end_year": 2030},
        "people:move_create": {"kind": "appointment", "person": cadre.pk, "unit": unit.pk, "title": "Bí thư",
                               "proposed_on": "2025-09-01", "start": "2025-10-01"},
        "people:streamlining": {"unit": unit.pk, "year": 2025, "staff": 20, "reduced": 1},
    }[name]


@pytest.mark.parametrize("name", PAGES)
def test_the_form_lists_no_unit_whatever_their_number(cast, login, name):
    client = login(cast.ward_secretary)
    url = reverse(name)
    body = page_not_growing(client, url, cast.ward1)
    assert "Chi bộ Mới" not in body and f">{cast.cell1.name}</option>" not in body
    assert f'data-lookup-url="{reverse("people:cadre_unit_lookup")}"' in body and 'name="unit_q"' in body


def test_the_lookup_answers_with_the_units_the_user_manages(cast, login):
    url = reverse("people:cadre_unit_lookup")
    found = [i["id"] for i in login(cast.ward_secretary).get(url, {"q": "phuong"}).json()["items"]]
    assert found == [cast.ward1.pk]
    found = [i["id"] for i in login(cast.outsider).get(url, {"q": "phuong"}).json()["items"]]
    assert found == [cast.ward_dl.pk]
    assert login(cast.member).get(url, {"q": "khu pho"}).json()["items"] == []


@pytest.mark.parametrize("name", PAGES)
def test_a_picked_unit_is_saved_and_one_out_of_reach_is_refused(cast, login, cadre, name):
    client = login(cast.ward_secretary)
    url = reverse(name)
    response = client.post(url, _data(name, cadre, cast.ward_dl))
    assert response.status_code in (200, 400) and _errors(response, "unit") == ["invalid_choice"]
    assert not MODELS[name].objects.exists()
    response = client.post(url, _data(name, cadre, cast.ward1))
    assert response.status_code == 302, response.context["form"].errors
    assert MODELS[name].objects.get().unit == cast.ward1
