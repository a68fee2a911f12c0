"""The assigning unit of a task, a program's unit and an inspection's target are picked by
typing: the pages list none of the units, whatever their number, and the lookup answers only
with the units the field takes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangbo.assignments import services
from dangbo.assignments.models import Inspection, InspectionProgram, Task
from dangbo.conftest import field_errors as _errors
from dangbo.conftest import page_not_growing

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(cast):
    return services.program_create(actor=None, unit=cast.ward1, year=2026, title="Chương trình kiểm tra 2026")


def _pages(program):
    lookup = reverse("assignments:unit_lookup")
    return [
        (reverse("assignments:task_create"), "assigning_unit", lookup),
        (reverse("assignments:program_create"), "unit", lookup),
        (reverse("assignments:program_detail", args=[program.pk]), "target_unit", lookup + "?scope=inspection"),
    ]


@pytest.mark.parametrize("index", range(3))
def test_the_form_lists_no_unit_whatever_their_number(cast, login, program, index):
    url, field, lookup = _pages(program)[index]
    client = login(cast.ward_secretary)
    body = page_not_growing(client, url, cast.ward1)
    assert "<option" not in body.split(f'name="{field}_q"')[0].rsplit("data-unit-picker", 1)[-1]
    assert f">{cast.ward1.name}</option>" not in body
    if field != "assigning_unit":  # the task's units in charge are still a tree of boxes
        assert "Chi bộ Mới" not in body
    assert f'data-lookup-url="{lookup}"' in body


@pytest.mark.parametrize("scope", ["", "inspection"])
def test_the_lookup_answers_with_the_units_of_its_scope(cast, login, scope):
    url = reverse("assignments:unit_lookup")
    params = {"q": "khu pho", **({"scope": scope} if scope else {})}
    found = [i["id"] for i in login(cast.ward_secretary).get(url, params).json()["items"]]
    assert cast.cell1.pk in found and cast.cell_dl.pk not in found
    found = [i["id"] for i in login(cast.outsider).get(url, params).json()["items"]]
    assert cast.cell1.pk not in found and cast.cell_dl.pk in found
    assert login(cast.member).get(url, {"q": "khu pho"}).json()["items"] == []
    seen = login(cast.member).get(url, {"q": "khu pho", "scope": "inspection"}).json()["items"]
    assert [i["id"] for i in seen] == [cast.cell1.pk]  # what a member sees, never manages
    assert login(cast.member).get(url, {"q": "khu pho", "scope": "all"}).status_code == 404


def test_the_assigning_unit_is_shown_by_name_and_only_a_managed_one_is_taken(cast, login):
    client = login(cast.ward_secretary)
    url = reverse("assignments:task_create")
    body = client.get(url).content.decode()
    assert f'name="assigning_unit" value="{cast.ward1.pk}"' in body and cast.ward1.label in body
    data = {"title": "Đối thoại", "assigning_unit": cast.ward_dl.pk, "units": [cast.cell1.pk],
            "start": "2026-01-01", "deadline": "2026-06-01", "priority": 2}
    response = client.post(url, data)
    assert _errors(response, "assigning_unit") == ["invalid_choice"] and not Task.objects.exists()
    response = client.post(url, data | {"assigning_unit": cast.ward1.pk})
    assert response.status_code == 302
    assert Task.objects.get().assigning_unit == cast.ward1


def test_a_program_and_an_inspection_for_picked_units_only(cast, login, program):
    client = login(cast.ward_secretary)
    url = reverse("assignments:program_create")
    data = {"unit": cast.ward_dl.pk, "year": 2027, "title": "Chương trình 2027"}
    assert _errors(client.post(url, data), "unit") == ["invalid_choice"]
    assert client.post(url, data | {"unit": cast.ward1.pk}).status_code == 302
    assert InspectionProgram.objects.get(year=2027).unit == cast.ward1
    url = reverse("assignments:program_detail", args=[program.pk])
    data = {"kind": "inspection", "target_unit": cast.cell_dl.pk, "subject": "Quy chế dân chủ",
            "period_start": "2026-03-01", "period_end": "2026-03-10"}
    assert _errors(client.post(url, data), "target_unit") == ["invalid_choice"]
    assert client.post(url, data | {"target_unit": cast.cell1.pk}).status_code == 302
    assert Inspection.objects.get().target_unit == cast.cell1
