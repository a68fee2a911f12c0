"""The board of a unit's year: themes, items, progress, confidence and its trend, the items
most at risk first, for the cast, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dangbo.assignments import services as tasks
from dangbo.orgs.models import Person
from dangbo.plans import selectors, services
from dangbo.plans.models import ThemeItem

D = dt.date
pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 15, 9, tzinfo=dt.UTC)


def _task(cast, unit, title, deadline):
    return tasks.task_assign(actor=None, title=title, unit=unit, assigning_unit=cast.city,
                             start=D(2026, 1, 1), deadline=deadline)


@pytest.fixture
def year(cast):
    theme = services.theme_create(actor=None, unit=cast.city, year=2026, text="Năm kỷ luật, kỷ cương")
    calm = services.item_create(actor=None, theme=theme, title="Chuyển đổi số", owner_unit=cast.city)
    risky = services.item_create(actor=None, theme=theme, kind=ThemeItem.Kind.BREAKTHROUGH,
                                 title="Chỉnh trang đô thị", owner_unit=cast.city)
    services.item_link_tasks(actor=None, item=calm, tasks=[_task(cast, cast.ward1, "Số hóa hồ sơ", D(2026, 12, 31))])
    services.item_link_tasks(actor=None, item=risky, tasks=[_task(cast, cast.ward_dl, "Giải tỏa", D(2026, 3, 31))])
    return theme, calm, risky


@time_machine.travel(NOW)
def test_the_items_most_at_risk_come_first_with_their_confidence_trend(cast, year):
    theme, calm, risky = year
    rater = Person.objects.get(user=cast.clerk)
    for month, level in ((D(2026, 4, 1), 3), (D(2026, 5, 1), 2), (D(2026, 6, 1), 2)):
        services.rating_record(actor=None, item=risky, month=month, level=level, reason="Vướng giải tỏa", rater=rater)
    board = selectors.board(user=cast.clerk, unit=cast.city, year=2026, today=D(2026, 6, 15))
    assert [row.item for row in board.at_risk] == [risky, calm]  # overdue first
    assert board.at_risk[0].progress.state == "at_risk"
    assert [m for m, _v in board.at_risk[0].confidence.trend] == [D(2026, 4, 1), D(2026, 5, 1), D(2026, 6, 1)]
    assert board.months[0] == D(2025, 7, 1) and board.months[-1] == D(2026, 6, 1)
    assert [t for t, _rows in board.themes] == [theme]


@time_machine.travel(NOW)
def test_the_board_page_as_the_cast(cast, year, login, django_assert_max_num_queries):
    url = reverse("plans:board") + "?year=2026"
    page = login(cast.clerk).get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Chỉnh trang đô thị" in body and body.index("Chỉnh trang đô thị") < body.index("Chuyển đổi số")
    assert 'name="viewport"' in body and "board-grid" in body
    # The ward reads the city's board (the wards adopt and serve its items).
    assert "Chỉnh trang đô thị" in login(cast.ward_secretary).get(url + f"&unit={cast.city.pk}").content.decode()
    # A ward's own board stays the ward's: the outsider from the sibling ward does not see it.
    ward_theme = services.theme_create(actor=None, unit=cast.ward1, year=2026, text="Phường 1 văn minh, sạch đẹp")
    services.item_create(actor=None, theme=ward_theme, title="Khu phố sạch")
    assert login(cast.outsider).get(reverse("plans:board") + f"?year=2026&unit={cast.ward1.pk}").status_code == 404
    assert "Khu phố sạch" not in login(cast.outsider).get(url).content.decode()
    # A fixed number of queries, whatever the number of items and tasks.
    client = login(cast.clerk)
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    theme = year[0]
    for n in range(6):
        item = services.item_create(actor=None, theme=theme, title=f"Mục {n}")
        services.item_link_tasks(actor=None, item=item, tasks=[
            _task(cast, unit, f"Việc {n} {unit.pk}", D(2026, 12, 31)) for unit in (cast.ward1, cast.ward_dl)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Mục 5" in client.get(url).content.decode()
