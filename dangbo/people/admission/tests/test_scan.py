"""The candidates' part of the daily scan: due soon, late, probation's 11th month; once each."""

import datetime as dt

import pytest

from dangbo.assignments.scan import scan_deadlines
from dangbo.core.models import Notification
from dangbo.people.admission import scan
from dangbo.people.admission.models import Stage

from .conftest import advance, make_candidate

pytestmark = pytest.mark.django_db


def test_late_due_soon_and_eleventh_month_notify_the_cell_managers_once(cast):
    late = advance(make_candidate(cast.cell1, name="Lê Trễ Hạn"), Stage.DECISION)
    probation = advance(make_candidate(cast.cell1, name="Hồ Dự Bị"), Stage.PROBATION)  # ends 19/05/2026
    make_candidate(cast.cell_dl, name="Võ Chưa Có Hạn")
    assert scan.scan_candidates(dt.date(2026, 3, 10)) > 0  # probation month 10: only the late one
    assert not Notification.objects.filter(verb="candidate.probation_11").exists()
    today = dt.date(2026, 3, 25)
    assert probation.probation_month(today) == 11
    sent = scan.scan_candidates(today)
    notes = Notification.objects.filter(verb__startswith="candidate.")
    verbs = {(n.verb, n.user.username, n.object_id) for n in notes}
    assert ("candidate.late", "cell_secretary", late.pk) in verbs
    assert ("candidate.probation_11", "cell_secretary", probation.pk) in verbs
    assert not any(n.user.username == "outsider" for n in notes)
    assert sent == notes.filter(verb="candidate.probation_11").count() > 0
    assert scan.scan_candidates(today) == 0  # nothing twice
    assert scan.scan_candidates(today + dt.timedelta(days=1)) == 0


def test_due_soon_before_the_deadline(cast, settings):
    settings.DANGBO_DUE_SOON_DAYS = 7
    c = advance(make_candidate(cast.cell1), Stage.DECISION)
    scan.scan_candidates(c.due_date - dt.timedelta(days=3))
    assert Notification.objects.filter(verb="candidate.due_soon", object_id=c.pk).exists()
    assert not Notification.objects.filter(verb="candidate.late").exists()


def test_the_daily_scan_runs_it(cast):
    advance(make_candidate(cast.cell1), Stage.DECISION)
    scan_deadlines(today=dt.date(2026, 1, 5))
    assert Notification.objects.filter(verb="candidate.late").exists()
