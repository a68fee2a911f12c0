"""The person picker of the position form, as people use it: with the keyboard on a phone,
and without JavaScript."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from dangbo.orgs import services
from dangbo.orgs.models import Person, Position


def _add_member(unit, name: str, birth_year: int) -> Person:
    person = services.person_create(actor=None, full_name=name, gender="m", birth_year=birth_year)
    services.membership_create(actor=None, person=person, unit=unit, start=dt.date(2020, 1, 1))
    return person


def test_type_without_accents_and_pick_with_the_keyboard_on_a_phone(
    make_page, cast, logged_in, axe_check, no_horizontal_scroll, django_db_serialized_rollback
) -> None:
    _add_member(cast.cell1, "Hoàng Văn Minh", 1992)  # a namesake in the same cell
    _add_member(cast.cell_dl, "Hoàng Văn Minh", 1970)  # one in the sibling ward: never offered
    page: Page = make_page(
        locale="en-US", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    logged_in(page, cast.ward_secretary)
    page.goto(f"/to-chuc/don-vi/{cast.cell1.pk}/chuc-vu/them/")
    box = page.get_by_role("combobox", name="Person")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press_sequentially("hoang van minh", delay=20)

    options = page.get_by_role("listbox", name="People found").get_by_role("option")
    expect(options).to_have_count(2)
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("status").filter(has_text="2 people found")).to_be_visible()
    expect(page.get_by_role("listbox")).not_to_contain_text("Đông Lương")
    no_horizontal_scroll(page)
    axe_check(page)

    box.press("ArrowDown")
    box.press("ArrowDown")
    second = options.nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", second.get_attribute("id") or "")
    expect(second).to_contain_text("1992")
    box.press("ArrowUp")
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("ArrowDown")  # opens the list again, on the first person
    box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value("Hoàng Văn Minh")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#id_person_chosen")).to_contain_text("1992")

    page.get_by_label("Title").fill("Phó Bí thư Chi bộ")
    page.get_by_label("Start").fill("2024-05-01")
    axe_check(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chi bộ Khu phố 1")
    expect(page.get_by_role("main")).to_contain_text("Phó Bí thư Chi bộ")
    position = Position.objects.get(title="Phó Bí thư Chi bộ")
    assert (position.person.full_name, position.person.birth_year) == ("Hoàng Văn Minh", 1992)


def test_without_javascript_the_people_found_come_back_as_choices(
    make_page, cast, logged_in, axe_check, django_db_serialized_rollback
) -> None:
    page: Page = make_page(locale="en-US", java_script_enabled=False)
    logged_in(page, cast.ward_secretary)
    page.goto(f"/to-chuc/don-vi/{cast.cell1.pk}/chuc-vu/them/")
    page.get_by_label("Person").fill("hoang minh")
    page.get_by_label("Title").fill("Ủy viên Chi ủy")
    page.get_by_label("Start").fill("2024-05-01")
    page.get_by_role("button", name="Save").click()

    found = page.get_by_role("group", name="People found for “hoang minh”")
    expect(found).to_be_visible()
    expect(page.locator(".field-invalid")).to_contain_text("Choose the person among those found")
    found.get_by_role("radio", name="Hoàng Văn Minh").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chi bộ Khu phố 1")
    assert Position.objects.get(title="Ủy viên Chi ủy").person.full_name == "Hoàng Văn Minh"

    # axe needs JavaScript: check the same answer in a browser with it, saved without a pick.
    page = make_page(locale="en-US")
    logged_in(page, cast.ward_secretary)
    page.goto(f"/to-chuc/don-vi/{cast.cell1.pk}/chuc-vu/them/")
    page.get_by_role("combobox", name="Person").fill("hoang minh")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("group", name="People found for “hoang minh”")).to_be_visible()
    axe_check(page)
