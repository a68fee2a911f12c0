"""The services that change the tree, tried on the 2025 reorganisation and on bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangbo.core import policy
from dangbo.core.models import AuditEntry
from dangbo.core.policy import Action
from dangbo.orgs import services
from dangbo.orgs.models import Membership, Person, Position, Unit, UnitChange, UnitKind, UnitLevel

pytestmark = pytest.mark.django_db

JULY_2025 = dt.date(2025, 7, 1)


def kind(code: str) -> UnitKind:
    return UnitKind.objects.get(code=code)


def test_the_tree_holds_the_old_and_the_new_shape(cast):
    """Province → city → wards until 30/06/2025; from 01/07/2025 new wards sit under the province."""
    province = services.unit_create(actor=None, parent=None, kind=kind("dang-bo-tinh"), name="Đảng bộ tỉnh Quảng Trị", code="t-qt")
    services.unit_move(actor=None, unit=cast.city, new_parent=province, date=dt.date(2020, 1, 1))
    new_ward = services.unit_create(
        actor=None, parent=province, kind=kind("dang-bo-xa"), name="Đảng bộ phường Đông Hà", code="t-p-dongha",
        valid_from=JULY_2025,
    )
    services.unit_merge(actor=None, sources=[cast.ward1, cast.ward_dl], target=new_ward, date=JULY_2025, decision="1234-QĐ/TU")

    # The district level is closed as data, not code.
    assert UnitLevel.objects.get(code="huyen").valid_to == dt.date(2025, 6, 30)
    # The old wards are closed but still in the tree, under the city, with their history.
    for old in (cast.ward1, cast.ward_dl):
        old.refresh_from_db()
        assert old.valid_to == dt.date(2025, 6, 30)
        assert Unit.objects.get_parent(old) == cast.city
        change = UnitChange.objects.get(kind="merge", from_units=old)
        assert list(change.to_units.all()) == [new_ward]
    # Their cells moved under the new ward; the member moved with their cell.
    assert Unit.objects.get_parent(Unit.objects.get(pk=cast.cell1.pk)) == new_ward
    assert policy.may(cast.member, Action.VIEW, Unit.objects.get(pk=cast.cell1.pk))
    # The old secretaries' positions ended with their wards, and with them their rights.
    assert Position.objects.get(person__user=cast.outsider).end == dt.date(2025, 6, 30)


def test_records_of_a_merged_unit_stay_attributed_to_it(cast):
    target = services.unit_create(actor=None, parent=cast.ward1, kind=kind("chi-bo"), name="Chi bộ mới", code="t-new")
    services.unit_merge(actor=None, sources=[cast.cell1], target=target, date=JULY_2025)
    member = Person.objects.get(user=cast.member)
    old = Membership.objects.get(person=member, unit=cast.cell1)
    assert old.end == dt.date(2025, 6, 30)  # the past membership still points at the old cell
    assert Position.objects.get(person__user=cast.cell_secretary).unit == cast.cell1
    assert AuditEntry.objects.filter(action="unit.merge", object_id=cast.cell1.pk).exists()


@pytest.mark.parametrize(
    ("make_call", "field"),
    [
        (lambda c: services.unit_move(actor=None, unit=c.ward1, new_parent=c.ward1), "new_parent"),
        (lambda c: services.unit_move(actor=None, unit=c.cell1, new_parent=c.ward1), "new_parent"),  # already there
        (lambda c: services.unit_move(actor=None, unit=c.ward1, new_parent=c.office), "parent"),  # kind not allowed
        (lambda c: services.unit_merge(actor=None, sources=[c.cell1], target=c.cell1, date=JULY_2025), "sources"),
        (lambda c: services.unit_merge(actor=None, sources=[c.ward1], target=c.cell1, date=JULY_2025), "target"),
        (lambda c: services.unit_split(actor=None, source=c.cell1, parts=[("A", "a")], date=JULY_2025), "parts"),
        (lambda c: services.unit_split(actor=None, source=c.cell1, parts=[("A", "a"), ("B", "a")], date=JULY_2025), "parts"),
        (lambda c: services.unit_create(actor=None, parent=c.ward1, kind=kind("chi-bo"), name="X", code="t-phuong1"), "code"),
        (lambda c: services.term_create(actor=None, unit=c.ward1, code="2025-2030", start=dt.date(2025, 10, 1), end=dt.date(2025, 1, 1)), "end"),
    ],
)
def test_bad_changes_are_refused_and_change_nothing(cast, make_call, field):
    before = sorted(Unit.objects.values_list("path", "name", "valid_to"))
    audit = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        make_call(cast)
    assert field in error.value.message_dict
    assert sorted(Unit.objects.values_list("path", "name", "valid_to")) == before
    assert AuditEntry.objects.count() == audit


def test_merging_a_closed_unit_is_refused(cast):
    target = services.unit_create(actor=None, parent=cast.ward1, kind=kind("chi-bo"), name="Chi bộ mới", code="t-new")
    services.unit_merge(actor=None, sources=[cast.cell1], target=target, date=JULY_2025)
    with pytest.raises(ValidationError):
        services.unit_merge(actor=None, sources=[Unit.objects.get(pk=cast.cell1.pk)], target=target, date=dt.date(2025, 8, 1))


def test_membership_transfer_keeps_both_rows(cast):
    member = Person.objects.get(user=cast.member)
    services.membership_transfer(actor=None, person=member, to_unit=cast.cell_dl, date=dt.date(2024, 3, 1))
    rows = list(Membership.objects.filter(person=member).order_by("start").values_list("unit__code", "start", "end"))
    assert rows == [("t-p1-kp1", dt.date(2020, 10, 1), dt.date(2024, 2, 29)), ("t-dl-kp3", dt.date(2024, 3, 1), None)]
    assert policy.may(cast.member, Action.VIEW, cast.cell_dl)
    assert not policy.may(cast.member, Action.VIEW, cast.cell1)


def test_a_second_overlapping_membership_is_refused(cast):
    member = Person.objects.get(user=cast.member)
    with pytest.raises(ValidationError):
        services.membership_create(actor=None, person=member, unit=cast.cell_dl, start=dt.date(2019, 1, 1))


def test_an_account_belongs_to_one_person(cast):
    other = services.person_create(actor=None, full_name="Người Khác", gender="m")
    with pytest.raises(ValidationError):
        services.person_link_user(actor=None, person=other, username="member")


def test_relinking_a_person_drops_the_old_accounts_rights(cast):
    person = Person.objects.get(user=cast.ward_secretary)
    services.person_link_user(actor=None, person=person, username="ward_secretary_new")
    cast.ward_secretary.refresh_from_db()
    assert not policy.may(cast.ward_secretary, Action.VIEW, cast.ward1)
    person.refresh_from_db()
    assert policy.may(person.user, Action.CHANGE, cast.ward1)
