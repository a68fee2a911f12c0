"""A working group's members are picked by typing (orgs.forms.PersonsPicker): the page lists no
person, whatever their number, and the lookup answers only with the people the form takes
(``selectors.leader_choices``: holders of a current position in a unit the user sees)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.conftest import START, make_person
from dangbo.conftest import field_errors as _errors
from dangbo.meetings.forms import WorkingGroupForm
from dangbo.meetings.models import WorkingGroup
from dangbo.meetings.selectors import leader_choices
from dangbo.orgs import services
from dangbo.orgs.models import Person

URL = "meetings:working_groups"
LOOKUP = "meetings:leader_lookup"


def _add_leaders(unit, n: int, start: int = 0) -> list[Person]:
    """``n`` new people ("Nguyễn Văn Mới <i>"), each holding a position in ``unit``."""
    people = []
    for i in range(start, start + n):
        person = make_person(f"Nguyễn Văn Mới {i}")
        services.position_create(actor=None, person=person, unit=unit, title="Ủy viên", start=START)
        people.append(person)
    return people


def _data(cast, unit, members) -> dict:
    return {"unit": unit.pk, "name": "Tổ công tác 687", "start": "2025-03-01",
            "members": [p.pk for p in members], "followed_units": [unit.pk]}


def _members(group) -> set[int]:
    return set(group.members.values_list("person_id", flat=True))


def test_the_form_lists_no_person_whatever_their_number(cast, login):
    """No ``<option>`` of a person, and as many queries with 33 more leaders as with 3."""
    client = login(cast.ward_secretary)
    url = reverse(URL)
    _add_leaders(cast.cell1, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _add_leaders(cast.cell1, 30, start=3)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    form = body.split('<form method="post"')[1].split("</form>")[0]
    assert "Nguyễn Văn Mới" not in body and "Trần Văn Phú" not in form and "Lê Đình Lương" not in body
    assert "<option" not in form
    assert f'data-lookup-url="{reverse(LOOKUP)}"' in body
    assert 'name="members_q"' in body and "data-persons-picker" in body and "data-multi-picker" in body


def test_the_lookup_answers_with_the_people_the_form_takes_only(cast, login):
    """The ward's leaders for its secretary; nobody of Phường 1 for the sibling ward's."""
    leader, = _add_leaders(cast.cell1, 1)
    url = reverse(LOOKUP)
    found = login(cast.ward_secretary).get(url, {"q": "nguyen van moi"}).json()
    assert [i["id"] for i in found["items"]] == [leader.pk]
    assert "1980" in found["items"][0]["detail"] and "Chi bộ Khu phố 1" in found["items"][0]["detail"]
    # a plain member holds no position: not among those a group is made of
    assert login(cast.ward_secretary).get(url, {"q": "hoang van minh"}).json()["items"] == []
    outsider = login(cast.outsider)
    answer = outsider.get(url, {"q": "nguyen van moi"})
    assert answer.status_code == 200 and answer.json()["items"] == []
    assert answer.json()["message"] == "Nobody you may choose matches “nguyen van moi”."
    assert outsider.get(url, {"q": "tran van phu"}).json()["items"] == []
    assert [i["name"] for i in outsider.get(url, {"q": "luong"}).json()["items"]] == ["Lê Đình Lương"]


def test_the_outsider_cannot_make_a_group_of_people_outside_their_scope(cast, login):
    """An id outside the outsider's leaders is a field error next to "Members", nothing saved."""
    client = login(cast.outsider)
    phu = cast.ward_secretary.person
    luong = cast.outsider.person
    response = client.post(reverse(URL), _data(cast, cast.ward_dl, [luong, phu]))
    assert response.status_code == 200 and _errors(response, "members") == ["invalid_choice"]
    assert "A person you chose is not among the people you may choose" in response.content.decode()
    assert not WorkingGroup.objects.exists()
    response = client.post(reverse(URL), _data(cast, cast.ward_dl, [luong]))
    assert response.status_code == 302
    assert _members(WorkingGroup.objects.get()) == {luong.pk}


def test_the_group_is_saved_with_the_people_picked(cast, login):
    one, two = _add_leaders(cast.cell1, 2)
    client = login(cast.ward_secretary)
    response = client.post(reverse(URL), _data(cast, cast.cell1, [one, two]))
    assert response.status_code == 302
    group = WorkingGroup.objects.get()
    assert _members(group) == {one.pk, two.pk}
    assert group.name == "Tổ công tác 687"


def test_the_members_chosen_stay_chosen(cast, login):
    """A form drawn again (a refused post, or with its members given, as an edit would) shows
    the people chosen as ticked chips, with what tells namesakes apart, and no one else."""
    one, two, _other = _add_leaders(cast.cell1, 3)
    client = login(cast.ward_secretary)
    response = client.post(reverse(URL), _data(cast, cast.cell1, [one, two]) | {"name": ""})
    assert response.status_code == 200 and not WorkingGroup.objects.exists()
    body = response.content.decode()
    for person in (one, two):
        assert f'name="members" value="{person.pk}" checked data-picker-keep> <span data-picker-label>{person.full_name}</span>' in body
    assert "Nguyễn Văn Mới 2" not in body
    chips = body.split('name="members_q"')[0].rsplit("data-picker-chips>", 1)[1]
    assert chips.count('<span class="multi-picker-detail">born 1980 · Chi bộ Khu phố 1') == 2

    form = WorkingGroupForm(initial={"members": [two, one]}, people=leader_choices(user=cast.ward_secretary))
    html = str(form["members"])
    assert html.index(f'value="{two.pk}" checked') < html.index(f'value="{one.pk}" checked')
    assert "Nguyễn Văn Mới 2" not in html


def test_without_javascript_the_people_found_come_back_to_tick(cast, login):
    one, two = _add_leaders(cast.cell1, 2)
    client = login(cast.ward_secretary)
    data = _data(cast, cast.cell1, [one])
    response = client.post(reverse(URL), data | {"members_q": "moi 1", "members_shown": ""})
    assert _errors(response, "members") == ["search"] and not WorkingGroup.objects.exists()
    body = response.content.decode()
    assert f'name="members" value="{one.pk}" checked' in body  # what was chosen stays chosen
    assert f'type="checkbox" name="members" value="{two.pk}" id=' in body  # what was found, to tick
    response = client.post(reverse(URL), data | {"members_q": "ai do khong co", "members_shown": ""})
    assert _errors(response, "members") == ["not_found"]
    data["members"] = [one.pk, two.pk]
    response = client.post(reverse(URL), data | {"members_q": "moi 1", "members_shown": "moi 1"})
    assert response.status_code == 302
    assert _members(WorkingGroup.objects.get()) == {one.pk, two.pk}
