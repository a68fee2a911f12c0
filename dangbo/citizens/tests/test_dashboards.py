"""Response times in the dashboards: the home page's panel and the unit page's panel."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dangbo.citizens import services

from .conftest import make_case

pytestmark = pytest.mark.django_db
D = dt.date


@time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC), tick=False)
def test_the_home_panel_shows_my_committees_response_times(cast, login):
    on_time = make_case(cast.ward1)
    services.case_acknowledge(actor=None, case=on_time, outcome="accepted", on=D(2026, 5, 4))
    make_case(cast.cell1)  # still not acknowledged: overdue since 14/5
    make_case(cast.ward_dl, content="Chuyện riêng của Đông Lương")
    page = login(cast.ward_secretary).get(reverse("core:home")).content.decode()
    assert "Thời gian giải quyết" in page and "2 vụ việc" in page and "1 quá hạn" in page
    city = login(cast.clerk).get(reverse("core:home")).content.decode()
    assert "3 vụ việc" in city and "Đảng bộ Phường 1" in city
    outsider = login(cast.outsider).get(reverse("core:home")).content.decode()
    assert "1 vụ việc" in outsider and "Đảng bộ Phường 1" not in outsider.split("home-citizens")[1].split("</section>")[0]


@time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC), tick=False)
def test_the_unit_page_shows_its_response_times(cast, login):
    make_case(cast.cell1)
    page = login(cast.ward_secretary).get(reverse("orgs:unit_detail", args=[cast.ward1.pk])).content.decode()
    assert "unit-citizens" in page and "1 vụ việc" in page and "1 quá hạn" in page
    assert login(cast.outsider).get(reverse("orgs:unit_detail", args=[cast.ward1.pk])).status_code == 404
