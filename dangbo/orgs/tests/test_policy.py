from __future__ import annotations

import pytest

from dangbo.orgs.models import Unit
from dangbo.orgs.policy import Action, can, scope_q


def visible_codes(user) -> set[str]:
    return set(Unit.objects.filter(scope_q(user)).values_list("code", flat=True))


@pytest.mark.django_db
def test_grant_covers_the_subtree(cast):
    assert visible_codes(cast.ward_secretary) == {"t-phuong1", "t-p1-kp1"}
    assert visible_codes(cast.clerk) == {u.code for u in Unit.objects.all()}


@pytest.mark.django_db
def test_sibling_outsider_sees_only_own_ward(cast):
    assert visible_codes(cast.outsider) == {"t-dongluong", "t-dl-kp3"}
    assert not can(cast.outsider, Action.VIEW, cast.cell1)


@pytest.mark.django_db
def test_member_reads_own_cell_only(cast):
    assert visible_codes(cast.member) == {"t-p1-kp1"}
    assert can(cast.member, Action.VIEW, cast.cell1)
    assert not can(cast.member, Action.CHANGE, cast.cell1)


@pytest.mark.django_db
def test_roles_rank(cast):
    assert can(cast.ward_secretary, Action.CHANGE, cast.cell1)
    assert not can(cast.ward_secretary, Action.REORGANISE, cast.cell1)
    assert can(cast.clerk, Action.REORGANISE, cast.cell1)
