"""Pages of the party members: the roster, a member's record, its changes, import and export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from dangbo.core import policy, versions
from dangbo.core.audit import history
from dangbo.core.forms import add_service_errors, submit
from dangbo.core.http import Request
from dangbo.core.pagination import paginate
from dangbo.core.policy import Action
from dangbo.core.uploads import DOCX, attachment
from dangbo.core.xlsx import XLSX
from dangbo.orgs.views import unit_lookup_response

from . import exchange, forms, letters, selectors, services
from .policy import is_board

#: The roster counts its rows up to this many only: a province is not counted to its end for
#: the page links ("more than 1,000 members"; the filters narrow it).
COUNT_CAP = 1000


def _section(request: Request) -> None:
    request.nav_section = "members"


@login_required
@require_GET
def member_list(request: Request) -> HttpResponse:
    _section(request)
    filters = forms.RosterFilters(request.GET or None, user=request.user)
    data = filters.cleaned_data if filters.is_valid() else {}
    day = data.get("day")
    rows = selectors.roster(
        user=request.user,
        unit=data.get("unit"),
        status=data.get("status") or "active",
        joined_from=data.get("joined_from"),
        joined_to=data.get("joined_to"),
        q=data.get("q") or "",
        day=day,
    )
    page_obj, querystring_base = paginate(request, rows, count_cap=COUNT_CAP)
    page_obj.object_list = [
        selectors.RosterRow(membership=m, status=selectors.member_status(m.person, m.end is None))
        for m in page_obj.object_list
    ]
    return render(
        request,
        "people/members/member_list.html",
        {
            "filters": filters,
            "page_obj": page_obj,
            "querystring_base": querystring_base,
            "day": day,
            "can_add": selectors.cells_for(request.user).exists(),
            "is_board": is_board(request.user),
        },
    )


@login_required
@require_GET
@never_cache
def unit_lookup(request: Request) -> JsonResponse:
    """The suggestions of the members' unit pickers, among the units the field takes: the
    party units a roster narrows to; ``?scope=cells``, the cells the user puts members in;
    ``?scope=transfer&person=<id>``, those a member they may change is transferred to."""
    scope = request.GET.get("scope", "")
    if scope == "":
        units = selectors.filter_units(request.user)
    elif scope == "cells":
        units = selectors.cells_for(request.user)
    elif scope == "transfer" and request.GET.get("person", "").isdigit() and len(request.GET["person"]) < 12:
        person = selectors.get_member_for_user(request.user, int(request.GET["person"]), Action.CHANGE)
        units = selectors.transfer_cells(request.user, person)
    else:
        raise Http404
    return unit_lookup_response(request, units)


@login_required
@require_GET
def member_detail(request: Request, pk: int) -> HttpResponse:
    _section(request)
    person = selectors.get_member_for_user(request.user, pk)
    current = selectors.current_membership(person)
    on_roll = current is not None and current.end is None
    return render(
        request,
        "people/members/member_detail.html",
        {
            "person": person,
            "readable": policy.readable_fields(request.user, person),
            "current": current,
            "on_roll": on_roll,
            "status": selectors.status_label(selectors.member_status(person, on_roll)),
            "memberships": selectors.member_memberships(person=person),
            "events": selectors.member_events(person=person),
            "history": history(person),
            **policy.permissions(request.user, person, [Action.CHANGE]),
        },
    )


def _form_page(request: Request, template: str, form, **extra) -> HttpResponse:
    return render(request, f"people/members/{template}", {"form": form, **extra})


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request: Request) -> HttpResponse:
    _section(request)
    form = forms.MemberCreateForm(request.POST or None, user=request.user)
    if not form.fields["cell"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied
    person = submit(request, form, lambda data: services.member_create(actor=request.user, **data))
    if person is not None:
        messages.success(request, _("The member was added."))
        return redirect("people:member_detail", pk=person.pk)
    return _form_page(request, "member_form.html", form, heading=_("Add a member"))


@login_required
@require_http_methods(["GET", "POST"])
def member_admit(request: Request) -> HttpResponse:
    """Put someone already known on a cell's roll (``services.member_admit``)."""
    _section(request)
    form = forms.AdmitForm(request.POST or None, user=request.user)
    if not form.fields["cell"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied
    membership = submit(request, form, lambda data: services.member_admit(actor=request.user, **data))
    if membership is not None:
        messages.success(request, _("The member was put on the cell's roll."))
        return redirect("people:member_detail", pk=membership.person_id)
    return _form_page(request, "member_form.html", form, heading=_("Put on a cell's roll"))


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: Request, pk: int) -> HttpResponse:
    _section(request)
    person = selectors.get_member_for_user(request.user, pk, Action.CHANGE)
    initial = {name: getattr(person, name) for name in services.EDIT_FIELDS}
    initial["expected_version"] = versions.token(person, services.EDIT_FIELDS)
    form = forms.MemberEditForm(request.POST or None, initial=initial)
    form.drop(policy.hidden_fields(request.user, person))
    if person.status not in services.MEMBER_STATUSES:
        form.fields.pop("status")

    def save(data):
        data = {k: v for k, v in data.items() if k in form.fields}
        return services.member_update(actor=request.user, person=person, **data) or person

    saved = submit(request, form, save)
    if saved is not None:
        messages.success(request, _("The member's record was saved."))
        return redirect("people:member_detail", pk=person.pk)
    return _form_page(request, "member_form.html", form, person=person, heading=_("Edit the member's record"))


@login_required
@require_http_methods(["GET", "POST"])
def member_transfer(request: Request, pk: int) -> HttpResponse:
    _section(request)
    person = selectors.get_member_for_user(request.user, pk, Action.CHANGE)
    form = forms.TransferForm(request.POST or None, user=request.user, person=person)
    event = submit(request, form, lambda data: services.member_transfer(actor=request.user, person=person, **data))
    if event is not None:
        messages.success(request, _("The member was transferred."))
        return redirect("people:member_detail", pk=person.pk)
    return _form_page(
        request, "member_form.html", form, person=person, heading=_("Transfer within the city")
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_transfer_out(request: Request, pk: int) -> HttpResponse:
    _section(request)
    person = selectors.get_member_for_user(request.user, pk, Action.CHANGE)
    form = forms.TransferOutForm(request.POST or None)
    event = submit(request, form, lambda data: services.member_transfer_out(actor=request.user, person=person, **data))
    if event is not None:
        messages.success(request, _("The transfer was recorded; download the introduction letter below."))
        return redirect("people:member_detail", pk=person.pk)
    return _form_page(
        request, "member_form.html", form, person=person, heading=_("Transfer out of the city")
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_transfer_in(request: Request) -> HttpResponse:
    _section(request)
    form = forms.TransferInForm(request.POST or None, user=request.user)
    if not form.fields["cell"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied
    event = submit(request, form, lambda data: services.member_transfer_in(actor=request.user, **data))
    if event is not None:
        messages.success(request, _("The member arriving from outside the city was recorded."))
        return redirect("people:member_detail", pk=event.person_id)
    return _form_page(request, "member_form.html", form, heading=_("Transfer into the city"))


@login_required
@require_http_methods(["GET", "POST"])
def member_leave(request: Request, pk: int) -> HttpResponse:
    _section(request)
    person = selectors.get_member_for_user(request.user, pk, Action.CHANGE)
    form = forms.LeaveForm(request.POST or None)
    event = submit(request, form, lambda data: services.member_leave(actor=request.user, person=person, **data))
    if event is not None:
        messages.success(request, _("The member was taken off the roll."))
        return redirect("people:member_detail", pk=person.pk)
    return _form_page(request, "member_form.html", form, person=person, heading=_("Take off the roll"))


@login_required
@require_GET
def member_letter(request: Request, pk: int, event_pk: int) -> HttpResponse:
    """The introduction letter of a transfer, for whoever may change the member; audited."""
    person = selectors.get_member_for_user(request.user, pk, Action.CHANGE)
    event = selectors.get_event_for_user(request.user, person, event_pk)
    if not event.is_transfer:
        raise Http404
    readable = policy.readable_fields(request.user, person)
    services.letter_read(actor=request.user, event=event, personal=readable["birth_date"])
    body = letters.introduction_docx(event, readable=readable)
    return attachment(body, name=f"giay-gioi-thieu-{event.date:%Y%m%d}-{person.pk}.docx", content_type=DOCX)


@login_required
@require_GET
def member_export(request: Request) -> HttpResponse:
    """The roster of a unit in the national database's shape; audited."""
    filters = forms.RosterFilters(request.GET or None, user=request.user)
    unit = filters.cleaned_data.get("unit") if filters.is_valid() else None
    unit = unit or selectors.filter_units(request.user).first()
    if unit is None:
        raise Http404
    body = exchange.export_workbook(actor=request.user, unit=unit)
    return attachment(body, name=f"dang-vien-{unit.code}-{timezone.localdate():%Y%m%d}.xlsx", content_type=XLSX)


@login_required
@require_http_methods(["GET", "POST"])
def member_import(request: Request) -> HttpResponse:
    """The organisation board imports a roster; a dry run first shows what would change."""
    _section(request)
    if not is_board(request.user):
        raise PermissionDenied
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = exchange.import_workbook(
                actor=request.user, upload=form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        if result is not None and result.applied:
            messages.success(
                request,
                _("Imported: %(created)s added, %(updated)s changed, %(unchanged)s unchanged.") % result.as_dict(),
            )
            return redirect("people:member_list")
    return render(request, "people/members/member_import.html", {"form": form, "result": result, "columns": exchange.COLUMNS})

