"""API authentication, the error shape, the docs page and the ``create_token`` command."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.management import CommandError, call_command
from django.http import Http404
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.utils import timezone
from ninja import Schema
from ninja.errors import HttpError
from ninja.testing import TestClient

from dangbo.core.api import DangboAPI, SessionAuth
from dangbo.core.models import ApiToken

EN = {"Accept-Language": "en"}


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}", **EN}


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "fields"}
    assert isinstance(body["error"], str)
    assert body["error"]
    assert isinstance(body["fields"], dict)
    return body


# --- Bearer tokens ---------------------------------------------------------------------


def test_token_authenticates(client, cast):
    _token, raw = ApiToken.issue(user=cast.clerk, name="script")
    response = client.get("/api/v1/me", headers=bearer(raw))
    assert response.status_code == 200
    assert response.json()["username"] == "clerk"


def test_no_credentials_is_401(client, cast):
    response = client.get("/api/v1/units", headers=EN)
    body = assert_error_shape(response, 401)
    assert body == {"error": "Authentication required.", "fields": {}}
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer nonsense",
        "Bearer ",
        "Bearer dgb_" + "x" * 43,
        "Basic Y2xlcms6cGFzcw==",
        "Bearer\x7f",
    ],
)
def test_bad_token_is_401(client, cast, header):
    response = client.get("/api/v1/units", headers={"Authorization": header, **EN})
    assert_error_shape(response, 401)


def test_revoked_token_is_401(client, cast):
    token, raw = ApiToken.issue(user=cast.clerk)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    body = assert_error_shape(client.get("/api/v1/units", headers=bearer(raw)), 401)
    assert body["error"] == "The API token is not valid."


def test_token_of_inactive_user_is_401(client, cast):
    _token, raw = ApiToken.issue(user=cast.clerk)
    cast.clerk.is_active = False
    cast.clerk.save(update_fields=["is_active"])
    assert_error_shape(client.get("/api/v1/units", headers=bearer(raw)), 401)


def test_bad_token_is_not_rescued_by_the_session(client, login, cast):
    """A wrong token is refused even when the browser also has a session."""
    login(cast.clerk)
    assert_error_shape(client.get("/api/v1/units", headers=bearer("wrong")), 401)


def test_last_used_at_written_at_most_once_a_minute(client, cast, django_assert_num_queries):
    token, raw = ApiToken.issue(user=cast.clerk)
    start = dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        client.get("/api/v1/me", headers=bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        client.get("/api/v1/me", headers=bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        client.get("/api/v1/me", headers=bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at == start + dt.timedelta(seconds=61)


# --- Sessions --------------------------------------------------------------------------


def test_session_authenticates(login, cast):
    client = login(cast.ward_secretary)
    response = client.get("/api/v1/me", headers=EN)
    assert response.status_code == 200
    assert response.json()["username"] == "ward_secretary"


def test_session_of_logged_out_user_is_401(client, login, cast):
    login(cast.clerk)
    client.logout()
    assert_error_shape(client.get("/api/v1/me", headers=EN), 401)


def _session_request(user, method: str, csrf: bool):
    factory = RequestFactory()
    request = factory.generic(method, "/api/v1/anything")
    request.user = user
    if csrf:
        token = get_token(factory.get("/"))
        request.COOKIES[settings.CSRF_COOKIE_NAME] = token
        request.META["HTTP_X_CSRFTOKEN"] = token
    return request


def test_session_unsafe_method_needs_csrf(cast):
    auth = SessionAuth()
    with pytest.raises(HttpError) as caught:
        auth(_session_request(cast.clerk, "POST", csrf=False))
    assert caught.value.status_code == 403
    assert auth(_session_request(cast.clerk, "POST", csrf=True)) == cast.clerk
    assert auth(_session_request(cast.clerk, "GET", csrf=False)) == cast.clerk


# --- The error shape -------------------------------------------------------------------

errors_api = DangboAPI(urls_namespace="test-errors", auth=None, docs_url=None, openapi_url=None)


@errors_api.get("/service-refuses")
def _service_refuses(request):
    raise DjangoValidationError({"code": ["Already used."], "__all__": ["Try again."]})


@errors_api.get("/service-refuses-plainly")
def _service_refuses_plainly(request):
    raise DjangoValidationError("Closed.")


@errors_api.get("/forbidden")
def _forbidden(request):
    raise PermissionDenied


@errors_api.get("/missing")
def _missing(request):
    raise Http404("secret detail")


@errors_api.get("/number")
def _number(request, n: int):
    return {"n": n}


class _Payload(Schema):
    a: int


@errors_api.post("/body")
def _body(request, payload: _Payload):
    return payload


@pytest.fixture
def errors_client():
    return TestClient(errors_api)


def test_django_validation_error_is_400_with_fields(errors_client):
    body = assert_error_shape(errors_client.get("/service-refuses"), 400)
    assert body == {"error": "Try again.", "fields": {"code": ["Already used."]}}
    body = assert_error_shape(errors_client.get("/service-refuses-plainly"), 400)
    assert body == {"error": "Closed.", "fields": {}}


def test_permission_denied_is_403(errors_client):
    assert_error_shape(errors_client.get("/forbidden"), 403)


def test_http404_is_404_without_detail(errors_client):
    body = assert_error_shape(errors_client.get("/missing"), 404)
    assert "secret" not in body["error"]


def test_validation_error_is_422_with_field_names(errors_client):
    body = assert_error_shape(errors_client.get("/number?n=abc"), 422)
    assert list(body["fields"]) == ["n"]
    body = assert_error_shape(errors_client.get("/number"), 422)
    assert list(body["fields"]) == ["n"]


def test_unreadable_body_is_400(errors_client):
    response = errors_client.post("/body", body=b"{not json")
    assert_error_shape(response, 400)
    body = assert_error_shape(errors_client.post("/body", json={"a": "x"}), 422)
    assert list(body["fields"]) == ["a"]


def test_unknown_api_url_is_404_in_shape(client):
    body = assert_error_shape(client.get("/api/v1/no-such-thing", headers=EN), 404)
    assert body["error"] == "Not found"
    assert_error_shape(client.get("/api/v1/", headers=EN), 404)


def test_wrong_method_is_405_in_shape(client, cast):
    _token, raw = ApiToken.issue(user=cast.clerk)
    response = client.delete("/api/v1/units", headers=bearer(raw))
    assert_error_shape(response, 405)
    assert response["Allow"] == "GET"


def test_messages_follow_accept_language(client, cast):
    """Django's own catalogue already translates "Enter a whole number."."""
    _token, raw = ApiToken.issue(user=cast.clerk)
    headers = {"Authorization": f"Bearer {raw}"}
    en = client.get("/api/v1/units?limit=abc", headers={**headers, "Accept-Language": "en"})
    vi = client.get("/api/v1/units?limit=abc", headers={**headers, "Accept-Language": "vi"})
    assert en.json()["fields"]["limit"] == ["Enter a whole number."]
    assert vi.json()["fields"]["limit"] != ["Enter a whole number."]


# --- The docs --------------------------------------------------------------------------


def test_openapi_json(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/units", "/api/v1/units/{id}", "/api/v1/me"} <= set(paths)


def test_docs_page_loads_nothing_from_elsewhere(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert urls
    assert all(url.startswith("/static/ninja/") for url in urls), urls
    assert "swagger-ui-bundle.js" in html
    assert '"validatorUrl": null' in html
    assert "cdn" not in html.lower()


def test_docs_assets_are_collected():
    assert finders.find("ninja/swagger-ui-bundle.js")
    assert finders.find("ninja/swagger-ui.css")


# --- create_token ----------------------------------------------------------------------


def test_create_token_prints_a_working_token(client, cast):
    out = StringIO()
    call_command("create_token", "clerk", "--name", "nightly export", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    raw = lines[0]
    token = ApiToken.objects.get(digest=ApiToken.digest_of(raw))
    assert token.user == cast.clerk
    assert token.name == "nightly export"
    assert client.get("/api/v1/me", headers=bearer(raw)).json()["username"] == "clerk"


def test_create_token_unknown_user_fails_clearly(db):
    with pytest.raises(CommandError, match="nobody"):
        call_command("create_token", "nobody", stdout=StringIO())
    assert not ApiToken.objects.exists()
