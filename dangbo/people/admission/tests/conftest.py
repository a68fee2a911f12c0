import datetime as dt

import pytest

from dangbo.conftest import make_person
from dangbo.orgs import services as orgs
from dangbo.orgs.models import Person
from dangbo.people.admission import services
from dangbo.people.admission.models import Stage

ADDED = dt.date(2025, 1, 6)
BORN = dt.date(1995, 5, 17)
ALL_FORMS = ["1-KNĐ", "2-KNĐ", "3-KNĐ", "5-KNĐ", "tham-tra"]


def make_candidate(unit, name="Nguyễn Thị Cảm Tình", birth_date=BORN, added_on=ADDED, **extra):
    return services.candidate_create(
        actor=None, unit=unit, full_name=name, gender="f", birth_date=birth_date, added_on=added_on, **extra
    )


def make_helper(unit, name="Trần Văn Giúp"):
    person = make_person(name)
    orgs.membership_create(actor=None, person=person, unit=unit, start=dt.date(2010, 1, 1))
    return Person.objects.get(pk=person.pk)


def advance(candidate, to: str, helper=None):
    """Take ``candidate`` through the steps up to ``to`` (the stage then awaited)."""
    order = [Stage.AWARENESS, Stage.FILE, Stage.DECISION, Stage.CEREMONY, Stage.PROBATION, Stage.RECOGNITION, Stage.OFFICIAL]
    c = candidate
    while order.index(c.stage) < order.index(to):
        if c.stage == Stage.AWARENESS:
            c = services.candidate_certificate(actor=None, candidate=c, number="CN-01", on=dt.date(2025, 2, 10))
        elif c.stage == Stage.FILE:
            c = services.candidate_forms(actor=None, candidate=c, forms=ALL_FORMS)
            c = services.candidate_resolution(actor=None, candidate=c, on=dt.date(2025, 3, 3))
        elif c.stage == Stage.DECISION:
            c = services.candidate_decision(actor=None, candidate=c, on=dt.date(2025, 4, 15), number="123-QĐ/ĐU")
        elif c.stage == Stage.CEREMONY:
            c = services.candidate_ceremony(
                actor=None, candidate=c, on=dt.date(2025, 5, 19), helper=helper or make_helper(c.unit)
            )
        elif c.stage == Stage.PROBATION:
            c = services.candidate_review(actor=None, candidate=c, on=dt.date(2026, 5, 25), passed=True)
        elif c.stage == Stage.RECOGNITION:
            c = services.candidate_recognise(actor=None, candidate=c, on=dt.date(2026, 6, 15), number="45-QĐ/ĐU")
    return c


@pytest.fixture
def candidate(cast):
    return make_candidate(cast.cell1)
