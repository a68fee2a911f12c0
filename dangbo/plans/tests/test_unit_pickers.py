"""The plans' forms (a theme, an item, a commitment) pick their units by typing: the pages list
no unit, whatever their number, and the lookup answers only with the units the field takes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dangbo.conftest import field_errors as _errors
from dangbo.conftest import page_not_growing
from dangbo.plans import services
from dangbo.plans.models import Commitment, Theme, ThemeItem

pytestmark = pytest.mark.usefixtures("_today")


@pytest.fixture
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def ward_theme(cast):
    return services.theme_create(actor=None, unit=cast.ward1, year=2026, text="Phường 1 văn minh")


def _pages(theme):
    lookup = reverse("plans:unit_lookup")
    return [
        (reverse("plans:theme_create"), {"unit": lookup}),
        (reverse("plans:commitment_create"), {"upper_unit": lookup, "lower_unit": lookup + "?scope=lower"}),
        (reverse("plans:item_create", args=[theme.pk]), {"owner_unit": lookup + f"?scope=owner&amp;theme={theme.pk}"}),
    ]


@pytest.mark.parametrize("index", range(3))
def test_the_form_lists_no_unit_whatever_their_number(cast, login, ward_theme, index):
    url, fields = _pages(ward_theme)[index]
    client = login(cast.ward_secretary)
    body = page_not_growing(client, url, cast.ward1)
    assert "Chi bộ Mới" not in body and "Chi bộ Khu phố 1</option>" not in body
    for field, lookup in fields.items():
        assert f'data-lookup-url="{lookup}"' in body and f'name="{field}_q"' in body


@pytest.mark.parametrize("scope", ["", "lower"])
def test_the_lookup_answers_with_the_units_of_its_scope(cast, login, scope):
    url = reverse("plans:unit_lookup")
    params = {"q": "khu pho", **({"scope": scope} if scope else {})}
    found = [i["id"] for i in login(cast.ward_secretary).get(url, params).json()["items"]]
    assert cast.cell1.pk in found and cast.cell_dl.pk not in found
    found = [i["id"] for i in login(cast.outsider).get(url, params).json()["items"]]
    assert cast.cell_dl.pk in found and cast.cell1.pk not in found


def test_the_owner_lookup_answers_with_the_units_below_the_theme_and_needs_the_theme(cast, login, ward_theme):
    url = reverse("plans:unit_lookup")
    params = {"q": "phuong", "scope": "owner", "theme": ward_theme.pk}
    assert [i["id"] for i in login(cast.ward_secretary).get(url, params).json()["items"]] == [cast.ward1.pk]
    assert login(cast.outsider).get(url, params).status_code == 404
    assert login(cast.ward_secretary).get(url, params | {"theme": "x"}).status_code == 404
    assert login(cast.ward_secretary).get(url, params | {"scope": "all"}).status_code == 404


def test_a_theme_for_a_picked_unit_only(cast, login):
    client = login(cast.ward_secretary)
    url = reverse("plans:theme_create")
    data = {"unit": cast.ward_dl.pk, "year": 2026, "text": "Chủ đề", "order": 1}
    response = client.post(url, data)
    assert _errors(response, "unit") == ["invalid_choice"] and not Theme.objects.exists()
    assert client.post(url, data | {"unit": cast.ward1.pk}).status_code == 302
    assert Theme.objects.get().unit == cast.ward1


def test_an_item_in_charge_of_a_picked_unit_and_its_edit_shows_it(cast, login, ward_theme):
    client = login(cast.ward_secretary)
    url = reverse("plans:item_create", args=[ward_theme.pk])
    body = client.get(url).content.decode()
    assert f'name="owner_unit_q" value="{cast.ward1.label}"' in body  # the theme's unit, by name
    data = {"kind": "focus", "title": "Khu phố sạch", "order": 1, "owner_unit": cast.cell_dl.pk}
    response = client.post(url, data)
    assert _errors(response, "owner_unit") == ["invalid_choice"]
    assert client.post(url, data | {"owner_unit": cast.cell1.pk}).status_code == 302
    item = ThemeItem.objects.get(title="Khu phố sạch")
    assert item.owner_unit == cast.cell1
    body = client.get(reverse("plans:item_edit", args=[item.pk])).content.decode()
    assert f'name="owner_unit" value="{cast.cell1.pk}"' in body
    assert f'name="owner_unit_q" value="{cast.cell1.label}"' in body


def test_a_commitment_between_picked_units_only(cast, login):
    client = login(cast.ward_secretary)
    url = reverse("plans:commitment_create")
    data = {"year": 2026, "upper_unit": cast.ward_dl.pk, "lower_unit": cast.cell_dl.pk, "title": "Cam kết",
            "items": "Mục một | 50% | 70\nMục hai | đủ | 30"}
    response = client.post(url, data)
    assert _errors(response, "upper_unit") == ["invalid_choice"]
    assert _errors(response, "lower_unit") == ["invalid_choice"]
    response = client.post(url, data | {"upper_unit": cast.ward1.pk, "lower_unit": cast.cell1.pk})
    assert response.status_code == 302
    assert Commitment.objects.get().lower_unit == cast.cell1
