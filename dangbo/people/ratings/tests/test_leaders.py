"""The rating of a leader (cán bộ lãnh đạo, quản lý) of a unit: 366-QĐ/TW's leaders' gates as
data, the figures of the unit led and its subtree, rated by the committee above, the campaign's
leaders' section, the API's capacity, and the outsider from the sibling ward."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from dangbo.orgs import services as orgs
from dangbo.orgs.models import Person, Role
from dangbo.people.ratings import catalogue, demo, rules, services
from dangbo.people.ratings.models import Capacity, Rating, RuleVersion

from .factories import task

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _leader(cast) -> Person:
    return Person.objects.get(user=cast.ward_secretary)


def _rule366() -> RuleVersion:
    return RuleVersion.objects.get(code="366-QD-TW")


def _facts(done=(10, 10), on_time=(10, 10), exceeded=(3, 10), **kw) -> rules.Facts:
    figures = {code: {"value": v, "of": of} for code, (v, of) in
               (("tasks_done", done), ("tasks_on_time", on_time), ("tasks_exceeded", exceeded))}
    return rules.Facts(subject="leader", year=2025, figures=figures, **kw)


# --- The rule data --------------------------------------------------------------------------


def test_the_leaders_gates_are_data_with_their_source():
    rule = next(r for r in catalogue.RULES if r["code"] == "366-QD-TW")
    leader_gates = [g for g in rule["gates"] if "leader" in g["subjects"]]
    assert {g["code"] for g in leader_gates} == {"leader-done", "leader-exceeded-30", "leader-on-time"}
    assert all("366-QĐ/TW" in g["source"] and "lãnh đạo" in g["source"] for g in leader_gates)
    assert rule["levels"]["leader"] == ["self", "ward", "city"]
    # 124-QĐ/TW (2023–2024) names no leaders' level: they are rated as members only.
    assert "leader" not in next(r for r in catalogue.RULES if r["code"] == "124-QD-TW")["levels"]


def test_a_leaders_gates_read_the_units_they_lead():
    rule = _rule366()
    assert rules.blocked(rule, _facts()) == {}
    not_all_done = rules.blocked(rule, _facts(done=(9, 10), on_time=(9, 10)))
    assert "xuat_sac" in not_all_done and "tot" in not_all_done
    assert "đơn vị lãnh đạo, quản lý chưa hoàn thành 100% nhiệm vụ" in not_all_done["xuat_sac"]
    few_exceeded = rules.blocked(rule, _facts(exceeded=(2, 10)))
    assert set(few_exceeded) == {"xuat_sac"}
    assert rules.gate_messages(rule, _facts(exceeded=(2, 10))) == [
        "Xuất sắc impossible: dưới 30% nhiệm vụ của đơn vị lãnh đạo, quản lý vượt yêu cầu"]
    late = rules.blocked(rule, _facts(on_time=(9, 10)))
    assert set(late) == {"xuat_sac", "tot"}
    # A member's or an organisation's gates are not a leader's (the research gives none for
    # a leader's discipline or sub-units), and no evidence of "exceeded" blocks Xuất sắc.
    assert rules.blocked(rule, _facts(disciplined=True, sub_disciplined=True)) == {}
    assert set(rules.blocked(rule, rules.Facts(subject="leader", year=2025))) == {"xuat_sac"}
    assert rules.check_grade(rule, _facts(), "xuat_sac", Decimal("92")) == []


# --- Services -------------------------------------------------------------------------------


def test_a_leader_is_rated_by_the_committee_above_on_the_tasks_of_the_unit_led_and_below(cast):
    leader = _leader(cast)
    task(cast, unit=cast.cell1, done_on=dt.date(2025, 3, 1))  # under Phường 1: counts
    task(cast, unit=cast.cell1, done_on=dt.date(2025, 7, 20))  # late
    task(cast, unit=cast.ward1, done_on=dt.date(2025, 2, 1))
    task(cast, unit=cast.cell_dl, done_on=dt.date(2025, 3, 1))  # Đông Lương: not theirs
    rating = services.rating_open(actor=cast.clerk, person=leader, unit=cast.ward1, capacity="leader", year=2025,
                                  level="city")
    assert rating.capacity == Capacity.LEADER and rating.subject_kind == "leader"
    assert rating.unit == cast.ward1 and rating.rater_unit == cast.city and rating.post_title == "Bí thư Đảng ủy"
    done, on_time = rating.prefilled["tasks_done"], rating.prefilled["tasks_on_time"]
    assert (done["value"], done["of"], on_time["value"]) == (3, 3, 2)
    assert done["url"].startswith(reverse("assignments:task_list")) and f"unit={cast.ward1.pk}" in done["url"]
    assert rating.task_points is not None
    gates = rules.gate_messages(rating.rule, services.facts_for(rating.rule, rating))
    assert gates[0].startswith("Xuất sắc impossible:") and "đúng hạn" in gates[0]
    with pytest.raises(ValidationError) as refused:
        services.rating_save(actor=cast.clerk, rating=rating, general_points=Decimal("29"),
                             task_points=Decimal("65"), grade="tot")
    assert "Tốt impossible" in str(refused.value.message_dict["grade"])
    saved = services.rating_save(
        actor=cast.clerk, rating=rating, general_points=Decimal("29"), task_points=Decimal("65"), grade="tot",
        adjustments={"tasks_on_time": {"value": 3, "reason": "Gia hạn bằng văn bản của Thành ủy"}},
    )
    assert saved.grade == "tot" and saved.points == Decimal("94.0")
    # Opening again finds the same row; the secretary's own self-assessment is another row.
    again = services.rating_open(actor=cast.clerk, person=leader, unit=cast.ward1, capacity="leader", year=2025,
                                 level="city")
    assert again.pk == rating.pk
    own = services.rating_open(actor=cast.ward_secretary, person=leader, unit=cast.ward1, capacity="leader",
                               year=2025, level="self")
    assert own.rater_unit == cast.ward1 and own.pk != rating.pk


def test_a_cells_leader_is_rated_by_the_ward_and_stays_apart_from_her_member_rating(cast):
    secretary = Person.objects.get(user=cast.cell_secretary)
    orgs.membership_create(actor=None, person=secretary, unit=cast.cell1, start=dt.date(2020, 1, 1))
    as_member = services.rating_open(actor=None, person=secretary, year=2025, level="cell")
    as_leader = services.rating_open(actor=None, person=secretary, unit=cast.cell1, capacity="leader", year=2025,
                                     level="ward")
    assert as_leader.pk != as_member.pk and as_leader.rater_unit == cast.ward1
    assert as_member.capacity == Capacity.MEMBER and as_member.rater_unit == cast.cell1
    services.rating_save(actor=None, rating=as_leader, general_points=Decimal("20"), task_points=Decimal("40"),
                         grade="hoan_thanh")
    # The cell's organisation rating counts its members' grades, not its leader's.
    cell = services.rating_open(actor=None, unit=cast.cell1, year=2025, level="ward")
    assert services.facts_for(cell.rule, cell).member_grades == []
    with pytest.raises(ValidationError) as no_level:  # the ward rates a cell's leaders, not the city
        services.rating_open(actor=None, person=secretary, unit=cast.cell1, capacity="leader", year=2025,
                             level="city")
    assert "level" in no_level.value.message_dict


def test_only_a_holder_of_a_leading_post_is_rated_as_a_leader(cast):
    member = Person.objects.get(user=cast.member)
    with pytest.raises(ValidationError) as refused:
        services.rating_open(actor=None, person=member, unit=cast.cell1, capacity="leader", year=2025, level="ward")
    assert "unit_id" in refused.value.message_dict
    with pytest.raises(ValidationError):  # before the post or under 124-QĐ/TW: no leaders' level
        services.rating_open(actor=None, person=_leader(cast), unit=cast.ward1, capacity="leader", year=2023,
                             level="city")
    with pytest.raises(ValidationError):
        services.rating_open(actor=None, person=_leader(cast), capacity="leader", year=2025, level="city")


def test_who_may_rate_a_leader(cast):
    leader = _leader(cast)
    rating = services.rating_open(actor=cast.clerk, person=leader, unit=cast.ward1, capacity="leader", year=2025,
                                  level="city")
    # The secretary reads but does not grade their own rating by the city; the outsider neither.
    with pytest.raises(PermissionDenied):
        services.rating_save(actor=cast.ward_secretary, rating=rating, general_points=Decimal("30"),
                             task_points=Decimal("70"))
    with pytest.raises((PermissionDenied, Http404)):
        services.rating_save(actor=cast.outsider, rating=rating, general_points=Decimal("30"))
    with pytest.raises((PermissionDenied, Http404)):
        services.rating_open(actor=cast.outsider, person=leader, unit=cast.ward1, capacity="leader", year=2025,
                             level="self")
    own = services.rating_open(actor=cast.ward_secretary, person=leader, unit=cast.ward1, capacity="leader",
                               year=2025, level="self")
    services.rating_save(actor=cast.ward_secretary, rating=own, general_points=Decimal("27"))


def test_the_campaign_prefills_the_leaders_of_its_units(cast, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    task(cast, unit=cast.cell1, done_on=dt.date(2025, 3, 1))
    head = Person.objects.create(full_name="Chánh Văn phòng", gender="m")
    orgs.position_create(actor=None, person=head, unit=cast.office, title="Chánh Văn phòng Thành ủy",
                         start=dt.date(2021, 1, 1), role=Role.MANAGE)
    campaign = services.campaign_open(actor=None, unit=cast.city, year=2025)
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_prefill_start(actor=None, campaign=campaign)
    leaders = Rating.objects.filter(capacity=Capacity.LEADER)
    by_subject = {(r.person.user.username, r.unit.code, r.level): r.rater_unit.code
                  for r in leaders.select_related("person__user", "unit", "rater_unit") if r.person.user}
    assert by_subject[("ward_secretary", "t-phuong1", "city")] == "t-dongha"
    assert by_subject[("outsider", "t-dongluong", "city")] == "t-dongha"
    assert by_subject[("cell_secretary", "t-p1-kp1", "ward")] == "t-phuong1"
    assert ("cell_secretary", "t-p1-kp1", "self") in by_subject
    assert not any(u == "clerk" for u, _c, _l in by_subject)  # administering is not leading
    board = leaders.get(person=head, level="city")  # a party board's head: rated by the city
    assert board.unit == cast.office and board.rater_unit == cast.city
    assert leaders.get(person__user=cast.cell_secretary, level="ward").prefilled["tasks_done"]["value"] == 1
    campaign.refresh_from_db()
    assert campaign.total == campaign.done and campaign.done >= Rating.objects.filter(
        capacity=Capacity.LEADER, level="self").count()
    count = leaders.count()
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_prefill_start(actor=None, campaign=campaign)
    assert leaders.count() == count  # again: the same rows


# --- Pages and API --------------------------------------------------------------------------


def _city_campaign(cast, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    campaign = services.campaign_open(actor=None, unit=cast.city, year=2025)
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_prefill_start(actor=None, campaign=campaign)
    return campaign


def test_the_campaign_page_shows_the_leaders_in_fixed_queries(cast, login, settings,
                                                              django_capture_on_commit_callbacks,
                                                              django_assert_max_num_queries):
    campaign = _city_campaign(cast, settings, django_capture_on_commit_callbacks)
    rating = Rating.objects.get(person__user=cast.ward_secretary, capacity=Capacity.LEADER, level="city")
    services.rating_save(actor=None, rating=rating, general_points=Decimal("25"), task_points=Decimal("50"),
                         grade="tot")
    c = login(cast.clerk)
    url = reverse("people:rating_campaign", args=[campaign.pk])
    c.get(url)
    with django_assert_max_num_queries(25) as few:
        page = c.get(url).content.decode()
    assert 'id="leaders"' in page and "Trần Văn Phú" in page and "Bí thư Đảng ủy" in page
    for n in range(5):  # more leaders: the same number of queries
        p = Person.objects.create(full_name=f"Phó Bí thư {n}", gender="m")
        orgs.position_create(actor=None, person=p, unit=cast.ward1, title="Phó Bí thư Đảng ủy",
                             start=dt.date(2024, 1, 1), role=Role.MANAGE)
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_prefill_start(actor=None, campaign=campaign)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = c.get(url).content.decode()
    assert "Phó Bí thư 4" in page
    assert login(cast.outsider).get(url).status_code == 404


def test_a_leaders_rating_page_shows_the_gates_before_a_grade(cast, login):
    task(cast, unit=cast.cell1, done_on=dt.date(2025, 7, 20))  # late
    rating = services.rating_open(actor=None, person=_leader(cast), unit=cast.ward1, capacity="leader", year=2025,
                                  level="city")
    url = reverse("people:rating_detail", args=[rating.pk])
    page = login(cast.clerk).get(url).content.decode()
    assert "Xuất sắc không thể" in page and "đơn vị lãnh đạo, quản lý chưa hoàn thành 100% nhiệm vụ đúng hạn" in page
    assert "Cán bộ lãnh đạo, quản lý" in page and "Bí thư Đảng ủy" in page
    assert login(cast.ward_secretary).get(url).status_code == 200  # reads their own
    assert login(cast.outsider).get(url).status_code == 404


def test_the_api_names_the_capacity_and_opens_a_leaders_rating(cast, client, settings,
                                                               django_capture_on_commit_callbacks):
    _city_campaign(cast, settings, django_capture_on_commit_callbacks)
    client.force_login(cast.clerk, backend="dangbo.orgs.auth.AccountBackend")
    items = client.get("/api/v1/ratings", {"period": 2025, "limit": 200}).json()["items"]
    assert {i["capacity"] for i in items} == {"member", "leader", "organisation"}
    leader = next(i for i in items if i["capacity"] == "leader" and i["level"] == "city"
                  and i["unit_id"] == cast.ward1.pk)
    assert leader["subject"] == "person" and leader["post_title"] == "Bí thư Đảng ủy" and "points" in leader
    only = client.get("/api/v1/ratings", {"period": 2025, "capacity": "leader"}).json()
    assert only["count"] and {i["capacity"] for i in only["items"]} == {"leader"}
    person = _leader(cast)
    body = {"person_id": person.pk, "unit_id": cast.ward1.pk, "capacity": "leader", "period": 2025,
            "level": "city", "general_points": "28", "task_points": "62", "grade": "tot"}
    saved = client.post("/api/v1/ratings", json.dumps(body), content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["id"] == leader["id"] and saved.json()["grade"] == "tot"
    missing = client.post("/api/v1/ratings", json.dumps({**body, "unit_id": None}), content_type="application/json")
    assert missing.status_code == 400 and "unit_id" in missing.json()["fields"]
    client.force_login(cast.outsider, backend="dangbo.orgs.auth.AccountBackend")
    refused = client.post("/api/v1/ratings", json.dumps(body), content_type="application/json")
    assert refused.status_code in (403, 404) and "error" in refused.json()
    listed = client.get("/api/v1/ratings", {"period": 2025, "capacity": "leader"}).json()["items"]
    assert all(i["unit_id"] != cast.ward1.pk for i in listed)


def test_the_demo_rates_the_city_and_wards_leaders_for_2025(cast):
    task(cast, unit=cast.cell1, done_on=dt.date(2025, 3, 1))
    task(cast, unit=cast.ward_dl, done_on=dt.date(2025, 3, 1))
    demo.load(today=dt.date(2026, 1, 15), root_code=cast.city.code)
    leaders = Rating.objects.filter(capacity=Capacity.LEADER, year=2025)
    ward_leaders = leaders.filter(unit__in=[cast.ward1, cast.ward_dl], level="city")
    assert ward_leaders.count() == 2 and not ward_leaders.filter(grade="").exists()
    assert all(r.prefilled.get("tasks_done") for r in ward_leaders)
    # The cells' leaders are pre-filled, left to the wards; 2023 has no leaders' rating.
    assert leaders.filter(unit=cast.cell1, level="ward", grade="").exists()
    assert not Rating.objects.filter(capacity=Capacity.LEADER, year=2023).exists()


def test_the_exports_carry_the_leaders(cast, login, settings, django_capture_on_commit_callbacks):
    import io

    from docx import Document
    from openpyxl import load_workbook

    campaign = _city_campaign(cast, settings, django_capture_on_commit_callbacks)
    c = login(cast.clerk)
    book = load_workbook(io.BytesIO(c.get(reverse("people:rating_campaign_export", args=[campaign.pk, "xlsx"])).content))
    sheet = book.worksheets[1]
    assert sheet.title == "Cán bộ lãnh đạo, quản lý"
    rows = list(sheet.iter_rows(values_only=True))
    assert ("Trần Văn Phú", "Bí thư Đảng ủy", "Đảng bộ Phường 1") in [r[:3] for r in rows]
    doc = Document(io.BytesIO(c.get(reverse("people:rating_campaign_export", args=[campaign.pk, "docx"])).content))
    assert len(doc.tables) == 2 and doc.tables[1].rows[0].cells[2].text == "Đơn vị lãnh đạo"
    assert any("Trần Văn Phú, Bí thư Đảng ủy" == row.cells[1].text for row in doc.tables[1].rows)


def test_the_leaders_have_their_own_distribution(cast, settings, django_capture_on_commit_callbacks):
    from dangbo.people.ratings import selectors

    campaign = _city_campaign(cast, settings, django_capture_on_commit_callbacks)
    secretary = Person.objects.get(user=cast.cell_secretary)
    orgs.membership_create(actor=None, person=secretary, unit=cast.cell1, start=dt.date(2020, 1, 1))
    services.campaign_prefill(campaign_id=campaign.pk)
    as_leader = Rating.objects.get(person=secretary, capacity=Capacity.LEADER, level="ward")
    as_member = Rating.objects.get(person=secretary, capacity=Capacity.MEMBER, level="cell")
    services.rating_save(actor=None, rating=as_leader, general_points=Decimal("25"), task_points=Decimal("30"),
                         grade="hoan_thanh")
    services.rating_save(actor=None, rating=as_member, general_points=Decimal("25"), task_points=Decimal("50"),
                         grade="tot")
    view = selectors.campaign_view(user=cast.clerk, campaign=campaign)
    assert {g["code"]: n for g, n in view.distribution}["tot"] == 1
    assert {g["code"]: n for g, n in view.distribution}["hoan_thanh"] == 0
    assert {g["code"]: n for g, n in view.leader_distribution} == {
        "xuat_sac": 0, "tot": 0, "hoan_thanh": 1, "khong_hoan_thanh": 0}
    leader_row = next(r for r in view.leader_rows if r.subject == secretary)
    member_row = next(r for r in view.rows if r.subject == secretary)
    assert (leader_row.final, member_row.final) == ("hoan_thanh", "tot")


def test_the_campaign_names_each_committee_that_rates_by_its_own_name(cast, login, settings,
                                                                      django_capture_on_commit_callbacks):
    """The top committee's row and columns say which committee rates ("Tỉnh ủy Quảng Trị" for a
    province), never a fixed "Thành ủy"."""
    from docx import Document

    from dangbo.orgs.models import Unit, UnitKind

    campaign = _city_campaign(cast, settings, django_capture_on_commit_callbacks)
    url = reverse("people:rating_campaign", args=[campaign.pk])
    c = login(cast.clerk)
    view = c.get(url).context["view"]
    assert [p["level_label"] for p in view.progress if p["rater_unit_id"] == cast.city.pk and p["level"] == "city"] == ["Thành ủy Đông Hà"]
    # The top unit is a province: its row, its columns and the summary table say so.
    Unit.objects.filter(pk=cast.city.pk).update(kind=UnitKind.objects.get(code="dang-bo-tinh"),
                                                name="Đảng bộ tỉnh Quảng Trị")
    Unit.objects.filter(pk=cast.office.pk).update(name="Văn phòng Tỉnh ủy")
    response = c.get(url)
    view = response.context["view"]
    assert [p["level_label"] for p in view.progress
            if p["rater_unit_id"] == cast.city.pk and p["level"] == "city"] == ["Tỉnh ủy Quảng Trị"]
    assert [p["level_label"] for p in view.progress
            if p["rater_unit_id"] == cast.ward1.pk and p["level"] == "ward"] == ["Đảng ủy Phường 1"]
    assert [col.label for col in view.levels][-1] == "Tỉnh ủy Quảng Trị"
    assert [col.label for col in view.leader_levels][-1] == "Tỉnh ủy Quảng Trị"
    page = response.content.decode()
    assert "Tỉnh ủy Quảng Trị" in page and "Thành ủy" not in page
    doc = Document(io.BytesIO(c.get(reverse("people:rating_campaign_export", args=[campaign.pk, "docx"])).content))
    heads = [cell.text for cell in doc.tables[0].rows[0].cells]
    assert "Tỉnh ủy Quảng Trị" in heads and not any("Thành ủy" in head for head in heads)
    assert login(cast.outsider).get(url).status_code == 404
    assert login(cast.ward_secretary).get(url).status_code == 404
