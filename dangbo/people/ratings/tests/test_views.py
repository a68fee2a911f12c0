"""Pages of the ratings: the campaign in a fixed number of queries, a rating's evidence, gates
and form, the exports, and the outsider from the sibling ward."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.core import versions
from dangbo.orgs import services as orgs
from dangbo.orgs.models import Person
from dangbo.people.ratings import services
from dangbo.people.ratings.models import Rating

from .factories import task

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def member(cast) -> Person:
    return Person.objects.get(user=cast.member)


def _add_members(cast, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        p = Person.objects.create(full_name=f"Đảng viên {i}", gender="m")
        orgs.membership_create(actor=None, person=p, unit=cast.cell1, start=dt.date(2020, 1, 1))


def _campaign(cast, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    campaign = services.campaign_open(actor=None, unit=cast.ward1, year=2025)
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_prefill_start(actor=None, campaign=campaign)
    return campaign


def test_the_campaign_page_runs_a_fixed_number_of_queries(cast, login, settings, django_capture_on_commit_callbacks,
                                                          django_assert_max_num_queries):
    _add_members(cast, 2)
    campaign = _campaign(cast, settings, django_capture_on_commit_callbacks)
    for r in Rating.objects.filter(level="cell")[:2]:
        services.rating_save(actor=None, rating=r, general_points=Decimal("25"), task_points=Decimal("50"), grade="tot")
    c = login(cast.ward_secretary)
    url = reverse("people:rating_campaign", args=[campaign.pk])
    c.get(url)
    with django_assert_max_num_queries(20) as few:
        page = c.get(url).content.decode()
    assert "Tốt" in page and "Đảng viên 1" in page and "366-QĐ/TW" in page
    _add_members(cast, 8, start=10)
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_prefill_start(actor=None, campaign=campaign)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = c.get(url).content.decode()
    assert "Đảng viên 17" in page
    progress = c.get(reverse("people:rating_campaign_progress", args=[campaign.pk])).content.decode()
    assert "Đã điền sẵn" in progress and "hx-trigger" not in progress  # done: it stops polling
    cell_only = c.get(url, {"unit": cast.cell1.pk}).content.decode()
    assert "Đảng viên 17" in cell_only
    assert c.get(url, {"unit": cast.cell_dl.pk}).status_code == 404  # not in the campaign's subtree
    assert login(cast.outsider).get(url).status_code == 404


def test_the_campaign_exports(cast, login, settings, django_capture_on_commit_callbacks):
    from docx import Document
    from openpyxl import load_workbook

    _add_members(cast, 1)
    campaign = _campaign(cast, settings, django_capture_on_commit_callbacks)
    c = login(cast.clerk)
    book = load_workbook(io.BytesIO(c.get(reverse("people:rating_campaign_export", args=[campaign.pk, "xlsx"])).content))
    names = [row[0] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert "Đảng viên 0" in names and "Chi bộ Khu phố 1" in names
    doc = Document(io.BytesIO(c.get(reverse("people:rating_campaign_export", args=[campaign.pk, "docx"])).content))
    assert "BIỂU TỔNG HỢP" in "\n".join(p.text for p in doc.paragraphs)
    assert doc.tables[0].rows[0].cells[1].text == "Họ và tên / Tổ chức"
    assert c.get(reverse("people:rating_campaign_export", args=[campaign.pk, "pdf"])).status_code == 404


def test_opening_a_campaign_from_the_page(cast, login):
    c = login(cast.ward_secretary)
    # The button says what it does ("Open" alone reads as the state "Chưa kết thúc").
    assert ">Mở đợt đánh giá</button>" in c.get(reverse("people:rating_home")).content.decode()
    response = c.post(reverse("people:rating_home"), {"unit": cast.ward1.pk, "year": 2025})
    assert response.status_code == 302
    response = c.post(reverse("people:rating_home"), {"unit": cast.ward1.pk, "year": 1990})
    assert response.status_code == 200 and "2000" in response.content.decode()
    # The outsider cannot open one for Phường 1: the unit is not among their choices.
    response = login(cast.outsider).post(reverse("people:rating_home"), {"unit": cast.ward1.pk, "year": 2024})
    assert response.status_code == 200 and "Phường 1" not in response.content.decode()


def test_a_rating_shows_its_evidence_and_gates_and_saves(cast, member, login):
    task(cast, responsible=member, done_on=dt.date(2025, 6, 29))
    services.discipline_record(actor=None, person=member, date=dt.date(2025, 4, 1), form="khien_trach",
                               decision="3-QĐ/ĐU")
    rating = services.rating_open(actor=None, person=member, year=2025, level="cell")
    url = reverse("people:rating_detail", args=[rating.pk])
    c = login(cast.cell_secretary)
    page = c.get(url).content.decode()
    assert "Xuất sắc không thể: bị kỷ luật năm 2025" in page
    assert reverse("assignments:task_list") in page  # each figure links to its evidence
    version = versions.token(rating, services.EDIT_FIELDS)
    refused = c.post(url, {"general_points": "29", "task_points": "70", "grade": "xuat_sac",
                           "expected_version": version})
    assert refused.status_code == 200 and "bị kỷ luật năm 2025" in refused.content.decode()
    saved = c.post(url, {"general_points": "29", "task_points": "", "grade": "tot", "expected_version": version,
                         "fig_tasks_exceeded": "1", "why_tasks_exceeded": "Vượt chỉ tiêu"})
    assert saved.status_code == 302
    rating.refresh_from_db()
    assert rating.grade == "tot" and rating.adjusted["tasks_exceeded"]["reason"] == "Vượt chỉ tiêu"
    stale = c.post(url, {"general_points": "10", "task_points": "10", "grade": "khong_hoan_thanh",
                         "expected_version": version})
    assert stale.status_code == 200
    rating.refresh_from_db()
    assert rating.grade == "tot"
    # The member reads their cell's rating but may not change it; the outsider sees nothing.
    assert login(cast.member).get(url).status_code == 200
    assert login(cast.member).post(url, {"grade": ""}).status_code == 403
    assert login(cast.outsider).get(url).status_code == 404


def test_a_rating_names_the_committee_that_rates_it_after_its_unit(cast, member, login):
    """A rating by a committee says which one ("Tỉnh ủy Quảng Trị" when the top unit is a
    province, "Đảng ủy Phường 1"), in the page's title and head and in the campaign's quota
    warnings, never the fixed word of its level ("Thành ủy")."""
    from dangbo.orgs.models import Unit, UnitKind
    from dangbo.people.ratings import selectors

    leader = Person.objects.get(user=cast.ward_secretary)
    top = services.rating_open(actor=None, person=leader, unit=cast.ward1, capacity="leader", year=2025,
                               level="city")
    ward = services.rating_open(actor=None, person=member, year=2025, level="ward")
    # The top unit is a province (and its office the province's).
    Unit.objects.filter(pk=cast.city.pk).update(kind=UnitKind.objects.get(code="dang-bo-tinh"),
                                                name="Đảng bộ tỉnh Quảng Trị")
    Unit.objects.filter(pk=cast.office.pk).update(name="Văn phòng Tỉnh ủy")
    c = login(cast.clerk)
    url = reverse("people:rating_detail", args=[top.pk])
    page = c.get(url).content.decode()
    assert "<title>Trần Văn Phú – 2025 – Tỉnh ủy Quảng Trị" in page
    assert '<p class="lead">Tỉnh ủy Quảng Trị · ' in page and "Thành ủy" not in page
    page = c.get(reverse("people:rating_detail", args=[ward.pk])).content.decode()
    assert '<p class="lead">Đảng ủy Phường 1 · ' in page and "Đảng ủy phường" not in page
    # The campaign's quota warning names the committee that broke it.
    Rating.objects.filter(pk=ward.pk).update(grade="xuat_sac")
    campaign = services.campaign_open(actor=None, unit=cast.ward1, year=2025)
    problems = selectors.campaign_view(user=cast.ward_secretary, campaign=campaign).quota_problems
    assert len(problems) == 1 and problems[0].startswith("Đảng ủy Phường 1: ")
    assert login(cast.outsider).get(url).status_code == 404


def test_recording_a_discipline_feeds_the_gate(cast, member, login):
    url = reverse("people:rating_discipline_create")
    c = login(cast.cell_secretary)
    assert c.get(url).status_code == 200
    response = c.post(url, {"person": member.pk, "date": "02/05/2025", "form": "canh_cao", "decision": "7-QĐ/ĐU"})
    assert response.status_code == 302
    rating = services.rating_open(actor=None, person=member, year=2025, level="cell")
    assert "Xuất sắc không thể: bị kỷ luật năm 2025" in c.get(reverse("people:rating_detail", args=[rating.pk])).content.decode()
    # Neither subject, or both: refused next to the form, nothing saved.
    assert c.post(url, {"date": "02/05/2025", "form": "canh_cao", "decision": "8"}).status_code == 200
    # The outsider cannot name a member of Phường 1.
    refused = login(cast.outsider).post(url, {"person": member.pk, "date": "02/05/2025", "form": "canh_cao",
                                              "decision": "9"})
    assert refused.status_code == 200
    from dangbo.people.ratings.models import Discipline

    assert list(Discipline.objects.values_list("decision", flat=True)) == ["7-QĐ/ĐU"]


def test_the_prefill_button_runs_the_job(cast, member, login, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    task(cast, responsible=member, done_on=dt.date(2025, 3, 3))
    campaign = services.campaign_open(actor=None, unit=cast.ward1, year=2025)
    url = reverse("people:rating_campaign_prefill", args=[campaign.pk])
    assert login(cast.cell_secretary).post(url).status_code == 404  # the ward's campaign is not theirs
    with django_capture_on_commit_callbacks(execute=True):
        assert login(cast.ward_secretary).post(url).status_code == 302
    campaign.refresh_from_db()
    assert (campaign.state, campaign.done, campaign.total) == ("done", campaign.total, campaign.total)
    assert Rating.objects.get(person=member, level="cell").prefilled["tasks_done"]["value"] == 1


def test_a_cell_narrowed_page_counts_that_cell_only_in_fixed_queries(cast, login, settings,
                                                                     django_capture_on_commit_callbacks,
                                                                     django_assert_num_queries):
    """Narrowed to one cell, the campaign page reads that cell's ratings: its distribution,
    progress and flags are the cell's, and its queries do not grow with the rest of the city."""
    def add(unit, n: int, start: int) -> None:
        for i in range(start, start + n):
            p = Person.objects.create(full_name=f"Đảng viên {i}", gender="m")
            orgs.membership_create(actor=None, person=p, unit=unit, start=dt.date(2020, 1, 1))

    settings.TASKS = IMMEDIATE
    add(cast.cell_dl, 2, 100)
    campaign = services.campaign_open(actor=None, unit=cast.city, year=2025)
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_prefill_start(actor=None, campaign=campaign)
    for r in Rating.objects.filter(level="cell", unit=cast.cell_dl):
        services.rating_save(actor=None, rating=r, general_points=Decimal("25"), task_points=Decimal("50"), grade="tot")
    c = login(cast.clerk)
    url = reverse("people:rating_campaign", args=[campaign.pk])
    whole = c.get(url).context["view"]
    assert dict((g["code"], n) for g, n in whole.distribution)["tot"] == 2
    # The city's page counts the cells' ratings with their ward ("and the units below").
    raters = {(p["rater_unit_id"], p["below"]) for p in whole.progress}
    assert (cast.ward_dl.pk, True) in raters and cast.cell_dl.pk not in {pk for pk, _b in raters}
    c.get(url, {"unit": cast.cell1.pk})
    with CaptureQueriesContext(connection) as small:
        view = c.get(url, {"unit": cast.cell1.pk}).context["view"]
    assert dict((g["code"], n) for g, n in view.distribution)["tot"] == 0
    assert {p["rater_unit_id"] for p in view.progress} <= {cast.cell1.pk, cast.ward1.pk, cast.city.pk}
    assert all(row.unit == cast.cell1 for row in view.rows)
    add(cast.cell_dl, 6, 200)
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_prefill_start(actor=None, campaign=campaign)
    with django_assert_num_queries(len(small.captured_queries)):
        assert c.get(url, {"unit": cast.cell1.pk}).status_code == 200


def test_the_campaign_counts_final_grades_quotas_and_two_years_at_the_lowest(cast, settings,
                                                                              django_capture_on_commit_callbacks):
    """The final grade is the highest level's; the quota is counted per rater and level; the
    flag is for a final grade at the lowest two years running (counted in the SQL)."""
    from dangbo.people.ratings import selectors

    settings.TASKS = IMMEDIATE
    people = []
    for name in ("Hai Năm Liền", "Chi Bộ Nâng", "Xuất Sắc Một"):
        p = Person.objects.create(full_name=name, gender="m")
        orgs.membership_create(actor=None, person=p, unit=cast.cell1, start=dt.date(2020, 1, 1))
        people.append(p)
    a, b, c = people
    campaigns = {}
    for year in (2024, 2025):
        campaigns[year] = services.campaign_open(actor=None, unit=cast.ward1, year=year)
        with django_capture_on_commit_callbacks(execute=True):
            services.campaign_prefill_start(actor=None, campaign=campaigns[year])

    def grade(person, year, level, code):
        assert Rating.objects.filter(person=person, year=year, level=level).update(grade=code) == 1

    grade(a, 2024, "cell", "khong_hoan_thanh")
    grade(a, 2025, "self", "tot")
    grade(a, 2025, "cell", "khong_hoan_thanh")
    grade(b, 2024, "cell", "khong_hoan_thanh")
    grade(b, 2025, "self", "khong_hoan_thanh")
    grade(b, 2025, "cell", "hoan_thanh")
    grade(c, 2025, "cell", "xuat_sac")
    view = selectors.campaign_view(user=cast.ward_secretary, campaign=campaigns[2025])
    assert {g["code"]: n for g, n in view.distribution} == {
        "xuat_sac": 1, "tot": 0, "hoan_thanh": 1, "khong_hoan_thanh": 1}
    assert view.failed_twice == ["Hai Năm Liền"]
    assert len(view.quota_problems) == 1 and "Chi bộ Khu phố 1" in view.quota_problems[0]
    finals = {row.subject.full_name: row.final for row in view.rows if row.kind == "person"}
    assert finals["Hai Năm Liền"] == "khong_hoan_thanh" and finals["Chi Bộ Nâng"] == "hoan_thanh"
    assert finals["Xuất Sắc Một"] == "xuat_sac"
