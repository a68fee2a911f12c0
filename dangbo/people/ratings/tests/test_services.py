"""Services of the ratings: opening pre-filled from the evidence, saving with gates, quotas and
adjustments, two raters at once, the policy, campaigns and their pre-fill job."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from dangbo.core import versions
from dangbo.core.versions import StaleEdit
from dangbo.orgs.models import Person
from dangbo.people.ratings import services
from dangbo.people.ratings.models import Rating, RatingCampaign

from .factories import meeting, task

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def member(cast) -> Person:
    return Person.objects.get(user=cast.member)


def test_opening_prefills_the_task_part_from_tasks_and_roll_calls(cast, member):
    for n in range(4):
        task(cast, responsible=member, done_on=dt.date(2025, 3, 1) if n < 3 else dt.date(2025, 7, 15))
    task(cast, responsible=member, start=dt.date(2024, 1, 1), deadline=dt.date(2024, 6, 30),
         done_on=dt.date(2024, 6, 1))  # another year
    meeting(cast, day=dt.date(2025, 2, 3), present=[member])
    meeting(cast, day=dt.date(2025, 3, 3), present=[], absent=[member])
    rating = services.rating_open(actor=cast.member, person=member, year=2025, level="self")
    assert rating.rule.code == "366-QD-TW" and rating.unit == cast.cell1 and rating.rater_unit == cast.cell1
    figures = rating.prefilled
    assert (figures["tasks_done"]["value"], figures["tasks_done"]["of"]) == (4, 4)
    assert (figures["tasks_on_time"]["value"], figures["tasks_exceeded"]["value"]) == (3, 3)
    assert (figures["attendance"]["value"], figures["attendance"]["of"]) == (1, 2)
    assert figures["tasks_done"]["url"].startswith("/") and figures["attendance"]["url"]
    # 25·1 + 20·0.75 + 15·0.5 = 47.5 of the 60 points with evidence, scaled to 70.
    assert rating.task_points == Decimal("55.4")
    again = services.rating_open(actor=cast.member, person=member, year=2025, level="self")
    assert again.pk == rating.pk and Rating.objects.count() == 1
    old = services.rating_open(actor=None, person=member, year=2023, level="cell")
    assert old.rule.code == "124-QD-TW" and old.task_points is None


def test_the_rater_unit_follows_the_level(cast, member):
    assert services.rating_open(actor=None, person=member, year=2025, level="ward").rater_unit == cast.ward1
    assert services.rating_open(actor=None, unit=cast.cell1, year=2025, level="ward").rater_unit == cast.ward1
    assert services.rating_open(actor=None, unit=cast.cell1, year=2025, level="city").rater_unit == cast.city
    with pytest.raises(ValidationError):
        services.rating_open(actor=None, unit=cast.ward1, year=2025, level="cell")
    with pytest.raises(ValidationError):
        services.rating_open(actor=None, person=member, year=2025, level="city")  # no such level for a member


def test_a_disciplined_member_cannot_be_excellent(cast, member):
    for _n in range(3):
        task(cast, responsible=member, done_on=dt.date(2025, 2, 1))
    services.discipline_record(actor=cast.cell_secretary, person=member, date=dt.date(2025, 5, 2),
                               form="khien_trach", decision="05-QĐ/ĐU", source="Đảng ủy Phường 1")
    rating = services.rating_open(actor=cast.cell_secretary, person=member, year=2025, level="cell")
    with pytest.raises(ValidationError) as refused:
        services.rating_save(actor=cast.cell_secretary, rating=rating, general_points=Decimal("28"),
                             grade="xuat_sac")
    assert refused.value.message_dict["grade"] == ["Xuất sắc impossible: bị kỷ luật năm 2025"]
    rating.refresh_from_db()
    assert rating.grade == "" and rating.general_points is None  # nothing half-saved
    saved = services.rating_save(actor=cast.cell_secretary, rating=rating, general_points=Decimal("28"), grade="tot")
    assert saved.points == Decimal("98.0") and saved.grade == "tot"


def test_a_figure_is_adjusted_only_with_a_reason(cast, member):
    task(cast, responsible=member, done_on=dt.date(2025, 6, 29))
    rating = services.rating_open(actor=cast.cell_secretary, person=member, year=2025, level="cell")
    assert rating.prefilled["tasks_exceeded"]["value"] == 0  # done the day before its deadline
    with pytest.raises(ValidationError) as refused:
        services.rating_save(actor=cast.cell_secretary, rating=rating,
                             adjustments={"tasks_exceeded": {"value": 1, "reason": " "}})
    assert "adjusted" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.rating_save(actor=cast.cell_secretary, rating=rating,
                             adjustments={"tasks_exceeded": {"value": 5, "reason": "more than there are"}})
    saved = services.rating_save(
        actor=cast.cell_secretary, rating=rating, general_points=Decimal("27"), grade="xuat_sac",
        adjustments={"tasks_exceeded": {"value": 1, "reason": "Vượt chỉ tiêu vận động quỹ"}},
    )
    assert saved.figures()["tasks_exceeded"]["value"] == 1 and saved.figures()["tasks_exceeded"]["adjusted"]
    assert saved.prefilled["tasks_exceeded"]["value"] == 0  # what was counted stays


def test_two_raters_saving_at_once_lose_nothing(cast, member):
    cell = services.rating_open(actor=cast.cell_secretary, person=member, year=2025, level="cell")
    ward = services.rating_open(actor=cast.ward_secretary, person=member, year=2025, level="ward")
    read = versions.token(cell, services.EDIT_FIELDS)
    services.rating_save(actor=cast.cell_secretary, rating=cell, general_points=Decimal("25"),
                         task_points=Decimal("50"), grade="tot", expected_version=read)
    services.rating_save(actor=cast.ward_secretary, rating=ward, general_points=Decimal("20"),
                         task_points=Decimal("40"), grade="hoan_thanh",
                         expected_version=versions.token(ward, services.EDIT_FIELDS))
    # The ward secretary had the cell's row open at the same version: refused, not overwritten.
    with pytest.raises(StaleEdit):
        services.rating_save(actor=cast.ward_secretary, rating=cell, general_points=Decimal("10"),
                             task_points=Decimal("10"), grade="khong_hoan_thanh", expected_version=read)
    cell.refresh_from_db()
    ward.refresh_from_db()
    assert (cell.grade, cell.points, ward.grade, ward.points) == ("tot", Decimal("75.0"), "hoan_thanh", Decimal("60.0"))


def test_who_may_rate(cast, member):
    self_rating = services.rating_open(actor=cast.member, person=member, year=2025, level="self")
    services.rating_save(actor=cast.member, rating=self_rating, general_points=Decimal("25"),
                         task_points=Decimal("50"), grade="tot")
    cell = services.rating_open(actor=cast.cell_secretary, person=member, year=2025, level="cell")
    with pytest.raises(PermissionDenied):
        services.rating_save(actor=cast.member, rating=cell, grade="")
    ward = services.rating_open(actor=None, person=member, year=2025, level="ward")
    with pytest.raises(PermissionDenied):
        services.rating_save(actor=cast.cell_secretary, rating=ward, grade="")
    with pytest.raises(Http404):
        services.rating_save(actor=cast.outsider, rating=cell, grade="")
    with pytest.raises(Http404):
        services.rating_open(actor=cast.outsider, person=member, year=2025, level="ward")
    with pytest.raises(Http404):
        services.discipline_record(actor=cast.outsider, person=member, date=dt.date(2025, 1, 2),
                                   form="canh_cao", decision="1-QĐ")


def test_a_quota_is_checked(cast, member):
    others = []
    for n in range(2):
        p = Person.objects.create(full_name=f"Đảng viên {n}", gender="m")
        from dangbo.orgs import services as orgs

        orgs.membership_create(actor=None, person=p, unit=cast.cell1, start=dt.date(2020, 1, 1))
        others.append(p)
    for p in [member, *others]:
        for _n in range(2):
            task(cast, responsible=p, done_on=dt.date(2025, 2, 1))
    ratings = [services.rating_open(actor=None, person=p, year=2025, level="cell") for p in [member, *others]]
    services.rating_save(actor=None, rating=ratings[0], general_points=Decimal("29"), grade="xuat_sac")
    assert services.quota_problems(Rating.objects.get(pk=ratings[0].pk))  # 1 Xuất sắc for 0 Tốt
    services.rating_save(actor=None, rating=ratings[1], general_points=Decimal("25"), grade="tot")
    assert services.quota_problems(Rating.objects.get(pk=ratings[0].pk))


def test_the_campaign_prefills_the_subtree_as_a_job_and_again_idempotently(cast, member, settings,
                                                                          django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    task(cast, responsible=member, done_on=dt.date(2025, 2, 1))
    campaign = services.campaign_open(actor=cast.ward_secretary, unit=cast.ward1, year=2025)
    with pytest.raises(ValidationError):
        services.campaign_open(actor=cast.ward_secretary, unit=cast.ward1, year=2025)
    with pytest.raises(Http404):  # the cell's secretary does not see the ward's campaign
        services.campaign_prefill_start(actor=cast.cell_secretary, campaign=campaign)
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_prefill_start(actor=cast.ward_secretary, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.state == RatingCampaign.State.DONE
    # The member (self, cell, ward), the cell (self, ward, city), the ward (self, city).
    people = set(Rating.objects.filter(person__isnull=False).values_list("person_id", flat=True))
    assert Rating.objects.filter(person=member).count() == 3
    assert Rating.objects.filter(subject_unit=cast.cell1).count() == 3
    assert Rating.objects.filter(subject_unit=cast.ward1).count() == 2
    assert campaign.done == campaign.total == len(people) + 2
    count = Rating.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_prefill_start(actor=cast.ward_secretary, campaign=campaign)
    assert Rating.objects.count() == count
    assert not Rating.objects.filter(unit=cast.cell_dl).exists()


def test_two_years_not_completed_is_flagged(cast, member):
    for year in (2024, 2025):
        r = services.rating_open(actor=None, person=member, year=year, level="cell")
        points = {"general_points": Decimal("10"), "task_points": Decimal("10")} if year == 2025 else {}
        services.rating_save(actor=None, rating=r, grade="khong_hoan_thanh", **points)
    assert services.previous_final(Rating.objects.get(year=2025)) == "khong_hoan_thanh"


def test_commitments_evaluated_at_the_top_grade_are_evidence(cast):
    from dangbo.core import evidence
    from dangbo.plans import services as plans
    from dangbo.plans.models import EvaluationScale

    scale = EvaluationScale.objects.get(code="cam-ket-quang-tri")
    top, *rest = scale.grades.order_by("-rank")
    head = Person.objects.get(user=cast.cell_secretary)
    for n, (upper, lower, grade) in enumerate([(cast.ward1, cast.cell1, top), (cast.city, cast.ward1, rest[-1])]):
        commitment = plans.commitment_create(
            actor=None, year=2025, upper_unit=upper, lower_unit=lower, title=f"Cam kết {n}",
            items=[{"title": "Mục", "weight": 50}, {"title": "Mục hai", "weight": 50}], lower_signer=head, scale=scale,
        )
        plans.commitment_evaluate(actor=None, commitment=commitment, grades={}, grade=grade, conclusion="")
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    unit = evidence.collect("unit", [cast.cell1.pk, cast.ward1.pk], start, end)
    assert (unit[cast.cell1.pk]["commitments"].value, unit[cast.cell1.pk]["commitments"].of) == (1, 1)
    assert (unit[cast.ward1.pk]["commitments"].value, unit[cast.ward1.pk]["commitments"].of) == (0, 1)
    assert evidence.collect("unit", [cast.cell_dl.pk], start, end) == {cast.cell_dl.pk: {}}
    person = evidence.collect("person", [head.pk], start, end)[head.pk]["commitments"]
    assert (person.value, person.of) == (1, 2) and "year=2025" in person.url
