"""Plans as people click them: the city assigns tasks from a breakthrough to two wards in one
step, sees them count in the item's progress; a ward secretary reads the city's theme on a phone
and rates her own item."""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import Page, expect

from dangbo.orgs.models import Person
from dangbo.plans import services
from dangbo.plans.models import ConfidenceRating


def test_assign_from_an_item_and_rate_it(make_page, cast, logged_in, axe_check) -> None:
    year = timezone.localdate().year
    theme = services.theme_create(actor=None, unit=cast.city, year=year, text="Đề cao kỷ luật, kỷ cương")
    item = services.item_create(actor=None, theme=theme, kind="breakthrough", title="Chỉnh trang đô thị")
    page: Page = make_page(locale="en-US")
    logged_in(page, cast.clerk)
    page.goto(f"/chu-de-nam/muc/{item.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(item.title)
    axe_check(page)
    page.get_by_role("link", name="Assign tasks").click()
    expect(page.locator("select[name=units], input[type=checkbox][name=units]")).to_have_count(0)  # typed, not listed
    box = page.get_by_role("combobox", name="Units")
    found = page.get_by_role("listbox", name="Units found").get_by_role("option")
    for typed, name in (("phuong 1", "Đảng bộ Phường 1"), ("dong luong", "Đảng bộ phường Đông Lương")):
        box.press_sequentially(typed, delay=20)
        found.filter(has_text=name).first.click()
    expect(page.get_by_role("list", name="Units chosen").get_by_role("listitem")).to_have_count(2)
    page.get_by_label("Title").fill("Ra quân chỉnh trang vỉa hè")
    page.get_by_label("Deadline").fill(f"{year}-12-31")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("2 task(s) assigned")
    expect(page.get_by_role("main")).to_contain_text("Ra quân chỉnh trang vỉa hè")
    assert item.tasks.count() == 2

    mine = services.theme_create(actor=None, unit=cast.ward1, year=year, text="", adopted_from=theme)
    own = services.item_create(
        actor=None, theme=mine, title="Phường 1 văn minh", upper=item,
        owner_person=Person.objects.get(user=cast.ward_secretary),
    )
    phone = make_page(locale="en-US", viewport={"width": 390, "height": 844})
    logged_in(phone, cast.ward_secretary)
    phone.goto(f"/chu-de-nam/?year={year}")
    expect(phone.get_by_role("main")).to_contain_text("Đề cao kỷ luật, kỷ cương")
    phone.goto(f"/chu-de-nam/muc/{own.pk}/")
    phone.get_by_text("Rate this month").click()
    phone.get_by_label("Feasible", exact=True).check()
    phone.get_by_label("Reason").fill("Đã có kinh phí")
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_role("main")).to_contain_text("Đã có kinh phí")
    axe_check(phone)
    assert ConfidenceRating.objects.filter(item=own, level=3).exists()
