"""The meetings' forms pick a unit with a typed picker: their pages list no unit, whatever the
number of units, and the picker's lookup answers only with the units the form takes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangbo.conftest import add_cells, page_not_growing
from dangbo.meetings.models import LeaderAssignment, Meeting, MeetingDecision, WorkingGroup
from dangbo.orgs.models import Unit

REFUSED = "This unit is not among the units you may choose"


def _url(name, held):
    return reverse(f"meetings:{name}", args=[held.pk]) if name == "decision_add" else reverse(f"meetings:{name}")


def _data(name, cast, unit):
    person = cast.ward_secretary.person.pk
    return {
        "meeting_create": {"unit": unit.pk, "kind": "regular", "date": "2025-04-07"},
        "schedule_year": {"unit": unit.pk, "year": 2025},
        "decision_add": {"text": "Sửa đường kiệt", "responsible_unit": unit.pk},
        "leader_assignments": {"person": person, "unit": unit.pk, "start": "2025-03-01"},
        "working_groups": {"unit": unit.pk, "name": "Tổ công tác", "start": "2025-03-01",
                           "members": [person], "followed_units": [unit.pk]},
        "visits": {"person": person, "unit": unit.pk, "kind": "visit", "date": "2025-03-10"},
    }[name]


def _made(name, cast):
    """What a successful post of ``_data(name, cast, cast.cell1)`` recorded."""
    return {
        "meeting_create": lambda: Meeting.objects.filter(unit=cast.cell1, date=dt.date(2025, 4, 7)).exists(),
        "schedule_year": lambda: Meeting.objects.filter(unit=cast.cell1, kind="regular").count() >= 12,
        "decision_add": lambda: MeetingDecision.objects.filter(responsible_unit=cast.cell1, text="Sửa đường kiệt").exists(),
        "leader_assignments": lambda: LeaderAssignment.objects.filter(unit=cast.cell1).exists(),
        "working_groups": lambda: WorkingGroup.objects.filter(unit=cast.cell1, name="Tổ công tác").exists(),
        "visits": lambda: cast.cell1.leader_visits.exists(),
    }[name]()


# The form's page, its field, and the ``?scope=`` of its lookup.
FORMS = [
    ("meeting_create", "unit", "change"),
    ("schedule_year", "unit", "cells"),
    ("decision_add", "responsible_unit", ""),
    ("leader_assignments", "unit", "change"),
    ("working_groups", "unit", "change"),
    ("visits", "unit", "visit"),
]


@pytest.mark.parametrize(("name", "field", "scope"), FORMS)
def test_the_form_lists_no_unit_whatever_their_number(cast, held, login, name, field, scope):
    """The page holds a picker asking the scoped lookup, no ``<option>`` of a unit, and its
    queries do not grow with the units."""
    client = login(cast.ward_secretary)
    url = _url(name, held)
    body = page_not_growing(client, url, cast.ward1)
    assert "data-unit-picker" in body
    lookup = reverse("meetings:unit_lookup") + (f"?scope={scope}" if scope else "")
    assert f'data-lookup-url="{lookup}"' in body
    picker = body.split(f'name="{field}_q"')[0].rsplit("<label", 1)[-1]
    assert "<option" not in picker
    assert "Chi bộ Mới" not in body
    assert f'<option value="{cast.cell1.pk}"' not in body  # a working group's members are typed too


@pytest.mark.parametrize(("name", "field", "scope"), FORMS)
def test_the_lookup_answers_with_the_units_the_form_takes(cast, held, login, name, field, scope):
    url = reverse("meetings:unit_lookup")
    params = {"q": "khu pho", **({"scope": scope} if scope else {})}
    found = [i["id"] for i in login(cast.ward_secretary).get(url, params).json()["items"]]
    assert cast.cell1.pk in found and cast.cell_dl.pk not in found
    found = [i["id"] for i in login(cast.outsider).get(url, params).json()["items"]]
    assert cast.cell1.pk not in found


def test_the_lookup_refuses_an_unknown_scope(cast, login):
    assert login(cast.clerk).get(reverse("meetings:unit_lookup"), {"q": "khu pho", "scope": "all"}).status_code == 404


def test_the_cells_scope_leaves_out_the_committees(cast, login):
    url = reverse("meetings:unit_lookup")
    found = [i["id"] for i in login(cast.clerk).get(url, {"q": "phuong", "scope": "cells"}).json()["items"]]
    assert found == []
    found = [i["id"] for i in login(cast.clerk).get(url, {"q": "phuong", "scope": "change"}).json()["items"]]
    assert cast.ward1.pk in found


@pytest.mark.parametrize(("name", "field", "scope"), FORMS)
def test_a_picked_unit_is_saved_and_one_out_of_scope_is_refused(cast, held, login, name, field, scope):
    client = login(cast.ward_secretary)
    url = _url(name, held)
    response = client.post(url, _data(name, cast, cast.cell_dl))
    assert response.status_code == 200
    assert REFUSED in str(response.context["form"].errors[field])
    response = client.post(url, _data(name, cast, cast.cell1) | {field: "abc"})
    assert response.status_code == 200 and response.context["form"].errors[field]
    response = client.post(url, _data(name, cast, cast.cell1))
    assert response.status_code == 302, response.context["form"].errors
    assert _made(name, cast)


def test_the_picker_shows_the_unit_given_in_the_url(cast, login):
    body = login(cast.ward_secretary).get(reverse("meetings:meeting_create") + f"?unit={cast.cell1.pk}").content.decode()
    assert f'name="unit" value="{cast.cell1.pk}"' in body
    assert f'name="unit_q" value="{cast.cell1.label}"' in body and cast.ward1.name in cast.cell1.label


def test_typed_text_without_scripts_comes_back_with_the_units_found(cast, login):
    data = {"unit": "", "unit_q": "khu pho", "kind": "regular", "date": "2025-04-07"}
    response = login(cast.ward_secretary).post(reverse("meetings:meeting_create"), data)
    body = response.content.decode()
    assert response.status_code == 200 and f'type="radio" name="unit" value="{cast.cell1.pk}"' in body
    assert f'value="{cast.cell_dl.pk}"' not in body


def test_a_working_group_follows_the_picked_units_only(cast, login):
    """"Follows" is a units picker asking the ``change`` lookup: the outsider's cell is refused,
    nothing is saved; two picked cells are saved."""
    add_cells(cast.ward1, 1)
    new = Unit.objects.get(name="Chi bộ Mới 0")
    client = login(cast.ward_secretary)
    url = reverse("meetings:working_groups")
    body = client.get(url).content.decode()
    lookup = reverse("meetings:unit_lookup") + "?scope=change"
    assert body.count(f'data-lookup-url="{lookup}"') == 2 and 'name="followed_units_q"' in body
    data = _data("working_groups", cast, cast.ward1) | {"followed_units": [cast.cell1.pk, cast.cell_dl.pk]}
    response = client.post(url, data)
    assert response.status_code == 200 and not WorkingGroup.objects.exists()
    assert "is not among the units you may choose" in str(response.context["form"].errors["followed_units"])
    response = client.post(url, data | {"followed_units": [cast.cell1.pk, new.pk]})
    assert response.status_code == 302
    group = WorkingGroup.objects.get()
    assert set(group.followed_units.values_list("pk", flat=True)) == {cast.cell1.pk, new.pk}
