"""Adding candidates and taking them through the steps: deadlines, order, errors, history."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from dangbo.core import workdays
from dangbo.core.models import AuditEntry
from dangbo.orgs.models import Membership, Person
from dangbo.people.admission import services
from dangbo.people.admission.models import AdmissionRules, AdmissionTarget, Candidate, Sector, Stage

from .conftest import ALL_FORMS, advance, make_candidate, make_helper

pytestmark = pytest.mark.django_db
D = dt.date


def test_rules_in_force_are_data_with_their_source():
    assert AdmissionRules.in_force(D(2025, 3, 1)).code == "232-QĐ/TW"
    assert AdmissionRules.in_force(D(2023, 3, 1)).code == "24-QĐ/TW"
    rules = AdmissionRules.in_force(D(2025, 3, 1))
    assert "232-QĐ/TW" in rules.source
    decision = rules.stage(Stage.DECISION)
    assert (decision.days, decision.extension_days, decision.counting) == (60, 30, "working")


def test_decision_due_in_sixty_working_days(cast):
    c = advance(make_candidate(cast.cell1), Stage.DECISION)
    assert c.resolution_on == D(2025, 3, 3)
    assert c.due_date == workdays.add(D(2025, 3, 3), 60)
    assert workdays.between(D(2025, 3, 3), c.due_date) == 60


def test_extension_adds_thirty_working_days_once(cast):
    c = advance(make_candidate(cast.cell1), Stage.DECISION)
    c = services.candidate_extend(actor=None, candidate=c, reason="Chờ thẩm tra lý lịch")
    assert c.due_date == workdays.add(D(2025, 3, 3), 90)
    with pytest.raises(ValidationError) as error:
        services.candidate_extend(actor=None, candidate=c, reason="Lần nữa")
    assert "đã được gia hạn" in str(error.value) or "already been extended" in str(error.value)


def test_full_way_to_official_dates_official_at_end_of_probation(cast):
    c = advance(make_candidate(cast.cell1), Stage.PROBATION)
    assert c.probation_end == D(2026, 5, 19)
    assert c.due_date == workdays.add(D(2026, 5, 19), 30)
    person = Person.objects.get(pk=c.person_id)
    assert (person.status, person.joined_on) == (Person.Status.PROBATION, D(2025, 5, 19))
    assert Membership.objects.filter(person=person, unit=cast.cell1).exists()
    c = advance(c, Stage.OFFICIAL)
    person.refresh_from_db()
    assert c.official_on == D(2026, 5, 19)  # not the day of the late decision (15/06/2026)
    assert (person.status, person.official_on) == (Person.Status.OFFICIAL, D(2026, 5, 19))
    actions = set(AuditEntry.objects.filter(object_id=c.pk).values_list("action", flat=True))
    assert {"candidate.create", "candidate.ceremony", "candidate.recognise"} <= actions


@pytest.mark.parametrize("birth, ok", [
    (D(2007, 1, 7), False),  # 17 years 11 months on 06/01/2025
    (D(2007, 1, 6), True),   # full 18 years
    (D(1965, 1, 6), True),   # full 60 years, 0 months
    (D(1964, 12, 6), False),  # 60 years 1 month
])
def test_age_is_counted_in_months(cast, birth, ok):
    if ok:
        assert make_candidate(cast.cell1, birth_date=birth).stage == Stage.AWARENESS
        return
    with pytest.raises(ValidationError) as error:
        make_candidate(cast.cell1, birth_date=birth)
    assert "birth_date" in error.value.message_dict
    assert not Candidate.objects.exists()
    assert not Person.objects.filter(full_name="Nguyễn Thị Cảm Tình").exists()  # nothing half-saved


def test_ceremony_before_the_decision_is_refused_and_nothing_changes(cast):
    c = advance(make_candidate(cast.cell1), Stage.CEREMONY)
    helper = make_helper(cast.cell1)
    with pytest.raises(ValidationError) as error:
        services.candidate_ceremony(actor=None, candidate=c, on=D(2025, 4, 14), helper=helper)
    assert "on" in error.value.message_dict
    c.refresh_from_db()
    assert c.stage == Stage.CEREMONY and c.ceremony_on is None
    assert Person.objects.get(pk=c.person_id).status == Person.Status.NON_MEMBER
    assert not Membership.objects.filter(person_id=c.person_id).exists()


def test_steps_out_of_order_are_refused(cast, candidate):
    with pytest.raises(ValidationError):
        services.candidate_decision(actor=None, candidate=candidate, on=D(2025, 4, 1), number="1")
    c = advance(candidate, Stage.FILE)
    with pytest.raises(ValidationError):
        services.candidate_ceremony(actor=None, candidate=c, on=D(2025, 4, 1), helper=make_helper(cast.cell1))


def test_resolution_needs_the_whole_file(cast, candidate):
    c = advance(candidate, Stage.FILE)
    services.candidate_forms(actor=None, candidate=c, forms=ALL_FORMS[:2])
    with pytest.raises(ValidationError) as error:
        services.candidate_resolution(actor=None, candidate=c, on=D(2025, 3, 3))
    assert "5-KNĐ" in " ".join(error.value.message_dict["forms"])


def test_expired_certificate_is_refused(cast, candidate):
    c = advance(candidate, Stage.FILE)
    assert c.certificate_valid_to == D(2030, 2, 10)
    c.certificate_valid_to = D(2025, 2, 28)
    c.save(update_fields=["certificate_valid_to"])
    services.candidate_forms(actor=None, candidate=c, forms=ALL_FORMS)
    with pytest.raises(ValidationError) as error:
        services.candidate_resolution(actor=None, candidate=c, on=D(2025, 3, 3))
    assert "on" in error.value.message_dict


def test_review_only_after_probation_and_failure_stops(cast, candidate):
    c = advance(candidate, Stage.PROBATION)
    with pytest.raises(ValidationError):
        services.candidate_review(actor=None, candidate=c, on=D(2026, 5, 18), passed=True)
    with pytest.raises(ValidationError) as error:
        services.candidate_review(actor=None, candidate=c, on=D(2026, 5, 20), passed=False)
    assert "reason" in error.value.message_dict
    c = services.candidate_review(actor=None, candidate=c, on=D(2026, 5, 20), passed=False, reason="Vi phạm tư cách")
    assert (c.stage, c.due_date) == (Stage.STOPPED, None)


def test_the_outsider_cannot_add_or_advance(cast, candidate):
    with pytest.raises(Http404):
        services.candidate_certificate(actor=cast.outsider, candidate=candidate, number="X", on=D(2025, 2, 1))
    with pytest.raises(Http404):
        services.candidate_create(
            actor=cast.outsider, unit=cast.cell1, full_name="A", gender="m", birth_date=D(1990, 1, 1), added_on=D(2025, 1, 6)
        )
    c = services.candidate_certificate(actor=cast.cell_secretary, candidate=candidate, number="X", on=D(2025, 2, 1))
    assert c.stage == Stage.FILE


def test_sector_is_guessed_from_the_cell(cast, candidate):
    assert candidate.sector == Sector.RESIDENTIAL  # Chi bộ Khu phố 1


def test_target_checks_its_parts(cast):
    with pytest.raises(ValidationError):
        services.target_set(actor=cast.ward_secretary, unit=cast.ward1, year=2025, total=3, residential=2, enterprise=2)
    assert not AdmissionTarget.objects.exists()
    t = services.target_set(actor=cast.ward_secretary, unit=cast.ward1, year=2025, total=5, residential=2, enterprise=1)
    assert t.total == 5


def test_the_ceremony_puts_the_new_member_on_the_roll_with_the_admission_in_their_history(cast, candidate):
    """The roll is the members' service's: the member's page shows "admitted" with the decision."""
    from dangbo.people.members.models import MemberEvent

    c = advance(candidate, Stage.PROBATION)
    membership = Membership.objects.get(person_id=c.person_id, end=None)
    assert membership.unit == cast.cell1 and membership.start == c.ceremony_on
    event = MemberEvent.objects.get(person_id=c.person_id)
    assert event.kind == MemberEvent.Kind.ADMITTED and event.to_unit == cast.cell1
    assert event.decision == c.decision_number and event.date == c.ceremony_on
    assert Person.objects.get(pk=c.person_id).status == Person.Status.PROBATION
