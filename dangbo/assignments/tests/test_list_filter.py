"""The task list's own text filter folds like the search box: accents, case and NFD ignored."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.apps import apps
from django.urls import reverse

from dangbo.assignments import selectors, services
from dangbo.assignments.models import Task

D = dt.date
pytestmark = pytest.mark.django_db

TITLE = "Đông Lương rà soát, kết nạp đảng viên mới"


def _titles(response) -> set[str]:
    return {t.title for t in response.context["page_obj"].object_list}


@pytest.fixture
def tasks(cast, make_task):
    return (
        make_task(title=TITLE, unit=cast.ward_dl, assigning_unit=cast.city),
        make_task(title="Phường 1 tổng kết nghị quyết", unit=cast.ward1),
    )


@pytest.mark.parametrize(
    "q",
    [
        "dong luong",
        "DONG LUONG",
        "Đông Lương",
        unicodedata.normalize("NFD", "Đông Lương"),
        unicodedata.normalize("NFD", "kết nạp") + "  ĐẢNG",
        "Ðông Luong",  # the Icelandic eth, a look-alike of Đ
    ],
)
def test_any_spelling_finds_the_task(cast, login, tasks, q):
    response = login(cast.clerk).get(reverse("assignments:task_list"), {"q": q})
    assert response.status_code == 200 and _titles(response) == {TITLE}


def test_words_must_all_match(cast, login, tasks):
    assert _titles(login(cast.clerk).get(reverse("assignments:task_list"), {"q": "dong luong nghi quyet"})) == set()


def test_the_outsider_finds_their_own_task_and_not_the_other_wards(cast, login, tasks):
    client = login(cast.outsider)
    assert _titles(client.get(reverse("assignments:task_list"), {"q": "dong luong"})) == {TITLE}
    assert _titles(client.get(reverse("assignments:task_list"), {"q": "phuong 1"})) == set()
    assert _titles(login(cast.ward_secretary).get(reverse("assignments:task_list"), {"q": "dong luong"})) == set()


def test_the_export_and_the_api_filter_the_same_way(cast, login, tasks):
    response = login(cast.clerk).get(reverse("assignments:task_list"), {"q": "dong luong", "format": "xlsx"})
    assert response.status_code == 200
    found = selectors.task_list(user=cast.clerk, filters=selectors.TaskFilters(q=unicodedata.normalize("NFD", "LƯƠNG")))
    assert [t.title for t in found] == [TITLE]


def test_a_renamed_task_is_found_by_its_new_title(cast, tasks):
    task = tasks[1]
    services.task_update(actor=cast.clerk, task=task, title="Hội nghị học tập Chỉ thị 05", start=task.start,
                         deadline=task.deadline)
    assert Task.objects.get(pk=task.pk).search_title == "hoi nghi hoc tap chi thi 05"
    assert not selectors.task_list(user=cast.clerk, filters=selectors.TaskFilters(q="tong ket")).exists()


def test_the_migration_fills_the_tasks_already_there(tasks):
    import importlib

    migration = importlib.import_module("dangbo.assignments.migrations.0004_task_search_title")
    Task.objects.update(search_title="")
    migration.fill(apps, None)
    assert Task.objects.get(pk=tasks[0].pk).search_title == "dong luong ra soat, ket nap dang vien moi"


def test_the_unit_filter_lists_no_unit_whatever_their_number(cast, login, tasks, django_assert_num_queries):
    """A typed picker, not a select: the page names the chosen unit only, and neither its size
    nor its queries grow with the units the user sees (a province has thousands)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangbo.orgs import services as org_services
    from dangbo.orgs.models import UnitKind

    client = login(cast.clerk)
    url = reverse("assignments:task_list") + f"?unit={cast.ward1.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    kind = UnitKind.objects.get(code="chi-bo")
    for i in range(30):
        org_services.unit_create(actor=None, parent=cast.ward_dl, kind=kind, name=f"Chi bộ Mới {i}", code=f"moi-{i}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    body = response.content.decode()
    assert "Chi bộ Mới" not in body and f'<option value="{cast.cell1.pk}"' not in body
    assert "data-unit-picker" in body and reverse("assignments:unit_lookup") in body
    assert f'name="unit" value="{cast.ward1.pk}"' in body
    assert _titles(response) == {"Phường 1 tổng kết nghị quyết"}


def test_the_unit_filter_refuses_a_unit_out_of_sight(cast, login, tasks):
    """?unit=<id> of the other ward, asked by the outsider: a field error, and their own tasks."""
    response = login(cast.outsider).get(reverse("assignments:task_list"), {"unit": cast.ward1.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert "Phường 1 tổng kết nghị quyết" not in response.content.decode()
    assert _titles(response) == {TITLE}


def test_the_unit_lookup_finds_only_units_the_user_sees(cast, login):
    url = reverse("assignments:unit_lookup") + "?scope=filter"
    found = login(cast.clerk).get(url, {"q": "khu pho 1"}).json()
    assert [i["id"] for i in found["items"]] == [cast.cell1.pk]
    assert login(cast.outsider).get(url, {"q": "khu pho 1"}).json()["items"] == []
    assert login(cast.outsider).get(url, {"q": "dong luong"}).json()["items"]
    assert login(cast.clerk).get(url, {"q": "\x00"}).status_code == 200


def test_a_long_list_is_counted_only_so_far(cast, login, make_task, monkeypatch):
    """The central office's overdue list holds millions at national scale: the list counts at
    most COUNT_CAP rows (then says "more than") and still pages on."""
    from dangbo.assignments import views

    monkeypatch.setattr(views, "COUNT_CAP", 2)
    monkeypatch.setattr(views, "PER_PAGE", 1)
    for i in range(5):
        make_task(title=f"Việc thứ {i}", unit=cast.ward1)
    client = login(cast.clerk)
    response = client.get(reverse("assignments:task_list"))
    assert response.context["page_obj"].paginator.capped
    body = response.content.decode()
    assert "More than 2 tasks" in body or "Hơn 2 nhiệm vụ" in body
    assert response.context["page_obj"].has_next()
    assert not login(cast.outsider).get(reverse("assignments:task_list")).context["page_obj"].paginator.capped
