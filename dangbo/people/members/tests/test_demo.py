"""The members' demo on top of the Đông Hà demo tree (rolled back)."""

import datetime as dt

import pytest

from dangbo.conftest import demo_tree
from dangbo.orgs.models import Membership, Person
from dangbo.people.members import demo
from dangbo.people.members.models import MemberEvent

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with demo_tree(django_db_blocker):
        counts = demo.load(today=TODAY)
        again = demo.load(today=TODAY)
        yield counts, again


def test_transfers_and_leavings_are_loaded_once(loaded):
    counts, again = loaded
    assert again == {}
    kinds = dict.fromkeys(MemberEvent.Kind.values, 0)
    for kind in MemberEvent.objects.values_list("kind", flat=True):
        kinds[kind] += 1
    assert kinds["transfer"] == counts["transfers"] == demo.TRANSFERS
    assert kinds["transfer_out"] == demo.TRANSFERS_OUT and kinds["transfer_in"] == demo.TRANSFERS_IN
    assert kinds["deceased"] == 5 and Person.objects.filter(status=Person.Status.DECEASED).count() >= 5
    # Every transferred member has exactly one open membership, in the new cell.
    for event in MemberEvent.objects.filter(kind="transfer"):
        assert Membership.objects.get(person=event.person, end__isnull=True).unit == event.to_unit
    assert counts["personal data"] > 0
    assert Person.objects.exclude(citizen_id=None).count() == counts["personal data"]
