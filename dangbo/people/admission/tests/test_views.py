"""The admission pages: pipeline (fixed query count), candidate page and its steps, targets,
rules; the outsider from the sibling ward sees none of Phường 1."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.people.admission import services
from dangbo.people.admission.models import Candidate, Stage

from .conftest import advance, make_candidate, make_helper

pytestmark = pytest.mark.django_db
D = dt.date


def test_pipeline_counts_per_stage_and_per_unit_late_first(cast, login):
    late = advance(make_candidate(cast.cell1, name="Lê Trễ Hạn"), Stage.DECISION)  # due 2025: late now
    make_candidate(cast.cell1, name="Phan Mới Vào")
    make_candidate(cast.cell_dl, name="Võ Phường Khác")
    client = login(cast.clerk)
    response = client.get(reverse("people:admission_pipeline"))
    assert response.status_code == 200
    board = response.context["board"]
    counts = {s.code: (s.count, s.late) for s in board.stages}
    assert counts[Stage.DECISION] == (1, 1)
    assert counts[Stage.AWARENESS] == (2, 0)
    assert board.rows[0].unit == cast.ward1  # the ward with a late candidate first
    assert response.context["page_obj"].object_list[0] == late
    assert board.ending == 0


def test_pipeline_counts_probation_in_its_last_two_months(cast, login, time_machine):
    advance(make_candidate(cast.cell1), Stage.PROBATION)  # ends 19/05/2026
    time_machine.move_to(dt.datetime(2026, 3, 25, 2, 0, tzinfo=dt.UTC), tick=False)
    board = login(cast.cell_secretary).get(reverse("people:admission_pipeline"), {"unit": cast.cell1.pk}).context["board"]
    assert board.unit == cast.cell1 and board.ending == 1 and board.rows == []


def test_the_outsider_sees_nothing_of_phuong_1(cast, login):
    make_candidate(cast.cell1, name="Lê Bí Mật")
    c = make_candidate(cast.cell_dl, name="Võ Đông Lương")
    client = login(cast.outsider)
    body = client.get(reverse("people:admission_pipeline")).content.decode()
    assert "Võ Đông Lương" in body and "Lê Bí Mật" not in body
    mine = Candidate.objects.get(person__full_name="Lê Bí Mật")
    assert client.get(reverse("people:candidate_detail", args=[mine.pk])).status_code == 404
    assert client.post(reverse("people:candidate_step", args=[mine.pk, "certificate"]),
                       {"number": "X", "on": "2025-02-01"}).status_code == 404
    assert client.get(reverse("people:candidate_detail", args=[c.pk])).status_code == 200


def test_member_reads_but_cannot_record_a_step(cast, login, candidate):
    client = login(cast.member)
    page = client.get(reverse("people:candidate_detail", args=[candidate.pk]))
    assert page.status_code == 200 and not page.context["step_forms"]
    response = client.post(reverse("people:candidate_step", args=[candidate.pk, "certificate"]),
                           {"number": "X", "on": "2025-02-01"})
    assert response.status_code == 403


def test_pipeline_runs_a_fixed_number_of_queries(cast, login, django_assert_num_queries):
    client = login(cast.clerk)
    url = reverse("people:admission_pipeline")
    make_candidate(cast.cell1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for i in range(12):
        c = make_candidate(cast.cell1 if i % 2 else cast.cell_dl, name=f"Người Thứ {i}")
        if i % 3 == 0:
            advance(c, Stage.CEREMONY)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url, {"unit": cast.ward1.pk, "stage": "", "late": "on"}).status_code == 200


def test_add_a_candidate_and_record_steps_through_the_page(cast, login):
    client = login(cast.cell_secretary)
    response = client.post(reverse("people:candidate_create"), {
        "unit": cast.cell1.pk, "full_name": "Đặng Thị Hồng", "gender": "f", "birth_date": "1998-03-02",
        "added_on": "2025-01-06", "sector": "",
    })
    c = Candidate.objects.get(person__full_name="Đặng Thị Hồng")
    assert response.status_code == 302
    response = client.post(reverse("people:candidate_step", args=[c.pk, "certificate"]), {"number": "CN-9", "on": "2025-02-03"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.stage == Stage.FILE and c.due_date == D(2030, 2, 3)
    page = client.get(reverse("people:candidate_detail", args=[c.pk])).content.decode()
    assert "CN-9" in page and "03/02/2025" in page


def test_a_too_young_candidate_is_refused_next_to_the_field(cast, login):
    client = login(cast.cell_secretary)
    response = client.post(reverse("people:candidate_create"), {
        "unit": cast.cell1.pk, "full_name": "Bé Quá Trẻ", "gender": "m", "birth_date": "2007-06-01",
        "added_on": "2025-01-06",
    })
    assert response.status_code == 400
    assert "17 tuổi 7 tháng" in response.content.decode()
    assert not Candidate.objects.exists()


def test_ceremony_before_decision_shows_the_error(cast, login, candidate):
    c = advance(candidate, Stage.CEREMONY)
    helper = make_helper(cast.cell1)
    client = login(cast.cell_secretary)
    response = client.post(reverse("people:candidate_step", args=[c.pk, "ceremony"]),
                           {"on": "2025-04-01", "helper": helper.pk})
    assert response.status_code == 400
    assert "Lễ kết nạp không thể trước quyết định kết nạp" in response.content.decode()


def test_targets_against_actual(cast, login):
    services.target_set(actor=None, unit=cast.ward1, year=2025, total=4, residential=2, enterprise=1)
    services.target_set(actor=None, unit=cast.ward_dl, year=2025, total=9)
    advance(make_candidate(cast.cell1), Stage.CEREMONY)  # decision 15/04/2025
    client = login(cast.ward_secretary)
    response = client.get(reverse("people:admission_targets"), {"nam": 2025})
    rows = response.context["rows"]
    assert [(r.target.unit, r.actual, r.residential) for r in rows] == [(cast.ward1, 1, 1)]
    response = client.post(reverse("people:admission_targets") + "?nam=2026", {
        "unit": cast.ward1.pk, "year": 2026, "total": 1, "residential": 1, "enterprise": 1})
    assert response.status_code == 400


def test_rules_page_names_the_source(cast, login):
    body = login(cast.member).get(reverse("people:admission_rules")).content.decode()
    assert "232-QĐ/TW" in body and "24-QĐ/TW" in body


def test_every_step_through_the_pages(cast, login, candidate):
    helper = make_helper(cast.cell1)
    client = login(cast.cell_secretary)
    steps = [
        ("certificate", {"number": "CN-1", "on": "2025-02-10"}, Stage.FILE),
        ("forms", {"forms": ["1-KNĐ", "2-KNĐ", "3-KNĐ", "5-KNĐ", "tham-tra"]}, Stage.FILE),
        ("resolution", {"on": "2025-03-03"}, Stage.DECISION),
        ("extend", {"reason": "Chờ thẩm tra lý lịch"}, Stage.DECISION),
        ("decision", {"number": "12-QĐ/ĐU", "on": "2025-04-15"}, Stage.CEREMONY),
        ("ceremony", {"on": "2025-05-19", "helper": helper.pk}, Stage.PROBATION),
        ("review", {"on": "2026-05-25", "passed": "yes"}, Stage.RECOGNITION),
        ("recognise", {"number": "45-QĐ/ĐU", "on": "2026-06-15"}, Stage.OFFICIAL),
    ]
    url = reverse("people:candidate_detail", args=[candidate.pk])
    for step, data, stage in steps:
        page = client.get(url)
        assert step in page.context["step_forms"], step
        response = client.post(reverse("people:candidate_step", args=[candidate.pk, step]), data)
        assert response.status_code == 302, (step, response.content.decode()[-2000:])
        candidate.refresh_from_db()
        assert candidate.stage == stage
    body = client.get(url).content.decode()
    assert "19/05/2026" in body and "Đảng viên chính thức từ ngày 19/05/2026" in body
    assert client.post(reverse("people:candidate_step", args=[candidate.pk, "nonsense"])).status_code == 404
