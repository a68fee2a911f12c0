"""Computed indicators: an indicator names a figure dangbo already holds (tasks done on time,
cells whose meetings were graded Tốt, members admitted), offered by the apps through
``dangbo.core.evidence``; its results are computed, stored with the computed flag and a link
to the records counted, and never typed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangbo.assignments import scan as daily
from dangbo.assignments import services as tasks
from dangbo.assignments.models import Task
from dangbo.conftest import make_person
from dangbo.core.models import ApiToken, AuditEntry
from dangbo.meetings.models import Meeting, MeetingKind
from dangbo.orgs import services as orgs
from dangbo.people.admission.models import Candidate
from dangbo.plans import services
from dangbo.plans.models import IndicatorActual

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def term(cast):
    return orgs.term_create(actor=None, unit=cast.city, code="2020-2025", start=D(2020, 10, 1), end=D(2025, 10, 1))


def _indicator(cast, term, figure, code, **kw):
    indicator = services.indicator_create(
        actor=cast.clerk, unit=cast.city, term=term, code=code, name=code, measure="%", computed_from=figure,
        today=D(2024, 12, 31), **kw,
    )
    return indicator


def _task(cast, unit, deadline, done_on=None):
    task = tasks.task_assign(actor=None, title=f"Việc {deadline}", unit=unit, assigning_unit=cast.city,
                             start=D(2024, 1, 1), deadline=deadline)
    if done_on:
        Task.objects.filter(pk=task.pk).update(status=Task.Status.DONE, done_on=done_on, progress=100)
    return task


def _meeting(unit, month, rank):
    return Meeting.objects.create(unit=unit, kind=MeetingKind.REGULAR, status=Meeting.Status.HELD,
                                  date=D(2024, month, 5), grade="tot" if rank == 1 else "kha", grade_rank=rank)


def test_tasks_done_on_time_are_computed_per_unit_and_year_with_a_link(cast, term):
    _task(cast, cast.ward1, D(2024, 3, 31), done_on=D(2024, 3, 20))  # on time
    _task(cast, cast.cell1, D(2024, 5, 31), done_on=D(2024, 6, 10))  # late, below the ward
    _task(cast, cast.ward_dl, D(2024, 4, 30))  # not done
    _task(cast, cast.ward1, D(2025, 4, 30), done_on=D(2025, 4, 1))  # another year
    indicator = _indicator(cast, term, "tasks_on_time", "dung-han")
    services.target_set(actor=cast.clerk, indicator=indicator, unit=cast.ward1, year=2024, value=Decimal("90"))
    services.indicator_compute(indicator=indicator, today=D(2024, 12, 31))
    rows = {(a.unit_id, a.year): a for a in IndicatorActual.objects.filter(indicator=indicator)}
    city, ward = rows[(cast.city.pk, 2024)], rows[(cast.ward1.pk, 2024)]
    assert (city.value, city.evidence, city.computed) == (Decimal("33.33"), "1/3", True)
    assert (ward.value, ward.evidence) == (Decimal("50.00"), "1/2")  # the ward and its cell
    assert ward.records_url.startswith(reverse("assignments:task_list")) and f"unit={cast.ward1.pk}" in ward.records_url
    assert (cast.city.pk, 2025) not in rows  # the year has not come
    assert AuditEntry.objects.filter(action="indicator.compute").exists()
    # Nothing changed: computing again changes nothing and writes no history.
    entries = AuditEntry.objects.filter(action="indicator.compute").count()
    assert services.indicator_compute(indicator=indicator, today=D(2024, 12, 31)) == 0
    assert AuditEntry.objects.filter(action="indicator.compute").count() == entries
    # The daily scan computes this year's results again.
    Task.objects.filter(unit=cast.ward_dl).update(status=Task.Status.DONE, done_on=D(2024, 4, 1))
    daily.scan_deadlines(today=D(2024, 12, 31))
    assert IndicatorActual.objects.get(indicator=indicator, unit=cast.city, year=2024).value == Decimal("66.67")


def test_cells_graded_tot_and_members_admitted_come_from_the_meetings_and_people_apps(cast, term):
    for month in (1, 2, 3):
        _meeting(cast.cell1, month, 1)  # all Tốt
    _meeting(cast.cell_dl, 1, 1)
    _meeting(cast.cell_dl, 2, 2)  # half Tốt: not mostly
    cells = _indicator(cast, term, "cells_good", "chi-bo-tot")
    assert IndicatorActual.objects.get(indicator=cells, unit=cast.city, year=2024).value == Decimal("50.00")
    row = IndicatorActual.objects.get(indicator=cells, unit=cast.city, year=2024)
    assert row.records_url == reverse("meetings:quality", args=[cast.city.pk])
    for day in (D(2024, 5, 19), D(2024, 9, 2), D(2023, 12, 1)):
        Candidate.objects.create(person=make_person(f"Quần chúng {day}"), unit=cast.cell1, added_on=D(2023, 1, 1),
                                 stage="probation", ceremony_on=day)
    admitted = _indicator(cast, term, "members_admitted", "ket-nap", aggregation="sum")
    values = dict(IndicatorActual.objects.filter(indicator=admitted, unit=cast.city).values_list("year", "value"))
    assert values == {2023: Decimal(1), 2024: Decimal(2)}


def test_a_computed_indicator_is_never_typed_and_names_a_known_figure(cast, term, login, client):
    with pytest.raises(ValidationError) as error:
        _indicator(cast, term, "made_up", "x")
    assert "computed_from" in error.value.message_dict
    _task(cast, cast.ward1, D(2024, 3, 31), done_on=D(2024, 3, 20))
    indicator = _indicator(cast, term, "tasks_on_time", "dung-han")
    with pytest.raises(ValidationError) as error:
        services.actual_record(actor=cast.clerk, indicator=indicator, unit=cast.city, year=2024, value=Decimal("1"))
    assert "value" in error.value.message_dict
    token = ApiToken.issue(user=cast.clerk, name="t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    r = client.post(f"/api/v1/indicators/{indicator.pk}/actuals", {"unit_id": cast.city.pk, "year": 2024, "value": "1"},
                    content_type="application/json", **auth)
    assert r.status_code == 400 and "value" in r.json()["fields"]
    body = client.get(f"/api/v1/indicators/{indicator.pk}", **auth).json()
    assert body["computed_from"] == "tasks_on_time"
    assert [(a["value"], a["computed"]) for a in body["actuals"]] == [("100.0000", True)]
    assert body["actuals"][0]["records_url"].startswith("/")
    c = login(cast.clerk)
    page = c.get(reverse("plans:indicator_detail", args=[indicator.pk])).content.decode()
    assert "Record a result" not in page and 'name="value"' not in page
    assert IndicatorActual.objects.get(indicator=indicator).records_url.replace("&", "&amp;") in page
    assert c.post(reverse("plans:indicator_detail", args=[indicator.pk]),
                  {"unit": cast.city.pk, "year": 2024, "value": "3"}).status_code == 403
    assert IndicatorActual.objects.get(indicator=indicator).value == Decimal(100)
    outsider = login(cast.outsider)
    assert "/" in outsider.get(reverse("plans:indicator_detail", args=[indicator.pk])).content.decode()
