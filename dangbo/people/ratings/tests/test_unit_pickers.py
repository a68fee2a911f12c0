"""The ratings' forms (open a campaign, discipline an organisation) pick the unit by typing:
the pages list no unit, whatever their number, and the lookup answers only with the units the
user manages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangbo.conftest import field_errors as _errors
from dangbo.conftest import page_not_growing
from dangbo.people.ratings.models import Discipline, RatingCampaign

LOOKUP = "people:rating_unit_lookup"


@pytest.mark.parametrize("name", ["people:rating_home", "people:rating_discipline_create"])
def test_the_form_lists_no_unit_whatever_their_number(cast, login, name):
    client = login(cast.ward_secretary)
    url = reverse(name)
    body = page_not_growing(client, url, cast.ward1)
    assert "Chi bộ Mới" not in body and f">{cast.cell1.name}</option>" not in body
    assert f'data-lookup-url="{reverse(LOOKUP)}"' in body and 'name="unit_q"' in body


def test_the_lookup_answers_with_the_units_the_user_manages(cast, login):
    url = reverse(LOOKUP)
    assert [i["id"] for i in login(cast.ward_secretary).get(url, {"q": "phuong"}).json()["items"]] == [cast.ward1.pk]
    assert [i["id"] for i in login(cast.outsider).get(url, {"q": "phuong"}).json()["items"]] == [cast.ward_dl.pk]
    assert login(cast.member).get(url, {"q": "khu pho"}).json()["items"] == []


def test_a_campaign_for_a_picked_unit_only(cast, login):
    client = login(cast.ward_secretary)
    response = client.post(reverse("people:rating_home"), {"unit": cast.ward_dl.pk, "year": 2025})
    assert _errors(response, "unit") == ["invalid_choice"] and not RatingCampaign.objects.exists()
    assert client.post(reverse("people:rating_home"), {"unit": cast.ward1.pk, "year": 2025}).status_code == 302
    assert RatingCampaign.objects.get().unit == cast.ward1


def test_an_organisation_disciplined_is_picked_among_the_managed_units(cast, login):
    client = login(cast.ward_secretary)
    url = reverse("people:rating_discipline_create")
    data = {"unit": cast.cell_dl.pk, "date": "02/05/2025", "form": "canh_cao", "decision": "7-QĐ/ĐU"}
    response = client.post(url, data)
    assert _errors(response, "unit") == ["invalid_choice"] and not Discipline.objects.exists()
    assert client.post(url, data | {"unit": cast.cell1.pk}).status_code == 302
    assert Discipline.objects.get().subject_unit == cast.cell1
