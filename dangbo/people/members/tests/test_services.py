"""The members' services and the rule on personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from dangbo.core import policy
from dangbo.core.models import AuditEntry
from dangbo.orgs.models import Membership, Person
from dangbo.people.members import selectors, services
from dangbo.people.members.models import MemberEvent

D = dt.date
PERSONAL = {"birth_date": D(1985, 5, 2), "citizen_id": "045085001234", "phone": "0912345678", "address": "12 Lê Lợi"}


START = D(2021, 3, 1)


def add(cast, name="Lê Thị Hạnh", cell=None, start=START, **extra) -> Person:
    values = {"joined_on": D(2010, 5, 19), **PERSONAL, "party_card_number": extra.pop("card", "93.000101"), **extra}
    return services.member_create(actor=None, cell=cell or cast.cell1, start=start, full_name=name, gender="f", **values)


def test_a_member_is_added_to_a_cell_with_an_event_and_history(cast):
    person = add(cast)
    assert Membership.objects.get(person=person).unit == cast.cell1
    assert person.member_events.get().kind == MemberEvent.Kind.ADMITTED
    entry = AuditEntry.objects.get(action="member.create")
    assert entry.after["citizen_id"] == services.MASK  # the history never holds the value


def test_only_managers_of_the_cell_add_members(cast):
    with pytest.raises(Http404):
        services.member_create(actor=cast.outsider, cell=cast.cell1, start=D(2021, 1, 1), full_name="X", gender="m")
    with pytest.raises(PermissionDenied):
        services.member_create(actor=cast.member, cell=cast.cell1, start=D(2021, 1, 1), full_name="X", gender="m")
    person = services.member_create(
        actor=cast.cell_secretary, cell=cast.cell1, start=D(2021, 1, 1), full_name="Trần Văn Tư", gender="m"
    )
    assert person.pk


def test_bad_input_is_refused_in_vietnamese_terms_and_nothing_is_saved(cast):
    with pytest.raises(ValidationError) as error:
        add(cast, citizen_id="12ab")
    assert "citizen_id" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.member_create(actor=None, cell=cast.ward1, start=D(2021, 1, 1), full_name="X", gender="m")
    assert "cell" in error.value.message_dict
    with pytest.raises(ValidationError):
        add(cast, official_on=D(2009, 1, 1))  # before the admission
    assert not Person.objects.filter(full_name="Lê Thị Hạnh").exists()


def test_transfer_within_the_city_keeps_the_old_cell_roster(cast):
    person = add(cast)
    event = services.member_transfer(
        actor=cast.clerk, person=person, to_unit=cast.cell_dl, date=D(2024, 7, 1), decision="12-QĐ/ĐU"
    )
    assert (event.from_unit, event.to_unit) == (cast.cell1, cast.cell_dl)
    on = lambda day, cell: set(Membership.objects.current(day).filter(unit=cell).values_list("person", flat=True))  # noqa: E731
    assert person.pk in on(D(2024, 6, 30), cast.cell1) and person.pk not in on(D(2024, 7, 1), cast.cell1)
    assert person.pk in on(D(2024, 7, 1), cast.cell_dl)
    # The old cell still sees them on its past roster, not on today's.
    assert person.pk in {m.person_id for m in selectors.roster(user=cast.cell_secretary, day=D(2024, 6, 1))}
    assert person.pk not in {m.person_id for m in selectors.roster(user=cast.cell_secretary)}


def test_a_ward_secretary_cannot_move_a_member_into_another_ward(cast):
    person = add(cast)
    with pytest.raises(Http404):
        services.member_transfer(actor=cast.ward_secretary, person=person, to_unit=cast.cell_dl, date=D(2024, 7, 1))
    assert Membership.objects.get(person=person).end is None


def test_transfer_date_must_follow_the_cell_start(cast):
    person = add(cast)
    with pytest.raises(ValidationError) as error:
        services.member_transfer(actor=None, person=person, to_unit=cast.cell_dl, date=D(2021, 3, 1))
    assert "date" in error.value.message_dict


def test_transfer_out_and_back_in(cast):
    person = add(cast)
    out = services.member_transfer_out(
        actor=cast.cell_secretary, person=person, date=D(2024, 2, 1), destination="Đảng bộ phường An Hòa, Huế",
        letter_number="15-GGT/ĐU",
    )
    assert out.from_unit == cast.cell1 and not Membership.objects.filter(person=person, end__isnull=True).exists()
    person.refresh_from_db()
    assert person.status == Person.Status.OFFICIAL  # still a party member, elsewhere
    assert selectors.member_status(person, False) == "transferred_out"
    services.member_transfer_in(
        actor=None, cell=cast.cell_dl, date=D(2025, 1, 6), origin="Đảng bộ phường An Hòa, Huế", person=person
    )
    assert Membership.objects.get(person=person, end__isnull=True).unit == cast.cell_dl
    assert list(person.member_events.values_list("kind", flat=True)) == ["transfer_in", "transfer_out", "admitted"]


def test_transfer_in_of_someone_new(cast):
    event = services.member_transfer_in(
        actor=cast.cell_secretary, cell=cast.cell1, date=D(2025, 1, 6), origin="Đảng bộ xã Gio Linh",
        letter_number="7-GGT", full_name="Phan Văn Đức", gender="m", joined_on=D(2015, 3, 3),
    )
    assert event.person.memberships.get().unit == cast.cell1
    assert list(event.person.member_events.values_list("kind", flat=True)) == ["transfer_in"]
    with pytest.raises(ValidationError) as error:
        services.member_transfer_in(actor=None, cell=cast.cell1, date=D(2025, 1, 6), origin=" ", full_name="A", gender="m")
    assert "origin" in error.value.message_dict


@pytest.mark.parametrize(
    ("kind", "status"),
    [("struck_off", Person.Status.LEFT), ("expelled", Person.Status.LEFT), ("deceased", Person.Status.DECEASED)],
)
def test_leaving_the_roll(cast, kind, status):
    person = add(cast)
    services.member_leave(actor=cast.cell_secretary, person=person, kind=kind, date=D(2024, 5, 1),
                          reason="Lý do", decision="" if kind == "deceased" else "3-QĐ/ĐU")
    person.refresh_from_db()
    assert person.status == status
    assert Membership.objects.get(person=person).end == D(2024, 4, 30)
    # A former member stays visible on the roster of their last cell, not elsewhere.
    assert person.pk in {m.person_id for m in selectors.roster(user=cast.ward_secretary, status="all")}
    assert not selectors.roster(user=cast.outsider, status="all").filter(person=person).exists()


def test_leaving_needs_a_reason_and_a_decision(cast):
    person = add(cast)
    with pytest.raises(ValidationError) as error:
        services.member_leave(actor=None, person=person, kind="struck_off", date=D(2024, 5, 1), reason="")
    assert set(error.value.message_dict) == {"reason", "decision"}
    with pytest.raises(ValidationError):
        services.member_leave(actor=None, person=person, kind="struck_off", date=D(2999, 1, 1), reason="x", decision="y")
    assert Membership.objects.get(person=person).end is None


# --- Personal data ---------------------------------------------------------------------------


SENSITIVE = {"birth_date", "citizen_id", "phone", "address"}


def test_personal_data_is_read_by_the_board_and_the_own_cell_secretary_only(cast):
    person = add(cast)
    assert policy.hidden_fields(cast.clerk, person) == frozenset()
    assert policy.hidden_fields(cast.cell_secretary, person) == frozenset()
    assert SENSITIVE <= policy.hidden_fields(cast.ward_secretary, person)
    assert SENSITIVE <= policy.hidden_fields(cast.member, person)
    assert not policy.may(cast.outsider, "view", person)


def test_a_cell_secretary_reads_personal_data_of_the_own_cell_only(cast):
    from dangbo.conftest import make_person
    from dangbo.orgs import services as orgs

    other = add(cast, name="Võ Văn Kiệt", cell=cast.cell_dl, card="93.000202", citizen_id="045085009999")
    dl_secretary = make_person("Hồ Thị Mai", "dl_cell")
    orgs.position_create(actor=None, person=dl_secretary, unit=cast.cell_dl, title="Bí thư Chi bộ", start=D(2020, 1, 1), role=30)
    mine = add(cast)
    assert policy.hidden_fields(dl_secretary.user, other) == frozenset()
    assert not policy.may(dl_secretary.user, "view", mine)
    assert not policy.may(cast.cell_secretary, "view", other)
    # After a transfer, the old cell's secretary no longer reads it.
    services.member_transfer(actor=None, person=mine, to_unit=cast.cell_dl, date=D(2024, 1, 1))
    policy.forget(cast.cell_secretary)
    assert SENSITIVE <= policy.hidden_fields(cast.cell_secretary, mine)
    assert policy.hidden_fields(dl_secretary.user, mine) == frozenset()


def test_who_may_not_read_a_field_may_not_change_it(cast):
    person = add(cast)
    with pytest.raises(PermissionDenied):
        services.member_update(actor=cast.ward_secretary, person=person, phone="0900000000")
    assert services.member_update(actor=cast.ward_secretary, person=person, full_name="Lê Thị Hạnh") is None
    updated = services.member_update(actor=cast.cell_secretary, person=person, phone="0900000000")
    assert updated.phone == "0900000000"
    entry = AuditEntry.objects.get(action="member.update")
    assert entry.before == {"phone": services.MASK} and entry.after == {"phone": services.MASK}


def test_admitting_someone_new_puts_them_on_probation(cast):
    from dangbo.orgs import services as orgs

    newcomer = orgs.person_create(actor=None, full_name="Đoàn Văn Mới", gender="m", status=Person.Status.NON_MEMBER)
    services.member_admit(actor=cast.cell_secretary, person=newcomer, cell=cast.cell1, date=D(2025, 3, 2), decision="5-QĐ/ĐU")
    newcomer.refresh_from_db()
    assert newcomer.status == Person.Status.PROBATION and newcomer.joined_on == D(2025, 3, 2)
    with pytest.raises(ValidationError):
        services.member_admit(actor=None, person=newcomer, cell=cast.cell1, date=D(2025, 3, 3))


def test_members_are_found_in_the_one_search_within_the_policy(cast, django_capture_on_commit_callbacks):
    from dangbo.core.search import search_for_user

    def found(user, q):
        return [hit.object_id for hit in search_for_user(user, q, kinds=["person"]).items]

    with django_capture_on_commit_callbacks(execute=True):
        person = add(cast, name="Đinh Thị Tìm")
    assert found(cast.ward_secretary, "dinh thi tim") == [person.pk]
    assert found(cast.outsider, "dinh thi tim") == []
    with django_capture_on_commit_callbacks(execute=True):
        services.member_leave(actor=None, person=person, kind="deceased", date=D(2024, 1, 1), reason="Từ trần")
    # A former member is still found where they were last, and only there.
    assert found(cast.ward_secretary, "dinh thi tim") == [person.pk]
    assert found(cast.outsider, "dinh thi tim") == []
