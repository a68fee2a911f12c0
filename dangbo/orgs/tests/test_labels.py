"""A unit named outside its parent's page says which parent it belongs to ("Chi bộ Khu
phố 1 – Phường 1"); namesakes in the person picker are told apart by birth year and cell."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangbo.conftest import START, make_person
from dangbo.orgs import services
from dangbo.orgs.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


def _short(unit, short_name: str) -> None:
    services.unit_update(actor=None, unit=unit, name=unit.name, short_name=short_name)


def test_a_cell_is_named_with_its_ward(cast):
    _short(cast.ward1, "Phường 1")
    cast.cell1.refresh_from_db()
    assert cast.cell1.label == "Chi bộ Khu phố 1 – Phường 1"
    assert Unit.objects.get(pk=cast.ward1.pk).label == "Đảng bộ Phường 1"  # a ward is its name
    twin = services.unit_create(
        actor=None, parent=cast.ward_dl, kind=UnitKind.objects.get(code="chi-bo"), name="Chi bộ Khu phố 1",
        code="t-dl-kp1",
    )
    assert twin.label == "Chi bộ Khu phố 1 – Đảng bộ phường Đông Lương"
    services.unit_update(actor=None, unit=cast.ward1, name="Đảng bộ Phường Một", short_name="Phường Một")
    assert Unit.objects.get(pk=cast.cell1.pk).label == "Chi bộ Khu phố 1 – Phường Một"
    services.unit_move(actor=None, unit=twin, new_parent=cast.ward1)
    assert Unit.objects.get(pk=twin.pk).label == "Chi bộ Khu phố 1 – Phường Một"


def test_task_lists_and_the_home_panel_name_the_ward(cast, client):
    from dangbo.assignments import services as tasks

    _short(cast.ward1, "Phường 1")
    cast.cell1.refresh_from_db()
    tasks.task_assign(
        actor=None, title="Rà soát đảng viên", unit=cast.cell1, assigning_unit=cast.ward1,
        start=dt.date(2026, 1, 1), deadline=dt.date(2026, 12, 31),
    )
    client.force_login(cast.ward_secretary)
    for url in (reverse("assignments:task_list"), reverse("core:home")):
        assert "Chi bộ Khu phố 1 – Phường 1" in client.get(url).content.decode(), url


def test_namesakes_in_the_picker_are_told_apart(cast, client):
    _short(cast.ward1, "Phường 1")
    _short(cast.ward_dl, "Đông Lương")
    for unit, year in ((cast.cell1, 1970), (cast.cell_dl, 1985)):
        person = make_person("Nguyễn Văn Bình")
        person.birth_year = year
        person.save(update_fields=["birth_year"])
        services.membership_create(actor=None, person=person, unit=unit, start=START)
    client.force_login(cast.clerk)
    items = client.get(reverse("orgs:person_lookup"), {"q": "nguyen van binh"}).json()["items"]
    details = sorted(i["detail"] for i in items)
    assert [d.split(" · ")[1] for d in details] == [
        "Chi bộ Khu phố 1 – Phường 1", "Chi bộ Khu phố 3 Đông Lương – Đông Lương",
    ]
    assert "1970" in details[0] and "1985" in details[1]


def test_a_units_committee_is_named_after_the_unit(cast):
    """"Đảng bộ tỉnh Quảng Trị" is led by "Tỉnh ủy Quảng Trị", a ward's party by its "Đảng ủy";
    a short name that names the committee is taken as it is."""
    kind = UnitKind.objects.get(code="dang-bo-xa")
    named = {
        "Đảng bộ tỉnh Quảng Trị": "Tỉnh ủy Quảng Trị",
        "Đảng bộ thành phố Đông Hà": "Thành ủy Đông Hà",
        "Đảng bộ Huyện Cam Lộ": "Huyện ủy Cam Lộ",
        "Đảng bộ thị xã Quảng Trị": "Thị ủy Quảng Trị",
        "Đảng bộ quận Hải Châu": "Quận ủy Hải Châu",
        "Đảng bộ Phường 1": "Đảng ủy Phường 1",
        "Đảng bộ phường Đông Lương": "Đảng ủy phường Đông Lương",
        "Chi bộ Khu phố 1": "Chi bộ Khu phố 1",
        "Văn phòng Thành ủy": "Văn phòng Thành ủy",
    }
    for name, committee in named.items():
        assert Unit(kind=kind, name=name).committee_name == committee
    assert Unit(kind=kind, name="Đảng bộ tỉnh Quảng Trị", short_name="Tỉnh ủy QT").committee_name == "Tỉnh ủy QT"
    assert Unit(kind=kind, name="Đảng bộ Phường 1", short_name="Phường 1").committee_name == "Đảng ủy Phường 1"
