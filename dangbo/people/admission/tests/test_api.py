"""``GET /api/v1/candidates`` and ``GET /api/v1/candidates/{id}``."""

import datetime as dt

import pytest

from dangbo.core import workdays
from dangbo.people.admission.models import Stage

from .conftest import advance, make_candidate

pytestmark = pytest.mark.django_db


def test_list_filters_unit_with_descendants_stage_and_late(cast, login):
    late = advance(make_candidate(cast.cell1, name="Lê Trễ Hạn"), Stage.DECISION)
    make_candidate(cast.cell1, name="Phan Mới Vào")
    make_candidate(cast.cell_dl, name="Võ Đông Lương")
    client = login(cast.clerk)
    data = client.get("/api/v1/candidates", {"unit": cast.ward1.pk}).json()
    assert data["count"] == 2
    first = data["items"][0]
    assert (first["id"], first["stage"], first["late"]) == (late.pk, "decision", True)
    assert first["due_date"] == workdays.add(dt.date(2025, 3, 3), 60).isoformat()
    assert {i["full_name"] for i in data["items"]} == {"Lê Trễ Hạn", "Phan Mới Vào"}
    only_late = client.get("/api/v1/candidates", {"late": "true"}).json()
    assert [i["id"] for i in only_late["items"]] == [late.pk]
    awareness = client.get("/api/v1/candidates", {"stage": "awareness"}).json()
    assert awareness["count"] == 2 and all(i["due_date"] is None for i in awareness["items"])


def test_detail_and_the_outsider(cast, login):
    c = advance(make_candidate(cast.cell1), Stage.PROBATION)
    body = login(cast.ward_secretary).get(f"/api/v1/candidates/{c.pk}").json()
    assert body["stage"] == "probation" and body["probation_end"] == "2026-05-19"
    assert body["due_date"] == workdays.add(dt.date(2026, 5, 19), 30).isoformat()
    outsider = login(cast.outsider)
    response = outsider.get(f"/api/v1/candidates/{c.pk}")
    assert response.status_code == 404 and "error" in response.json()
    assert outsider.get("/api/v1/candidates").json()["count"] == 0
    assert outsider.get("/api/v1/candidates", {"unit": cast.ward1.pk}).status_code == 404


def test_bad_filters_are_a_400_in_the_one_shape(cast, login):
    response = login(cast.clerk).get("/api/v1/candidates", {"stage": "nonsense"})
    assert response.status_code in (400, 422)
    assert "stage" in response.json()["fields"]
