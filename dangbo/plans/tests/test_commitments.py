"""Responsibility commitments and indicators: the rules hold in the services (nothing
half-saved), pages and the API answer within the one policy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from dangbo.assignments import services as tasks
from dangbo.core.models import ApiToken, AuditEntry
from dangbo.orgs import services as orgs
from dangbo.plans import services
from dangbo.plans.commitments import indicator_result, suggest_status
from dangbo.plans.models import (
    Commitment,
    CommitmentItem,
    EvaluationGrade,
    EvaluationScale,
    IndicatorActual,
)

D = dt.date
pytestmark = pytest.mark.django_db

ITEMS = [
    {"title": "Giải phóng mặt bằng các dự án trọng điểm", "target": "100% hồ sơ", "weight": 60},
    {"title": "Nâng cao chất lượng sinh hoạt chi bộ", "target": "80% chi bộ Tốt", "weight": 40},
]


def _commitment(cast, **kw):
    fields = {"year": 2017, "upper_unit": cast.city, "lower_unit": cast.ward1,
              "title": "Bản cam kết trách nhiệm năm 2017 của Đảng bộ Phường 1", "items": ITEMS,
              "signed_on": D(2017, 2, 10)}
    return services.commitment_create(actor=cast.clerk, **{**fields, **kw})


def test_a_commitment_with_bad_items_is_refused_whole(cast):
    for items, message in (
        ([{**ITEMS[0], "weight": 50}, ITEMS[1]], "90"),
        ([{**ITEMS[0], "weight": 100}], "2"),
        ([{**ITEMS[0], "weight": 10}] * 7, "6"),
    ):
        with pytest.raises(ValidationError) as error:
            _commitment(cast, items=items)
        assert message in error.value.message_dict["items"][0]
    with pytest.raises(ValidationError) as error:  # the committing unit lies below the upper level
        _commitment(cast, upper_unit=cast.ward1, lower_unit=cast.city)
    assert "lower_unit" in error.value.message_dict
    assert not Commitment.objects.exists() and not CommitmentItem.objects.exists()
    with pytest.raises(Http404):  # the outsider does not see Phường 1's level above
        services.commitment_create(actor=cast.outsider, year=2017, upper_unit=cast.city, lower_unit=cast.ward1,
                                   title="x", items=ITEMS)
    commitment = _commitment(cast)
    assert commitment.scale is not None and commitment.scale.code == "cam-ket-quang-tri"
    assert [i.weight for i in commitment.items.all()] == [60, 40]


def test_quarterly_status_is_suggested_by_the_evidence_and_departures_need_a_reason(cast):
    commitment = _commitment(cast)
    item = commitment.items.first()
    task = tasks.task_assign(actor=None, title="Bàn giao mặt bằng", unit=cast.ward1, assigning_unit=cast.city,
                             start=D(2017, 1, 1), deadline=D(2017, 12, 31))
    item.tasks.add(task)
    tasks.report_submit(actor=None, task=task, percent=50)
    with pytest.raises(ValidationError) as error:
        services.commitment_status_set(actor=cast.ward_secretary, item=item, quarter=2, status="done")
    assert "reason" in error.value.message_dict
    row = services.commitment_status_set(actor=cast.ward_secretary, item=item, quarter=2, status="in_progress")
    assert (row.suggested, row.status) == ("in_progress", "in_progress")
    row = services.commitment_status_set(actor=cast.ward_secretary, item=item, quarter=3, status="mostly",
                                         reason="Đã bàn giao 3/4 dự án, chưa cập nhật trên hệ thống")
    assert row.reason
    with pytest.raises(PermissionDenied):  # the unit reports; it does not evaluate itself
        services.commitment_evaluate(actor=cast.ward_secretary, commitment=commitment, grades={}, grade=None,
                                     conclusion="")
    with pytest.raises(Http404):
        services.commitment_status_set(actor=cast.outsider, item=item, quarter=2, status="done")


def test_year_end_evaluation_closes_the_year_and_only_an_audited_correction_changes_it(cast):
    commitment = _commitment(cast)
    first, second = commitment.items.all()
    done = EvaluationGrade.objects.get(code="hoan-thanh")
    going = EvaluationGrade.objects.get(code="dang-thuc-hien")
    services.commitment_self_evaluate(actor=cast.ward_secretary, commitment=commitment,
                                      self_evaluation="Hoàn thành cơ bản", next_year="Chỉnh trang đô thị")
    other = EvaluationScale.objects.create(code="khac", version=1, name="Khác", effective_from=D(2030, 1, 1))
    alien = EvaluationGrade.objects.create(scale=other, code="tot", label="Tốt", rank=1)
    with pytest.raises(ValidationError):
        services.commitment_evaluate(actor=cast.clerk, commitment=commitment, grades={first.pk: alien},
                                     grade=done, conclusion="")
    services.commitment_evaluate(actor=cast.clerk, commitment=commitment, grades={first.pk: done, second.pk: going},
                                 grade=going, conclusion="Cần cố gắng hơn", close=True, today=D(2018, 1, 15))
    commitment.refresh_from_db()
    assert commitment.closed_on == D(2018, 1, 15) and commitment.grade == going
    with pytest.raises(ValidationError) as error:
        services.commitment_status_set(actor=cast.ward_secretary, item=first, quarter=4, status="done",
                                       reason="Quên báo cáo")
    assert "2017" in error.value.messages[0]
    with pytest.raises(ValidationError):
        services.commitment_status_set(actor=cast.clerk, item=first, quarter=4, status="done", correction=True)
    services.commitment_status_set(actor=cast.clerk, item=first, quarter=4, status="done", correction=True,
                                   reason="Biên bản kiểm tra 12/01/2018 xác nhận hoàn thành")
    assert AuditEntry.objects.filter(action="commitment.correct", reason__startswith="Biên bản").exists()


def test_suggestions_and_indicator_results():
    assert suggest_status([]) == ""
    assert suggest_status([("done", 100), ("cancelled", 0)]) == "done"
    assert suggest_status([("assigned", 0)]) == "not_started"
    assert suggest_status([("in_progress", 20)]) == "partly"
    assert suggest_status([("in_progress", 80), ("done", 100)]) == "mostly"
    assert indicator_result("higher", Decimal("12"), Decimal("12.06")) == "exceeded"
    assert indicator_result("higher", Decimal("12"), Decimal("12")) == "reached"
    assert indicator_result("lower", Decimal("2"), Decimal("3")) == "missed"
    assert indicator_result("milestone", None, Decimal("0")) == "missed"
    assert indicator_result("higher", None, Decimal("1")) == ""


@pytest.fixture
def indicator(cast):
    term = orgs.term_create(actor=None, unit=cast.city, code="2015-2020", start=D(2015, 10, 1), end=D(2020, 10, 1))
    indicator = services.indicator_create(
        actor=cast.clerk, unit=cast.city, term=term, code="tang-truong", name="Tốc độ tăng trưởng kinh tế bình quân",
        measure="%/năm",
    )
    services.target_set(actor=cast.clerk, indicator=indicator, unit=cast.city, year=None, value=Decimal("12"))
    return indicator


def test_indicator_targets_and_actuals_keep_to_the_term_and_the_scope(cast, indicator):
    with pytest.raises(ValidationError) as error:
        services.target_set(actor=cast.clerk, indicator=indicator, unit=cast.city, year=2022, value=Decimal("1"))
    assert "year" in error.value.message_dict
    services.actual_record(actor=cast.ward_secretary, indicator=indicator, unit=cast.ward1, year=2018,
                           value=Decimal("12.5"), source="Báo cáo UBND phường")
    with pytest.raises(Http404):  # the ward secretary may not enter the sibling's figures
        services.actual_record(actor=cast.ward_secretary, indicator=indicator, unit=cast.ward_dl, year=2018,
                               value=Decimal("1"))
    other = orgs.term_create(actor=None, unit=cast.ward1, code="2015-2020", start=D(2015, 8, 1), end=D(2020, 8, 1))
    ward_indicator = services.indicator_create(actor=cast.ward_secretary, unit=cast.ward1, term=other, code="x", name="Chỉ tiêu phường")
    with pytest.raises(ValidationError) as error:  # the city is outside a ward indicator's scope
        services.actual_record(actor=cast.clerk, indicator=ward_indicator, unit=cast.city, year=2018, value=Decimal("1"))
    assert "unit" in error.value.message_dict
    assert IndicatorActual.objects.count() == 1


def test_pages_as_the_cast(cast, indicator, login, django_assert_max_num_queries):
    commitment = _commitment(cast)
    c = login(cast.ward_secretary)
    assert "Phường 1" in c.get(reverse("plans:commitment_list") + "?year=2017").content.decode()
    r = c.post(reverse("plans:commitment_status", args=[commitment.pk]),
               {"item": commitment.items.first().pk, "quarter": 1, "status": "partly", "reason": "Mới khởi động"})
    assert r.status_code == 302 and commitment.items.first().statuses.get().status == "partly"
    assert c.post(reverse("plans:commitment_evaluate", args=[commitment.pk]), {"conclusion": "x"}).status_code == 403
    r = c.post(reverse("plans:indicator_detail", args=[indicator.pk]),
               {"unit": cast.ward1.pk, "year": 2030, "value": "3"})
    assert r.status_code == 200 and "2030" in r.content.decode() and not IndicatorActual.objects.exists()
    c = login(cast.outsider)
    assert c.get(reverse("plans:commitment_detail", args=[commitment.pk])).status_code == 404
    assert "Phường 1" not in c.get(reverse("plans:commitment_list") + "?year=2017").content.decode()
    c = login(cast.clerk)
    page = c.post(reverse("plans:commitment_create"), {
        "year": 2017, "upper_unit": cast.city.pk, "lower_unit": cast.ward_dl.pk, "title": "Cam kết Đông Lương",
        "items": "Mục một | 50% | 70\nMục hai | đủ | 20",
    })
    assert page.status_code == 200 and "90" in page.content.decode()
    url = reverse("plans:commitment_list") + "?year=2017"
    c.get(url)
    with django_assert_max_num_queries(14) as few:
        c.get(url)
    for unit in (cast.ward_dl, cast.office):
        _commitment(cast, lower_unit=unit)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).status_code == 200
    assert c.get(reverse("plans:indicator_detail", args=[indicator.pk])).status_code == 200


def test_commitments_and_indicators_api(cast, indicator, client):
    commitment = _commitment(cast)
    token = ApiToken.issue(user=cast.ward_secretary, name="t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = client.get(f"/api/v1/commitments?unit={cast.ward1.pk}&year=2017", **auth).json()
    assert listed["count"] == 1
    row = listed["items"][0]
    assert (row["upper_unit_id"], row["lower_unit_id"], row["year"]) == (cast.city.pk, cast.ward1.pk, 2017)
    detail = client.get(f"/api/v1/commitments/{commitment.pk}", **auth).json()
    assert [i["weight"] for i in detail["items"]] == [60, 40] and detail["scale"] == "cam-ket-quang-tri@1"
    # The ward reads the city's indicator, with the rows of its own units only.
    services.actual_record(actor=None, indicator=indicator, unit=cast.ward_dl, year=2017, value=Decimal("9"))
    seen = client.get(f"/api/v1/indicators/{indicator.pk}", **auth).json()
    assert (seen["targets"], seen["actuals"]) == ([], [])
    clerk = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=cast.clerk, name='t')[1]}"}
    body = client.get(f"/api/v1/indicators/{indicator.pk}", **clerk).json()
    assert body["targets"] == [{"unit_id": cast.city.pk, "year": None, "value": "12.0000"}]
    r = client.post(f"/api/v1/indicators/{indicator.pk}/actuals", {"unit_id": cast.city.pk, "year": 2016, "value": "12.06",
                    "source": "Cục Thống kê"}, content_type="application/json", **clerk)
    assert r.status_code == 201 and r.json()["value"] == "12.06"
    r = client.post(f"/api/v1/indicators/{indicator.pk}/actuals", {"unit_id": cast.city.pk, "year": 2024, "value": "1"},
                    content_type="application/json", **clerk)
    assert r.status_code == 400 and set(r.json()) == {"error", "fields"} and "year" in r.json()["fields"]
    assert client.get("/api/v1/indicators", **clerk).json()["count"] == 1
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=cast.outsider, name='t')[1]}"}
    assert client.get(f"/api/v1/commitments/{commitment.pk}", **outsider).status_code == 404
    assert client.get("/api/v1/commitments", **outsider).json()["count"] == 0


def _docx_text(content: bytes) -> str:
    import io

    from docx import Document

    doc = Document(io.BytesIO(content))
    cells = [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_commitment_exports_as_docx_with_both_signature_blocks(cast, login):
    from dangbo.orgs.models import Person

    head = Person.objects.get(user=cast.ward_secretary)
    commitment = _commitment(cast, lower_signer=head)
    r = login(cast.ward_secretary).get(reverse("plans:commitment_export", args=[commitment.pk]))
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    text = _docx_text(r.content)
    assert "BẢN CAM KẾT" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "Phường 1, ngày 10 tháng 02 năm 2017" in text
    assert "NGƯỜI ĐỨNG ĐẦU CAM KẾT" in text and "T/M BAN THƯỜNG VỤ" in text and head.full_name in text
    assert ITEMS[0]["title"] in text
    assert login(cast.outsider).get(reverse("plans:commitment_export", args=[commitment.pk])).status_code == 404


def _pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_commitment_and_its_year_end_evaluation_export_as_pdf_and_docx(cast, login):
    from dangbo.orgs.models import Person

    head = Person.objects.get(user=cast.ward_secretary)
    commitment = _commitment(cast, lower_signer=head)
    item = commitment.items.first()
    services.commitment_status_set(actor=cast.ward_secretary, item=item, quarter=1, status="partly", reason="Mới bắt đầu")
    services.commitment_self_evaluate(actor=cast.ward_secretary, commitment=commitment,
                                      self_evaluation="Cơ bản hoàn thành", next_year="Tiếp tục chỉnh trang")
    c = login(cast.ward_secretary)
    r = c.get(reverse("plans:commitment_pdf", args=[commitment.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    text = " ".join(_pdf_text(r.content).split())
    assert "BẢN CAM KẾT" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text and head.full_name in text
    assert "NGƯỜI ĐỨNG ĐẦU CAM KẾT" in text
    url = reverse("plans:commitment_evaluation_export", args=[commitment.pk])
    evaluation = _docx_text(c.get(url).content)
    assert "BÁO CÁO KẾT QUẢ ĐÁNH GIÁ" in evaluation and "Cơ bản hoàn thành" in evaluation
    assert "Tiếp tục chỉnh trang" in evaluation and "Một phần" in evaluation and "Quý IV" in evaluation
    assert "phiên bản 1" in evaluation  # the scale it is evaluated on, with its version
    r = c.get(url + "?format=pdf")
    assert r["Content-Type"] == "application/pdf"
    assert "BÁO CÁO KẾT QUẢ ĐÁNH GIÁ" in " ".join(_pdf_text(r.content).split())
    for name in ("plans:commitment_pdf", "plans:commitment_evaluation_export"):
        assert login(cast.outsider).get(reverse(name, args=[commitment.pk])).status_code == 404


def test_the_unit_links_its_evidence_and_the_upper_level_comments_through_the_pages(cast, login):
    commitment = _commitment(cast)
    item = commitment.items.first()
    task = tasks.task_assign(actor=None, title="Bàn giao mặt bằng khu phố 2", unit=cast.ward1, assigning_unit=cast.city,
                             start=D(2017, 1, 1), deadline=D(2017, 12, 31))
    tasks.report_submit(actor=None, task=task, percent=70)
    c = login(cast.ward_secretary)
    r = c.post(reverse("plans:commitment_link", args=[commitment.pk, item.pk]), {"tasks": [task.pk]})
    assert r.status_code == 302 and list(item.tasks.all()) == [task]
    assert services.item_suggestion(item) == "mostly"
    page = c.get(commitment.get_absolute_url()).content.decode()
    assert "Phần lớn" in page or "Mostly" in page
    row = services.commitment_status_set(actor=cast.ward_secretary, item=item, quarter=3, status="mostly")
    r = c.post(reverse("plans:commitment_comment", args=[commitment.pk, row.pk]), {"comment": "Tự khen"})
    assert r.status_code == 403
    r = login(cast.clerk).post(reverse("plans:commitment_comment", args=[commitment.pk, row.pk]),
                               {"comment": "Cần đẩy nhanh"})
    row.refresh_from_db()
    assert r.status_code == 302 and row.comment == "Cần đẩy nhanh"
    hidden = tasks.task_assign(actor=None, title="Việc Đông Lương", unit=cast.ward_dl, assigning_unit=cast.city,
                               start=D(2017, 1, 1), deadline=D(2017, 12, 31))
    with pytest.raises(Http404):
        services.commitment_item_link_tasks(actor=cast.ward_secretary, item=item, tasks=[hidden])


def test_the_indicator_dashboard_compares_the_units_in_a_fixed_number_of_queries(cast, indicator, login,
                                                                                  django_assert_max_num_queries):
    from dangbo.plans.selectors import indicator_table

    services.actual_record(actor=None, indicator=indicator, unit=cast.ward1, year=2016, value=Decimal("13"))
    services.target_set(actor=None, indicator=indicator, unit=cast.ward1, year=2016, value=Decimal("12"))
    table = indicator_table(user=cast.clerk, indicator=indicator)
    assert table.years == [2015, 2016, 2017, 2018, 2019, 2020]
    assert [unit for unit, _cells in table.lines] == [cast.city, cast.ward1]
    ward_cells = table.lines[1][1]
    assert ward_cells[1].result == "exceeded" and ward_cells[0] is None
    assert table.lines[0][1][-1].target == Decimal("12")  # the city's term target
    assert [u for u, _c in indicator_table(user=cast.outsider, indicator=indicator).lines] == []
    c = login(cast.clerk)
    url = reverse("plans:indicator_detail", args=[indicator.pk])
    c.get(url)
    with django_assert_max_num_queries(16) as few:
        c.get(url)
    for unit in (cast.ward_dl, cast.office, cast.cell1):
        for year in (2017, 2018, 2019):
            services.actual_record(actor=None, indicator=indicator, unit=unit, year=year, value=Decimal(year - 2000))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = c.get(url).content.decode()
    assert "Đông Lương" in page


def test_the_indicator_dashboard_shows_a_unit_and_the_units_directly_below_it(cast, indicator, login):
    from dangbo.plans.selectors import indicator_focus, indicator_table

    for unit in (cast.ward1, cast.cell1):
        services.actual_record(actor=None, indicator=indicator, unit=unit, year=2016, value=Decimal("13"))
    assert indicator_focus(user=cast.clerk, indicator=indicator) == cast.city
    assert indicator_focus(user=cast.ward_secretary, indicator=indicator) == cast.ward1
    lines = indicator_table(user=cast.clerk, indicator=indicator, focus=cast.city).lines
    assert cast.cell1 not in [u for u, _c in lines] and cast.ward1 in [u for u, _c in lines]
    c = login(cast.clerk)
    url = reverse("plans:indicator_detail", args=[indicator.pk])
    page = c.get(url).content.decode()
    assert f"?unit={cast.ward1.pk}" in page and '<th scope="row">Chi bộ Khu phố 1' not in page
    assert f'<option value="{cast.cell1.pk}"' not in page and f'<option value="{cast.ward1.pk}"' in page
    page = c.get(url + f"?unit={cast.ward1.pk}").content.decode()
    assert '<th scope="row">Chi bộ Khu phố 1' in page and f"?unit={cast.city.pk}" in page  # the way back
    assert login(cast.outsider).get(url + f"?unit={cast.ward1.pk}").status_code == 404


def test_the_upper_level_attaches_the_signed_scan(cast, login, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangbo.core.models import AuditEntry

    settings.MEDIA_ROOT = tmp_path
    commitment = _commitment(cast)
    url = reverse("plans:commitment_scan_upload", args=[commitment.pk])
    fake = SimpleUploadedFile("ban-ky.pdf", b"not a pdf", content_type="application/pdf")
    assert login(cast.clerk).post(url, {"scan": fake}).status_code == 302
    assert not commitment.scans.exists()  # refused: not a PDF
    assert login(cast.ward_secretary).post(url, {"scan": SimpleUploadedFile(
        "ban-ky.pdf", b"%PDF-1.4 x", content_type="application/pdf")}).status_code == 403  # the lower side
    r = login(cast.clerk).post(url, {"scan": SimpleUploadedFile("ban-ky.pdf", b"%PDF-1.4\n%%EOF\n",
                                                                 content_type="application/pdf")})
    assert r.status_code == 302 and commitment.scans.count() == 1
    assert AuditEntry.objects.filter(action="commitment.scan").count() == 1
    download = login(cast.ward_secretary).get(reverse("plans:commitment_scan", args=[commitment.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert login(cast.outsider).get(reverse("plans:commitment_scan", args=[commitment.pk])).status_code == 404


def test_the_register_shows_each_items_latest_quarter(cast, login):
    commitment = _commitment(cast)
    first, _second = commitment.items.all()
    services.commitment_status_set(actor=cast.ward_secretary, item=first, quarter=1, status="partly", reason="Mới")
    services.commitment_status_set(actor=cast.ward_secretary, item=first, quarter=2, status="mostly", reason="Nhanh")
    page = login(cast.clerk).get(reverse("plans:commitment_list") + "?year=2017").content.decode()
    assert "Quý 2: Phần lớn" in page and "Quý 1: Một phần" not in page


def test_the_register_shows_one_upper_level_at_a_time(cast, login, django_assert_max_num_queries):
    _commitment(cast)
    _commitment(cast, upper_unit=cast.ward1, lower_unit=cast.cell1, title="Cam kết của Chi bộ Khu phố 1")
    c = login(cast.clerk)
    url = reverse("plans:commitment_list") + "?year=2017"
    page = c.get(url).content.decode()  # the top upper level first: the city and its wards
    assert "Bản cam kết trách nhiệm năm 2017" in page or "Phường 1" in page
    assert f"upper={cast.ward1.pk}" in page and "Chi bộ Khu phố 1</a>" not in page
    page = c.get(url + f"&upper={cast.ward1.pk}").content.decode()
    assert "Chi bộ Khu phố 1</a>" in page and f'href="/chu-de-nam/cam-ket/{Commitment.objects.get(lower_unit=cast.ward1).pk}/"' not in page
    with django_assert_max_num_queries(14) as few:
        c.get(url)
    for unit in (cast.ward_dl, cast.office):
        _commitment(cast, lower_unit=unit)
    _commitment(cast, upper_unit=cast.ward_dl, lower_unit=cast.cell_dl, title="Cam kết Đông Lương")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).status_code == 200
    # The cell's secretary sees its own commitment only, under the ward.
    page = login(cast.cell_secretary).get(url).content.decode()
    assert "Chi bộ Khu phố 1</a>" in page and "Đông Lương" not in page
