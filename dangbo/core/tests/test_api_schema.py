"""Property-based run of every API operation from the OpenAPI spec (schemathesis).

In-process against the WSGI app, authenticated as the cast's clerk, a bounded number of
examples per operation. Whatever the input, the API never answers with a server error, and
every 4xx has our error shape.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from dangbo.core.models import ApiToken
from dangbo.wsgi import application

# Loaded when the module is collected: the spec view needs no database. (The lazy
# ``schemathesis.pytest.from_fixture`` loader does not work with pytest 9: it sets
# ``node._nodeid``, which pytest 9 no longer has.)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

pytestmark = pytest.mark.usefixtures("keep_db_connection")


@pytest.fixture
def clerk_token(cast) -> str:
    return ApiToken.issue(user=cast.clerk, name="schemathesis")[1]


def error_shape(ctx, response, case) -> None:
    """Every 4xx is ``{"error": str, "fields": {str: [str]}}``."""
    if 400 <= response.status_code < 500:
        body = response.json()
        assert set(body) == {"error", "fields"}, body
        assert isinstance(body["error"], str) and body["error"]
        assert all(
            isinstance(messages, list) and all(isinstance(m, str) for m in messages)
            for messages in body["fields"].values()
        ), body


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_never_fails(case, clerk_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {clerk_token}"},
        checks=[not_a_server_error, error_shape],
    )
