"""The cases demo on top of the Đông Hà demo tree (rolled back)."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import F
from django.test import override_settings

from dangbo.assignments.models import Task
from dangbo.citizens import demo
from dangbo.citizens.models import Case
from dangbo.orgs.demo.loader import load_demo

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ), transaction.atomic():
        load_demo()
        counts = demo.load(today=TODAY)
        again = demo.load(today=TODAY)
        yield counts, again
        transaction.set_rollback(True)


def test_a_modest_realistic_set_of_cases_loaded_once(loaded):
    counts, again = loaded
    assert again == {}
    assert counts["cases"] == Case.objects.count() and 80 <= counts["cases"] <= 200
    kinds = set(Case.objects.values_list("kind", flat=True))
    assert kinds == set(Case.Kind.values)
    states = set(Case.objects.values_list("state", flat=True))
    assert states == set(Case.State.values)
    assert Case.objects.filter(acknowledged_on__gt=F("acknowledge_by")).exists()  # acknowledged late
    assert Case.objects.overdue(TODAY).exists()
    assert Task.objects.filter(source_kind=Task.SourceKind.PETITION).count() == counts["tasks"] > 0
    assert not Case.objects.filter(received_on__gt=TODAY).exists()
