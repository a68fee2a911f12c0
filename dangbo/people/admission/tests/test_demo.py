"""The admission demo on top of the Đông Hà demo tree (rolled back)."""

import pytest
from django.db.models import F, Q
from django.utils import timezone

from dangbo.conftest import demo_tree
from dangbo.orgs.models import Person, Unit
from dangbo.people.admission import demo
from dangbo.people.admission.models import AdmissionTarget, Candidate, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with demo_tree(django_db_blocker):
        today = timezone.localdate()
        probationary = Person.objects.filter(status=Person.Status.PROBATION).count()
        counts = demo.load(today=today)
        total = Candidate.objects.count()
        again = demo.load(today=today)
        yield counts, again, total, probationary, today


def test_about_150_candidates_at_every_stage_some_late_loaded_once(loaded):
    _counts, again, total, _probationary, today = loaded
    assert again == {} and Candidate.objects.count() == total
    new = Candidate.objects.filter(Q(ceremony_on__isnull=True) | ~Q(added_on=F("ceremony_on")))
    assert 140 <= new.count() <= 160
    assert set(new.values_list("stage", flat=True)) == set(Stage.values)
    assert Candidate.objects.late(today).exists()
    wards = {path[: -Unit.steplen] for path in new.values_list("unit__path", flat=True)}
    assert len(wards) == 9
    assert AdmissionTarget.objects.count() == 18


def test_probationary_members_reviewed_or_flagged(loaded):
    counts, _again, _total, probationary, _today = loaded
    assert probationary > 0
    assert counts["probationary followed"] == probationary
    assert counts["probationary recognised"] > 0 and counts.get("probationary flagged", 0) > 0
    recognised = Candidate.objects.filter(stage=Stage.OFFICIAL, added_on=F("ceremony_on"))
    for c in recognised.select_related("person")[:5]:
        assert c.person.status == Person.Status.OFFICIAL and c.person.official_on == c.probation_end
