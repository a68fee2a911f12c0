import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.citizens import selectors, services
from dangbo.citizens.models import Case, Dialogue, ReceptionDay
from dangbo.orgs.models import Person

from .conftest import make_case

pytestmark = pytest.mark.django_db
D = dt.date


def _head(user) -> Person:
    return Person.objects.get(user=user)


def _day(cast, date, status="held", kind="scheduled", unit=None, host=None):
    return services.reception_day_create(
        actor=None, unit=unit or cast.ward1, host=host or _head(cast.ward_secretary), date=date,
        status=status, kind=kind,
    )


def test_a_ward_head_short_of_two_days_a_month_since_215_is_flagged(cast):
    _day(cast, D(2026, 3, 5))
    _day(cast, D(2026, 3, 19), status="planned")
    _day(cast, D(2026, 3, 20), kind="ad_hoc")
    _day(cast, D(2026, 3, 4), unit=cast.ward_dl, host=_head(cast.outsider))
    _day(cast, D(2026, 3, 18), unit=cast.ward_dl, host=_head(cast.outsider))
    days, rows = selectors.reception_month(user=cast.clerk, month=D(2026, 3, 1))
    by_unit = {r.unit: r for r in rows}
    assert (by_unit[cast.ward1].required, by_unit[cast.ward1].held, by_unit[cast.ward1].planned) == (2, 1, 1)
    assert by_unit[cast.ward1].short and not by_unit[cast.ward_dl].short
    assert len(days) == 5
    # Before 215-KL/TW (23/11/2025) wards had no quota; the city (a district) had 1 until 30/6/2025.
    _, old = selectors.reception_month(user=cast.clerk, month=D(2024, 3, 1))
    assert [(r.unit, r.required) for r in old] == [(cast.city, 1)] and old[0].short
    _, after_districts = selectors.reception_month(user=cast.clerk, month=D(2025, 8, 1))
    assert cast.city not in {r.unit for r in after_districts}


def test_reception_day_rules(cast):
    with pytest.raises(ValidationError) as error:
        _day(cast, D(2100, 1, 1))
    assert "status" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _day(cast, D(2026, 3, 5), host=_head(cast.outsider))
    assert "host" in error.value.message_dict
    with pytest.raises(Http404):
        services.reception_day_create(
            actor=cast.outsider, unit=cast.ward1, host=_head(cast.ward_secretary), date=D(2026, 3, 5)
        )
    day = _day(cast, D(2026, 3, 5), status="planned")
    with pytest.raises(Http404):
        services.reception_day_set_status(actor=cast.outsider, day=day, status="held")
    assert services.reception_day_set_status(actor=cast.ward_secretary, day=day, status="held").status == "held"
    assert not ReceptionDay.objects.filter(date=D(2100, 1, 1)).exists()


def test_the_reception_page_and_marking_a_day_held(cast, login):
    day = _day(cast, D(2026, 3, 5), status="planned")
    client = login(cast.ward_secretary)
    page = client.get(reverse("citizens:reception_list"), {"month": "2026-03"}).content.decode()
    assert "Chưa đạt định mức" in page and "Đánh dấu đã tiếp" in page
    client.post(reverse("citizens:reception_status", args=[day.pk]), {"status": "held"})
    assert ReceptionDay.objects.get(pk=day.pk).status == "held"
    outsider = login(cast.outsider).get(reverse("citizens:reception_list"), {"month": "2026-03"}).content.decode()
    assert "Trần Văn Phú" not in outsider
    assert login(cast.outsider).post(reverse("citizens:reception_status", args=[day.pk]), {"status": "cancelled"}).status_code == 404
    assert client.get(reverse("citizens:reception_list"), {"month": "nonsense"}).status_code == 200


def test_add_a_reception_day_from_the_form(cast, login):
    response = login(cast.ward_secretary).post(reverse("citizens:reception_create"), {
        "unit": cast.ward1.pk, "host": _head(cast.ward_secretary).pk, "date": "2026-03-05",
        "kind": "scheduled", "status": "held", "place": "Trụ sở Đảng ủy", "note": "",
    })
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert ReceptionDay.objects.get().place == "Trụ sở Đảng ủy"


def test_a_dialogue_records_each_opinion_as_a_case(cast, login):
    client = login(cast.ward_secretary)
    response = client.post(reverse("citizens:dialogue_create"), {
        "unit": cast.ward1.pk, "host": _head(cast.ward_secretary).pk, "date": "2026-04-24",
        "place": "Nhà văn hóa khu phố 1", "participants": "40 đảng viên và người dân",
        "topics": "Chỉnh trang đô thị", "minutes": "",
    })
    dialogue = Dialogue.objects.get()
    assert response.status_code == 302 and response["Location"] == dialogue.get_absolute_url()
    response = client.post(dialogue.get_absolute_url(), {
        "kind": "kien_nghi", "content": "Đề nghị lát lại vỉa hè.", "name": "Lê Văn Cư", "address": "", "phone": "",
    })
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.dialogue, case.channel, case.received_on, case.unit) == (dialogue, "dialogue", D(2026, 4, 24), cast.ward1)
    empty = client.post(dialogue.get_absolute_url(), {"kind": "kien_nghi", "content": "", "name": ""})
    assert empty.status_code == 400 and Case.objects.count() == 1
    assert login(cast.outsider).get(dialogue.get_absolute_url()).status_code == 404
    assert login(cast.member).post(dialogue.get_absolute_url(), {"kind": "y_kien", "content": "x", "name": "y"}).status_code == 404


def test_response_times_per_ward(cast, login, django_assert_num_queries):
    on_time = make_case(cast.ward1)
    services.case_acknowledge(actor=None, case=on_time, outcome="accepted", on=D(2026, 5, 4))  # 3 working days
    services.case_answer(actor=None, case=on_time, answer="Xong", on=D(2026, 5, 8))
    late = make_case(cast.cell1)
    services.case_acknowledge(actor=None, case=late, outcome="accepted", on=D(2026, 5, 20))
    make_case(cast.ward_dl)
    total, rows = selectors.response_times(
        user=cast.clerk, unit=cast.city, start=D(2026, 1, 1), end=D(2026, 12, 31), today=D(2026, 12, 7)
    )
    assert total.received == 3 and total.acknowledged == 2 and total.ack_on_time == 1 and total.ack_rate == 50
    by_unit = {t.unit: t for t in rows}
    ward1 = by_unit[cast.ward1]
    assert (ward1.received, ward1.ack_on_time, ward1.answered, ward1.answer_on_time) == (2, 1, 1, 1)
    assert ward1.ack_median == (3 + 15) / 2  # 24/4 → 4/5 and 24/4 → 20/5 in working days
    assert by_unit[cast.ward_dl].overdue == 1 and by_unit[cast.ward_dl].open == 1
    client = login(cast.clerk)
    url = reverse("citizens:response_times")
    client.get(url, {"unit": cast.city.pk, "year": 2026})
    with CaptureQueriesContext(connection) as small:
        page = client.get(url, {"unit": cast.city.pk, "year": 2026})
    assert "Đảng bộ Phường 1" in page.content.decode()
    for _ in range(10):
        make_case(cast.cell_dl)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url, {"unit": cast.city.pk, "year": 2026}).status_code == 200
    assert login(cast.outsider).get(url, {"unit": cast.ward1.pk}).status_code == 404
    assert "Đảng bộ Phường 1" not in login(cast.outsider).get(url).content.decode()


def test_response_times_by_period_and_in_excel(cast, login):
    import io

    from openpyxl import load_workbook

    make_case(cast.ward1)  # received 24/4/2026: in Q2, in 6 months, not in Q1
    client = login(cast.clerk)
    url = reverse("citizens:response_times")
    q1 = client.get(url, {"unit": cast.city.pk, "year": 2026, "period": "q1"}).context["total"]
    q2 = client.get(url, {"unit": cast.city.pk, "year": 2026, "period": "q2"}).context["total"]
    assert (q1.received, q2.received) == (0, 1)
    response = client.get(url, {"unit": cast.city.pk, "year": 2026, "period": "h1", "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Đảng bộ Phường 1", 1] == rows[[r[0] for r in rows].index("Đảng bộ Phường 1")][:2]
    assert client.get(url, {"year": "abc", "period": "nonsense"}).status_code == 200
