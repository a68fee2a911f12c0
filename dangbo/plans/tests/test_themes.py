"""Annual themes, their items and the tasks that deliver them: rules in the services, pages and
the API scoped by the one policy, progress computed from the tasks."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from dangbo.assignments import services as tasks
from dangbo.assignments.models import Task
from dangbo.core.models import AuditEntry
from dangbo.core.search import search_for_user
from dangbo.plans import services
from dangbo.plans.models import Milestone, ThemeItem
from dangbo.plans.progress import item_progress

D = dt.date
pytestmark = pytest.mark.django_db
TODAY = D(2026, 6, 15)


def _task(cast, unit, title="Chỉnh trang đô thị", **kw):
    fields = {"start": D(2026, 1, 1), "deadline": D(2026, 12, 31), "assigning_unit": cast.city}
    return tasks.task_assign(actor=None, title=title, unit=unit, **{**fields, **kw})


@pytest.fixture
def plan(cast):
    city_theme = services.theme_create(
        actor=None, unit=cast.city, year=2026,
        text="Đề cao kỷ luật, kỷ cương, phát huy vai trò, trách nhiệm của người đứng đầu",
    )
    city_item = services.item_create(
        actor=None, theme=city_theme, kind=ThemeItem.Kind.BREAKTHROUGH, title="Chỉnh trang đô thị văn minh",
        owner_unit=cast.city,
    )
    ward_theme = services.theme_create(actor=None, unit=cast.ward1, year=2026, text="", adopted_from=city_theme)
    ward_item = services.item_create(
        actor=None, theme=ward_theme, title="Phường 1 văn minh", upper=city_item, owner_unit=cast.ward1,
    )
    return city_theme, city_item, ward_theme, ward_item


def test_progress_and_state_are_computed_from_the_linked_tasks(cast, plan):
    _, city_item, _, ward_item = plan
    a = _task(cast, cast.ward1, "Việc A")
    b = _task(cast, cast.ward_dl, "Việc B", deadline=D(2027, 12, 31))  # not behind yet
    services.item_link_tasks(actor=cast.clerk, item=city_item, tasks=[a, b])
    tasks.report_submit(actor=None, task=a, percent=80)
    p = item_progress([city_item], TODAY)[city_item.pk]
    assert (p.progress, p.tasks, p.state, p.on_track) == (40, 2, "on_track", True)
    # A milestone already due expects more than 40%: the item is at risk.
    services.milestone_add(actor=cast.clerk, item=city_item, period="quarter", number=1, text="Xong khảo sát",
                           expected_progress=50)
    assert item_progress([city_item], TODAY)[city_item.pk].state == "at_risk"
    # The ward's item serving the city's: its tasks count for the city's item too.
    c = _task(cast, cast.cell1, "Việc C", assigning_unit=cast.ward1)
    services.item_link_tasks(actor=cast.ward_secretary, item=ward_item, tasks=[c])
    both = item_progress([city_item, ward_item], TODAY)
    assert both[city_item.pk].task_ids == sorted([a.pk, b.pk, c.pk])
    assert both[ward_item.pk].task_ids == [c.pk]


def test_an_overdue_task_puts_the_item_at_risk_and_no_task_means_no_state(cast, plan):
    _, city_item, _, ward_item = plan
    assert item_progress([ward_item], TODAY)[ward_item.pk].state == "no_tasks"
    late = _task(cast, cast.ward1, deadline=D(2026, 3, 1))
    services.item_link_tasks(actor=None, item=city_item, tasks=[late])
    p = item_progress([city_item], TODAY)[city_item.pk]
    assert (p.state, p.overdue, p.on_track) == ("at_risk", 1, False)


def test_assigning_from_the_item_gives_each_ward_a_linked_task(cast, plan):
    _, city_item, _, _ = plan
    made = services.item_assign(
        actor=cast.clerk, item=city_item, units=[cast.ward1, cast.ward_dl], title="Ra quân chỉnh trang",
        deadline=D(2026, 9, 30), start=D(2026, 1, 5),
    )
    assert {t.unit for t in made} == {cast.ward1, cast.ward_dl}
    assert set(city_item.tasks.all()) == set(made)
    assert all(t.assigning_unit == cast.city and t.source == city_item for t in made)
    assert AuditEntry.objects.filter(action="theme_item.assign", object_id=city_item.pk).exists()


def test_the_services_refuse_what_the_rules_forbid(cast, plan):
    city_theme, city_item, ward_theme, _ = plan
    with pytest.raises(ValidationError) as error:  # a unit below cannot be adopted from
        services.theme_create(actor=None, unit=cast.city, year=2026, text="x", adopted_from=ward_theme)
    assert "adopted_from" in error.value.message_dict
    other_year = services.theme_create(actor=None, unit=cast.city, year=2025, text="Năm trước")
    old_item = services.item_create(actor=None, theme=other_year, title="Cũ")
    with pytest.raises(ValidationError) as error:
        services.item_create(actor=None, theme=ward_theme, title="Sai năm", upper=old_item)
    assert "upper" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.milestone_add(actor=None, item=city_item, period="quarter", number=5, text="Quý 5")
    assert "number" in error.value.message_dict
    assert not Milestone.objects.exists()
    # The outsider neither sees the ward's theme nor changes the city's.
    with pytest.raises(Http404):
        services.item_create(actor=cast.outsider, theme=ward_theme, title="Chen vào")
    with pytest.raises(PermissionDenied):  # the city's theme is read by the wards, changed by the city
        services.item_create(actor=cast.outsider, theme=city_theme, title="Chen vào")
    cell_theme = services.theme_create(actor=None, unit=cast.cell1, year=2026, text="Chi bộ")
    with pytest.raises(PermissionDenied):  # the member reads the cell's theme, changes nothing
        services.item_create(actor=cast.member, theme=cell_theme, title="Thêm")
    # A task the actor cannot see cannot be linked (404, as for a missing id).
    hidden = _task(cast, cast.cell_dl, assigning_unit=cast.ward_dl)
    with pytest.raises(Http404):
        services.item_link_tasks(actor=cast.ward_secretary, item=ward_theme.items.get(), tasks=[hidden])
    assert not ward_theme.items.get().tasks.exists()


def test_theme_pages_as_the_cast(cast, plan, login, client, django_assert_max_num_queries):
    _, city_item, ward_theme, ward_item = plan
    services.item_link_tasks(actor=None, item=ward_item, tasks=[_task(cast, cast.cell1, assigning_unit=cast.ward1)])
    c = login(cast.ward_secretary)
    page = c.get(reverse("plans:theme_list") + "?year=2026").content.decode()
    assert "Phường 1 văn minh" in page
    assert "Chỉnh trang đô thị văn minh" in page  # the city's theme is the wards' to read and serve
    assert c.get(reverse("plans:item_detail", args=[ward_item.pk])).status_code == 200
    assert c.get(reverse("plans:item_detail", args=[city_item.pk])).status_code == 200
    assert c.get(reverse("plans:item_edit", args=[city_item.pk])).status_code == 403
    c = login(cast.clerk)
    page = c.get(reverse("plans:item_detail", args=[city_item.pk])).content.decode()
    assert "Phường 1 văn minh" in page  # the city sees the wards' items under its own
    c = login(cast.outsider)
    assert c.get(reverse("plans:theme_detail", args=[ward_theme.pk])).status_code == 404
    assert "Phường 1 văn minh" not in c.get(reverse("plans:theme_list") + "?year=2026").content.decode()
    cell_theme = services.theme_create(actor=None, unit=cast.cell1, year=2026, text="Chi bộ", adopted_from=ward_theme)
    cell_item = services.item_create(actor=None, theme=cell_theme, title="Khu phố sạch", upper=ward_item)
    c = login(cast.member)
    assert c.get(reverse("plans:theme_detail", args=[cell_theme.pk])).status_code == 200
    assert c.get(reverse("plans:item_edit", args=[cell_item.pk])).status_code == 403
    assert c.get(reverse("plans:theme_detail", args=[ward_theme.pk])).status_code == 200
    assert c.get(reverse("plans:item_edit", args=[ward_item.pk])).status_code == 403
    # The list runs a fixed number of queries whatever the number of themes, items and tasks.
    c = login(cast.clerk)
    url = reverse("plans:theme_list") + "?year=2026"
    c.get(url)
    with django_assert_max_num_queries(14) as few:
        c.get(url)
    for n in range(5):
        theme = services.theme_create(actor=None, unit=cast.ward_dl, year=2026, text=f"Chủ đề {n}")
        for k in range(3):
            item = services.item_create(actor=None, theme=theme, title=f"Mục {n}.{k}")
            services.item_link_tasks(actor=None, item=item, tasks=[_task(cast, cast.ward_dl)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        c.get(url)


def test_a_ward_secretary_links_and_assigns_through_the_pages(cast, plan, login):
    _, _, _, ward_item = plan
    task = _task(cast, cast.cell1, "Vệ sinh khu phố", assigning_unit=cast.ward1)
    c = login(cast.ward_secretary)
    r = c.post(reverse("plans:item_link", args=[ward_item.pk]), {"tasks": [task.pk]})
    assert r.status_code == 302 and list(ward_item.tasks.all()) == [task]
    r = c.post(reverse("plans:item_assign", args=[ward_item.pk]), {
        "units": [cast.cell1.pk], "title": "Tổng vệ sinh", "deadline": "2026-10-01", "start": "2026-01-02",
        "priority": 2,
    })
    assert r.status_code == 302 and ward_item.tasks.count() == 2
    r = c.post(reverse("plans:item_assign", args=[ward_item.pk]), {"title": "Thiếu đơn vị", "deadline": "2026-10-01", "priority": 2})
    assert r.status_code == 200 and ward_item.tasks.count() == 2
    r = c.post(reverse("plans:item_unlink", args=[ward_item.pk, task.pk]))
    assert r.status_code == 302 and ward_item.tasks.count() == 1
    assert Task.objects.filter(pk=task.pk).exists()


@time_machine.travel(dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC), tick=False)
def test_themes_api_shape_and_scope(cast, plan, client):
    from dangbo.core.models import ApiToken

    city_theme, city_item, ward_theme, _ = plan
    t = _task(cast, cast.ward1)
    services.item_link_tasks(actor=None, item=city_item, tasks=[t])
    token = ApiToken.issue(user=cast.clerk, name="t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = client.get(f"/api/v1/themes/{city_theme.pk}", **auth).json()
    assert set(body) == {"id", "unit_id", "year", "text", "items"}
    assert body["items"] == [{"id": city_item.pk, "kind": "breakthrough", "title": city_item.title,
                              "progress": 0, "on_track": True, "task_ids": [t.pk]}]
    listed = client.get(f"/api/v1/themes?unit={cast.ward1.pk}&year=2026", **auth).json()
    assert [x["id"] for x in listed["items"]] == [ward_theme.pk] and listed["count"] == 1
    outsider = ApiToken.issue(user=cast.outsider, name="t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {outsider}"}
    r = client.get(f"/api/v1/themes/{ward_theme.pk}", **auth)
    assert r.status_code == 404 and set(r.json()) == {"error", "fields"}
    assert [x["id"] for x in client.get("/api/v1/themes?year=2026", **auth).json()["items"]] == [city_theme.pk]
    assert client.get("/api/v1/themes?year=1800", **auth).status_code == 422


def test_themes_and_items_are_found_by_the_search_box(cast, plan):
    assert search_for_user(cast.ward_secretary, "phuong 1 van minh").count >= 1
    assert search_for_user(cast.outsider, "phuong 1 van minh").count == 0


def test_the_monthly_stocktake_puts_the_items_at_risk_first(cast, plan, login, django_assert_max_num_queries):
    city_theme, city_item, _, _ = plan
    calm = services.item_create(actor=None, theme=city_theme, title="Việc êm")
    services.item_link_tasks(actor=None, item=calm, tasks=[_task(cast, cast.ward1, "Việc dài", deadline=D(2027, 12, 31))])
    late = _task(cast, cast.ward1, "Việc trễ hạn", deadline=D(2026, 3, 31))
    sibling = _task(cast, cast.ward_dl, "Việc của Đông Lương", deadline=D(2026, 3, 31))
    services.item_link_tasks(actor=None, item=city_item, tasks=[late, sibling])
    tasks.report_submit(actor=None, task=late, percent=30, text="Đang đo đạc")
    from dangbo.assignments.models import ProgressReport

    ProgressReport.objects.filter(task=late).update(reported_at=dt.datetime(2026, 4, 10, 9, tzinfo=dt.UTC))
    url = reverse("plans:stocktake", args=[city_theme.pk]) + "?month=2026-04"
    page = login(cast.clerk).get(url).content.decode()
    assert page.index("Chỉnh trang đô thị văn minh") < page.index("Việc êm")
    assert "Việc trễ hạn" in page and "Đang đo đạc" in page
    c = login(cast.clerk)
    with django_assert_max_num_queries(16) as few:
        c.get(url)
    for n in range(4):
        extra = services.item_create(actor=None, theme=city_theme, title=f"Mục thêm {n}")
        services.item_link_tasks(actor=None, item=extra, tasks=[_task(cast, cast.ward_dl, deadline=D(2026, 2, 1))])
    with django_assert_max_num_queries(len(few.captured_queries)):
        c.get(url)
    # The wards read the city's stocktake, each with the tasks it may see only.
    page = login(cast.ward_secretary).get(url).content.decode()
    assert "Việc trễ hạn" in page and "Việc của Đông Lương" not in page
    page = login(cast.outsider).get(url).content.decode()
    assert "Việc trễ hạn" not in page and "Đang đo đạc" not in page


def test_a_ward_adopts_the_city_theme_and_serves_its_item_through_the_pages(cast, plan, login):
    city_theme, city_item, _, _ = plan
    c = login(cast.outsider)  # Đông Lương's secretary reads the city's theme and takes it up
    r = c.post(reverse("plans:theme_create") + f"?unit={cast.ward_dl.pk}",
               {"unit": cast.ward_dl.pk, "year": 2026, "text": "", "order": 1, "adopted_from": city_theme.pk})
    assert r.status_code == 302
    theme = cast.ward_dl.themes.get()
    assert theme.adopted_from == city_theme and theme.text == city_theme.text
    r = c.post(reverse("plans:item_create", args=[theme.pk]),
               {"kind": "focus", "title": "Đông Lương văn minh", "upper": city_item.pk, "order": 1})
    assert r.status_code == 302 and city_item.lower_items.get(theme=theme).title == "Đông Lương văn minh"
    assert search_for_user(cast.outsider, "chinh trang do thi van minh").count >= 1


def test_delivery_confidence_is_rated_by_the_owner_and_leaders_and_disagreement_is_flagged(cast, plan, login):
    from dangbo.orgs.models import Person
    from dangbo.plans.models import ConfidenceRating
    from dangbo.plans.progress import item_confidence

    _, _, _, ward_item = plan
    member = Person.objects.get(user=cast.member)
    with pytest.raises(PermissionDenied):  # a plain member who does not own the item does not rate it
        services.rating_record(actor=cast.member, item=ward_item, level=4, reason="Tốt")
    with pytest.raises(ValidationError) as error:
        services.rating_record(actor=cast.ward_secretary, item=ward_item, level=3, reason="")
    assert "reason" in error.value.message_dict
    services.rating_record(actor=cast.ward_secretary, item=ward_item, level=4, reason="Đúng kế hoạch",
                           month=D(2026, 5, 1))
    services.rating_record(actor=None, item=ward_item, level=2, reason="Thiếu kinh phí", month=D(2026, 5, 1),
                           rater=member)
    services.rating_record(actor=cast.ward_secretary, item=ward_item, level=3, reason="Đã có kinh phí",
                           month=D(2026, 6, 9))
    c = item_confidence([ward_item], TODAY)[ward_item.pk]
    assert c.month == D(2026, 6, 1) and c.levels == [3] and not c.disagree
    assert c.trend == [(D(2026, 5, 1), 3.0), (D(2026, 6, 1), 3.0)]
    assert item_confidence([ward_item], D(2026, 5, 31))[ward_item.pk].disagree
    assert ConfidenceRating.objects.count() == 3
    page = login(cast.ward_secretary)
    r = page.post(reverse("plans:item_rate", args=[ward_item.pk]), {"level": 1, "reason": "Dự án bị dừng"})
    assert r.status_code == 302 and ConfidenceRating.objects.filter(level=1).exists()
    assert login(cast.outsider).post(reverse("plans:item_rate", args=[ward_item.pk]), {"level": 1, "reason": "x"}).status_code == 404


def test_the_stocktake_agenda_exports_as_docx(cast, plan, login):
    city_theme, city_item, _, _ = plan
    r = login(cast.clerk).get(reverse("plans:stocktake", args=[city_theme.pk]) + "?month=2026-04&format=docx")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    from dangbo.plans.tests.test_commitments import _docx_text

    text = _docx_text(r.content)
    assert "CHƯƠNG TRÌNH RÀ SOÁT" in text and city_item.title in text and "tháng 04/2026" in text


def test_the_stocktake_record_lists_the_decisions_and_exports_as_docx(cast, plan, login):
    city_theme, city_item, _, _ = plan
    with time_machine.travel(dt.datetime(2026, 4, 20, 9, tzinfo=dt.UTC)):
        services.item_assign(actor=cast.clerk, item=city_item, units=[cast.ward1, cast.ward_dl],
                             title="Ra quân tổng vệ sinh", deadline=D(2026, 5, 31), start=D(2026, 4, 21))
    with time_machine.travel(dt.datetime(2026, 5, 20, 9, tzinfo=dt.UTC)):  # the next month's decision
        services.item_assign(actor=cast.clerk, item=city_item, units=[cast.ward1],
                             title="Lắp đèn chiếu sáng", deadline=D(2026, 8, 31), start=D(2026, 5, 21))
    url = reverse("plans:stocktake", args=[city_theme.pk]) + "?month=2026-04"
    page = login(cast.clerk).get(url).content.decode()
    assert "Ra quân tổng vệ sinh" in page and "Lắp đèn chiếu sáng" not in page and "31/05/2026" in page
    r = login(cast.clerk).get(url + "&format=record")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    from dangbo.plans.tests.test_commitments import _docx_text

    text = _docx_text(r.content)
    assert "BIÊN BẢN" in text and "tháng 04/2026" in text and city_item.title in text
    assert "Ra quân tổng vệ sinh" in text and "Phường 1" in text and "Đông Lương" in text and "hạn 31/05/2026" in text
    assert "Lắp đèn chiếu sáng" not in text and "CHỦ TRÌ" in text
    # The ward reads the record with its own task only; the sibling ward's stays hidden.
    text = _docx_text(login(cast.ward_secretary).get(url + "&format=record").content)
    assert "Ra quân tổng vệ sinh" in text and "Đông Lương" not in text
