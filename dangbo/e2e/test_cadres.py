"""Cadres as people click them: a ward secretary plans a man over the age limit for 2025–2030,
is warned and sees why beside him; the shares of young and female cadres draw their chart under
the Content-Security-Policy, on a phone too."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from dangbo.orgs import services as orgs
from dangbo.people.cadres import services
from dangbo.people.cadres.models import PlanCandidate


def test_plan_a_candidate_over_the_age_and_see_the_shares(make_page, cast, logged_in, axe_check) -> None:
    old = orgs.person_create(actor=None, full_name="Võ Văn Cao", gender="m", birth_date=dt.date(1965, 3, 1))
    orgs.position_create(actor=None, person=old, unit=cast.ward1, title="Ủy viên BTV", start=dt.date(2015, 1, 1))
    plan = services.plan_create(actor=None, unit=cast.ward1, term_code="2025-2030", start_year=2025, end_year=2030)
    page: Page = make_page(locale="en-US")
    logged_in(page, cast.ward_secretary)
    page.goto(f"/can-bo/quy-hoach/{plan.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2025-2030")
    box = page.get_by_role("combobox", name="Person")
    box.press_sequentially("vo van cao", delay=20)
    page.get_by_role("listbox", name="People found").get_by_role("option").first.click()
    page.get_by_label("Position").fill("Bí thư Đảng ủy phường")
    page.get_by_role("button", name="Plan", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("does not meet every criterion")
    expect(page.get_by_role("main")).to_contain_text("Over the planning age: 59")
    axe_check(page)
    assert not PlanCandidate.objects.get(plan=plan, person=old).all_met

    phone = make_page(locale="en-US", viewport={"width": 390, "height": 844})
    logged_in(phone, cast.ward_secretary)
    phone.goto("/can-bo/ty-le/")
    canvas = phone.locator("#shares-chart")
    expect(canvas).to_be_visible()
    phone.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('shares-chart'))")
    expect(phone.get_by_role("main")).to_contain_text("Đảng bộ Phường 1")
    axe_check(phone)
