"""A clerk adds a criterion to a draft version of the criteria set and sees the new total."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from playwright.sync_api import Page, expect

from dangbo.meetings import services
from dangbo.meetings.models import CriteriaSet


def test_add_a_criterion_and_see_the_new_total(
    page: Page, cast, logged_in, axe_check, django_db_serialized_rollback
) -> None:
    current = CriteriaSet.objects.get(code="khung-100", version=2)
    today = dt.date.today()  # noqa: DTZ011 - the live server's real clock
    draft = services.criteria_set_new_version(
        actor=None, base=current, effective_from=max(today, current.effective_from) + dt.timedelta(days=30),
        source_document="Hướng dẫn 99-HD/TU",
    )
    preparation = draft.sections.order_by("order")[1]
    logged_in(page, cast.clerk)

    page.goto(f"/sinh-hoat/tieu-chi/{draft.pk}/")
    expect(page.locator("#criteria-total")).to_contain_text("100")
    axe_check(page)

    page.locator(f'main a[href="/sinh-hoat/tieu-chi/{draft.pk}/them-tieu-chi/"]').click()
    expect(page.locator("#id_code")).to_be_visible()
    axe_check(page)
    page.locator("#id_section").select_option(str(preparation.pk))
    page.locator("#id_order").fill("1")
    page.locator("#id_code").fill("14")
    page.locator("#id_title").fill("Tài liệu sinh hoạt đăng trên Sổ tay đảng viên điện tử trước 1 ngày")
    page.locator("#id_max_points").fill("5")
    page.locator("main form button[type=submit]").click()

    added = draft.criteria.get(code="14")
    row = page.locator(f"#criterion-{added.pk}")
    expect(row).to_contain_text("14. Tài liệu sinh hoạt")
    expect(page.locator("#criteria-total")).to_contain_text("105")
    assert added.section == preparation and added.max_points == Decimal(5)
    assert list(preparation.criteria.order_by("order").values_list("code", flat=True)) == ["14", "4", "5", "6"]
    axe_check(page)
