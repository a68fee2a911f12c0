"""The term review's draft, edits and refresh; the reports page; the periodic reports; the API;
the exports. Every view is tried by the outsider from the sibling ward."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.assignments import services as tasks
from dangbo.core.notifications import Notification
from dangbo.core.text import number, percent
from dangbo.orgs import services as orgs
from dangbo.plans import services as plans
from dangbo.reports import scan, services
from dangbo.reports.models import PeriodicReport, Review, ReviewVersion

pytestmark = pytest.mark.django_db
D = dt.date


def test_figures_are_written_the_vietnamese_way():
    assert number(1000) == "1.000"
    assert number("1234567.25") == "1.234.567,25"
    assert percent(94.33) == "94,3 %"
    assert percent(30) == "30 %"


def test_the_units_at_risk_are_said_the_vietnamese_way():
    from django.utils import translation

    from dangbo.orgs.models import Unit
    from dangbo.reports.selectors import Row

    with translation.override("vi"):
        risks = Row(unit=Unit(name="Phường 9"), figures={"overdue": 1200, "scored": 8, "good": 1}).at_risk
    assert risks == ["1.200 nhiệm vụ quá hạn", "chỉ 12,5 % buổi sinh hoạt đạt loại Tốt"]


@pytest.fixture
def term(cast):
    return orgs.term_create(actor=None, unit=cast.ward1, code="2020-2025", start=D(2020, 6, 1), end=D(2025, 6, 30))


@pytest.fixture
def indicator(cast, term):
    ind = plans.indicator_create(actor=None, unit=cast.ward1, term=term, code="chi-bo-tot",
                                 name="Tỷ lệ chi bộ đạt loại Tốt", measure="%", direction="higher")
    plans.target_set(actor=None, indicator=ind, unit=cast.ward1, year=None, value=80)
    plans.actual_record(actor=None, indicator=ind, unit=cast.ward1, year=2021, value=70)
    return ind


def _sentence(review: Review | PeriodicReport, key: str) -> dict:
    return next(s for section in review.content["sections"] for s in section["sentences"] if s["key"] == key)


def test_a_draft_keeps_its_figures_through_an_edit_and_a_refresh(cast, term, indicator):
    review = services.review_create(actor=cast.ward_secretary, unit=cast.ward1, term=term, today=D(2025, 7, 1))
    sentence = _sentence(review, "indicators.chi-bo-tot")
    assert sentence["text"] == "Tỷ lệ chi bộ đạt loại Tốt của Phường 1 đạt 70 % (mục tiêu 80 %): không đạt mục tiêu."
    assert sentence["figures"]["actual"]["url"] == indicator.get_absolute_url()
    assert _sentence(review, "limits.indicator.chi-bo-tot")["text"] == \
        "Chỉ tiêu “Tỷ lệ chi bộ đạt loại Tốt” không đạt mục tiêu nhiệm kỳ."
    services.review_sentence_edit(actor=cast.ward_secretary, review_obj=review, key="indicators.chi-bo-tot",
                                  template="Tỷ lệ chi bộ Tốt chỉ đạt {actual}, thấp hơn mục tiêu {target}.",
                                  expected_version=1)
    review.refresh_from_db()
    assert _sentence(review, "indicators.chi-bo-tot")["text"] == "Tỷ lệ chi bộ Tốt chỉ đạt 70 %, thấp hơn mục tiêu 80 %."
    plans.actual_record(actor=None, indicator=indicator, unit=cast.ward1, year=2022, value=90)  # the mean becomes 80
    services.review_refresh(actor=cast.ward_secretary, review_obj=review, today=D(2025, 7, 1))
    review.refresh_from_db()
    assert _sentence(review, "indicators.chi-bo-tot")["text"] == "Tỷ lệ chi bộ Tốt chỉ đạt 80 %, thấp hơn mục tiêu 80 %."
    assert review.version == 3
    assert list(ReviewVersion.objects.filter(review=review).values_list("change", flat=True)) == [
        "refreshed", "edited", "drafted"]


def test_an_edit_cannot_invent_a_figure_or_overwrite_a_newer_version(cast, term, indicator):
    review = services.review_create(actor=cast.ward_secretary, unit=cast.ward1, term=term)
    with pytest.raises(ValidationError) as bad:
        services.review_sentence_edit(actor=cast.ward_secretary, review_obj=review, key="indicators.chi-bo-tot",
                                      template="Đạt {members} đảng viên.")
    assert "{members}" in str(bad.value)
    services.review_sentence_edit(actor=cast.ward_secretary, review_obj=review, key="lessons.text", template="Bài học một.")
    with pytest.raises(ValidationError):
        services.review_sentence_edit(actor=cast.ward_secretary, review_obj=review, key="lessons.text",
                                      template="Bài học hai.", expected_version=1)


def test_only_the_units_managers_draft(cast, term):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    for user in (cast.outsider, cast.member, cast.cell_secretary):
        with pytest.raises((PermissionDenied, Http404)):
            services.review_create(actor=user, unit=cast.ward1, term=term)


def test_the_review_pages_and_the_outsider(cast, term, indicator, login):
    review = services.review_create(actor=cast.ward_secretary, unit=cast.ward1, term=term)
    client = login(cast.ward_secretary)
    page = client.get(reverse("reports:review_detail", args=[review.pk]))
    assert page.status_code == 200 and "mục tiêu 80 %" in page.content.decode()
    edit = client.post(reverse("reports:review_edit", args=[review.pk]),
                       {"key": "lessons.text", "template": "Bài học {nope}.", "expected_version": review.version})
    assert edit.status_code == 400 and "{nope}" in edit.content.decode()
    outsider = login(cast.outsider)
    assert outsider.get(reverse("reports:review_detail", args=[review.pk])).status_code == 404
    assert outsider.post(reverse("reports:review_refresh", args=[review.pk])).status_code == 404
    assert outsider.get(reverse("reports:unit", args=[cast.ward1.pk])).status_code == 404
    member = login(cast.member)
    assert member.post(reverse("reports:review_refresh", args=[review.pk])).status_code == 404


def test_the_exports_follow_the_party_format(cast, term, indicator, login):
    from docx import Document as Docx
    from pypdf import PdfReader

    review = services.review_create(actor=cast.ward_secretary, unit=cast.ward1, term=term)
    client = login(cast.ward_secretary)
    docx = client.get(reverse("reports:review_export", args=[review.pk, "docx"]))
    assert docx.status_code == 200
    d = Docx(io.BytesIO(docx.content))
    right = d.tables[0].rows[0].cells[1].paragraphs[1].runs[0]
    assert right.text == "ĐẢNG CỘNG SẢN VIỆT NAM" and right.underline and right.bold
    body = "\n".join(p.text for p in d.paragraphs)
    assert "Tổng kết nhiệm kỳ 2020 - 2025" in body and "70 %" in body
    assert d.tables[1].rows[1].cells[2].text == "80 %"  # the indicators as a table
    assert "T/M BAN CHẤP HÀNH" in d.tables[-1].rows[0].cells[1].text and "Nơi nhận:" in d.tables[-1].rows[0].cells[0].text
    pdf = client.get(reverse("reports:review_export", args=[review.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    first = PdfReader(io.BytesIO(pdf.content)).pages[0]
    assert round(float(first.mediabox.width) / 72 * 25.4) == 210  # A4
    text = first.extract_text()
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "BÁO CÁO" in text and "*" in text
    fonts = {str(f.get_object()["/BaseFont"]) for f in first["/Resources"]["/Font"].values()}
    assert any("Times" in f or "Liberation" in f or "Serif" in f for f in fonts), fonts
    _look_at_the_first_page(pdf.content)


def _look_at_the_first_page(pdf: bytes) -> None:
    """Render page 1 to PNG with pdftoppm (when installed) and check ink where the header and
    the title are: left block, right block, the centred title, an empty right margin."""
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    from PIL import Image

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "review.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(source), f"{tmp}/page"],  # noqa: S603, S607
                       check=True, timeout=60)
        image = Image.open(next(Path(tmp).glob("page*.png"))).convert("L")
        width, height = image.size
        assert abs(width / height - 210 / 297) < 0.01

        def ink(box: tuple[float, float, float, float]) -> int:
            region = image.crop((int(box[0] * width), int(box[1] * height), int(box[2] * width), int(box[3] * height)))
            return sum(region.histogram()[:128])

        assert ink((0.15, 0.06, 0.5, 0.15)) > 50  # the committee, "*", the number
        assert ink((0.55, 0.06, 0.95, 0.15)) > 50  # ĐẢNG CỘNG SẢN VIỆT NAM, place and date
        assert ink((0.35, 0.15, 0.65, 0.25)) > 20  # BÁO CÁO
        assert ink((0.95, 0.0, 1.0, 1.0)) == 0  # the 15 mm right margin stays blank
        assert ink((0.0, 0.0, 0.12, 1.0)) == 0  # and the 30 mm left one


def test_the_reports_page_runs_a_fixed_number_of_queries(cast, login):
    client = login(cast.clerk)
    url = reverse("reports:unit", args=[cast.city.pk])
    term = orgs.term_create(actor=None, unit=cast.city, code="2025-2030", start=D(2025, 7, 1))
    growth = plans.indicator_create(actor=None, unit=cast.city, term=term, code="tang-truong",
                                    name="Tăng trưởng kinh tế", measure="%", direction="higher")
    plans.target_set(actor=None, indicator=growth, unit=cast.city, year=None, value=9)
    plans.actual_record(actor=None, indicator=growth, unit=cast.city, year=2025, value=8)
    for n in range(2):
        tasks.task_assign(actor=None, title=f"Việc {n}", unit=cast.cell1, assigning_unit=cast.ward1,
                          start=D(2026, 1, 1), deadline=D(2026, 2, 1))
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(15):
        tasks.task_assign(actor=None, title=f"Việc thêm {n}", unit=cast.cell_dl if n % 2 else cast.cell1,
                          assigning_unit=cast.city, start=D(2026, 1, 1), deadline=D(2026, 3, 1))
    plans.actual_record(actor=None, indicator=growth, unit=cast.city, year=2026, value=9.5)
    other = plans.indicator_create(actor=None, unit=cast.city, term=term, code="ket-nap", name="Kết nạp đảng viên")
    plans.target_set(actor=None, indicator=other, unit=cast.city, year=None, value=500)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert page.status_code == 200 and len(large.captured_queries) == len(small.captured_queries)
    text = page.content.decode()
    assert "Đảng bộ phường Đông Lương" in text
    assert "Tăng trưởng kinh tế" in text and "↑" in text and "9,5 %" in text and "Kết nạp đảng viên" in text
    xlsx = client.get(reverse("reports:unit_xlsx", args=[cast.city.pk]) + "?year=2026")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_periodic_reports_roll_up_remind_and_flag(cast, login):
    cell = services.periodic_draft(actor=cast.cell_secretary, unit=cast.cell1, period="month", start=D(2026, 3, 14),
                                   today=D(2026, 4, 1))
    assert (cell.start, cell.end, cell.due) == (D(2026, 3, 1), D(2026, 3, 31), D(2026, 4, 5))
    ward = services.periodic_draft(actor=cast.ward_secretary, unit=cast.ward1, period="month", start=D(2026, 3, 1))
    assert _sentence(ward, "periodic.below")["text"] == "Đơn vị trực thuộc đã nộp báo cáo: 0/1."
    services.periodic_submit(actor=cast.cell_secretary, report=cell, note="Hoàn thành", today=D(2026, 4, 3))
    ward = services.periodic_draft(actor=cast.ward_secretary, unit=cast.ward1, period="month", start=D(2026, 3, 1))
    assert _sentence(ward, "periodic.below")["text"] == "Đơn vị trực thuộc đã nộp báo cáo: 1/1."
    with pytest.raises(ValidationError):
        services.periodic_draft(actor=cast.cell_secretary, unit=cast.cell1, period="month", start=D(2026, 3, 1))
    assert scan.scan_periodic(D(2026, 4, 3)) >= 1  # due 05/04: reminded
    assert Notification.objects.filter(user=cast.ward_secretary, verb="periodic.due_soon").exists()
    assert scan.scan_periodic(D(2026, 4, 7)) >= 1  # late
    assert Notification.objects.filter(user=cast.ward_secretary, verb="periodic.late").exists()
    late = Notification.objects.filter(user=cast.cell_secretary, verb="periodic.late")
    assert late.exists() and not late.filter(object_id=cell.pk).exists()  # the quarter's draft is late, March's was submitted
    client = login(cast.outsider)
    assert client.get(reverse("reports:periodic_detail", args=[ward.pk])).status_code == 404
    assert "Phường 1" not in client.get(reverse("reports:periodic_list")).content.decode()
    assert client.post(reverse("reports:periodic_submit", args=[ward.pk])).status_code == 404
    mine = login(cast.ward_secretary)
    assert mine.post(reverse("reports:periodic_submit", args=[ward.pk]), {"note": "Tốt"}).status_code == 302
    assert PeriodicReport.objects.get(pk=ward.pk).state == "submitted"


def test_the_schedule_drafts_each_units_reports_once_a_period_ends(cast):
    assert scan.draft_due_reports(D(2026, 3, 15)) == 0  # nothing ended in the last five days
    drafted = scan.draft_due_reports(D(2026, 4, 2))  # March and the first quarter ended
    mine = set(PeriodicReport.objects.filter(unit=cast.cell1).values_list("period", "start"))
    assert mine == {("month", D(2026, 3, 1)), ("quarter", D(2026, 1, 1))}
    assert PeriodicReport.objects.filter(unit=cast.ward1, period="quarter").get().due == D(2026, 4, 5)
    assert drafted == PeriodicReport.objects.count() and scan.draft_due_reports(D(2026, 4, 3)) == 0
    assert not PeriodicReport.objects.filter(period__in=["half", "nine", "year"]).exists()
    scan.draft_due_reports(D(2026, 7, 1))
    assert PeriodicReport.objects.filter(unit=cast.ward1, period="half").exists()
    assert not PeriodicReport.objects.filter(unit=cast.cell1, period="half").exists()  # a cell has no six-month report


def test_the_api(cast, term, indicator, client):
    from dangbo.core.models import ApiToken

    token = ApiToken.issue(user=cast.ward_secretary, name="t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/v1/reports/term-review?unit={cast.ward1.pk}&term=2020-2025"
    body = client.get(url, **auth).json()
    assert body["id"] is None and body["term"] == "2020-2025"
    sentence = next(s for sec in body["sections"] for s in sec["sentences"] if s["key"] == "indicators.chi-bo-tot")
    assert sentence["figures"]["target"]["text"] == "80 %"
    assert client.get(url.replace("term-review", "term-review.docx"), **auth).status_code == 200
    assert client.get(url.replace("term-review", "term-review.pdf"), **auth)["Content-Type"] == "application/pdf"
    outsider = ApiToken.issue(user=cast.outsider, name="t")[1]
    answer = client.get(url, HTTP_AUTHORIZATION=f"Bearer {outsider}")
    assert answer.status_code == 404 and set(answer.json()) == {"error", "fields"}
    services.periodic_draft(actor=None, unit=cast.cell1, period="quarter", start=D(2026, 1, 1))
    listed = client.get("/api/v1/reports/periodic?period=quarter&state=draft", **auth).json()
    assert listed["count"] == 1 and listed["items"][0]["unit_id"] == cast.cell1.pk
    assert client.get("/api/v1/reports/periodic", HTTP_AUTHORIZATION=f"Bearer {outsider}").json()["count"] == 0
    assert json.dumps(listed)
    # An offset past any database integer is refused in the one error shape, never a 500.
    huge = client.get("/api/v1/reports/periodic?offset=393115312365456485838225408", **auth)
    assert huge.status_code == 422 and set(huge.json()) == {"error", "fields"}


def test_the_review_counts_admissions_against_targets_and_ratings_by_grade(cast, term):
    """Admissions and ratings come from the people app, each figure linked to its list."""
    from dangbo.conftest import make_person
    from dangbo.orgs.models import Membership
    from dangbo.people.admission import services as admission
    from dangbo.people.admission.models import Candidate
    from dangbo.people.ratings import services as ratings
    from dangbo.people.ratings.models import Rating

    admission.target_set(actor=None, unit=cast.ward1, year=2021, total=4)
    for i in range(5):
        candidate = admission.candidate_create(actor=None, unit=cast.cell1, full_name=f"Quần chúng {i}", gender="m",
                                               birth_date=D(1995, 1, 1), added_on=D(2020, 9, 1))
        Candidate.objects.filter(pk=candidate.pk).update(decision_on=D(2021, 3, 1))  # the decision, as recorded
    members = [make_person(f"Đảng viên {i}") for i in range(3)]
    for person, grade in zip(members, ["xuat_sac", "tot", "tot"], strict=True):
        Membership.objects.create(person=person, unit=cast.cell1, start=D(2015, 1, 1))
        rating = ratings.rating_open(actor=None, person=person, year=2023, level="cell")
        Rating.objects.filter(pk=rating.pk).update(grade=grade)
    review = services.review_create(actor=cast.ward_secretary, unit=cast.ward1, term=term, today=D(2025, 7, 1))
    admitted = _sentence(review, "members.admitted")
    assert admitted["text"] == "Kết nạp 5 đảng viên, vượt 25 % chỉ tiêu nhiệm kỳ (4)."
    assert admitted["figures"]["admitted"]["url"].startswith(reverse("people:admission_pipeline"))
    rated = _sentence(review, "ratings.member.2023")
    assert rated["text"] == ("Năm 2023, đánh giá, xếp loại 3 đảng viên: 1 (33,3 %) hoàn thành xuất sắc nhiệm vụ; "
                             "2 (66,7 %) hoàn thành tốt nhiệm vụ.")


@pytest.fixture
def admitted(cast):
    """Two people admitted by cell 1 in March 2026, one in April; the ward's target for 2026 is 6."""
    from dangbo.people.admission import services as admission
    from dangbo.people.admission.models import Candidate

    admission.target_set(actor=None, unit=cast.ward1, year=2026, total=6)
    for i, day in enumerate([D(2026, 3, 2), D(2026, 3, 20), D(2026, 4, 1)]):
        candidate = admission.candidate_create(actor=None, unit=cast.cell1, full_name=f"Quần chúng {i}", gender="f",
                                               birth_date=D(1998, 1, 1), added_on=D(2025, 9, 1))
        Candidate.objects.filter(pk=candidate.pk).update(decision_on=day)


def test_a_periodic_report_counts_the_members_admitted_in_its_period(cast, admitted):
    march = services.periodic_draft(actor=cast.ward_secretary, unit=cast.ward1, period="month", start=D(2026, 3, 5),
                                    today=D(2026, 4, 2))
    sentence = _sentence(march, "periodic.admitted")
    assert sentence["text"] == "Kết nạp 2 đảng viên (chỉ tiêu năm 2026: 6)."
    assert sentence["figures"]["admitted"]["url"] == reverse("people:admission_pipeline") + f"?unit={cast.ward1.pk}"
    quarter = services.periodic_draft(actor=cast.cell_secretary, unit=cast.cell1, period="quarter", start=D(2026, 1, 1))
    assert _sentence(quarter, "periodic.admitted")["text"] == "Kết nạp 2 đảng viên."  # the cell has no target of its own
    sibling = services.periodic_draft(actor=None, unit=cast.ward_dl, period="month", start=D(2026, 3, 1))
    assert _sentence(sibling, "periodic.admitted")["figures"]["admitted"]["value"] == 0  # not the sibling ward's


def test_a_periodic_reports_wording_is_edited_and_its_figures_refreshed(cast, admitted):
    from dangbo.people.admission.models import Candidate

    report = services.periodic_draft(actor=cast.ward_secretary, unit=cast.ward1, period="month", start=D(2026, 3, 1))
    assert report.version == 1
    services.periodic_sentence_edit(actor=cast.ward_secretary, report=report, key="periodic.admitted",
                                    template="Trong tháng, chi bộ kết nạp được {admitted}.", expected_version=1)
    report.refresh_from_db()
    assert _sentence(report, "periodic.admitted")["text"] == "Trong tháng, chi bộ kết nạp được 2 đảng viên."
    with pytest.raises(ValidationError) as bad:
        services.periodic_sentence_edit(actor=cast.ward_secretary, report=report, key="periodic.admitted",
                                        template="Kết nạp {invented}.")
    assert "{invented}" in str(bad.value)
    with pytest.raises(ValidationError):  # someone saved version 2 meanwhile
        services.periodic_sentence_edit(actor=cast.ward_secretary, report=report, key="periodic.admitted",
                                        template="Kết nạp {admitted}.", expected_version=1)
    Candidate.objects.filter(decision_on=D(2026, 4, 1)).update(decision_on=D(2026, 3, 31))
    report = services.periodic_refresh(actor=cast.ward_secretary, report=report, today=D(2026, 4, 2))
    assert _sentence(report, "periodic.admitted")["text"] == "Trong tháng, chi bộ kết nạp được 3 đảng viên."
    assert report.version == 3
    assert list(report.versions.values_list("change", flat=True)) == ["refreshed", "edited", "drafted"]
    services.periodic_submit(actor=cast.ward_secretary, report=report)
    with pytest.raises(ValidationError):  # a submitted report keeps its wording
        services.periodic_sentence_edit(actor=cast.ward_secretary, report=report, key="periodic.admitted",
                                        template="Kết nạp {admitted}.")
    for user in (cast.outsider, cast.member):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        with pytest.raises((PermissionDenied, Http404)):
            services.periodic_sentence_edit(actor=user, report=report, key="periodic.admitted", template="{admitted}")


def test_the_periodic_report_pages_edit_refresh_and_the_outsider(cast, admitted, login):
    report = services.periodic_draft(actor=cast.ward_secretary, unit=cast.ward1, period="month", start=D(2026, 3, 1))
    mine = login(cast.ward_secretary)
    page = mine.get(reverse("reports:periodic_detail", args=[report.pk]) + "?sua=periodic.admitted")
    text = page.content.decode()
    assert page.status_code == 200 and "Kết nạp 2 đảng viên" in text and 'name="template"' in text
    assert reverse("reports:periodic_edit", args=[report.pk]) in text
    bad = mine.post(reverse("reports:periodic_edit", args=[report.pk]),
                    {"key": "periodic.admitted", "template": "Kết nạp {nope}.", "expected_version": 1})
    assert bad.status_code == 400 and "{nope}" in bad.content.decode()
    good = mine.post(reverse("reports:periodic_edit", args=[report.pk]),
                     {"key": "periodic.admitted", "template": "Đã kết nạp {admitted}.", "expected_version": 1})
    assert good.status_code == 302
    assert mine.post(reverse("reports:periodic_refresh", args=[report.pk])).status_code == 302
    assert "Đã kết nạp 2 đảng viên." in mine.get(reverse("reports:periodic_detail", args=[report.pk])).content.decode()
    outsider = login(cast.outsider)
    for name in ("periodic_edit", "periodic_refresh"):
        assert outsider.post(reverse(f"reports:{name}", args=[report.pk]),
                             {"key": "periodic.admitted", "template": "x"}).status_code == 404
    assert outsider.get(reverse("reports:periodic_export", args=[report.pk, "docx"])).status_code == 404
    member = login(cast.member)
    assert member.post(reverse("reports:periodic_refresh", args=[report.pk])).status_code == 404
    assert PeriodicReport.objects.get(pk=report.pk).version == 2
    assert mine.get(reverse("reports:periodic_export", args=[report.pk, "odt"])).status_code == 404


def test_a_periodic_report_exports_in_the_partys_layout(cast, admitted, login):
    from docx import Document as Docx
    from pypdf import PdfReader

    report = services.periodic_draft(actor=cast.ward_secretary, unit=cast.ward1, period="quarter", start=D(2026, 1, 1))
    services.periodic_sentence_edit(actor=cast.ward_secretary, report=report, key="periodic.admitted",
                                    template="Quý I kết nạp {admitted}.")
    client = login(cast.ward_secretary)
    docx = client.get(reverse("reports:periodic_export", args=[report.pk, "docx"]))
    assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")
    d = Docx(io.BytesIO(docx.content))
    right = d.tables[0].rows[0].cells[1].paragraphs[1].runs[0]
    assert right.text == "ĐẢNG CỘNG SẢN VIỆT NAM" and right.underline and right.bold
    assert "BAN CHẤP HÀNH ĐẢNG BỘ PHƯỜNG 1" in d.tables[0].rows[0].cells[0].text
    body = "\n".join(p.text for p in d.paragraphs)
    assert "Kết quả công tác quý I năm 2026" in body and "Quý I kết nạp 2 đảng viên." in body
    assert "4. Phát triển đảng viên" in body
    assert "T/M BAN CHẤP HÀNH" in d.tables[-1].rows[0].cells[1].text
    pdf = client.get(reverse("reports:periodic_export", args=[report.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "Quý I kết nạp 2 đảng viên." in text
    _look_at_the_first_page(pdf.content)
    cell_report = services.periodic_draft(actor=cast.cell_secretary, unit=cast.cell1, period="month", start=D(2026, 3, 1))
    cell_docx = Docx(io.BytesIO(login(cast.cell_secretary).get(
        reverse("reports:periodic_export", args=[cell_report.pk, "docx"])).content))
    assert "T/M CHI BỘ" in cell_docx.tables[-1].rows[0].cells[1].text


def test_the_meeting_quality_chart_draws_a_bar_a_year_as_long_as_its_share():
    from PIL import Image

    from dangbo.reports import exports

    png = exports.quality_chart([("2021", "10 phiên", "40 %", 40.0), ("2022", "12 phiên", "90 %", 90.0)])
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size

    def bar(row: int) -> int:
        """The length of the dark run of row ``row``'s bar, along its middle line."""
        y = round(height * (10 + row * 34 + 6 + 11) / (10 + 2 * 34 + 26))
        return sum(1 for x in range(width) if image.getpixel((x, y)) < 80)

    first, second = bar(0), bar(1)
    assert first > 0 and second > 0
    assert abs(second / first - 90 / 40) < 0.15, (first, second)


def test_the_review_reads_the_units_own_indicator_figures_in_a_fixed_number_of_queries(cast, term, indicator):
    """The targets and actuals of the units below are not read (a province holds ~1,200 units'
    figures for every indicator): the draft's queries do not grow with them, and a cell's
    figures do not leak into the ward's sentence."""
    from dangbo.reports import review

    ctx = review.Ctx(unit=cast.ward1, term=term, today=D(2025, 7, 1))
    review.compose(ctx)
    with CaptureQueriesContext(connection) as before:
        review.compose(ctx)
    for n, unit in enumerate([cast.cell1]):
        plans.target_set(actor=None, indicator=indicator, unit=unit, year=None, value=10 + n)
        plans.actual_record(actor=None, indicator=indicator, unit=unit, year=2021, value=99)
    with CaptureQueriesContext(connection) as after:
        content = review.compose(ctx)
    assert len(after.captured_queries) == len(before.captured_queries)
    reads = [q["sql"] for q in after.captured_queries if 'FROM "plans_indicatoractual"' in q["sql"]
             or 'FROM "plans_indicatortarget"' in q["sql"]]
    assert reads and all(f'"unit_id" = {cast.ward1.pk}' in sql for sql in reads), reads
    sentence = next(s for sec in content["sections"] for s in sec["sentences"] if s["key"] == "indicators.chi-bo-tot")
    assert (sentence["figures"]["actual"]["text"], sentence["figures"]["target"]["text"]) == ("70 %", "80 %")


def test_the_periodic_list_picks_units_by_name_whatever_their_number(cast, login, django_assert_num_queries):
    """The list's unit filter and the draft form are typed pickers (a province secretary sees
    some 1,200 units): the page lists none of them, and its queries do not grow with them."""
    services.periodic_draft(actor=cast.ward_secretary, unit=cast.ward1, period="month", start=D(2026, 3, 1))
    services.periodic_draft(actor=cast.cell_secretary, unit=cast.cell1, period="month", start=D(2026, 3, 1))
    client = login(cast.ward_secretary)
    url = reverse("reports:periodic_list")
    page = client.get(url, {"unit": cast.cell1.pk})
    assert [r.unit for r in page.context["page_obj"]] == [cast.cell1]
    assert "<option" not in page.content.decode().split('name="period"')[0]  # no unit listed as an option
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(30):
        orgs.unit_create(actor=None, parent=cast.ward1, kind=cast.cell1.kind, name=f"Chi bộ thêm {n}", code=f"them-{n}")
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(url)
    found = client.get(reverse("reports:unit_lookup"), {"q": "khu pho 1"}).json()
    assert [item["id"] for item in found["items"]] == [cast.cell1.pk]
    assert login(cast.outsider).get(reverse("reports:unit_lookup"), {"q": "khu pho 1"}).json()["items"] == []
    # Drafting names the unit by its id; a unit the user may not change is refused on the field.
    client = login(cast.ward_secretary)
    response = client.post(url, {"unit": cast.cell_dl.pk, "period": "quarter", "day": "02/03/2026"})
    assert response.status_code == 400 and PeriodicReport.objects.filter(unit=cast.cell_dl).count() == 0
    response = client.post(url, {"unit": cast.cell1.pk, "period": "quarter", "day": "02/03/2026"})
    assert response.status_code == 302


def test_overdue_work_is_named_without_a_zero_clause(cast, term):
    """"Còn 2 nhiệm vụ quá hạn …, trong đó 0 kéo dài quá một năm" read oddly: the clause is said
    only when some task is more than a year late."""
    for n, deadline in enumerate((D(2025, 3, 1), D(2025, 4, 1))):
        tasks.task_assign(actor=None, title=f"Việc trễ {n}", unit=cast.cell1, assigning_unit=cast.ward1,
                          deadline=deadline, start=D(2025, 1, 2))
    review = services.review_create(actor=cast.ward_secretary, unit=cast.ward1, term=term, today=D(2025, 7, 1))
    assert _sentence(review, "limits.tasks")["text"] == "Còn 2 nhiệm vụ quá hạn chưa hoàn thành."
    tasks.task_assign(actor=None, title="Việc trễ lâu", unit=cast.cell1, assigning_unit=cast.ward1,
                      deadline=D(2024, 3, 1), start=D(2024, 1, 2))
    review = services.review_refresh(actor=cast.ward_secretary, review_obj=review, today=D(2025, 7, 1))
    assert _sentence(review, "limits.tasks")["text"] == \
        "Còn 3 nhiệm vụ quá hạn chưa hoàn thành, trong đó 1 kéo dài quá một năm."
