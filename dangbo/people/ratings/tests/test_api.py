"""``GET /api/v1/ratings`` and ``POST /api/v1/ratings``: filters, keys, one error shape, 409."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dangbo.core.models import ApiToken
from dangbo.orgs.models import Person
from dangbo.people.ratings import services

from .factories import task

pytestmark = pytest.mark.django_db


def api(client, user, method="get", url="/api/v1/ratings", body=None, **headers):
    token = ApiToken.issue(user=user, name="t")[1]
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}", **headers}
    if body is not None:
        return getattr(client, method)(url, json.dumps(body), content_type="application/json", **kwargs)
    return getattr(client, method)(url, **kwargs)


@pytest.fixture
def member(cast) -> Person:
    return Person.objects.get(user=cast.member)


def test_list_filters_and_names_the_rule_version(cast, member, client):
    task(cast, responsible=member, done_on=dt.date(2025, 2, 1))
    services.rating_open(actor=None, person=member, year=2025, level="cell")
    services.rating_open(actor=None, person=member, year=2023, level="self")
    services.rating_open(actor=None, unit=cast.cell1, year=2025, level="ward")
    body = api(client, cast.ward_secretary, url="/api/v1/ratings?period=2025&level=cell").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["rule_version"]["source"].startswith("Quy định 366-QĐ/TW")
    assert item["prefilled"]["tasks_done"] == {"label": item["prefilled"]["tasks_done"]["label"], "value": 1, "of": 1,
                                               "url": item["prefilled"]["tasks_done"]["url"]}
    assert {"points", "grade", "prefilled", "period", "level", "version"} <= set(item)
    old = api(client, cast.ward_secretary, url="/api/v1/ratings?period=2023").json()["items"]
    assert [r["rule_version"]["code"] for r in old] == ["124-QD-TW"]
    assert api(client, cast.ward_secretary, url=f"/api/v1/ratings?unit={cast.cell1.pk}").json()["count"] == 3
    assert api(client, cast.outsider).json()["count"] == 0
    assert api(client, cast.outsider, url=f"/api/v1/ratings?unit={cast.cell1.pk}").status_code == 404
    assert api(client, cast.member).json()["count"] == 3  # their cell's, as a member of it


def test_post_saves_and_refuses_in_one_shape(cast, member, client):
    for _n in range(3):
        task(cast, responsible=member, done_on=dt.date(2025, 2, 1))
    services.discipline_record(actor=None, person=member, date=dt.date(2025, 3, 1), form="khien_trach", decision="1")
    base = {"person_id": member.pk, "period": 2025, "level": "cell"}
    refused = api(client, cast.cell_secretary, "post", body=base | {"general_points": "29", "grade": "xuat_sac"})
    assert refused.status_code == 400
    assert set(refused.json()) == {"error", "fields"}
    assert "bị kỷ luật năm 2025" in refused.json()["fields"]["grade"][0]
    ok = api(client, cast.cell_secretary, "post", body=base | {
        "general_points": "27", "grade": "tot",
        "adjustments": {"attendance": {"value": 10, "of": 12, "reason": "Sổ điểm danh giấy"}},
    })
    assert ok.status_code == 200, ok.content
    saved = ok.json()
    assert saved["grade"] == "tot" and saved["adjusted"]["attendance"]["reason"] == "Sổ điểm danh giấy"
    stale = api(client, cast.cell_secretary, "post", body=base | {"grade": "hoan_thanh", "general_points": "20"},
                HTTP_IF_MATCH='"0000000000"')
    assert stale.status_code == 409 and set(stale.json()) == {"error", "fields"}
    again = api(client, cast.cell_secretary, "post", body=base | {"grade": "hoan_thanh", "general_points": "20"},
                HTTP_IF_MATCH=f'"{saved["version"]}"')
    assert again.status_code == 200 and again.json()["grade"] == "hoan_thanh"
    for bad in ({"period": 2025, "level": "cell"}, base | {"level": "boss"}, base | {"period": "năm nay"},
                base | {"general_points": "31"}, base | {"grade": "gioi"}, base | {"period": 2010},
                base | {"adjustments": {"tasks_done": {"value": 1, "reason": ""}}}, base | {"person_id": 10**9}):
        response = api(client, cast.cell_secretary, "post", body=bad)
        assert 400 <= response.status_code < 500 and set(response.json()) == {"error", "fields"}, (bad, response.content)
    assert api(client, cast.outsider, "post", body=base).status_code == 404
    assert api(client, cast.member, "post", body=base).status_code == 403
