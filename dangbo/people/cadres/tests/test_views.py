"""The cadres' pages as the cast sees them, with a fixed number of queries on every list."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.orgs import services as orgs
from dangbo.people.cadres import services
from dangbo.people.cadres.models import Move, PlanCandidate

pytestmark = pytest.mark.django_db


def _more(cast, plan, n: int, start: int = 0) -> None:
    """``n`` more cadres of Phường 1, each with a record, a candidacy, training, an award, a move."""
    for i in range(start, start + n):
        person = orgs.person_create(
            actor=None, full_name=f"Cán bộ số {i}", gender="f" if i % 2 else "m", birth_date=dt.date(1970 + i, 5, 1)
        )
        orgs.position_create(actor=None, person=person, unit=cast.ward1, title=f"Ủy viên {i}", start=dt.date(2018, 1, 1))
        profile = services.profile_create(actor=None, person=person, unit=cast.ward1, theory=i % 4)
        services.training_add(actor=None, profile=profile, name=f"Lớp {i}", start=dt.date(2022, 1, 1))
        services.award_add(actor=None, profile=profile, title=f"Giấy khen {i}", date=dt.date(2023, 1, 1))
        services.candidate_add(actor=None, plan=plan, person=person, title=f"Chức danh {i % 3}")
        services.move_propose(
            actor=None, kind="appointment", person=person, unit=cast.ward1, title=f"Phó {i}",
            proposed_on=dt.date(2025, 1, 1), start=dt.date(2025, 2, 1),
        )
        services.streamlining_record(actor=None, unit=cast.ward1, year=2015 + i, staff=30, reduced=1)


LISTS = ["people:cadre_list", "people:plan_list", "people:move_list", "people:shares", "people:streamlining", "people:rule_list"]


@pytest.mark.parametrize("name", LISTS)
def test_list_pages_run_a_fixed_number_of_queries(cast, login, plan, django_assert_num_queries, name):
    client = login(cast.ward_secretary)
    url = reverse(name)
    _more(cast, plan, 2)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _more(cast, plan, 6, start=2)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_plans_page_runs_a_fixed_number_of_queries(cast, login, plan, django_assert_num_queries):
    client = login(cast.ward_secretary)
    url = reverse("people:plan_detail", args=[plan.pk])
    _more(cast, plan, 2)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _more(cast, plan, 6, start=2)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_record_page_runs_a_fixed_number_of_queries(cast, login, profile, plan, cadre, django_assert_num_queries):
    client = login(cast.ward_secretary)
    url = reverse("people:cadre_detail", args=[profile.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for i in range(4):
        services.training_add(actor=None, profile=profile, name=f"Lớp {i}", start=dt.date(2020 + i, 1, 1))
        services.award_add(actor=None, profile=profile, title=f"Khen {i}", date=dt.date(2020 + i, 1, 1))
        orgs.position_create(actor=None, person=cadre, unit=cast.cell1, title=f"Chức {i}", start=dt.date(2010 + i, 1, 1), end=dt.date(2010 + i, 12, 31))
        services.candidate_add(actor=None, plan=plan, person=cadre, title=f"Chức danh {i}")
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_record_shows_positions_over_time_training_and_a_place_for_ratings(cast, login, profile):
    services.training_add(actor=None, profile=profile, name="Trung cấp lý luận chính trị", start=dt.date(2020, 9, 1))
    page = login(cast.ward_secretary).get(reverse("people:cadre_detail", args=[profile.pk])).content.decode()
    assert "Phó Bí thư Đảng ủy" in page and "01/01/2019" in page
    assert "Trung cấp lý luận chính trị" in page
    assert 'id="ratings-h"' in page


def test_the_outsider_and_the_member_do_not_see_the_wards_cadres(cast, login, profile, plan):
    for who in (cast.outsider, cast.member):
        client = login(who)
        assert client.get(reverse("people:cadre_detail", args=[profile.pk])).status_code == 404
        assert client.get(reverse("people:plan_detail", args=[plan.pk])).status_code == 404
        assert "Lê Thị Thu" not in client.get(reverse("people:cadre_list")).content.decode()
    assert login(cast.outsider).get(reverse("people:cadre_edit", args=[profile.pk])).status_code == 404


def test_a_candidate_over_the_age_is_planned_with_a_warning_and_the_reason(cast, login, plan, old_man):
    client = login(cast.ward_secretary)
    response = client.post(
        reverse("people:candidate_add", args=[plan.pk]), {"person": old_man.pk, "title": "Bí thư Đảng ủy"}, follow=True
    )
    assert response.status_code == 200
    candidate = PlanCandidate.objects.get(plan=plan, person=old_man)
    assert not candidate.all_met
    page = response.content.decode()
    assert "59" in page and "57" in page


def test_a_rotation_ending_before_it_starts_shows_the_error_next_to_the_end(cast, login, cadre):
    client = login(cast.ward_secretary)
    response = client.post(reverse("people:move_create"), {
        "kind": "rotation", "person": cadre.pk, "unit": cast.ward1.pk, "title": "Chủ tịch UBND",
        "proposed_on": "2025-01-01", "start": "2025-03-01", "end": "2025-02-01",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["end"]
    assert not Move.objects.exists()


def test_the_steps_of_an_appointment_through_the_pages(cast, login, cadre):
    client = login(cast.ward_secretary)
    move = services.move_propose(
        actor=cast.ward_secretary, kind="appointment", person=cadre, unit=cast.ward1, title="Bí thư Đảng ủy",
        proposed_on=dt.date(2025, 9, 1), start=dt.date(2025, 10, 1), end=dt.date(2030, 9, 30),
    )
    assert client.post(reverse("people:move_take_up", args=[move.pk])).status_code == 400
    response = client.post(reverse("people:move_decide", args=[move.pk]), {"decision": "120-QĐ/ĐU", "decided_on": "2025-09-20"})
    assert response.status_code == 302
    assert client.post(reverse("people:move_take_up", args=[move.pk])).status_code == 302
    move.refresh_from_db()
    assert move.position.title == "Bí thư Đảng ủy" and move.position.end == dt.date(2030, 9, 30)
    assert login(cast.cell_secretary).post(reverse("people:move_complete", args=[move.pk]), {"completed_on": "2026-01-01"}).status_code == 404


def test_the_shares_page_draws_its_chart_from_a_static_script(cast, login, plan, cadre):
    services.candidate_add(actor=None, plan=plan, person=cadre, title="Phó Bí thư")
    page = login(cast.ward_secretary).get(reverse("people:shares")).content.decode()
    assert 'id="shares-data"' in page and "dangbo/people/cadres.js" in page and "<script>" not in page


def test_the_list_finds_a_cadre_by_name_without_accents_and_by_unit(cast, login, profile):
    client = login(cast.clerk)
    assert "Lê Thị Thu" in client.get(reverse("people:cadre_list"), {"q": "le thi thu"}).content.decode()
    assert "Lê Thị Thu" not in client.get(reverse("people:cadre_list"), {"q": "nguyen"}).content.decode()
    assert "Lê Thị Thu" in client.get(reverse("people:cadre_list"), {"unit": cast.ward1.pk}).content.decode()
    outsider = login(cast.outsider).get(reverse("people:cadre_list"), {"unit": cast.ward1.pk}).content.decode()
    assert "Lê Thị Thu" not in outsider and "Đảng bộ Phường 1" not in outsider


def test_another_area_adds_a_panel_to_the_record_in_place_of_the_placeholder(cast, login, profile, settings):
    from pathlib import Path

    from dangbo.people.cadres import panels

    engine = dict(settings.TEMPLATES[0])
    engine["DIRS"] = [*engine["DIRS"], Path(__file__).parent / "templates"]
    settings.TEMPLATES = [engine]
    url = reverse("people:cadre_detail", args=[profile.pk])
    panels.register("people/cadres_test/_panel.html", lambda request, p: {"year": 2025, "grade": "Hoàn thành tốt"})
    try:
        page = login(cast.ward_secretary).get(url).content.decode()
    finally:
        panels.unregister("people/cadres_test/_panel.html")
    assert "Xếp loại 2025" in page and "Lê Thị Thu: Hoàn thành tốt" in page
    assert 'id="ratings-h"' not in page
    assert 'id="ratings-h"' in login(cast.ward_secretary).get(url).content.decode()


def test_a_plans_page_sums_up_its_young_and_female_shares_against_the_targets(cast, login, plan, profile, cadre, old_man):
    services.candidate_add(actor=None, plan=plan, person=cadre, title="Phó Bí thư")
    services.candidate_add(actor=None, plan=plan, person=old_man, title="Bí thư")
    services.candidate_add(actor=None, plan=plan, person=old_man, title="Phó Bí thư")
    response = login(cast.ward_secretary).get(reverse("people:plan_detail", args=[plan.pk]))
    summary = response.context["summary"]
    assert summary["share"].count == 2 and summary["share"].female_pct == 50.0 and summary["share"].young_pct == 0
    assert summary["female_ok"] and not summary["young_ok"] and summary["flagged"] == 2
