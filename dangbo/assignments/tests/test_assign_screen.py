"""The assignment screen: the units' caption is a legend, not a label around the whole list;
the tab bar's stylesheet is loaded; a refusal is summed up at the top, with a link to the
field, and told beside the field."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_caption_is_not_a_label_around_the_units(cast, login):
    body = login(cast.clerk).get(reverse("assignments:task_create")).content.decode()
    assert not re.search(r'<label>\s*<div id="id_units"', body)  # the list is not inside one label
    for label in re.findall(r"<label[^>]*>(.*?)</label>", body, re.S):
        assert label.count('type="checkbox"') <= 1, label[:300]
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>\s*Đơn vị chủ trì", body)
    assert "dangbo/assignments/assignments.css" in body
    assert login(cast.member).get(reverse("assignments:task_create")).status_code == 403
    assert login(cast.outsider).get(reverse("assignments:task_create")).status_code == 200  # their own ward


def test_a_refusal_is_at_the_top_and_beside_the_field(cast, login):
    response = login(cast.clerk).post(reverse("assignments:task_create"), {
        "title": "Đối thoại", "assigning_unit": cast.city.pk, "start": "2026-01-01", "deadline": "2026-06-01", "priority": 2,
    })
    body = response.content.decode()
    summary = re.search(r'<div class="form-errors"[^>]*>(.*?)</div>', body, re.S)
    assert summary and 'href="#id_units"' in summary.group(1) and "Đơn vị chủ trì" in summary.group(1)
    assert 'id="id_units"' in body and 'id="id_units_error"' in body


def test_the_units_are_a_tree_of_wards_with_their_cells(cast, login):
    body = login(cast.clerk).get(reverse("assignments:task_create")).content.decode()
    tree = body.split("data-unit-tree", 1)[1]
    ward = tree.split(f'value="{cast.ward1.pk}"', 1)[1].split("</details>", 1)[0]
    assert f'value="{cast.cell1.pk}"' in ward and f"– {cast.ward1.name}" in ward  # the cell sits under its ward
    assert f'value="{cast.cell_dl.pk}"' not in ward
    assert "<details>" in tree and "data-unit-filter" in tree and "data-check-children" in tree
    response = login(cast.clerk).post(reverse("assignments:task_create"), {
        "title": "Đối thoại", "assigning_unit": cast.city.pk, "units": [cast.cell1.pk],
        "start": "2026-01-01", "deadline": "2026-06-01",
    })
    assert '<details open>' in response.content.decode()  # a chosen cell keeps its ward open


def test_the_responsible_person_is_picked_with_the_person_picker(cast, login, make_task):
    parent = make_task(unit=cast.ward1, assigning_unit=cast.city)
    for url in (reverse("assignments:subtask_create", args=[parent.pk]), reverse("assignments:task_edit", args=[parent.pk])):
        body = login(cast.clerk).get(url).content.decode()
        assert "data-person-picker" in body and "dangbo/js/person-picker.js" in body, url
        assert '<select name="responsible"' not in body


def test_a_person_picked_for_a_sub_task_is_kept(cast, login, make_task):
    from dangbo.core import policy

    parent = make_task(unit=cast.ward1, assigning_unit=cast.city)
    head = policy.person_of(cast.cell_secretary)
    response = login(cast.ward_secretary).post(reverse("assignments:subtask_create", args=[parent.pk]), {
        "title": "Chi bộ tổ chức", "units": [cast.cell1.pk], "start": "2026-01-01", "deadline": "2026-06-01",
        "priority": 2, "responsible": head.pk,
    })
    assert response.status_code == 302
    assert parent.children.get().responsible == head


def test_cascading_gives_several_cells_the_sub_task_in_one_step(cast, login, make_task):
    from dangbo.orgs import services as orgs
    from dangbo.orgs.models import UnitKind

    cell2 = orgs.unit_create(actor=None, parent=cast.ward1, kind=UnitKind.objects.get(code="chi-bo"),
                             name="Chi bộ Khu phố 2", code="t-p1-kp2")
    parent = make_task(unit=cast.ward1, assigning_unit=cast.city)
    url = reverse("assignments:subtask_create", args=[parent.pk])
    body = login(cast.ward_secretary).get(url).content.decode()
    assert "data-unit-tree" in body
    data = {"title": "Chi bộ tổ chức", "units": [cast.cell1.pk, cell2.pk], "start": "2026-01-01",
            "deadline": "2026-06-01", "priority": 2}
    assert login(cast.outsider).post(url, data).status_code == 404
    assert login(cast.cell_secretary).post(url, data).status_code == 404
    response = login(cast.ward_secretary).post(url, data)
    assert response.status_code == 302 and response["Location"] == reverse("assignments:task_detail", args=[parent.pk])
    children = list(parent.children.order_by("unit__path"))
    assert [c.unit for c in children] == [cast.cell1, cell2]
    assert children[0].batch and children[0].batch == children[1].batch
    response = login(cast.ward_secretary).post(url, {**data, "units": []})
    assert response.status_code == 200 and 'id="id_units_error"' in response.content.decode()
