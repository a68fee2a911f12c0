"""What every API endpoint shares: authentication, the error shape and the docs page.

* Authentication: ``Authorization: Bearer <token>`` (an ``ApiToken``) or the Django session
  (CSRF is checked on unsafe methods, as for any form post).
* Every 4xx answer has one shape: ``{"error": "<message>", "fields": {<field>: [<messages>]}}``
  with ``fields`` empty when the problem is not about a particular field. Messages go
  through gettext and follow the request's language.
* No lost updates: a ``GET`` of an editable object answers an ``ETag`` (its version, see
  ``dangbo.core.versions``); an edit sent with ``If-Match: <that ETag>`` is refused with 409
  when someone changed the object since, ``fields`` then holding each changed field's value
  now. Without ``If-Match`` the edit applies as it is.
* Input schemas take what a person would type, nothing pydantic would coerce: ``DateIn``
  (``YYYY-MM-DD`` from 1930 on, never a number; ``DateFilter`` for filters), ``Percent`` and the other whole numbers
  (never a boolean, a string or a float), ``Points`` (a number, never a boolean or a string),
  ``Flag`` (``true``/``false`` only). Every app's ``api.py`` uses these for its bodies.
* The docs page serves Swagger UI from ninja's bundled static files, never from a CDN, under
  the site's Content-Security-Policy (its settings are JSON, its script a static file) with
  ``data:`` images allowed.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template import Engine, RequestContext
from django.urls import re_path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf
from pydantic import AfterValidator, BeforeValidator, StrictBool, StrictInt
from pydantic import Field as PydanticField

from dangbo.core.models import ApiToken
from dangbo.core.validators import EARLIEST_DATE, LATEST_DATE, not_after_2100, not_before_1930
from dangbo.core.versions import StaleEdit

#: ``last_used_at`` is written at most this often per token.
LAST_USED_PRECISION = dt.timedelta(minutes=1)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class ErrorOut(Schema):
    """The body of every 4xx answer."""

    error: str
    fields: dict[str, list[str]]


#: Declare on every operation: ``response={200: Out, **ERRORS}``.
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# --- Input types ----------------------------------------------------------------------
#
# Pydantic's lax mode turns ``0`` into 1 January 1970, ``true`` into 1 and ``"50"`` into 50.
# Nobody types those on purpose: the input schemas use these types instead.

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date_as_written(value: Any) -> Any:
    """A ``YYYY-MM-DD`` string (or a date already parsed); never a number or a timestamp."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise ValueError(_("Enter a valid date (YYYY-MM-DD)."))


def _date_in_range(value: dt.date) -> dt.date:
    if value < EARLIEST_DATE:
        raise ValueError(str(not_before_1930.message))
    if value > LATEST_DATE:
        raise ValueError(str(not_after_2100.message))
    return value


_DECIMAL_TEXT = re.compile(r"-?\d{1,6}([.,]\d{1,6})?")


def _number_as_written(value: Any) -> Any:
    """A JSON number, or a decimal written as text (``"9.5"``, as the API answers them);
    not a boolean, not ``"1e3"`` nor ``"NaN"``."""
    if isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value.strip()):
        return value.strip().replace(",", ".")
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(_("Enter a number."))
    return value


#: A date to store, written ``YYYY-MM-DD``, from 1930 (the Party's founding) to 2100.
DateIn = Annotated[dt.date, BeforeValidator(_date_as_written), AfterValidator(_date_in_range)]
#: A date to filter by, written ``YYYY-MM-DD`` (any year).
DateFilter = Annotated[dt.date, BeforeValidator(_date_as_written)]
#: A whole number from 0 to 100 (a JSON number: not ``true``, not ``"50"``).
Percent = Annotated[StrictInt, PydanticField(ge=0, le=100)]
#: An object's id.
Id = Annotated[StrictInt, PydanticField(ge=1, le=2**63 - 1)]
#: A count, a rank or an order: a whole number, never negative.
Count = Annotated[StrictInt, PydanticField(ge=0, le=2**31 - 1)]
#: Points of a score: a number (the services check it against the criterion's range).
Points = Annotated[Decimal, BeforeValidator(_number_as_written), PydanticField(allow_inf_nan=False)]
#: ``true`` or ``false``, not ``1`` nor ``"yes"``.
Flag = StrictBool


# --- Authentication --------------------------------------------------------------------


class InvalidToken(AuthenticationError):
    def __init__(self) -> None:
        super().__init__(message=_("The API token is not valid."))


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer dgb_…``: an active user's unrevoked ``ApiToken``.

    A token that is presented but wrong is a 401 at once; the session is not tried.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        token = token.strip()
        if not token:
            raise InvalidToken
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True)
            .first()
        )
        if api_token is None or not api_token.user.is_active:
            raise InvalidToken
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


class SessionAuth(APIKeyCookie):
    """The Django session. Unsafe methods must carry the CSRF token, like any form post."""

    def __init__(self) -> None:
        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        needs_csrf = request.method not in SAFE_METHODS and not getattr(
            request, "_ninja_csrf_exempt", False
        )
        if needs_csrf and check_csrf(request) is not None:
            raise HttpError(403, _("CSRF check failed. Reload the page and try again."))
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover
        return None  # __call__ does the work; ninja requires the method.


# --- Errors ----------------------------------------------------------------------------

# Ninja raises these with fixed English messages; say them in the user's language.
_NINJA_MESSAGES = {
    "Unauthorized": gettext_lazy("Authentication required."),
    "Forbidden": gettext_lazy("You do not have permission to do this."),
    "CSRF check Failed": gettext_lazy("CSRF check failed. Reload the page and try again."),
    "Cannot parse request body": gettext_lazy("The request body could not be read."),
    "Too many requests.": gettext_lazy("Too many requests. Try again later."),
}


def caller(request: HttpRequest) -> Any:
    """The authenticated user of an API request (ninja's auth sets ``request.auth``)."""
    return request.auth  # type: ignore[attr-defined]


def error_body(message: object, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": str(message), "fields": fields or {}}


def _pydantic_message(error: dict[str, Any]) -> str:
    """One pydantic error as a translated sentence (Django's own msgids where they exist)."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind in {"float_parsing", "float_type", "decimal_parsing", "decimal_type"}:
        return _("Enter a number.")
    if kind in {"greater_than_equal", "greater_than"}:
        limit = ctx.get("ge", ctx.get("gt"))
        if kind == "greater_than":
            return _("Ensure this value is greater than %(limit_value)s.") % {"limit_value": limit}
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": limit
        }
    if kind in {"less_than_equal", "less_than"}:
        limit = ctx.get("le", ctx.get("lt"))
        if kind == "less_than":
            return _("Ensure this value is less than %(limit_value)s.") % {"limit_value": limit}
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": limit
        }
    if kind in {"bool_parsing", "bool_type"}:
        return _("Enter true or false.")
    if kind.startswith(("date_", "datetime_")):
        return _("Enter a valid date.")
    if kind == "string_too_long":
        return _("Ensure this value has at most %(max)s characters.") % {
            "max": ctx.get("max_length")
        }
    if kind == "string_too_short":
        return _("Ensure this value has at least %(min)s characters.") % {
            "min": ctx.get("min_length")
        }
    if kind in {"enum", "literal_error"}:
        return _("Select a valid choice.")
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    return _("Enter a valid value.")


def _field_name(loc: tuple | list) -> str:
    """``("query", "limit")`` → ``limit``; ``("body", "payload", "name")`` → ``name``."""
    parts = [str(p) for p in loc]
    source = parts[0] if parts else ""
    parts = parts[1:]
    if source == "body" and len(parts) > 1:
        parts = parts[1:]  # the name of the body parameter itself
    return ".".join(parts) or NON_FIELD_ERRORS


def _summary(fields: dict[str, list[str]]) -> str:
    """The ``error`` of an answer about fields: it names them."""
    if not fields:
        return _("Some of the values are not valid.")
    if len(fields) == 1:
        name, messages = next(iter(fields.items()))
        return _("%(field)s: %(message)s") % {"field": name, "message": messages[0]}
    return _("Some of the values are not valid: %(fields)s.") % {"fields": ", ".join(fields)}


def on_validation_error(request: HttpRequest, exc: ValidationError, api: NinjaAPI) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(_pydantic_message(error))
    general = fields.pop(NON_FIELD_ERRORS, None)
    message = general[0] if general else _summary(fields)
    return api.create_response(request, error_body(message, fields), status=422)


def on_django_validation_error(
    request: HttpRequest, exc: DjangoValidationError, api: NinjaAPI
) -> HttpResponse:
    """A service refused the change: 400, its field messages kept."""
    return api.create_response(request, refusal_body(exc), status=400)


def refusal_body(exc: DjangoValidationError) -> dict[str, Any]:
    """The one error shape of a service's refusal (for an operation that answers it as 422)."""
    if hasattr(exc, "error_dict"):
        fields = {key: [str(m) for m in messages] for key, messages in exc.message_dict.items()}
    else:
        fields = {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}
    general = fields.pop(NON_FIELD_ERRORS, None)
    message = general[0] if general else _summary(fields)
    return error_body(message, fields)


def on_stale_edit(request: HttpRequest, exc: StaleEdit, api: NinjaAPI) -> HttpResponse:
    """Someone changed the object since the caller's ``If-Match`` version: 409, nothing saved."""
    fields = {name: [value] for name, _label, value in exc.changes}
    response = api.create_response(request, error_body(exc.describe(), fields), status=409)
    if exc.version:
        response["ETag"] = etag(exc.version)
    return response


def etag(version: str) -> str:
    """The ``ETag`` header of an object at ``version``."""
    return f'"{version}"'


def if_match(request: HttpRequest) -> str | None:
    """The version the caller read (``If-Match``), or None when it sent none (or ``*``)."""
    value = request.headers.get("If-Match", "").strip()
    if not value or value == "*":
        return None
    return value.removeprefix("W/").strip('"') or None


def on_http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    message = _NINJA_MESSAGES.get(exc.message, exc.message)
    response = api.create_response(request, error_body(message), status=exc.status_code)
    if exc.status_code == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


def on_not_found(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, error_body(_("Not found")), status=404)


def on_permission_denied(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    message = _("You do not have permission to do this.")
    return api.create_response(request, error_body(message), status=403)


# --- The docs page ---------------------------------------------------------------------

_NINJA_TEMPLATES = Path(Swagger.template_cdn).parent.parent  # .../ninja/templates
_DOCS_ENGINE = Engine(
    dirs=[str(_NINJA_TEMPLATES)],
    libraries={"static": "django.templatetags.static"},
)


class LocalSwagger(Swagger):
    """Swagger UI from ninja's bundled static files (``/static/ninja/…``), whatever
    ``INSTALLED_APPS`` says; ninja would fall back to a CDN when ``ninja`` is not listed.
    The online validator badge (a request to validator.swagger.io) is switched off."""

    def __init__(self) -> None:
        super().__init__(settings={"validatorUrl": None})

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": _json_dumps(self.settings),
            "api": api,
            "add_csrf": True,
        }
        template = _DOCS_ENGINE.get_template(self.template)
        response = HttpResponse(template.render(RequestContext(request, context)))
        # Swagger UI's style sheet draws its icons from data: URLs (see dangbo/core/csp.py).
        response.csp = {"img-src": ["'self'", "data:"]}  # type: ignore[attr-defined]
        return response


def _json_dumps(value: Any) -> str:
    # The settings are embedded in a <script> block: keep "</" out of it.
    return json.dumps(value, indent=1).replace("</", "<\\/")


# --- The API object --------------------------------------------------------------------


def _json_errors_outside_operations(view, api: NinjaAPI):
    """Wrap a URL's view so that 404 and 405 from outside an operation use our shape too."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404 as exc:
            return on_not_found(request, exc, api)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = api.create_response(
                request, error_body(_("Method not allowed.")), status=405
            )
            response["Allow"] = allowed
        return response

    return wrapper


class Utf8JSONRenderer(JSONRenderer):
    """Vietnamese names as UTF-8 (the content type says so), not ``\\u`` escapes."""

    json_dumps_params = {"ensure_ascii": False}


class DangboAPI(NinjaAPI):
    """``NinjaAPI`` with our authentication, error shape, renderer and docs page."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("auth", [BearerTokenAuth(), SessionAuth()])
        kwargs.setdefault("docs", LocalSwagger())
        kwargs.setdefault("renderer", Utf8JSONRenderer())
        super().__init__(**kwargs)

    def set_default_exception_handlers(self) -> None:
        super().set_default_exception_handlers()  # keeps the catch-all for real 500s
        handlers: dict[type[Exception], Callable[..., HttpResponse]] = {
            ValidationError: on_validation_error,
            HttpError: on_http_error,
            Http404: on_not_found,
            PermissionDenied: on_permission_denied,
            DjangoValidationError: on_django_validation_error,
            StaleEdit: on_stale_edit,
        }
        for exc_class, handler in handlers.items():
            self.add_exception_handler(exc_class, functools.partial(handler, api=self))

    @property
    def urls(self) -> tuple[list[Any], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            pattern.callback = _json_errors_outside_operations(pattern.callback, self)

        def unknown(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return on_not_found(request, Http404(), self)

        unknown.csrf_exempt = True  # type: ignore[attr-defined]
        patterns.append(re_path(r"^.+$", unknown, name="unknown"))
        return patterns, app_name, namespace
