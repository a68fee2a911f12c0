import pytest

from dangbo.core.search import search_for_user
from dangbo.people.admission.models import Stage

from .conftest import advance, make_candidate

pytestmark = pytest.mark.django_db


def test_candidates_are_in_the_search_box_within_the_policy(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        c = make_candidate(cast.cell1, name="Đoàn Thị Phấn Đấu")
    hits = [(h.kind, h.object_id) for h in search_for_user(cast.cell_secretary, "doan thi phan dau").items]
    assert ("candidate", c.pk) in hits
    assert not [h for h in search_for_user(cast.outsider, "doan thi phan dau").items if h.kind == "candidate"]
    with django_capture_on_commit_callbacks(execute=True):
        advance(c, Stage.DECISION)
    found = [h for h in search_for_user(cast.cell_secretary, "phan dau").items if h.kind == "candidate"]
    assert found[0].facets["stage"] == "decision"


def test_the_candidates_person_is_not_shown_to_the_outsider(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_candidate(cast.cell1, name="Đoàn Thị Phấn Đấu")
    assert not search_for_user(cast.outsider, "doan thi phan dau").items
