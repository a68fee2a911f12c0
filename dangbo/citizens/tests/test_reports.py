"""The periodic reception report: rolled up from the wards to the city, as DOCX and XLSX."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.citizens import selectors, services
from dangbo.citizens.models import ReceptionDay
from dangbo.orgs.models import Person

from .conftest import make_case

pytestmark = pytest.mark.django_db
D = dt.date
SECRET = "Người Tố Cáo Bí Mật"


def _world(cast):
    head = Person.objects.get(user=cast.ward_secretary)
    services.reception_day_create(actor=None, unit=cast.ward1, host=head, date=D(2026, 4, 2), status="held")
    services.reception_day_create(actor=None, unit=cast.ward1, host=head, date=D(2026, 4, 9), status="held",
                                  kind=ReceptionDay.Kind.AD_HOC)
    services.reception_day_create(actor=None, unit=cast.ward1, host=head, date=D(2026, 4, 16))  # planned only
    services.dialogue_create(actor=None, unit=cast.ward1, host=head, date=D(2026, 4, 20), topics="Đường")
    make_case(cast.ward1)
    make_case(cast.cell1, kind="to_cao", name=SECRET)
    case = make_case(cast.ward_dl, kind="khieu_nai")
    services.case_acknowledge(actor=None, case=case, outcome="accepted", on=D(2026, 4, 27))


def test_the_city_report_rolls_up_its_wards(cast):
    _world(cast)
    total, rows = selectors.reception_report(user=cast.clerk, unit=cast.city, start=D(2026, 4, 1),
                                             end=D(2026, 6, 30), today=D(2026, 12, 7))
    by_unit = {r.unit: r for r in rows}
    ward1 = by_unit[cast.ward1]
    assert (ward1.scheduled_held, ward1.ad_hoc_held, ward1.dialogues, ward1.times.received) == (1, 1, 1, 2)
    assert ward1.kind("to_cao") == 1 and ward1.kind("phan_anh") == 1
    assert by_unit[cast.ward_dl].times.acknowledged == 1
    assert (total.scheduled_held, total.dialogues, total.times.received, total.kind("khieu_nai")) == (1, 1, 3, 1)
    outside, _rows = selectors.reception_report(user=cast.clerk, unit=cast.city, start=D(2026, 1, 1),
                                                end=D(2026, 3, 31), today=D(2026, 12, 7))
    assert outside.times.received == 0 and outside.scheduled_held == 0


def test_the_report_as_docx_and_xlsx_names_nobody(cast, login):
    from docx import Document as Docx
    from openpyxl import load_workbook

    _world(cast)
    client = login(cast.clerk)
    url = reverse("citizens:reception_report")
    query = {"unit": cast.city.pk, "year": 2026, "period": "q2"}
    response = client.get(url, query | {"format": "docx"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.docx"')
    doc = Docx(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "BÁO CÁO" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in cells and "Tiếp nhận 3 vụ việc" in text
    assert "Đảng bộ Phường 1" in cells and SECRET not in text + cells
    response = client.get(url, query | {"format": "xlsx"})
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    ward = rows[[r[0] for r in rows].index("Đảng bộ Phường 1")]
    assert ward[1:5] == [1, 1, 1, 2]
    for period in ("m4", "q2", "h1", "m9", "year"):
        assert client.get(url, query | {"period": period}).status_code == 200


def test_the_ward_sees_its_own_report_only_and_the_page_has_fixed_queries(cast, login, django_assert_num_queries):
    _world(cast)
    url = reverse("citizens:reception_report")
    assert login(cast.outsider).get(url, {"unit": cast.ward1.pk}).status_code == 404
    page = login(cast.outsider).get(url, {"unit": cast.ward_dl.pk, "year": 2026, "period": "q2"})
    assert page.context["total"].times.received == 1 and page.context["total"].scheduled_held == 0
    client = login(cast.clerk)
    query = {"unit": cast.city.pk, "year": 2026, "period": "q2"}
    client.get(url, query)
    with CaptureQueriesContext(connection) as small:
        client.get(url, query)
    for _ in range(5):
        make_case(cast.cell_dl)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url, query).status_code == 200
