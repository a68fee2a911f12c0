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


# --- Several units: an item's tasks, a document's proposed tasks (UnitsPicker) --------------


@pytest.fixture
def ward_item(ward_theme):
    return services.item_create(actor=None, theme=ward_theme, title="Khu phố sáng, xanh")


def test_the_assign_form_lists_no_unit_whatever_their_number(cast, login, ward_item):
    client = login(cast.ward_secretary)
    body = page_not_growing(client, reverse("plans:item_assign", args=[ward_item.pk]), cast.ward1)
    assert "Chi bộ Mới" not in body and "Chi bộ Khu phố 1</option>" not in body and 'name="units" value' not in body
    lookup = reverse("plans:unit_lookup") + f"?scope=assign&amp;item={ward_item.pk}"
    assert f'data-lookup-url="{lookup}"' in body and 'name="units_q"' in body


def test_the_assign_lookup_answers_with_the_units_below_the_item(cast, login, ward_item):
    url = reverse("plans:unit_lookup")
    params = {"q": "khu pho", "scope": "assign", "item": ward_item.pk}
    assert [i["id"] for i in login(cast.ward_secretary).get(url, params).json()["items"]] == [cast.cell1.pk]
    assert login(cast.outsider).get(url, params).status_code == 404
    assert login(cast.ward_secretary).get(url, params | {"item": "9" * 12}).status_code == 404


def test_assign_to_picked_units_only(cast, login, ward_item):
    client = login(cast.ward_secretary)
    url = reverse("plans:item_assign", args=[ward_item.pk])
    data = {"title": "Tổng vệ sinh", "deadline": "01/10/2026", "priority": 2}
    response = client.post(url, data | {"units": [cast.cell1.pk, cast.cell_dl.pk]})  # the outsider's cell: no
    assert _errors(response, "units") == ["invalid_choice"] and not ward_item.tasks.exists()
    response = client.post(url, data | {"units": [cast.cell1.pk, cast.ward1.pk]})
    assert response.status_code == 302
    assert set(ward_item.tasks.values_list("unit_id", flat=True)) == {cast.cell1.pk, cast.ward1.pk}


PLAN_TEXT = """KẾ HOẠCH năm 2026
1. Giao Chi bộ Khu phố 1 chủ trì tổ chức ra quân làm sạch đường phố, hoàn thành trước ngày 30/6/2026.
"""


@pytest.fixture
def ward_plan(cast):
    from dangbo.documents import services as documents
    from dangbo.documents.models import DocumentType

    return documents.document_register(
        actor=None, unit=cast.ward1, type=DocumentType.objects.get(abbr="KH"), number="3", date=dt.date(2026, 2, 1),
        title="Kế hoạch làm sạch đường phố", issuer_abbr="ĐU", issuing_unit=cast.ward1, full_text=PLAN_TEXT,
    )


def test_the_proposals_page_shows_the_units_read_and_lists_no_other(cast, login, ward_plan):
    client = login(cast.ward_secretary)
    body = page_not_growing(client, reverse("plans:document_proposals", args=[ward_plan.pk]), cast.ward1)
    assert "Chi bộ Mới" not in body and "<option" not in body.split('name="p0-item"')[0]
    assert f'name="p0-units" value="{cast.cell1.pk}" checked' in body  # the unit read from the text
    lookup = reverse("plans:unit_lookup") + f"?scope=proposal&amp;document={ward_plan.pk}"
    assert body.count(f'data-lookup-url="{lookup}"') == 2  # units in charge, coordinating units


def test_the_proposal_lookup_answers_with_the_units_below_the_document(cast, login, ward_plan):
    url = reverse("plans:unit_lookup")
    params = {"q": "khu pho", "scope": "proposal", "document": ward_plan.pk}
    assert [i["id"] for i in login(cast.ward_secretary).get(url, params).json()["items"]] == [cast.cell1.pk]
    assert login(cast.outsider).get(url, params).status_code == 404


def test_accept_a_proposal_with_picked_units_only(cast, login, ward_plan):
    from dangbo.assignments.models import Task

    client = login(cast.ward_secretary)
    url = reverse("plans:document_proposals", args=[ward_plan.pk])
    data = {"p0-accept": "on", "p0-title": "Ra quân làm sạch đường phố", "p0-units": [cast.cell1.pk],
            "p0-coordinating": [cast.cell_dl.pk], "p0-deadline": "30/06/2026"}
    response = client.post(url, data)
    assert response.status_code == 200 and not Task.objects.exists()
    assert [e.code for e in response.context["rows"][0][1].errors.as_data()["coordinating"]] == ["invalid_choice"]
    response = client.post(url, data | {"p0-coordinating": [cast.ward1.pk]})
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.unit == cast.cell1 and list(task.coordinating_units.all()) == [cast.ward1]
