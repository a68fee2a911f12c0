"""The cadres' services: records, planning with its criteria, rotations and appointments
ending in orgs positions, streamlining; each refusing bad input in Vietnamese and checking the
actor through the one policy."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from dangbo.core.models import AuditEntry
from dangbo.orgs import services as orgs
from dangbo.orgs.models import Position
from dangbo.people.cadres import services
from dangbo.people.cadres.models import Move, PlanningRule

pytestmark = pytest.mark.django_db


def test_the_rules_are_installed_as_data_with_their_source():
    rule = PlanningRule.objects.get(code="qd50-2021-xa")
    assert "50-QĐ/TW" in rule.source and rule.young_age == 40 and rule.effective_to is None
    assert PlanningRule.objects.filter(level_code="huyen").count() == 2


def test_a_plan_takes_the_rule_in_force_at_its_level_on_the_terms_start(cast):
    ward = services.plan_create(actor=cast.ward_secretary, unit=cast.ward1, term_code="2025-2030", start_year=2025, end_year=2030)
    old = services.plan_create(actor=cast.clerk, unit=cast.city, term_code="2020-2025", start_year=2020, end_year=2025)
    assert ward.rule.code == "qd50-2021-xa"
    assert old.rule.code == "nq26-2018-huyen"
    assert AuditEntry.objects.filter(action="cadre_plan.create").count() == 2


def test_a_plan_whose_last_year_is_before_its_first_is_refused(cast):
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        services.plan_create(actor=cast.ward_secretary, unit=cast.ward1, term_code="x", start_year=2030, end_year=2025)
    assert "năm cuối" in str(error.value.message_dict["end_year"]).lower()


def test_planning_someone_over_the_age_limit_is_allowed_but_flagged(cast, plan, old_man):
    candidate = services.candidate_add(actor=cast.ward_secretary, plan=plan, person=old_man, title="Bí thư Đảng ủy")
    assert candidate.pk and not candidate.all_met
    age = next(c for c in candidate.checks if c["code"] == "age")
    assert age == {"code": "age", "met": False, "value": 59, "limit": 57}
    assert not candidate.young


def test_a_candidate_meeting_every_criterion(cast, plan, profile, cadre):
    candidate = services.candidate_add(actor=cast.ward_secretary, plan=plan, person=cadre, title="Phó Bí thư")
    assert candidate.all_met, candidate.checks
    assert {c["code"]: c["value"] for c in candidate.checks} == {"age": 45, "theory": 2, "years": 6.0}


def test_the_same_person_twice_for_the_same_position_is_refused(cast, plan, cadre):
    services.candidate_add(actor=cast.ward_secretary, plan=plan, person=cadre, title="Phó Bí thư")
    with pytest.raises(ValidationError) as error:
        services.candidate_add(actor=cast.ward_secretary, plan=plan, person=cadre, title="Phó Bí thư")
    assert "person" in error.value.message_dict


def test_the_outsider_from_the_sibling_ward_can_neither_plan_nor_record(cast, plan, cadre, profile):
    with pytest.raises(Http404):
        services.candidate_add(actor=cast.outsider, plan=plan, person=cadre, title="Bí thư")
    with pytest.raises(Http404):
        services.training_add(actor=cast.outsider, profile=profile, name="Cao cấp LLCT", start=dt.date(2024, 1, 1))
    with pytest.raises(PermissionDenied):  # a plain member sees the cell but does not manage it
        services.plan_create(actor=cast.member, unit=cast.cell1, term_code="2025-2030", start_year=2025, end_year=2030)


def test_a_record_keeps_training_and_awards_and_its_edits_are_versioned(cast, profile):
    training = services.training_add(
        actor=cast.ward_secretary, profile=profile, name="Cao cấp lý luận chính trị", kind="theory",
        start=dt.date(2023, 3, 1), end=dt.date(2024, 9, 30),
    )
    services.award_add(actor=cast.ward_secretary, profile=profile, title="Bằng khen", date=dt.date(2024, 12, 1))
    with pytest.raises(ValidationError):
        services.training_add(actor=cast.ward_secretary, profile=profile, name="x", start=dt.date(2024, 3, 1), end=dt.date(2024, 2, 1))
    services.profile_update(actor=cast.ward_secretary, profile=profile, education=4, field_of_study="Luật", theory=3)
    profile.refresh_from_db()
    assert profile.theory == 3 and training.pk and profile.awards.count() == 1
    assert list(AuditEntry.objects.filter(object_id=profile.pk, action__startswith="cadre.").values_list("action", flat=True).order_by("id")) == [
        "cadre.create", "cadre.training", "cadre.award", "cadre.update",
    ]


def test_a_rotation_ending_before_it_starts_is_refused(cast, cadre):
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        services.move_propose(
            actor=cast.clerk, kind="rotation", person=cadre, unit=cast.ward_dl, title="Phó Bí thư",
            proposed_on=dt.date(2025, 1, 1), start=dt.date(2025, 3, 1), end=dt.date(2025, 2, 1),
        )
    assert "kết thúc trước khi bắt đầu" in error.value.message_dict["end"][0]
    assert not Move.objects.exists()


def test_a_rotation_goes_through_its_steps_and_ends_in_a_position_in_orgs(cast, cadre):
    leaving = Position.objects.get(person=cadre)
    move = services.move_propose(
        actor=cast.clerk, kind="rotation", person=cadre, unit=cast.ward_dl, title="Phó Bí thư Đảng ủy",
        proposed_on=dt.date(2025, 1, 5), start=dt.date(2025, 3, 1), end=dt.date(2028, 2, 29), from_position=leaving,
    )
    with pytest.raises(ValidationError):
        services.move_take_up(actor=cast.clerk, move=move)  # not decided yet
    with pytest.raises(ValidationError) as error:
        services.move_decide(actor=cast.clerk, move=move, decision="15-QĐ/TU", decided_on=dt.date(2024, 12, 1))
    assert "decided_on" in error.value.message_dict
    services.move_decide(actor=cast.clerk, move=move, decision="15-QĐ/TU", decided_on=dt.date(2025, 2, 1))
    move = services.move_take_up(actor=cast.clerk, move=move)
    leaving.refresh_from_db()
    assert leaving.end == dt.date(2025, 2, 28)
    assert move.position.unit == cast.ward_dl and move.position.start == dt.date(2025, 3, 1)
    assert move.status == Move.Status.IN_POST
    move = services.move_complete(actor=cast.clerk, move=move, completed_on=dt.date(2027, 12, 31))
    move.position.refresh_from_db()
    assert move.position.end == dt.date(2027, 12, 31) and move.status == Move.Status.COMPLETED
    actions = set(AuditEntry.objects.filter(object_id=move.pk, action__startswith="cadre_move").values_list("action", flat=True))
    assert actions == {"cadre_move.propose", "cadre_move.decide", "cadre_move.take_up", "cadre_move.complete"}


def test_the_ward_cannot_rotate_into_the_sibling_ward(cast, cadre):
    with pytest.raises(Http404):
        services.move_propose(
            actor=cast.ward_secretary, kind="rotation", person=cadre, unit=cast.ward_dl, title="x",
            proposed_on=dt.date(2025, 1, 1), start=dt.date(2025, 2, 1),
        )


def test_streamlining_is_one_row_per_unit_and_year_and_cannot_exceed_the_staff(cast):
    services.streamlining_record(actor=cast.ward_secretary, unit=cast.ward1, year=2024, staff=30, reduced=2)
    row = services.streamlining_record(actor=cast.ward_secretary, unit=cast.ward1, year=2024, staff=30, reduced=3)
    assert row.reduced == 3 and cast.ward1.streamlinings.count() == 1
    with pytest.raises(ValidationError) as error:
        services.streamlining_record(actor=cast.ward_secretary, unit=cast.ward1, year=2025, staff=3, reduced=4)
    assert "reduced" in error.value.message_dict


def test_a_higher_theory_level_clears_the_flag_on_the_persons_candidacies(cast, plan, profile, cadre):
    city_plan = services.plan_create(actor=None, unit=cast.city, term_code="2025-2030", start_year=2025, end_year=2030)
    candidate = services.candidate_add(actor=cast.clerk, plan=city_plan, person=cadre, title="Phó Bí thư Thành ủy")
    assert not candidate.all_met  # the city needs cao cấp; she has trung cấp
    services.profile_update(actor=cast.ward_secretary, profile=profile, education=3, field_of_study="", theory=3)
    candidate.refresh_from_db()
    assert candidate.all_met and next(c for c in candidate.checks if c["code"] == "theory")["value"] == 3


def test_checking_a_plan_again_sees_a_new_post(cast, plan, old_man):
    young = orgs.person_create(actor=None, full_name="Đặng Văn Trẻ", gender="m", birth_date=dt.date(1992, 1, 1))
    candidate = services.candidate_add(actor=cast.ward_secretary, plan=plan, person=young, title="Chủ tịch UBND phường")
    assert candidate.young and not candidate.all_met
    orgs.position_create(actor=None, person=young, unit=cast.ward1, title="Phó Chủ tịch UBND", start=dt.date(2020, 1, 1))
    assert services.plan_recheck(actor=cast.ward_secretary, plan=plan) == 1
    candidate.refresh_from_db()
    assert next(c for c in candidate.checks if c["code"] == "years")["met"]
    with pytest.raises(Http404):
        services.plan_recheck(actor=cast.outsider, plan=plan)


def test_the_ward_a_cadre_leaves_reads_the_rotation_but_the_city_decides_it(cast, cadre):
    from dangbo.core import policy
    from dangbo.core.policy import Action

    move = services.move_propose(
        actor=cast.clerk, kind="rotation", person=cadre, unit=cast.ward_dl, title="Phó Bí thư",
        proposed_on=dt.date(2025, 1, 5), start=dt.date(2025, 3, 1), from_position=Position.objects.get(person=cadre),
    )
    assert policy.may(cast.ward_secretary, Action.VIEW, move) and not policy.may(cast.ward_secretary, Action.CHANGE, move)
    assert policy.may(cast.outsider, Action.CHANGE, move)  # Đông Lương receives the cadre
    assert list(policy.visible(cast.ward_secretary, Move)) == [move]
    assert not policy.may(cast.member, Action.VIEW, move) and not policy.visible(cast.member, Move).exists()
    with pytest.raises(PermissionDenied):
        services.move_decide(actor=cast.ward_secretary, move=move, decision="1-QĐ", decided_on=dt.date(2025, 2, 1))


def test_a_proposal_is_cancelled_with_its_reason_but_a_post_taken_up_is_not(cast, cadre):
    move = services.move_propose(
        actor=cast.ward_secretary, kind="appointment", person=cadre, unit=cast.ward1, title="Bí thư",
        proposed_on=dt.date(2025, 1, 5), start=dt.date(2025, 3, 1),
    )
    with pytest.raises(ValidationError) as error:
        services.move_cancel(actor=cast.ward_secretary, move=move, reason=" ")
    assert "reason" in error.value.message_dict
    with pytest.raises(Http404):
        services.move_cancel(actor=cast.outsider, move=move, reason="Không phù hợp")
    move = services.move_cancel(actor=cast.ward_secretary, move=move, reason="Không phù hợp")
    assert move.status == Move.Status.CANCELLED
    assert AuditEntry.objects.get(object_id=move.pk, action="cadre_move.cancel").reason == "Không phù hợp"
    other = services.move_propose(
        actor=cast.ward_secretary, kind="appointment", person=cadre, unit=cast.ward1, title="Phó Bí thư",
        proposed_on=dt.date(2025, 1, 5), start=dt.date(2025, 3, 1),
    )
    services.move_decide(actor=cast.ward_secretary, move=other, decision="5-QĐ/ĐU", decided_on=dt.date(2025, 2, 1))
    services.move_take_up(actor=cast.ward_secretary, move=other)
    with pytest.raises(ValidationError):
        services.move_cancel(actor=cast.ward_secretary, move=other, reason="Muộn")
