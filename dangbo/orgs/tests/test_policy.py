from __future__ import annotations

import pytest

from dangbo.core import policy
from dangbo.core.policy import Action
from dangbo.orgs.models import Unit


def visible_codes(user) -> set[str]:
    return set(policy.visible(user, Unit).values_list("code", flat=True))


@pytest.mark.django_db
def test_grant_covers_the_subtree(cast):
    assert visible_codes(cast.ward_secretary) == {"t-phuong1", "t-p1-kp1"}
    assert visible_codes(cast.clerk) == {u.code for u in Unit.objects.all()}


@pytest.mark.django_db
def test_sibling_outsider_sees_only_own_ward(cast):
    assert visible_codes(cast.outsider) == {"t-dongluong", "t-dl-kp3"}
    assert not policy.may(cast.outsider, Action.VIEW, cast.cell1)


@pytest.mark.django_db
def test_member_reads_own_cell_only(cast):
    assert visible_codes(cast.member) == {"t-p1-kp1"}
    assert policy.may(cast.member, Action.VIEW, cast.cell1)
    assert not policy.may(cast.member, Action.CHANGE, cast.cell1)


@pytest.mark.django_db
def test_roles_rank(cast):
    assert policy.may(cast.ward_secretary, Action.CHANGE, cast.cell1)
    assert not policy.may(cast.ward_secretary, Action.REORGANISE, cast.cell1)
    assert policy.may(cast.clerk, Action.REORGANISE, cast.cell1)
