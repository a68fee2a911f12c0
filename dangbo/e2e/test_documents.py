"""The document register in a real browser: register a document and find it in the list."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from dangbo.documents.models import DocumentType


def pick_unit(form: Locator, name: str, typed: str, unit) -> None:
    """Type in the unit picker ``name`` and choose ``unit`` among the units found."""
    form.locator(f"[name={name}_q]").press_sequentially(typed, delay=20)
    form.locator(f"#id_{name}_listbox").get_by_role("option").filter(has_text=unit.name).first.click()
    expect(form.locator(f"input[name={name}][data-picker-value]")).to_have_value(str(unit.pk))


def test_register_a_document_and_see_it_in_the_register(page: Page, cast, logged_in, axe_check) -> None:
    logged_in(page, cast.ward_secretary)
    page.goto("/van-ban/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(page)

    page.locator("a[href='/van-ban/moi/']").first.click()
    form = page.locator("form[enctype='multipart/form-data']")
    expect(form.locator("select[name=unit] option, select[name=issuing_unit] option")).to_have_count(0)
    pick_unit(form, "unit", "phuong 1", cast.ward1)
    form.locator("[name=type]").select_option(str(DocumentType.objects.get(abbr="KH").pk))
    form.locator("[name=number]").fill("7")
    pick_unit(form, "issuing_unit", "phuong 1", cast.ward1)
    form.locator("[name=issuer_abbr]").fill("ĐU")
    form.locator("[name=date]").fill("2020-06-01")
    form.locator("[name=title]").fill("Kế hoạch phát triển đảng viên trên địa bàn dân cư")
    form.locator("[name=summary]").fill("Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị.")
    axe_check(page)
    with page.expect_navigation():
        form.locator("[type=submit]").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("07-KH/ĐU")
    # the unregistered directive is offered for registration
    expect(page.locator("a[href^='/van-ban/moi/?']")).to_have_count(1)
    axe_check(page)
    page.locator("a[href$='/chuoi/']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("07-KH/ĐU")
    axe_check(page)

    page.goto("/van-ban/")
    expect(page.get_by_role("link", name="07-KH/ĐU")).to_be_visible()
    page.locator("#doc-q").fill("phat trien dang vien")
    with page.expect_navigation():
        page.locator("form.filters [type=submit]").click()
    expect(page.get_by_role("link", name="07-KH/ĐU")).to_be_visible()
    axe_check(page)


def test_form_errors_are_shown_and_accessible(page: Page, cast, logged_in, axe_check) -> None:
    logged_in(page, cast.clerk)
    page.goto("/van-ban/moi/")
    with page.expect_navigation():
        page.locator("form[enctype='multipart/form-data'] [type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe_check(page)


def test_an_english_browser_types_dates_day_first_and_gets_the_next_number(make_page, cast, logged_in, axe_check) -> None:
    """Dates are typed and shown dd/mm/yyyy whatever the browser's language; the register
    form proposes the next free number of the issuing unit, type and term."""
    import datetime as dt

    from dangbo.documents import services
    from dangbo.documents.models import Document
    from dangbo.orgs import services as org_services

    term = org_services.term_create(actor=None, unit=cast.city, code="2025-2030", start=dt.date(2025, 10, 1))
    services.document_register(
        actor=None, unit=cast.city, type=DocumentType.objects.get(abbr="KH"), number="41",
        date=dt.date(2025, 10, 20), title="Kế hoạch 41", issuing_unit=cast.city, issuer_abbr="TU",
    )
    page = make_page(locale="en-US")
    logged_in(page, cast.clerk)
    page.goto("/van-ban/moi/")
    form = page.locator("form[enctype='multipart/form-data']")
    date = form.locator("[name=date]")
    expect(date).to_have_attribute("placeholder", "dd/mm/yyyy")
    pick_unit(form, "unit", "dong ha", cast.city)
    form.locator("[name=type]").select_option(str(DocumentType.objects.get(abbr="KH").pk))
    form.locator("[name=term]").select_option(str(term.pk))
    pick_unit(form, "issuing_unit", "dong ha", cast.city)  # the number follows the pick
    expect(form.locator("[name=number]")).to_have_value("42")
    expect(page.locator("#next-number")).to_contain_text("42")
    form.locator("[name=issuer_abbr]").fill("TU")
    date.fill("02/11/2025")
    form.locator("[name=title]").fill("Kế hoạch tổ chức đại hội chi bộ")
    axe_check(page)
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("42-KH/TU")
    document = Document.objects.get(number="42")
    assert document.date == dt.date(2025, 11, 2)
    page.goto(f"/van-ban/{document.pk}/sua/")
    expect(page.locator("form [name=date]")).to_have_value("02/11/2025")
