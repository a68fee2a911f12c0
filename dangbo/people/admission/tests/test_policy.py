"""Candidates and targets in the one policy: seen down the tree, changed by the managers."""

import pytest

from dangbo.core import policy
from dangbo.core.policy import Action
from dangbo.people.admission import services
from dangbo.people.admission.models import AdmissionTarget, Candidate

from .conftest import make_candidate

pytestmark = pytest.mark.django_db


def test_who_sees_and_changes_a_candidate_of_cell1(cast, candidate):
    expected = {
        "clerk": (True, True), "ward_secretary": (True, True), "cell_secretary": (True, True),
        "member": (True, False), "outsider": (False, False),
    }
    for name, user in cast.everyone.items():
        seen = policy.visible(user, Candidate).filter(pk=candidate.pk).exists()
        assert (seen, policy.may(user, Action.CHANGE, candidate)) == expected[name], name


def test_the_outsider_sees_only_the_sibling_wards_candidates_and_targets(cast):
    mine = make_candidate(cast.cell_dl, name="Võ Đông Lương")
    make_candidate(cast.cell1, name="Lê Phường Một")
    services.target_set(actor=None, unit=cast.ward1, year=2025, total=3)
    theirs = services.target_set(actor=None, unit=cast.ward_dl, year=2025, total=4)
    assert list(policy.visible(cast.outsider, Candidate)) == [mine]
    assert list(policy.visible(cast.outsider, AdmissionTarget)) == [theirs]
    assert not policy.may(cast.outsider, Action.CHANGE, AdmissionTarget.objects.get(unit=cast.ward1))
