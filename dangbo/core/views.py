from __future__ import annotations

from urllib.parse import urlencode

from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from dangbo.core import search as core_search
from dangbo.core.forms import DayInput
from dangbo.core.http import Request

from . import accounts, health
from . import notifications as notes
from .forms import add_service_errors, submit
from .models import ApiToken
from .pagination import paginate


@login_required
def home(request: Request) -> HttpResponse:
    """My dashboard: what to act on first, then the units I look after and my positions: the
    panels the apps register (see ``dangbo.core.home``), each in its place."""
    from django.utils import timezone

    from . import home as home_panels

    request.nav_section = "home"  # type: ignore[attr-defined]
    today = timezone.localdate()
    rendered = home_panels.panels_for(request, today)
    places = {place: [p for p in rendered if p.place == place] for place in home_panels.PLACES}
    return render(
        request,
        "core/home.html",
        {"today": today, "person": request.person, **places},
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the reverse proxy and monitoring: the database answers, the worker and the
    scheduler beat (``dangbo.core.health``); 503 when any check fails. No data of anyone."""
    result = health.report()
    response = JsonResponse(result, status=200 if result["status"] == "ok" else 503)
    response["Cache-Control"] = "no-store"
    return response


# --- Search ------------------------------------------------------------------------------

SEARCH_PAGE_SIZE = 20
#: Facet filters the search page understands, with their labels.
SEARCH_FACETS = {"type": _("Type"), "issuer": _("Issuer"), "term": _("Term"), "field": _("Field")}
#: Facets shown on each hit as links that narrow the search (an issuer is an id: not shown).
SEARCH_HIT_FACETS = ("type", "term", "field")


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=core_search.MAX_QUERY_CHARS, required=False)
    kind = forms.ChoiceField(label=_("Show"), required=False)
    date_from = forms.DateField(
        label=_("Dated from"),
        required=False,
        widget=DayInput(),
    )
    date_to = forms.DateField(
        label=_("Dated to"),
        required=False,
        widget=DayInput(),
    )
    type = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    issuer = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    term = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    field = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kind_field: forms.ChoiceField = self.fields["kind"]  # type: ignore[assignment]
        kind_field.choices = [
            ("", _("Everything")),
            *((kind.name, kind.label) for kind in core_search.kinds()),
        ]
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["placeholder"] = _("e.g. nghi quyet 05, 05-CT/TW, Phường 1")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data


def _page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _facet_values(value) -> list[str]:
    """A hit's facet as a list of values (a facet holds one value or a list)."""
    values = value if isinstance(value, list) else [value]
    return [str(v) for v in values if v not in (None, "")]


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """One search box for everything the user may see."""
    request.nav_section = "search"  # type: ignore[attr-defined]
    form = SearchForm(request.GET)
    context: dict = {"form": form, "q": "", "facet_filters": []}
    if not form.is_valid() or not form.cleaned_data["q"].strip():
        return render(request, "core/search.html", context)
    data = form.cleaned_data
    q = data["q"].strip()
    facets = {name: data[name].strip() for name in SEARCH_FACETS if data[name].strip()}
    number = _page_number(request.GET.get("page"))

    def run(page: int) -> core_search.SearchResults:
        return core_search.search_for_user(
            request.user,
            q,
            kinds=[data["kind"]] if data["kind"] else None,
            facets=facets,
            date_from=data["date_from"],
            date_to=data["date_to"],
            limit=SEARCH_PAGE_SIZE,
            offset=(page - 1) * SEARCH_PAGE_SIZE,
        )

    # Hits are counted up to COUNT_CAP ("more than 1,000"): the pages go as far as the count.
    number = min(number, -(-core_search.COUNT_CAP // SEARCH_PAGE_SIZE))
    results = run(number)
    if not results.items and results.count:  # a page past the end: show the last one
        number = (results.count - 1) // SEARCH_PAGE_SIZE + 1
        results = run(number)
    paginator = Paginator(range(results.count), SEARCH_PAGE_SIZE)
    page_obj = paginator.get_page(number)

    params = {k: v for k, v in request.GET.items() if k != "page" and v}

    def link(**changes) -> str:
        merged = {**params, **changes}
        return "?" + urlencode({k: v for k, v in merged.items() if v})

    hits = [
        (
            hit,
            [
                (SEARCH_FACETS[name], value, link(**{name: value}))
                for name in SEARCH_HIT_FACETS
                for value in _facet_values(hit.facets.get(name))
            ],
        )
        for hit in results.items
    ]
    context.update(
        q=q,
        page_obj=page_obj,
        count_capped=results.count_capped,
        hits=hits,
        querystring_base=urlencode(params) + "&" if params else "",
        facet_filters=[
            (SEARCH_FACETS[name], value, link(**{name: ""})) for name, value in facets.items()
        ],
    )
    return render(request, "core/search.html", context)


# --- Notifications -----------------------------------------------------------------------

#: How many unread notifications the bell's menu lists.
BELL_MENU_SIZE = 8


class NotificationPreferenceForm(forms.Form):
    email_digest = forms.BooleanField(
        label=_("Send me a daily e-mail digest"),
        required=False,
        help_text=_("One e-mail each morning listing what is new, never one e-mail per event."),
    )
    language = forms.ChoiceField(
        label=_("Language of the e-mails"),
        required=False,
        choices=[("", _("The site's language (Vietnamese)")), *settings.LANGUAGES],
    )


def _safe_next(request: HttpRequest, url: str | None) -> str:
    """``url`` if it is a page of this site, else the notifications page."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("core:notifications")


def _notifications_page(request: HttpRequest, form: NotificationPreferenceForm) -> HttpResponse:
    request.nav_section = "notifications"  # type: ignore[attr-defined]
    unread_only = request.GET.get("unread") == "1"
    page_obj, querystring_base = paginate(
        request, notes.notification_list(user=request.user, unread_only=unread_only)
    )
    context = {
        "page_obj": page_obj,
        "querystring_base": querystring_base,
        "unread_only": unread_only,
        "form": form,
    }
    return render(request, "core/notifications.html", context)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """My notifications, newest first (or only the unread ones), and my e-mail preference."""
    pref = notes.preference_for(request.user)
    form = NotificationPreferenceForm(
        initial={"email_digest": pref.email_digest, "language": pref.language}
    )
    return _notifications_page(request, form)


@login_required
@require_GET
def notifications_menu(request: HttpRequest) -> HttpResponse:
    """The bell's menu (an htmx partial): my latest unread notifications."""
    items = list(notes.notification_list(user=request.user, unread_only=True)[:BELL_MENU_SIZE])
    htmx = getattr(request, "htmx", None)
    here = htmx.current_url_abs_path if htmx else None
    return render(
        request, "core/notifications_menu.html", {"items": items, "next": _safe_next(request, here)}
    )


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification (from the list, the bell or the e-mail): mark it read and go to
    what it is about."""
    notification = notes.get_notification_for_user(request.user, pk)
    notes.notification_mark_read(user=request.user, notification=notification)
    return redirect(_safe_next(request, notification.url))


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = notes.get_notification_for_user(request.user, pk)
    notes.notification_mark_read(user=request.user, notification=notification)
    if getattr(request, "htmx", False):
        # The row, read now, and the bell with its new count (out of band).
        return render(request, "core/notifications_row.html", {"n": notification, "oob": True})
    return redirect(_safe_next(request, request.POST.get("next")))


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notes.notification_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext("%(n)s notification marked as read.", "%(n)s notifications marked as read.", count)
        % {"n": count},
    )
    return redirect(_safe_next(request, request.POST.get("next")))


@login_required
@require_POST
def notification_preferences(request: HttpRequest) -> HttpResponse:
    form = NotificationPreferenceForm(request.POST)
    if form.is_valid():
        try:
            notes.preference_update(actor=request.user, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your e-mail preference was saved."))
            return redirect(reverse("core:notifications") + "#cai-dat")
    return _notifications_page(request, form)


# --- Account: API tokens, password ------------------------------------------------------


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("What the token is for"),
        max_length=100,
        required=False,
        help_text=_("For example: the ward's reporting script."),
    )


def _tokens_page(request: HttpRequest, form: TokenCreateForm, *, raw: str = "", status: int = 200) -> HttpResponse:
    admin = accounts.is_account_admin(request.user)
    owner = None
    owner_name = request.GET.get("user", "").strip() if admin else ""
    if owner_name:
        owner = accounts.user_by_username(owner_name)
    tokens = accounts.tokens_for_user(request.user, owner=owner) if owner or not owner_name else ApiToken.objects.none()
    page_obj, querystring_base = paginate(request, tokens)
    context = {
        "form": form,
        "page_obj": page_obj,
        "querystring_base": querystring_base,
        "admin": admin,
        "owner_name": owner_name,
        "raw": raw,
    }
    response = render(request, "core/tokens.html", context, status=status)
    if raw:
        response["Cache-Control"] = "no-store"  # the secret is shown once: keep it out of caches
    return response


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """My API tokens (an admin: everyone's); a POST issues a new one and shows it once."""
    request.nav_section = "tokens"  # type: ignore[attr-defined]
    form = TokenCreateForm(request.POST or None)
    created = submit(request, form, lambda data: accounts.token_create(actor=request.user, user=request.user, **data))
    if created is not None:
        _token, raw = created
        messages.success(request, _("The token was created. Copy it now: it is not shown again."))
        return _tokens_page(request, TokenCreateForm(), raw=raw)
    return _tokens_page(request, form)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = accounts.get_token_for_user(request.user, pk)
    if accounts.token_revoke(actor=request.user, token=token):
        messages.success(request, _("The token %(prefix)s… was revoked.") % {"prefix": token.prefix})
    return redirect(_safe_tokens_url(request, request.POST.get("next")))


def _safe_tokens_url(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("core:tokens")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, recording the user as the one who changed the password."""

    def form_valid(self, form):
        with accounts.changed_by(self.request.user):
            return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's; the person who followed the link is recorded as changing the password."""

    def form_valid(self, form):
        with accounts.changed_by(form.user):
            return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, throttled per e-mail address and per client IP address (found as django-axes
    finds it for the login lockout), with links to ``SITE_URL``."""

    def form_valid(self, form):
        ip = get_client_ip_address(self.request) or ""
        if not accounts.password_reset_allowed(email=form.cleaned_data["email"], ip=ip):
            form.add_error(None, _("Too many password-reset requests. Wait an hour and try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        self.extra_email_context = {"site_url": notes.site_url()}
        return super().form_valid(form)
