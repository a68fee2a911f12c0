import pytest

from dangbo.core.search import search_for_user
from dangbo.people.cadres import services

pytestmark = pytest.mark.django_db


def test_cadre_records_and_plans_are_in_the_search_box_within_the_policy(cast, cadre, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        profile = services.profile_create(actor=None, person=cadre, unit=cast.ward1, field_of_study="Luật kinh tế")
        plan = services.plan_create(
            actor=None, unit=cast.ward1, term_code="2025-2030", start_year=2025, end_year=2030, decision="125-QĐ/ĐU"
        )
    hits = search_for_user(cast.ward_secretary, "luat kinh te").items
    assert [(h.kind, h.object_id) for h in hits] == [("cadre", profile.pk)]
    assert ("cadre", profile.pk) in [(h.kind, h.object_id) for h in search_for_user(cast.ward_secretary, "le thi thu").items]
    assert [(h.kind, h.object_id) for h in search_for_user(cast.ward_secretary, "125-QĐ/ĐU").items] == [("cadre_plan", plan.pk)]
    assert not search_for_user(cast.outsider, "luat kinh te").items
    assert not search_for_user(cast.outsider, "125-QĐ/ĐU").items
