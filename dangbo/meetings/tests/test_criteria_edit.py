"""Editing a draft version of a criteria set: adding, removing, moving criteria, renaming a
section, changing the grades; the lock once a score uses a version; scoring unaffected."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.core.models import AuditEntry
from dangbo.meetings import selectors, services
from dangbo.meetings.models import (
    CriteriaSection,
    CriteriaSet,
    Criterion,
    GradeThreshold,
    MeetingKind,
    MeetingScore,
)

from .conftest import full_points

pytestmark = pytest.mark.django_db

LOCKED = "Meetings have been scored with this version. Make a new version to change it."


def status(client, url, method="get", data=None):
    return getattr(client, method)(url, data or {}).status_code


def v2() -> CriteriaSet:
    return CriteriaSet.objects.get(code="khung-100", version=2)


@pytest.fixture
def draft(cast) -> CriteriaSet:
    """Version 3 of the default set, a copy of version 2 from 01/01/2026: a draft."""
    return services.criteria_set_new_version(
        actor=cast.clerk, base=v2(), effective_from=dt.date(2026, 1, 1), source_document="Hướng dẫn 99-HD/TU",
    )


@pytest.fixture
def ward_draft(cast) -> CriteriaSet:
    """Phường 1's own version, a draft."""
    return services.criteria_set_new_version(
        actor=None, base=v2(), unit=cast.ward1, effective_from=dt.date(2026, 1, 1),
        source_document="Quyết định của Đảng ủy phường",
    )


def section(criteria_set: CriteriaSet, number: int) -> CriteriaSection:
    return criteria_set.sections.order_by("order")[number - 1]


def codes(criteria_set: CriteriaSet) -> list[str]:
    return list(criteria_set.criteria.order_by("order").values_list("code", flat=True))


def total(criteria_set: CriteriaSet) -> Decimal:
    return sum((c.max_points for c in criteria_set.criteria.all()), Decimal(0))


def grades(criteria_set: CriteriaSet) -> list[tuple]:
    return [(t.code, t.name, t.min_points, t.rank) for t in criteria_set.thresholds.order_by("rank")]


# --- services ----------------------------------------------------------------------------


def test_add_a_criterion_at_a_position_in_a_section(cast, draft):
    preparation = section(draft, 2)
    added = services.criterion_add(
        actor=cast.clerk, criteria_set=draft, section=preparation, order=1, code="14",
        title="Tài liệu được gửi qua Sổ tay đảng viên điện tử", max_points=Decimal("5"),
        guidance="Gửi trước ít nhất 1 ngày.",
    )
    assert codes(draft) == ["1", "2", "3", "14", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"]
    assert list(draft.criteria.order_by("order").values_list("order", flat=True)) == list(range(1, 15))
    assert added.section == preparation and added.order == 4 and selectors.criterion_position(criterion=added) == 1
    assert total(draft) == 105 and total(v2()) == 100  # the version it was copied from is untouched
    entry = AuditEntry.objects.get(action="criterion.add")
    assert entry.actor == cast.clerk and entry.after["code"] == "14" and entry.after["total"] == "105"


def test_add_a_criterion_in_a_new_section_then_remove_it(cast, draft):
    added = services.criterion_add(
        actor=None, criteria_set=draft, new_section="V. Chuyển đổi số", code="14",
        title="Sử dụng Sổ tay đảng viên điện tử", max_points=Decimal("2.5"),
    )
    assert added.section.title == "V. Chuyển đổi số" and added.section.order == 5 and codes(draft)[-1] == "14"
    assert total(draft) == Decimal("102.5")
    assert services.criterion_remove(actor=cast.clerk, criterion=added) == draft
    assert not Criterion.objects.filter(pk=added.pk).exists()
    assert not CriteriaSection.objects.filter(pk=added.section_id).exists()  # emptied, so gone
    assert total(draft) == 100 and draft.sections.count() == 4
    assert AuditEntry.objects.get(action="criterion.remove").before["code"] == "14"


def test_codes_are_unique_within_a_version(draft):
    with pytest.raises(ValidationError) as error:
        services.criterion_add(
            actor=None, criteria_set=draft, section=section(draft, 1), code=" 7 ", title="Trùng mã", max_points=Decimal(1)
        )
    assert error.value.message_dict == {"code": ["Criterion 7 already exists in this version."]}
    criterion = draft.criteria.get(code="8")
    with pytest.raises(ValidationError) as error:
        services.criterion_update(actor=None, criterion=criterion, code="9", title=criterion.title, max_points=Decimal(8))
    assert list(error.value.message_dict) == ["code"]
    # another version may use the same codes; the criterion keeps its own
    services.criterion_update(actor=None, criterion=criterion, code="8", title="Sửa", max_points=Decimal(8))
    assert v2().criteria.filter(code="7").exists()


def test_bad_criteria_give_field_errors(draft, ward_draft):
    with pytest.raises(ValidationError) as error:
        services.criterion_add(actor=None, criteria_set=draft, code="", title=" ", max_points=Decimal(0), order=0)
    assert error.value.message_dict == {
        "code": ["Enter the criterion's code."],
        "title": ["Enter the criterion."],
        "max_points": ["A criterion is worth more than 0 points."],
        "section": ["Choose a section or name a new one."],
        "order": ["Enter a position of 1 or more."],
    }
    with pytest.raises(ValidationError) as error:
        services.criterion_add(
            actor=None, criteria_set=draft, section=section(draft, 1), new_section="Mục mới", code="14", title="X",
            max_points=Decimal("1.25"),
        )
    assert set(error.value.message_dict) == {"new_section", "max_points"}
    with pytest.raises(ValidationError) as error:
        services.criterion_add(
            actor=None, criteria_set=draft, section=section(ward_draft, 1), code="14", title="X", max_points=Decimal(1)
        )
    assert error.value.message_dict == {"section": ["Choose a section of this version."]}
    assert draft.criteria.count() == 13


def test_move_a_criterion_within_and_across_sections(draft):
    fourth = draft.criteria.get(code="6")
    services.criterion_update(actor=None, criterion=fourth, title=fourth.title, max_points=fourth.max_points, order=1)
    assert codes(draft)[3:6] == ["6", "4", "5"]
    # into the first section, second place
    services.criterion_update(
        actor=None, criterion=fourth, title=fourth.title, max_points=fourth.max_points, section=section(draft, 1), order=2
    )
    assert codes(draft)[:6] == ["1", "6", "2", "3", "4", "5"]
    # without an order it keeps its place
    services.criterion_update(actor=None, criterion=fourth, title="Thông báo", max_points=Decimal(5))
    assert codes(draft)[:3] == ["1", "6", "2"]
    # a section emptied by a move goes
    last = section(draft, 4)
    for code in ("12", "13"):
        criterion = draft.criteria.get(code=code)
        services.criterion_update(
            actor=None, criterion=criterion, title=criterion.title, max_points=criterion.max_points,
            section=section(draft, 3),
        )
    assert not CriteriaSection.objects.filter(pk=last.pk).exists() and draft.sections.count() == 3
    assert codes(draft)[-2:] == ["12", "13"] and total(draft) == 100


def test_rename_a_section(cast, draft):
    first = section(draft, 1)
    services.criteria_section_update(actor=cast.clerk, section=first, title="I. Duy trì sinh hoạt")
    first.refresh_from_db()
    assert first.title == "I. Duy trì sinh hoạt" and section(v2(), 1).title.startswith("I. Duy trì sinh hoạt và")
    with pytest.raises(ValidationError) as error:
        services.criteria_section_update(actor=None, section=first, title="  ")
    assert list(error.value.message_dict) == ["title"]


def test_the_criteria_cannot_total_less_than_a_grade_starts_at(draft):
    # 100 points, Tốt from 90: removing a 10-point criterion leaves 90, a second one 80
    services.criterion_remove(actor=None, criterion=draft.criteria.get(code="12"))
    with pytest.raises(ValidationError) as error:
        services.criterion_remove(actor=None, criterion=draft.criteria.get(code="13"))
    assert error.value.messages == [
        "The criteria would total 80 points, less than the 90 points at which grade Tốt starts. Lower the grades first."
    ]
    criterion = draft.criteria.get(code="9")
    with pytest.raises(ValidationError) as error:
        services.criterion_update(actor=None, criterion=criterion, title=criterion.title, max_points=Decimal(5))
    assert list(error.value.message_dict) == ["max_points"]
    assert total(draft) == 90


def test_set_the_grades(cast, draft):
    services.criteria_thresholds_update(actor=cast.clerk, criteria_set=draft, thresholds=[
        {"code": "xuat-sac-typo", "name": "Xuất sắc", "min_points": "95", "requires_full_marks": True},
        {"code": "tot", "name": "Tốt", "min_points": Decimal(85), "requires_full_marks": True},
        {"code": "kha", "name": "Khá", "min_points": "67,5"},
        {"code": "kem", "name": "Chưa đạt", "min_points": 0},
    ])
    assert grades(draft) == [
        ("xuat-sac", "Xuất sắc", Decimal(95), 1),
        ("tot", "Tốt", Decimal(85), 2),
        ("kha", "Khá", Decimal("67.5"), 3),
        ("kem", "Chưa đạt", Decimal(0), 4),  # a kept grade keeps its code
    ]
    assert grades(v2())[0] == ("tot", "Tốt", Decimal(90), 1)
    entry = AuditEntry.objects.get(action="criteria_set.thresholds")
    assert [g["code"] for g in entry.before["grades"]] == ["tot", "kha", "trung-binh", "kem"]
    assert entry.after["total"] == "100"


@pytest.mark.parametrize(("rows", "expected"), [
    (  # Khá above Tốt
        [("tot", "Tốt", "90"), ("kha", "Khá", "95"), ("kem", "Kém", "0")],
        {"thresholds.1.min_points": ["Must be lower than the 90 points grade Tốt starts at."]},
    ),
    (  # equal is not strictly lower
        [("tot", "Tốt", "90"), ("kha", "Khá", "90"), ("kem", "Kém", "0")],
        {"thresholds.1.min_points": ["Must be lower than the 90 points grade Tốt starts at."]},
    ),
    (  # above the criteria's total
        [("tot", "Tốt", "101"), ("kem", "Kém", "0")],
        {"thresholds.0.min_points": ["A grade cannot start above the criteria's total of 100 points."]},
    ),
    (  # the lowest grade must catch every total
        [("tot", "Tốt", "90"), ("kha", "Khá", "50")],
        {"thresholds.1.min_points": ["The lowest grade starts at 0 points, so that every total gets a grade."]},
    ),
    (  # names, numbers
        [("tot", "", "90"), ("kha", "Khá", "x"), ("", "khá", "-1"), ("kem", "Kém", "0.25")],
        {
            "thresholds.0.name": ["Enter the grade's name."],
            "thresholds.1.min_points": ["Enter a number."],
            "thresholds.2.name": ["Another grade is already called khá."],
            "thresholds.2.min_points": ["The points cannot be negative."],
            "thresholds.3.min_points": ["Enter the points with at most one decimal."],
        },
    ),
    ([], {"thresholds": ["Keep at least one grade."]}),
])
def test_bad_grades_give_field_errors(draft, rows, expected):
    before = grades(draft)
    with pytest.raises(ValidationError) as error:
        services.criteria_thresholds_update(actor=None, criteria_set=draft, thresholds=[
            {"code": code, "name": name, "min_points": points} for code, name, points in rows
        ])
    assert error.value.message_dict == expected
    assert grades(draft) == before


def test_a_scored_version_is_locked(cast, held):
    score = services.meeting_score(actor=None, meeting=held, rater="self", points=full_points(held))
    v1 = score.criteria_set
    assert v1.version == 1 and services.criteria_set_lock_reason(v1) == LOCKED
    assert services.criteria_set_lock_reason(v2()) == ""  # in force since 2025, but never scored
    criterion = v1.criteria.get(code="1")
    attempts = [
        lambda: services.criterion_add(
            actor=None, criteria_set=v1, section=criterion.section, code="14", title="X", max_points=Decimal(1)
        ),
        lambda: services.criterion_remove(actor=None, criterion=criterion),
        lambda: services.criterion_update(actor=None, criterion=criterion, title="X", max_points=Decimal(10)),
        lambda: services.criteria_section_update(actor=None, section=criterion.section, title="X"),
        lambda: services.criteria_thresholds_update(actor=None, criteria_set=v1, thresholds=[
            {"code": "kem", "name": "Kém", "min_points": 0},
        ]),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert error.value.messages == [LOCKED]
    assert v1.criteria.count() == 13 and v1.thresholds.count() == 4 and total(v1) == 100
    assert not AuditEntry.objects.filter(action__startswith="criterion.").exists()


def test_a_score_keeps_its_points_and_grade_when_the_next_version_changes(cast, held, leader):
    score = services.meeting_score(actor=None, meeting=held, rater="self", points=full_points(held, {"9": 6}))
    assert (score.total, score.grade, score.criteria_set.version) == (Decimal(96), "kha", 1)
    following = CriteriaSet.objects.get(code="khung-100", version=2)
    services.criterion_remove(actor=None, criterion=following.criteria.get(code="2"))
    services.criteria_thresholds_update(actor=None, criteria_set=following, thresholds=[
        {"code": "tot", "name": "Tốt", "min_points": 80},
        {"code": "kem", "name": "Kém", "min_points": 0},
    ])
    score.refresh_from_db()
    held.refresh_from_db()
    assert (score.total, score.grade, score.grade_name) == (Decimal(96), "kha", "Khá")
    assert (held.score, held.grade, held.criteria_set.version) == (Decimal(96), "kha", 1)
    assert score.items.count() == 13
    # a second rater of the same meeting scores with the same version
    leaders = services.meeting_score(actor=leader, meeting=held, rater="leader", points=full_points(held))
    assert leaders.criteria_set.version == 1 and leaders.grade == "tot"
    table = selectors.score_table(meeting=held)
    assert table.criteria_set.version == 1 and sum(len(rows) for _title, rows in table.sections) == 13


def test_new_scores_use_the_version_in_force_on_the_meeting_date(cast, members, draft):
    """A meeting scheduled before version 3 existed is scored with it when it falls in its time."""
    meeting = services.meeting_create(actor=None, unit=cast.cell1, kind=MeetingKind.REGULAR, date=dt.date(2026, 2, 2))
    assert meeting.criteria_set == draft  # the draft is already in force on that date
    early = services.meeting_create(actor=None, unit=cast.cell1, kind=MeetingKind.REGULAR, date=dt.date(2025, 12, 1))
    assert early.criteria_set == v2()
    # scheduled with version 2, then moved into version 3's time
    services.meeting_update(actor=None, meeting=early, title="", date=dt.date(2026, 3, 2))
    services.criterion_add(
        actor=None, criteria_set=draft, section=section(draft, 3), code="14", title="Sinh hoạt dưới cờ", max_points=Decimal(5)
    )
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        services.meeting_record(actor=None, meeting=early, duration_minutes=95)
        early.refresh_from_db()
        criteria_set, sections, _current = selectors.score_form_criteria(meeting=early, rater="self")
        assert criteria_set == draft and sum(s.criteria.count() for s in sections) == 14
        points = {c.code: c.max_points for c in draft.criteria.all()}
        score = services.meeting_score(actor=None, meeting=early, rater="self", points=points)
    assert score.criteria_set == draft and score.total == 105 and score.grade == "tot"
    early.refresh_from_db()
    assert early.criteria_set == draft
    assert services.criteria_set_lock_reason(draft) == LOCKED


def test_a_wards_own_version_leaves_the_default_to_the_other_wards(cast, ward_draft):
    default = v2()
    assert default.effective_to is None
    day = dt.date(2026, 2, 1)
    assert services.criteria_set_for(day, cast.cell1) == ward_draft
    assert services.criteria_set_for(day, cast.cell_dl) == default
    # the default's own next version ends it, and leaves the ward's alone
    services.criteria_set_new_version(actor=None, base=default, effective_from=dt.date(2026, 6, 1), source_document="X")
    default.refresh_from_db()
    ward_draft.refresh_from_db()
    assert default.effective_to == dt.date(2026, 5, 31) and ward_draft.effective_to is None


# --- pages -------------------------------------------------------------------------------


def test_editing_pages_by_role(cast, login, draft, ward_draft):
    for criteria_set, editors, readers, strangers in (
        (draft, ["clerk"], ["ward_secretary", "cell_secretary", "member", "outsider"], []),
        (ward_draft, ["clerk", "ward_secretary"], [], ["outsider", "cell_secretary", "member"]),
    ):
        criterion = criteria_set.criteria.get(code="5")
        urls = [
            reverse("meetings:criterion_add", args=[criteria_set.pk]),
            reverse("meetings:criteria_thresholds", args=[criteria_set.pk]),
            reverse("meetings:criterion_edit", args=[criterion.pk]),
            reverse("meetings:criterion_remove", args=[criterion.pk]),
            reverse("meetings:section_edit", args=[criterion.section_id]),
        ]
        detail = reverse("meetings:criteria_detail", args=[criteria_set.pk])
        for name in editors:
            client = login(getattr(cast, name))
            assert [status(client, u) for u in urls] == [200] * 5, name
            assert client.get(detail).context["editable"] is True
        for name in readers:
            client = login(getattr(cast, name))
            assert [status(client, u) for u in urls] == [403] * 5, name
            assert [status(client, u, "post") for u in urls] == [403] * 5, name
            response = client.get(detail)
            assert response.status_code == 200 and response.context["editable"] is False
            assert reverse("meetings:criterion_add", args=[criteria_set.pk]) not in response.content.decode()
        for name in strangers:
            client = login(getattr(cast, name))
            assert [status(client, u) for u in [detail, *urls]] == [404] * 6, name
            assert [status(client, u, "post") for u in urls] == [404] * 5, name
        assert criteria_set.criteria.filter(pk=criterion.pk).exists()
    client = login(cast.clerk)
    for name in ("criterion_add", "criteria_thresholds", "criterion_edit", "criterion_remove", "section_edit"):
        assert status(client, reverse(f"meetings:{name}", args=[999999])) == 404
    # the versions listed on the default's page: a ward's own one only to whoever may see it
    default_page = reverse("meetings:criteria_detail", args=[draft.pk])
    assert ward_draft in login(cast.ward_secretary).get(default_page).context["versions"]
    assert ward_draft not in login(cast.outsider).get(default_page).context["versions"]


def test_add_a_criterion_on_the_page_and_see_the_new_total(cast, login, draft):
    client = login(cast.clerk)
    detail = reverse("meetings:criteria_detail", args=[draft.pk])
    assert "13 criteria, 100 points in all" in client.get(detail).content.decode()
    url = reverse("meetings:criterion_add", args=[draft.pk])
    response = client.post(url, {
        "section": section(draft, 2).pk, "order": "2", "code": "14", "title": "Tài liệu gửi trước 1 ngày",
        "max_points": "2.5",
    })
    added = draft.criteria.get(code="14")
    assert response.status_code == 302 and response["Location"] == f"{detail}#criterion-{added.pk}"
    body = client.get(detail).content.decode()
    assert "14 criteria, 102,5 points in all" in body and "Tài liệu gửi trước 1 ngày" in body
    assert codes(draft)[3:6] == ["4", "14", "5"]
    # a taken code and a missing section land on their fields
    response = client.post(url, {"code": "14", "title": "Lại", "max_points": "1"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["code"] == ["Criterion 14 already exists in this version."]
    assert errors["section"] == ["Choose a section or name a new one."]
    assert draft.criteria.count() == 14


def test_edit_move_and_remove_on_the_pages(cast, login, draft):
    client = login(cast.clerk)
    criterion = draft.criteria.get(code="13")
    url = reverse("meetings:criterion_edit", args=[criterion.pk])
    form = client.get(url).context["form"]
    assert form.initial["section"] == criterion.section_id and form.initial["order"] == 2
    response = client.post(url, {
        "section": "", "new_section": "V. Kết quả", "code": "13", "title": criterion.title, "max_points": "10",
    })
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.section.title == "V. Kết quả" and draft.sections.count() == 5
    remove = reverse("meetings:criterion_remove", args=[criterion.pk])
    assert "13. " in client.get(remove).content.decode()
    assert status(client, remove, "post") == 302
    assert not Criterion.objects.filter(pk=criterion.pk).exists() and draft.sections.count() == 4
    body = client.get(reverse("meetings:criteria_detail", args=[draft.pk])).content.decode()
    assert "12 criteria, 90 points in all" in body
    # below the grades: refused on the page, nothing removed
    response = client.post(reverse("meetings:criterion_remove", args=[draft.criteria.get(code="12").pk]))
    assert response.status_code == 200 and "Lower the grades first." in response.content.decode()
    assert draft.criteria.count() == 12
    section_url = reverse("meetings:section_edit", args=[section(draft, 1).pk])
    assert status(client, section_url, "post", {"title": "I. Duy trì sinh hoạt"}) == 302
    assert section(draft, 1).title == "I. Duy trì sinh hoạt"


def test_grades_on_the_page(cast, login, draft):
    client = login(cast.clerk)
    url = reverse("meetings:criteria_thresholds", args=[draft.pk])
    form = client.get(url).context["form"]
    assert form.initial == {} and form["t0_name"].initial == "Tốt" and form["t3_min_points"].initial == 0
    data = {
        "t0_code": "tot", "t0_name": "Tốt", "t0_min_points": "90", "t0_requires_full_marks": "on",
        "t1_code": "kha", "t1_name": "Khá", "t1_min_points": "95",
        "t2_code": "trung-binh", "t2_name": "Trung bình", "t2_min_points": "50",
        "t3_code": "kem", "t3_name": "Kém", "t3_min_points": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "t1_min_points": ["Must be lower than the 90 points grade Tốt starts at."],
    }
    assert "Please correct the errors below" in response.content.decode()
    # fix Khá, drop Trung bình, add Xuất sắc in the empty row: it goes first by its points
    data |= {"t1_min_points": "70", "t2_remove": "on", "t4_name": "Xuất sắc", "t4_min_points": "98"}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith("#grades")
    assert grades(draft) == [
        ("xuat-sac", "Xuất sắc", Decimal(98), 1),
        ("tot", "Tốt", Decimal(90), 2),
        ("kha", "Khá", Decimal(70), 3),
        ("kem", "Kém", Decimal(0), 4),
    ]
    assert GradeThreshold.objects.get(criteria_set=draft, code="tot").requires_full_marks
    # a new grade's error lands on the empty row it was typed in
    response = client.post(url, {
        "t0_code": "xuat-sac", "t0_name": "Xuất sắc", "t0_min_points": "98",
        "t1_code": "tot", "t1_name": "Tốt", "t1_min_points": "90",
        "t2_code": "kha", "t2_name": "Khá", "t2_min_points": "70",
        "t3_code": "kem", "t3_name": "Kém", "t3_min_points": "0",
        "t4_name": "Giỏi", "t4_min_points": "120",
    })
    assert response.context["form"].errors == {
        "t4_min_points": ["A grade cannot start above the criteria's total of 100 points."],
    }


def test_a_locked_version_is_read_only_with_the_reason(cast, login, held):
    score = services.meeting_score(actor=None, meeting=held, rater="self", points=full_points(held))
    v1 = score.criteria_set
    client = login(cast.clerk)
    detail = reverse("meetings:criteria_detail", args=[v1.pk])
    response = client.get(detail)
    body = response.content.decode()
    assert response.context["editable"] is False and response.context["can_edit"] is True
    assert LOCKED in body and "Locked" in body
    assert reverse("meetings:criterion_add", args=[v1.pk]) not in body
    assert reverse("meetings:criteria_new_version", args=[v1.pk]) in body
    add = reverse("meetings:criterion_add", args=[v1.pk])
    response = client.get(add)
    assert response.status_code == 302 and response["Location"] == detail
    assert LOCKED in client.get(detail).content.decode()
    response = client.post(add, {"section": section(v1, 1).pk, "code": "14", "title": "X", "max_points": "1"})
    assert response.status_code == 200 and LOCKED in response.content.decode()
    thresholds = reverse("meetings:criteria_thresholds", args=[v1.pk])
    assert status(client, thresholds) == 302
    response = client.post(thresholds, {"t0_code": "tot", "t0_name": "Tốt", "t0_min_points": "0"})
    assert response.status_code == 200 and LOCKED in str(response.context["form"].non_field_errors())
    assert v1.criteria.count() == 13 and v1.thresholds.count() == 4
    # still readable by whoever may see it, and the outsider may not change it either
    assert status(login(cast.member), detail) == 200
    assert status(login(cast.outsider), add, "post") == 403


def test_criteria_list_shows_totals_and_status_in_a_fixed_number_of_queries(cast, login, held, django_assert_num_queries):
    services.meeting_score(actor=None, meeting=held, rater="self", points=full_points(held))
    client = login(cast.clerk)
    url = reverse("meetings:criteria_list")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    rows = {s.version: (s.total, s.locked) for s in response.context["sets"]}
    assert rows == {1: (Decimal(100), True), 2: (Decimal(100), False)}
    base = v2()
    for year in range(2026, 2034):
        base = services.criteria_set_new_version(
            actor=None, base=base, effective_from=dt.date(year, 1, 1), source_document=f"Hướng dẫn {year}"
        )
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
    assert MeetingScore.objects.count() == 1
