"""The longer answer deadlines of complex cases and remote areas: versioned rules chosen by the
case's flags at the acceptance (Luật Khiếu nại 2011, Điều 28; Luật Tố cáo 2018, Điều 30)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangbo.citizens import services
from dangbo.citizens.models import Case, answer_variant
from dangbo.core.models import AuditEntry, DeadlineRule

from .conftest import make_case

pytestmark = pytest.mark.django_db
D = dt.date
ACCEPTED = D(2026, 5, 4)  # 30 calendar days later: 3/6/2026


def accept(case, **flags):
    services.case_acknowledge(actor=None, case=case, outcome="accepted", on=ACCEPTED, **flags)
    case.refresh_from_db()
    return case


@pytest.mark.parametrize(
    ("kind", "flags", "days"),
    [
        (Case.Kind.KHIEU_NAI, {}, 30),
        (Case.Kind.KHIEU_NAI, {"complexity": "complex"}, 45),
        (Case.Kind.KHIEU_NAI, {"complexity": "very_complex"}, 45),
        (Case.Kind.KHIEU_NAI, {"remote": True}, 45),
        (Case.Kind.KHIEU_NAI, {"remote": True, "complexity": "complex"}, 60),
        (Case.Kind.TO_CAO, {}, 30),
        (Case.Kind.TO_CAO, {"complexity": "complex"}, 60),
        (Case.Kind.TO_CAO, {"complexity": "very_complex"}, 90),
        (Case.Kind.TO_CAO, {"remote": True}, 30),  # the law on denunciations has no remote rule
    ],
)
def test_the_answer_deadline_by_the_cases_flags(cast, kind, flags, days):
    case = accept(make_case(cast.ward1, kind=kind), **flags)
    assert case.answer_by == ACCEPTED + dt.timedelta(days=days)
    assert (case.complexity, case.remote) == (flags.get("complexity", "ordinary"), flags.get("remote", False))


def test_the_rules_are_versioned_data_with_their_source(cast):
    for code, days, law in [
        ("citizens.answer.khieu_nai.complex", 45, "Luật Khiếu nại"),
        ("citizens.answer.khieu_nai.remote", 45, "Luật Khiếu nại"),
        ("citizens.answer.khieu_nai.remote_complex", 60, "Luật Khiếu nại"),
        ("citizens.answer.to_cao.complex", 60, "Luật Tố cáo"),
        ("citizens.answer.to_cao.very_complex", 90, "Luật Tố cáo"),
    ]:
        rule = DeadlineRule.current(code, D(2026, 5, 1))
        assert (rule.days, rule.counting) == (days, "calendar") and law in rule.source
    # A new version (here: a shorter term from 2027) applies to cases received after it.
    DeadlineRule.objects.create(code="citizens.answer.khieu_nai.complex", name="x", days=40, counting="calendar",
                                source="Luật sửa đổi (thử)", effective_from=D(2027, 1, 1))
    assert DeadlineRule.current("citizens.answer.khieu_nai.complex", D(2026, 12, 31)).days == 45
    assert accept(make_case(cast.ward1, kind=Case.Kind.KHIEU_NAI), complexity="complex").answer_by == D(2026, 6, 18)


def test_a_variant_without_a_rule_falls_back_to_the_kinds_rule(cast):
    DeadlineRule.objects.filter(code="citizens.answer.khieu_nai.remote").delete()
    case = accept(make_case(cast.ward1, kind=Case.Kind.KHIEU_NAI), remote=True)
    assert case.answer_by == ACCEPTED + dt.timedelta(days=30)
    assert answer_variant("phan_anh", "very_complex", True) == ""


def test_a_bad_complexity_is_refused_and_nothing_changes(cast):
    case = make_case(cast.ward1, kind=Case.Kind.KHIEU_NAI)
    with pytest.raises(ValidationError) as error:
        services.case_acknowledge(actor=None, case=case, outcome="accepted", complexity="huge")
    assert "complexity" in error.value.message_dict
    case.refresh_from_db()
    assert case.state == "received" and case.complexity == "ordinary"


def test_the_page_and_the_api_set_the_flags_and_the_history_keeps_them(cast, login):
    case = make_case(cast.ward1, kind=Case.Kind.KHIEU_NAI)
    client = login(cast.ward_secretary)
    response = client.post(reverse("citizens:case_acknowledge", args=[case.pk]),
                           {"outcome": "accepted", "on": "04/05/2026", "complexity": "complex", "remote": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.complexity, case.remote, case.answer_by) == ("complex", True, D(2026, 7, 3))  # 60 days
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Phức tạp · Vùng sâu, vùng xa, đi lại khó khăn" in page and "03/07/2026" in page
    entry = AuditEntry.objects.filter(action="case.acknowledge").latest("id")
    assert (entry.before["complexity"], entry.after["complexity"], entry.after["remote"]) == ("ordinary", "complex", True)
    other = make_case(cast.ward1, kind=Case.Kind.TO_CAO)
    response = client.post(f"/api/v1/cases/{other.pk}/acknowledge",
                           {"outcome": "accepted", "on": "2026-05-04", "complexity": "very_complex"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["answer_by"] == "2026-08-02"
    bad = client.post(f"/api/v1/cases/{make_case(cast.ward1).pk}/acknowledge",
                      {"outcome": "accepted", "complexity": "huge"}, content_type="application/json")
    assert bad.status_code in (400, 422) and "error" in bad.json()
