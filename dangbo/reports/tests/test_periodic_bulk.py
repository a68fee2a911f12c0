"""The schedule drafts a period's reports for every unit at once: the figures in a fixed
number of grouped queries, the same figures as a unit's own report, each report with its first
version and its audit entry, and a report a person drafted meanwhile left as it is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.assignments import services as tasks
from dangbo.citizens import services as citizens
from dangbo.citizens.models import Case
from dangbo.core.models import AuditEntry
from dangbo.meetings.models import Meeting, MeetingKind
from dangbo.orgs import services as orgs
from dangbo.orgs.models import Unit, UnitKind
from dangbo.reports import periodic, scan, services
from dangbo.reports.models import PeriodicReport, ReviewVersion

pytestmark = pytest.mark.django_db
D = dt.date
MARCH = (D(2026, 3, 1), D(2026, 3, 31))
TODAY = D(2026, 4, 2)


def _data(cast):
    """A little of everything a report counts, in March and outside it, at several levels."""
    for n, (unit, assigning, start) in enumerate([
        (cast.cell1, cast.ward1, D(2026, 3, 5)), (cast.cell1, cast.city, D(2026, 3, 9)),
        (cast.cell_dl, cast.ward_dl, D(2026, 3, 20)), (cast.ward1, cast.city, D(2026, 2, 1)),
    ]):
        tasks.task_assign(actor=None, title=f"Việc {n}", unit=unit, assigning_unit=assigning, start=start,
                          deadline=D(2026, 3, 25))
    for unit, day, score, rank in [(cast.cell1, D(2026, 3, 10), 92, 1), (cast.cell1, D(2026, 2, 10), 80, 2),
                                   (cast.cell_dl, D(2026, 3, 12), 70, 2)]:
        Meeting.objects.create(unit=unit, kind=MeetingKind.REGULAR, date=day, status=Meeting.Status.HELD,
                               score=score, grade_rank=rank)
    citizens.case_create(actor=None, unit=cast.ward1, kind=Case.Kind.PHAN_ANH, received_on=D(2026, 3, 3),
                         channel=Case.Channel.RECEPTION, content="Đèn đường hỏng.",
                         petitioners=[{"name": "Nguyễn Văn Dân", "address": "12 Lê Lợi", "phone": "0912345678"}])


def test_the_figures_of_many_units_are_each_units_own(cast):
    _data(cast)
    units = list(Unit.objects.order_by("path"))
    together = periodic.figures(units, start=MARCH[0], end=MARCH[1], today=TODAY)
    for unit in units:
        assert together[unit.path] == periodic.figures([unit], start=MARCH[0], end=MARCH[1], today=TODAY)[unit.path]
    city, ward1, cell1 = (periodic.named(together[u.path]) for u in (cast.city, cast.ward1, cast.cell1))
    # Tasks count where they were assigned from: the ward's one in March, the city's below it.
    assert (ward1["assigned"], cell1["assigned"], city["assigned"]) == (1, 0, 3)
    assert (city["overdue"], ward1["overdue"]) == (4, 1)  # all due 25/03, none done
    assert (city["held"], city["scored"], city["good"], ward1["held"], cell1["held"]) == (2, 2, 1, 1, 1)
    assert (city["cases"], ward1["cases"], cell1["cases"]) == (1, 1, 0)
    assert ward1["below"] == Unit.objects.filter(path__startswith=cast.ward1.path, depth=cast.ward1.depth + 1).count()


def test_the_schedule_drafts_in_the_same_queries_whatever_the_number_of_units(cast):
    _data(cast)
    ContentType.objects.get_for_model(PeriodicReport)  # cached for the process: the runs compare alike
    with CaptureQueriesContext(connection) as few:
        drafted = scan.draft_due_reports(TODAY)
    assert drafted == PeriodicReport.objects.count() > 0
    PeriodicReport.objects.all().delete()
    kind = UnitKind.objects.get(code="chi-bo")
    for i in range(30):
        orgs.unit_create(actor=None, parent=cast.ward_dl if i % 2 else cast.ward1, kind=kind, name=f"Chi bộ Số {i}",
                         code=f"so-{i}")
    with CaptureQueriesContext(connection) as many:
        more = scan.draft_due_reports(TODAY)
    assert more == drafted + 2 * 30  # March and the first quarter, for each new cell
    assert len(many.captured_queries) == len(few.captured_queries)
    report = PeriodicReport.objects.get(unit=cast.ward1, period="month")
    assert report.content == periodic.compose(unit=cast.ward1, start=MARCH[0], end=MARCH[1], today=TODAY)
    assert ReviewVersion.objects.filter(periodic__isnull=False).count() == more
    assert ReviewVersion.objects.get(periodic=report).content == report.content
    assert AuditEntry.objects.filter(action="periodic.draft", object_id=report.pk).exists()


def test_a_report_drafted_meanwhile_is_left_as_it_is(cast):
    mine = services.periodic_draft(actor=cast.ward_secretary, unit=cast.ward1, period="month", start=MARCH[0],
                                   today=TODAY)
    others = [cast.city, cast.ward1, cast.cell1]
    drafted = services.periodic_draft_many(actor=None, units=others, period="month", start=MARCH[0], today=TODAY)
    assert drafted == 2
    assert PeriodicReport.objects.get(pk=mine.pk).version == mine.version
    assert ReviewVersion.objects.filter(periodic=mine).count() == 1
    assert set(PeriodicReport.objects.values_list("unit_id", flat=True)) == {u.pk for u in others}
