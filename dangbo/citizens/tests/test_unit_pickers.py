"""The citizens' forms (receive a case, a reception day, a dialogue) pick the unit by typing:
the pages list no unit, whatever their number, and the lookup answers only with the units the
field takes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangbo.citizens.models import Case, Dialogue, ReceptionDay
from dangbo.conftest import field_errors as _errors
from dangbo.conftest import page_not_growing
from dangbo.orgs.models import Person


def _data(name, cast, unit):
    head = Person.objects.get(user=cast.ward_secretary).pk
    return {
        "case_create": {"unit": unit.pk, "kind": "kien_nghi", "channel": "letter", "received_on": "2026-04-24",
                        "content": "Đề nghị sửa mương.", "name": "Trần Thị Bé", "not_duplicate": "on"},
        "reception_create": {"unit": unit.pk, "host": head, "date": "2026-03-05", "kind": "scheduled",
                             "status": "held", "place": "Trụ sở"},
        "dialogue_create": {"unit": unit.pk, "host": head, "date": "2026-04-24", "topics": "Chỉnh trang đô thị"},
    }[name]


MODELS = {"case_create": Case, "reception_create": ReceptionDay, "dialogue_create": Dialogue}
FORMS = [("case_create", "?scope=receive"), ("reception_create", ""), ("dialogue_create", "")]


@pytest.mark.parametrize(("name", "scope"), FORMS)
def test_the_form_lists_no_unit_whatever_their_number(cast, login, name, scope):
    client = login(cast.ward_secretary)
    url = reverse(f"citizens:{name}")
    body = page_not_growing(client, url, cast.ward1)
    assert "Chi bộ Mới" not in body and f">{cast.ward1.name}</option>" not in body
    assert f'data-lookup-url="{reverse("citizens:unit_lookup")}{scope}"' in body and 'name="unit_q"' in body


@pytest.mark.parametrize("scope", ["", "receive"])
def test_the_lookup_answers_with_the_units_the_user_may_choose(cast, login, scope):
    url = reverse("citizens:unit_lookup")
    params = {"q": "phuong", **({"scope": scope} if scope else {})}
    found = [i["id"] for i in login(cast.ward_secretary).get(url, params).json()["items"]]
    assert cast.ward1.pk in found and cast.ward_dl.pk not in found
    found = [i["id"] for i in login(cast.outsider).get(url, params).json()["items"]]
    assert cast.ward_dl.pk in found and cast.ward1.pk not in found
    assert login(cast.member).get(url, params).json()["items"] == []


def test_the_lookup_refuses_an_unknown_scope(cast, login):
    assert login(cast.clerk).get(reverse("citizens:unit_lookup"), {"q": "phuong", "scope": "x"}).status_code == 404


@pytest.mark.parametrize("name", ["case_create", "reception_create", "dialogue_create"])
def test_a_picked_unit_is_saved_and_one_out_of_reach_is_refused(cast, login, name):
    client = login(cast.ward_secretary)
    url = reverse(f"citizens:{name}")
    response = client.post(url, _data(name, cast, cast.ward_dl))
    assert response.status_code == 400 and _errors(response, "unit") == ["invalid_choice"]
    response = client.post(url, _data(name, cast, cast.ward1) | {"unit": "9" * 30})
    assert response.status_code == 400 and _errors(response, "unit")
    assert not MODELS[name].objects.exists()
    response = client.post(url, _data(name, cast, cast.ward1))
    assert response.status_code == 302
    assert MODELS[name].objects.get().unit == cast.ward1


def test_typed_text_without_scripts_comes_back_with_the_units_found(cast, login):
    data = _data("case_create", cast, cast.ward1) | {"unit": "", "unit_q": "phuong"}
    response = login(cast.ward_secretary).post(reverse("citizens:case_create"), data)
    body = response.content.decode()
    assert response.status_code == 400 and _errors(response, "unit") == ["search"]
    assert f'type="radio" name="unit" value="{cast.ward1.pk}"' in body
    assert f'type="radio" name="unit" value="{cast.ward_dl.pk}"' not in body
