"""``/api/v1/units`` and ``/api/v1/me``: what each member of the cast sees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangbo.core.models import ApiToken
from dangbo.orgs import services
from dangbo.orgs.models import Unit, UnitKind

LIST_FIELDS = {"id", "name", "kind", "parent_id", "path", "valid_from", "valid_to"}
DETAIL_FIELDS = LIST_FIELDS | {"short_name", "code", "depth", "children_count"}


@pytest.fixture
def api_get(client):
    """``api_get(user, path, **params)``: a GET with the user's bearer token, in English."""
    raws: dict[int, str] = {}

    def _get(user, path: str, **params):
        if user.pk not in raws:
            raws[user.pk] = ApiToken.issue(user=user)[1]
        headers = {"Authorization": f"Bearer {raws[user.pk]}", "Accept-Language": "en"}
        return client.get(f"/api/v1{path}", params, headers=headers)

    return _get


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error", "fields"}
    return body


# --- The list --------------------------------------------------------------------------


def test_clerk_lists_the_whole_city(api_get, cast):
    response = api_get(cast.clerk, "/units")
    body = response.json()
    assert body["count"] == 6
    assert [item["id"] for item in body["items"]] == [
        u.pk
        for u in sorted(
            [cast.city, cast.office, cast.ward1, cast.cell1, cast.ward_dl, cast.cell_dl],
            key=lambda u: u.path,
        )
    ]
    for item in body["items"]:
        assert set(item) == LIST_FIELDS


def test_list_items(api_get, cast):
    items = {i["id"]: i for i in api_get(cast.clerk, "/units").json()["items"]}
    assert items[cast.city.pk]["parent_id"] is None
    assert items[cast.ward1.pk]["parent_id"] == cast.city.pk
    cell = items[cast.cell1.pk]
    assert cell == {
        "id": cast.cell1.pk,
        "name": "Chi bộ Khu phố 1",
        "kind": "chi-bo",
        "parent_id": cast.ward1.pk,
        "path": cast.cell1.path,
        "valid_from": None,
        "valid_to": None,
    }


def test_outsider_does_not_see_the_sibling_ward(api_get, cast):
    assert ids(api_get(cast.outsider, "/units")) == {cast.ward_dl.pk, cast.cell_dl.pk}
    assert ids(api_get(cast.outsider, "/units", q="phuong 1")) == set()


def test_ward_secretary_sees_the_ward(api_get, cast):
    assert ids(api_get(cast.ward_secretary, "/units")) == {cast.ward1.pk, cast.cell1.pk}


def test_member_sees_only_the_cell(api_get, cast):
    response = api_get(cast.member, "/units")
    assert ids(response) == {cast.cell1.pk}
    assert response.json()["count"] == 1


def test_user_without_grants_sees_nothing(api_get, cast, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x" * 12)
    assert api_get(nobody, "/units").json() == {"items": [], "count": 0}


def test_search_ignores_diacritics(api_get, cast):
    assert ids(api_get(cast.clerk, "/units", q="dong luong")) == {cast.ward_dl.pk, cast.cell_dl.pk}
    assert ids(api_get(cast.clerk, "/units", q="ĐÔNG LƯƠNG")) == {cast.ward_dl.pk, cast.cell_dl.pk}
    assert ids(api_get(cast.clerk, "/units", q="t-p1-kp1")) == {cast.cell1.pk}


def test_filter_by_kind(api_get, cast):
    assert ids(api_get(cast.clerk, "/units", kind="chi-bo")) == {cast.cell1.pk, cast.cell_dl.pk}
    assert ids(api_get(cast.clerk, "/units", kind="no-such-kind")) == set()


def test_inactive_units_only_on_request(api_get, cast):
    cast.office.valid_to = timezone.localdate() - dt.timedelta(days=1)
    cast.office.save(update_fields=["valid_to"])
    assert cast.office.pk not in ids(api_get(cast.clerk, "/units"))
    assert cast.office.pk in ids(api_get(cast.clerk, "/units", include_inactive="true"))


def test_pagination(api_get, cast):
    everything = api_get(cast.clerk, "/units").json()["items"]
    page = api_get(cast.clerk, "/units", limit=2, offset=1).json()
    assert page["count"] == 6
    assert page["items"] == everything[1:3]
    assert api_get(cast.clerk, "/units", offset=100).json() == {"items": [], "count": 6}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": -1}, "limit"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"offset": -5}, "offset"),
        ({"offset": "1e3"}, "offset"),
        ({"offset": 10**30}, "offset"),
        ({"include_inactive": "perhaps"}, "include_inactive"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_malformed_list_parameters_are_422(api_get, cast, params, field):
    body = assert_error(api_get(cast.clerk, "/units", **params), 422)
    assert list(body["fields"]) == [field]
    assert body["fields"][field]


def test_odd_search_text_is_harmless(api_get, cast):
    for q in ["\x00", "%", "_", "' OR 1=1 --", "🙂", "\\"]:
        assert api_get(cast.clerk, "/units", q=q).status_code == 200


def test_list_query_count_is_fixed(api_get, cast, django_assert_num_queries):
    """Token, grants, count and one page: the same for 6 units as for 66."""
    kind = UnitKind.objects.get(code="chi-bo")
    api_get(cast.clerk, "/units")  # issue the token, write last_used_at
    with django_assert_num_queries(4):
        assert len(api_get(cast.clerk, "/units", limit=500).json()["items"]) == 6
    for n in range(60):
        services.unit_create(
            actor=None, parent=cast.ward1, kind=kind, name=f"Chi bộ số {n}", code=f"t-cb-{n}"
        )
    with django_assert_num_queries(4):
        response = api_get(cast.clerk, "/units", limit=500)
    assert len(response.json()["items"]) == 66
    assert {
        i["parent_id"] for i in response.json()["items"] if i["name"].startswith("Chi bộ số")
    } == {cast.ward1.pk}


def test_list_query_count_with_session(login, cast, django_assert_max_num_queries):
    client = login(cast.ward_secretary)
    with django_assert_max_num_queries(5):  # session, user, grants, count, page
        assert client.get("/api/v1/units").status_code == 200


# --- One unit --------------------------------------------------------------------------


def test_detail(api_get, cast):
    body = api_get(cast.clerk, f"/units/{cast.ward1.pk}").json()
    assert set(body) == DETAIL_FIELDS
    assert body["id"] == cast.ward1.pk
    assert body["kind"] == "dang-bo-xa"
    assert body["parent_id"] == cast.city.pk
    assert body["code"] == "t-phuong1"
    assert body["short_name"] == ""
    assert body["depth"] == 2
    assert body["children_count"] == 1
    root = api_get(cast.clerk, f"/units/{cast.city.pk}").json()
    assert root["parent_id"] is None
    assert root["children_count"] == 3


def test_outsider_gets_404_for_the_sibling_ward(api_get, cast):
    for unit in (cast.ward1, cast.cell1, cast.city):
        body = assert_error(api_get(cast.outsider, f"/units/{unit.pk}"), 404)
        assert body == {"error": "Not found", "fields": {}}
    assert api_get(cast.outsider, f"/units/{cast.cell_dl.pk}").status_code == 200


def test_member_sees_only_their_cell(api_get, cast):
    response = api_get(cast.member, f"/units/{cast.cell1.pk}")
    assert response.status_code == 200
    assert response.json()["parent_id"] == cast.ward1.pk
    for unit in (cast.ward1, cast.city, cast.cell_dl):
        assert_error(api_get(cast.member, f"/units/{unit.pk}"), 404)


def test_unknown_unit_is_404(api_get, cast):
    missing = Unit.objects.order_by("-pk").first().pk + 1000
    assert_error(api_get(cast.clerk, f"/units/{missing}"), 404)
    assert_error(api_get(cast.clerk, f"/units/{2**70}"), 404)


@pytest.mark.parametrize("bad_id", ["abc", "1.5", "-", "%00", "1e3"])
def test_malformed_id_is_4xx(api_get, cast, bad_id):
    response = api_get(cast.clerk, f"/units/{bad_id}")
    body = assert_error(response, response.status_code)
    assert 400 <= response.status_code < 500
    if response.status_code == 422:
        assert list(body["fields"]) == ["id"]


def test_detail_query_count(api_get, cast, django_assert_num_queries):
    api_get(cast.member, f"/units/{cast.cell1.pk}")
    with django_assert_num_queries(4):  # token, grants, unit, parent id
        api_get(cast.member, f"/units/{cast.cell1.pk}")


# --- /me -------------------------------------------------------------------------------


def test_me(api_get, cast):
    assert api_get(cast.clerk, "/me").json() == {
        "username": "clerk",
        "name": "Nguyễn Thị Vân",
        "grants": [{"unit_id": cast.city.pk, "unit_name": cast.city.name, "role": "admin"}],
    }
    assert api_get(cast.member, "/me").json()["grants"] == [
        {"unit_id": cast.cell1.pk, "unit_name": cast.cell1.name, "role": "view"}
    ]
    assert api_get(cast.outsider, "/me").json()["grants"] == [
        {"unit_id": cast.ward_dl.pk, "unit_name": cast.ward_dl.name, "role": "manage"}
    ]


def test_me_without_person(api_get, db, django_user_model):
    user = django_user_model.objects.create_user("lonely", password="x" * 12)
    assert api_get(user, "/me").json() == {"username": "lonely", "name": "lonely", "grants": []}
