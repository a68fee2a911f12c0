"""``GET /api/v1/cadres`` and ``GET /api/v1/cadres/{id}`` within the one policy."""

import datetime as dt

import pytest

from dangbo.core.models import ApiToken
from dangbo.people.cadres import services

pytestmark = pytest.mark.django_db


def _get(user, url):
    from django.test import Client

    token = ApiToken.issue(user=user, name="t")[1]
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_list_and_a_record_for_the_ward(cast, profile, plan, cadre):
    services.training_add(actor=None, profile=profile, name="Cao cấp LLCT", kind="theory", start=dt.date(2022, 1, 1))
    services.candidate_add(actor=None, plan=plan, person=cadre, title="Bí thư")
    body = _get(cast.ward_secretary, "/api/v1/cadres").json()
    assert body["count"] == 1 and body["items"][0]["full_name"] == "Lê Thị Thu"
    detail = _get(cast.ward_secretary, f"/api/v1/cadres/{profile.pk}").json()
    assert detail["theory"] == 2 and detail["positions"][0]["title"] == "Phó Bí thư Đảng ủy"
    assert detail["trainings"][0]["kind"] == "theory"
    assert detail["planned"] == [{"plan_id": plan.pk, "term": "2025-2030", "title": "Bí thư", "all_met": True}]


def test_the_outsider_sees_nothing_and_gets_404_in_the_one_error_shape(cast, profile):
    assert _get(cast.outsider, "/api/v1/cadres").json()["count"] == 0
    response = _get(cast.outsider, f"/api/v1/cadres/{profile.pk}")
    assert response.status_code == 404 and set(response.json()) == {"error", "fields"}
    assert _get(cast.outsider, f"/api/v1/cadres?unit={cast.ward1.pk}").status_code == 404


def test_bad_filters_answer_400_not_500(cast):
    response = _get(cast.clerk, "/api/v1/cadres?limit=0")
    assert response.status_code in (400, 422) and set(response.json()) == {"error", "fields"}
