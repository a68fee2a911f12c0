"""The person picker: the name lookup behind it, and the position form that uses it."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.orgs import selectors, services
from dangbo.orgs.forms import PersonChoiceField, PickedPerson, PositionForm
from dangbo.orgs.models import Membership, Person, Position, Role

pytestmark = pytest.mark.django_db

LOOKUP = reverse("orgs:person_lookup")


def lookup(client, q: str) -> dict:
    response = client.get(LOOKUP, {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def names(data: dict) -> list[str]:
    return [item["name"] for item in data["items"]]


def add_member(unit, name: str, birth_year: int | None = 1975) -> Person:
    person = services.person_create(actor=None, full_name=name, gender="m", birth_year=birth_year)
    services.membership_create(actor=None, person=person, unit=unit, start=dt.date(2020, 1, 1))
    return person


def add_namesakes(unit, count: int, start: int = 0) -> None:
    people = Person.objects.bulk_create(
        [Person(full_name=f"Đặng Quốc Bảo {start + i}", search_name=f"dang quoc bao {start + i}", gender="m")
         for i in range(count)]
    )
    Membership.objects.bulk_create([Membership(person=p, unit=unit, start=dt.date(2020, 1, 1)) for p in people])


# The lookup --------------------------------------------------------------------------------


def test_lookup_is_scoped_like_the_list_of_people(cast, login):
    assert names(lookup(login(cast.outsider), "hoang van minh")) == []
    assert names(lookup(login(cast.outsider), "tran van phu")) == []  # Phường 1's secretary
    assert names(lookup(login(cast.outsider), "le dinh luong")) == ["Lê Đình Lương"]
    for user in (cast.clerk, cast.ward_secretary, cast.cell_secretary, cast.member):
        assert names(lookup(login(user), "hoang van minh")) == ["Hoàng Văn Minh"]


def test_lookup_needs_a_login(client, cast):
    response = client.get(LOOKUP, {"q": "hoang"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_lookup_folds_diacritics_case_and_word_order(cast, login):
    add_member(cast.cell1, "Nguyễn Văn A")
    client = login(cast.clerk)
    decomposed = unicodedata.normalize("NFD", "NGUYỄN VĂN A")
    for q in ("nguyen van a", "Nguyễn Văn A", decomposed, "  nguyen   van a ", "van a nguyen"):
        assert names(lookup(client, q))[:1] == ["Nguyễn Văn A"], q
    assert "Nguyễn Văn A" in names(lookup(client, "a nguyen"))


def test_lookup_puts_the_closest_names_first(cast, login):
    for name in ("Trần Thị Lan", "Nguyễn Văn Anh", "An Thị Hà", "Nguyễn Văn An"):
        add_member(cast.cell1, name)
    found = names(lookup(login(cast.clerk), "an"))
    assert found.index("An Thị Hà") < found.index("Nguyễn Văn An") < found.index("Trần Thị Lan")
    assert names(lookup(login(cast.clerk), "nguyen van an"))[0] == "Nguyễn Văn An"


def test_lookup_tells_namesakes_apart(cast, login):
    add_member(cast.cell1, "Nguyễn Văn A", birth_year=1968)
    add_member(cast.cell_dl, "Nguyễn Văn A", birth_year=None)
    items = lookup(login(cast.clerk), "nguyen van a")["items"]
    by_unit = {item["unit"]: item for item in items}
    # A cell says its ward: namesakes' cells often share a name ("Chi bộ Khu phố 1").
    assert by_unit["Chi bộ Khu phố 1 – Đảng bộ Phường 1"]["birth_year"] == 1968
    assert by_unit["Chi bộ Khu phố 1 – Đảng bộ Phường 1"]["detail"].endswith(" 1968 · Chi bộ Khu phố 1 – Đảng bộ Phường 1")
    assert by_unit["Chi bộ Khu phố 3 Đông Lương – Đảng bộ phường Đông Lương"]["detail"] == (
        "Chi bộ Khu phố 3 Đông Lương – Đảng bộ phường Đông Lương"
    )
    # A position holder who is no cell member shows the unit of the position.
    clerk = lookup(login(cast.clerk), "nguyen thi van")["items"][0]
    assert clerk["unit"] == "Đảng bộ thành phố Đông Hà"


def test_lookup_caps_the_people_found(cast, login):
    add_namesakes(cast.cell1, 40)
    data = lookup(login(cast.clerk), "dang quoc bao")
    assert len(data["items"]) == selectors.PERSON_LOOKUP_LIMIT == 15
    assert data["more"] is True
    assert data["message"]
    few = lookup(login(cast.clerk), "dang quoc bao 39")
    assert names(few) == ["Đặng Quốc Bảo 39"]
    assert few["more"] is False


def test_lookup_ignores_too_short_or_odd_text(cast, login):
    client = login(cast.clerk)
    assert lookup(client, "h") == {"items": [], "more": False, "message": ""}
    assert lookup(client, "")["items"] == []
    assert names(lookup(client, "hoang\x00 minh")) == ["Hoàng Văn Minh"]  # no 500 on a NUL
    assert lookup(client, "x" * 5000)["items"] == []
    assert lookup(client, "%_%")["items"] == []  # LIKE wildcards are plain text
    assert "Hoàng Văn Minh" not in str(lookup(client, "zzz"))
    assert lookup(client, "zzz")["message"]


def test_lookup_runs_a_fixed_number_of_queries(cast, login, django_assert_num_queries):
    client = login(cast.clerk)
    add_namesakes(cast.cell1, 3)
    lookup(client, "dang quoc bao")  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as small:
        assert len(lookup(client, "dang quoc bao")["items"]) == 3
    add_namesakes(cast.cell1, 200, start=100)
    add_namesakes(cast.cell_dl, 50, start=500)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(lookup(client, "dang quoc bao")["items"]) == 15


# The position form -------------------------------------------------------------------------


def position_url(cast) -> str:
    return reverse("orgs:position_create", args=[cast.cell1.pk])


def position_data(**person) -> dict:
    return {"title": "Phó Bí thư Chi bộ", "start": "2024-05-01", "role": Role.VIEW, **person}


def test_position_form_lists_nobody_up_front(cast, login, django_assert_num_queries):
    """The form no longer draws a select of everyone: its size and queries stay the same."""
    client = login(cast.clerk)
    client.get(position_url(cast))
    with CaptureQueriesContext(connection) as small:
        page = client.get(position_url(cast))
    add_namesakes(cast.cell1, 300)
    with django_assert_num_queries(len(small.captured_queries)):
        big = client.get(position_url(cast))
    assert "Đặng Quốc Bảo 1" not in big.content.decode()
    assert len(big.content) == len(page.content)
    html = big.content.decode()
    assert 'name="person_q"' in html
    assert 'data-person-picker' in html
    assert reverse("orgs:person_lookup") in html
    assert "dangbo/js/person-picker.js" in html


def test_position_is_created_with_the_picked_person(cast, login):
    minh = Person.objects.get(full_name="Hoàng Văn Minh")
    response = login(cast.ward_secretary).post(
        position_url(cast),
        position_data(person=minh.pk, person_q="Hoàng Văn Minh", person_shown="Hoàng Văn Minh"),
    )
    assert response.status_code == 302
    position = Position.objects.get(title="Phó Bí thư Chi bộ")
    assert position.person == minh
    assert position.unit == cast.cell1


def test_position_form_refuses_a_person_the_user_may_not_see(cast, login):
    stranger = add_member(cast.cell_dl, "Võ Văn Lạ")
    client = login(cast.ward_secretary)
    for pk in (stranger.pk, "abc", "99999999999999999999999", "-1", "1\x00"):
        response = client.post(
            position_url(cast), position_data(person=pk, person_q="Võ Văn Lạ", person_shown="Võ Văn Lạ")
        )
        assert response.status_code == 200, pk
        form = response.context["form"]
        assert list(form.errors) == ["person"], pk
        assert form.has_error("person", "invalid_choice") or pk == "1\x00", pk
    assert not Position.objects.filter(title="Phó Bí thư Chi bộ").exists()
    refused = client.post(position_url(cast), position_data(person=stranger.pk))
    picker = str(refused.context["form"]["person"])  # nothing about the stranger is shown
    assert "Võ Văn Lạ" not in picker
    assert "Đông Lương" not in picker
    assert 'name="person" value=""' in picker


def test_refusal_is_a_translatable_field_error(cast, login):
    stranger = add_member(cast.cell_dl, "Võ Văn Lạ")
    response = login(cast.ward_secretary).post(
        position_url(cast), position_data(person=stranger.pk), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert 'id="id_person_error"' in html
    assert str(PersonChoiceField.default_error_messages["invalid_choice"]) in html
    assert 'aria-invalid="true"' in html


def test_without_javascript_the_typed_name_brings_back_the_people_found(cast, login):
    """No script: Save with a typed name shows the matches as radio buttons; pick one, save."""
    add_member(cast.cell1, "Hoàng Văn Minh", birth_year=1990)  # a namesake
    client = login(cast.ward_secretary)
    first = client.post(position_url(cast), position_data(person="", person_q="hoang van minh", person_shown=""))
    assert first.status_code == 200
    form = first.context["form"]
    assert form.has_error("person", "search")
    assert not Position.objects.filter(title="Phó Bí thư Chi bộ").exists()
    html = first.content.decode()
    minhs = Person.objects.filter(full_name="Hoàng Văn Minh").order_by("pk")
    for minh in minhs:
        assert f'type="radio" name="person" value="{minh.pk}"' in html
    assert 'name="person_shown" value="hoang van minh"' in html
    assert 'value="Phó Bí thư Chi bộ"' in html  # the rest of the form is kept
    second = client.post(
        position_url(cast),
        position_data(person=["", str(minhs[1].pk)], person_q="hoang van minh", person_shown="hoang van minh"),
    )
    assert second.status_code == 302
    assert Position.objects.get(title="Phó Bí thư Chi bộ").person == minhs[1]


def test_without_javascript_nobody_found_is_said(cast, login):
    response = login(cast.outsider).post(
        reverse("orgs:position_create", args=[cast.cell_dl.pk]),
        position_data(person="", person_q="hoang van minh", person_shown=""),
    )
    form = response.context["form"]
    assert form.has_error("person", "not_found")
    assert 'type="radio"' not in response.content.decode()


def test_new_text_after_a_pick_is_a_new_search(cast, login):
    minh = Person.objects.get(full_name="Hoàng Văn Minh")
    client = login(cast.ward_secretary)
    response = client.post(
        position_url(cast),
        position_data(person=minh.pk, person_q="tran van phu", person_shown="Hoàng Văn Minh"),
    )
    assert response.context["form"].has_error("person", "search")
    phu = Person.objects.get(full_name="Trần Văn Phú")
    assert f'value="{phu.pk}"' in response.content.decode()
    emptied = client.post(position_url(cast), position_data(person=minh.pk, person_q="", person_shown="Hoàng Văn Minh"))
    assert emptied.context["form"].has_error("person", "required")


def test_a_picked_person_survives_another_fields_error(cast, login):
    minh = Person.objects.get(full_name="Hoàng Văn Minh")
    response = login(cast.ward_secretary).post(
        position_url(cast),
        position_data(person=minh.pk, person_q="Hoàng Văn Minh", person_shown="Hoàng Văn Minh", start=""),
    )
    form = response.context["form"]
    assert list(form.errors) == ["start"]
    html = response.content.decode()
    assert f'name="person" value="{minh.pk}"' in html
    assert 'name="person_q" value="Hoàng Văn Minh"' in html
    assert "Chi bộ Khu phố 1" in html.split('data-picker-chosen>')[1].split("</p>")[0]


def test_position_form_pages_by_role(cast, login):
    assert login(cast.outsider).post(position_url(cast), position_data(person=1)).status_code == 404
    assert login(cast.member).post(position_url(cast), position_data(person=1)).status_code == 403


# The field on its own ----------------------------------------------------------------------


def test_picker_field_with_an_initial_person_and_optional(cast):
    minh = Person.objects.get(full_name="Hoàng Văn Minh")
    people = selectors.person_list(user=cast.ward_secretary)
    form = PositionForm(initial={"person": minh}, people=people, terms=selectors.unit_terms(unit=cast.cell1))
    html = str(form["person"])
    assert f'name="person" value="{minh.pk}"' in html
    assert 'value="Hoàng Văn Minh"' in html

    field = PersonChoiceField(people, required=False)
    assert field.clean(PickedPerson()) is None
    assert field.clean(PickedPerson(pk=str(minh.pk))) == minh
    assert field.clean(minh.pk) == minh  # a plain id, as an API client would send
