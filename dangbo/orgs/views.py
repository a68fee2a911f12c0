"""Pages of the organisation tree: units, their positions, members, terms and history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from dangbo.core import policy, versions
from dangbo.core.audit import history, history_rows
from dangbo.core.forms import submit
from dangbo.core.pagination import COUNT_CAP, paginate
from dangbo.core.policy import Action

from . import exports, selectors, services
from .forms import (
    PersonPicker,
    PositionEndForm,
    PositionForm,
    TermForm,
    UnitCreateForm,
    UnitEditForm,
    UnitMergeForm,
    UnitMoveForm,
    UnitPicker,
    UnitSplitForm,
    match_detail,
)
from .panels import unit_panels
from .policy import role_ceiling


def _section(request: HttpRequest, name: str) -> None:
    request.nav_section = name  # type: ignore[attr-defined]


def _unit_context(request: HttpRequest, unit) -> dict:
    return {
        "unit": unit,
        "ancestors": selectors.unit_ancestors(user=request.user, unit=unit),
        **policy.permissions(request.user, unit, [Action.CHANGE, Action.REORGANISE]),
    }


def _export_query(request: HttpRequest) -> str:
    """The list's filters as a query string ready for ``format=xlsx`` (no page number)."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    base = params.urlencode()
    return (base + "&") if base else ""


@login_required
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    """The tree of the units the user may see, or the units matching a search."""
    _section(request, "orgs")
    q = request.GET.get("q", "").strip()
    show_closed = request.GET.get("closed") == "1"
    if request.GET.get("format") == "xlsx":  # the whole tree, or the units matching q
        return exports.units_xlsx(selectors.unit_list(user=request.user, q=q, include_inactive=show_closed))
    context: dict = {"q": q, "show_closed": show_closed, "export_query": _export_query(request)}
    if q:
        units = selectors.unit_list(user=request.user, q=q, include_inactive=show_closed)
        context["page_obj"], context["querystring_base"] = paginate(request, units)
    else:
        roots = selectors.visible_roots(user=request.user)
        context["tree"] = [
            (root, list(selectors.unit_children(unit=root, include_inactive=show_closed))) for root in roots
        ]
    return render(request, "orgs/unit_list.html", context)


@login_required
@require_GET
def unit_tree_children(request: HttpRequest, pk: int) -> HttpResponse:
    """The children of one unit as tree items (loaded when a branch is opened)."""
    unit = selectors.get_unit_for_user(request.user, pk)
    show_closed = request.GET.get("closed") == "1"
    children = selectors.unit_children(unit=unit, include_inactive=show_closed)
    return render(request, "orgs/_tree_children.html", {"children": children, "show_closed": show_closed})


@login_required
@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request, "orgs")
    unit = selectors.get_unit_for_user(request.user, pk)
    changes = list(selectors.unit_changes(unit=unit)[:10])
    successors = [
        (change, list(change.to_units.all()))
        for change in changes
        if change.kind in ("merge", "split") and unit in change.from_units.all()
    ]
    context = _unit_context(request, unit) | {
        "positions": selectors.unit_positions(unit=unit),
        "children": selectors.unit_children(unit=unit, include_inactive=True),
        "terms": selectors.unit_terms(unit=unit),
        "changes": changes,
        "successors": successors,
        "summary": selectors.unit_summaries(units=[unit])[0],
        "panels": unit_panels(),
    }
    return render(request, "orgs/unit_detail.html", context)


@login_required
@require_GET
def unit_members(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request, "orgs")
    unit = selectors.get_unit_for_user(request.user, pk)
    q = request.GET.get("q", "").strip()
    show_past = request.GET.get("past") == "1"
    members = selectors.unit_members(unit=unit, q=q, current=not show_past)
    if request.GET.get("format") == "xlsx":
        return exports.members_xlsx(unit, members)
    page_obj, querystring_base = paginate(request, members, count_cap=COUNT_CAP)
    context = _unit_context(request, unit) | {
        "page_obj": page_obj, "querystring_base": querystring_base, "q": q, "show_past": show_past,
    }
    template = "orgs/_member_rows.html" if getattr(request, "htmx", False) else "orgs/unit_members.html"
    return render(request, template, context)


@login_required
@require_GET
def unit_history(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request, "orgs")
    unit = selectors.get_unit_for_user(request.user, pk)
    page_obj, querystring_base = paginate(request, selectors.unit_audit(unit=unit))
    # Read as people read it: labels for the action codes and fields, dd/mm/yyyy, no codes.
    page_obj.object_list = history_rows(page_obj.object_list, about=unit, omit=("code",))
    context = _unit_context(request, unit) | {
        "changes": selectors.unit_changes(unit=unit),
        "page_obj": page_obj,
        "querystring_base": querystring_base,
        "past_positions": selectors.unit_positions(unit=unit, current=False),
    }
    return render(request, "orgs/unit_history.html", context)


def _form_page(request, template: str, unit, form, **extra) -> HttpResponse:
    return render(request, template, _unit_context(request, unit) | {"form": form} | extra)


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request, "orgs")
    parent = selectors.get_unit_for_user(request.user, pk, Action.CHANGE)
    form = UnitCreateForm(request.POST or None, parent=parent)
    unit = submit(request, form, lambda data: services.unit_create(actor=request.user, parent=parent, **data))
    if unit is not None:
        messages.success(request, _("%(unit)s was created.") % {"unit": unit.name})
        return redirect("orgs:unit_detail", pk=unit.pk)
    return _form_page(request, "orgs/unit_create.html", parent, form)


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request, "orgs")
    unit = selectors.get_unit_for_user(request.user, pk, Action.CHANGE)
    initial = {
        "name": unit.name, "short_name": unit.short_name, "code": unit.code,
        "expected_version": versions.token(unit, services.UNIT_EDIT_FIELDS),
    }
    form = UnitEditForm(request.POST or None, initial=initial)
    updated = submit(request, form, lambda data: services.unit_update(actor=request.user, unit=unit, **data))
    if updated is not None:
        messages.success(request, _("The changes were saved."))
        return redirect("orgs:unit_detail", pk=unit.pk)
    return _form_page(request, "orgs/unit_edit.html", unit, form)


@login_required
@require_http_methods(["GET", "POST"])
def unit_move(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request, "orgs")
    unit = selectors.get_unit_for_user(request.user, pk, Action.REORGANISE)
    parents = selectors.unit_move_parents(user=request.user, unit=unit)
    lookup_url = reverse("orgs:unit_lookup", args=[unit.pk]) + "?scope=parent"
    form = UnitMoveForm(request.POST or None, parents=parents, lookup_url=lookup_url)
    moved = submit(request, form, lambda data: services.unit_move(actor=request.user, unit=unit, **data))
    if moved is not None:
        messages.success(request, _("%(unit)s was moved.") % {"unit": unit.name})
        return redirect("orgs:unit_detail", pk=unit.pk)
    return _form_page(request, "orgs/unit_move.html", unit, form)


@login_required
@require_GET
@never_cache
def unit_lookup(request: HttpRequest, pk: int) -> JsonResponse:
    """The suggestions of the reorganisation forms' unit pickers for the unit ``pk`` (which
    the user may reorganise): ``?scope=parent`` (the default), where it may move; ``merge``,
    what it may be merged into; ``siblings``, what may be merged together with it."""
    unit = selectors.get_unit_for_user(request.user, pk, Action.REORGANISE)
    scope = request.GET.get("scope", "parent")
    if scope == "parent":
        units = selectors.unit_move_parents(user=request.user, unit=unit)
    elif scope == "merge":
        units = selectors.unit_merge_targets(user=request.user, unit=unit)
    elif scope == "siblings":
        units = selectors.unit_merge_siblings(user=request.user, unit=unit)
    else:
        raise Http404
    return unit_lookup_response(request, units)


@login_required
@require_http_methods(["GET", "POST"])
def unit_merge(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request, "orgs")
    unit = selectors.get_unit_for_user(request.user, pk, Action.REORGANISE)
    siblings = selectors.unit_merge_siblings(user=request.user, unit=unit)
    targets = selectors.unit_merge_targets(user=request.user, unit=unit)
    lookup_url = reverse("orgs:unit_lookup", args=[unit.pk])
    form = UnitMergeForm(request.POST or None, siblings=siblings, targets=targets, lookup_url=lookup_url)

    def merge(data):
        others = data.pop("others")
        return services.unit_merge(actor=request.user, sources=[unit, *others], **data)

    change = submit(request, form, merge)
    if change is not None:
        target = change.to_units.get()
        messages.success(request, _("The units were merged into %(unit)s.") % {"unit": target.name})
        return redirect("orgs:unit_detail", pk=target.pk)
    return _form_page(request, "orgs/unit_merge.html", unit, form)


@login_required
@require_http_methods(["GET", "POST"])
def unit_split(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request, "orgs")
    unit = selectors.get_unit_for_user(request.user, pk, Action.REORGANISE)
    parent = selectors.unit_parent(unit=unit)
    if parent is None or not policy.may(request.user, Action.REORGANISE, parent):
        raise PermissionDenied
    children = selectors.unit_children(unit=unit)
    form = UnitSplitForm(request.POST or None, children=children)
    split = submit(
        request,
        form,
        lambda data: services.unit_split(
            actor=request.user, source=unit, parts=data["parts"], date=data["date"],
            child_assignment=form.child_assignment(), decision=data["decision"], reason=data["reason"],
        ),
    )
    if split is not None:
        messages.success(request, _("%(unit)s was split.") % {"unit": unit.name})
        return redirect("orgs:unit_detail", pk=unit.pk)
    return _form_page(request, "orgs/unit_split.html", unit, form)


@login_required
@require_http_methods(["GET", "POST"])
def term_create(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request, "orgs")
    unit = selectors.get_unit_for_user(request.user, pk, Action.CHANGE)
    form = TermForm(request.POST or None)
    term = submit(request, form, lambda data: services.term_create(actor=request.user, unit=unit, **data))
    if term is not None:
        messages.success(request, _("The term was added."))
        return redirect("orgs:unit_detail", pk=unit.pk)
    return _form_page(request, "orgs/term_form.html", unit, form)


@login_required
@require_GET
def term_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A term with its standing members, standing committee and executive committee."""
    _section(request, "orgs")
    term = selectors.get_term_for_user(request.user, pk)
    context = _unit_context(request, term.unit) | {"term": term, "bodies": selectors.term_bodies(term=term)}
    return render(request, "orgs/term_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def position_create(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request, "orgs")
    unit = selectors.get_unit_for_user(request.user, pk, Action.CHANGE)
    form = PositionForm(
        request.POST or None,
        people=selectors.person_list(user=request.user),
        terms=selectors.unit_terms(unit=unit),
    )
    ceiling = role_ceiling(request.user, unit)
    form.limit_roles(ceiling)
    position = submit(
        request, form, lambda data: services.position_create(actor=request.user, unit=unit, **data)
    )
    if position is not None:
        messages.success(request, _("The position was recorded."))
        return redirect("orgs:unit_detail", pk=unit.pk)
    return _form_page(request, "orgs/position_form.html", unit, form)


@login_required
@require_http_methods(["GET", "POST"])
def position_end(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request, "orgs")
    position = selectors.get_position_for_user(request.user, pk, Action.CHANGE)
    form = PositionEndForm(request.POST or None)
    ended = submit(
        request, form, lambda data: services.position_end(actor=request.user, position=position, **data)
    )
    if ended is not None:
        messages.success(request, _("The position was ended."))
        return redirect("orgs:unit_detail", pk=position.unit_id)
    return _form_page(request, "orgs/position_end.html", position.unit, form, position=position)


@login_required
@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    _section(request, "people")
    q = request.GET.get("q", "").strip()
    people = selectors.person_list(user=request.user, q=q)
    if request.GET.get("format") == "xlsx":
        return exports.people_xlsx(people)
    page_obj, querystring_base = paginate(request, people)
    page_obj.object_list = selectors.attach_current_units(page_obj.object_list)
    return render(
        request, "orgs/person_list.html", {"page_obj": page_obj, "querystring_base": querystring_base, "q": q}
    )


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request, "people")
    person = selectors.get_person_for_user(request.user, pk)
    return render(
        request,
        "orgs/person_detail.html",
        {
            "person": person,
            "readable": policy.readable_fields(request.user, person),
            "positions": selectors.person_positions(person=person),
            "memberships": selectors.person_memberships(person=person),
            # Their positions and memberships too: when each was given, by whom, with what.
            "history": history(person, include=[person.positions.all(), person.memberships.all()]),
        },
    )


@login_required
@require_GET
@never_cache
def person_lookup(request: HttpRequest) -> JsonResponse:
    """People the user may see whose name matches ``q``: the suggestions of the person picker.

    ``{"items": [{"id", "name", "birth_year", "unit", "detail"}], "more": bool, "message": str}``,
    at most ``selectors.PERSON_LOOKUP_LIMIT`` items, scoped like the list of people.
    """
    return person_lookup_response(request, selectors.person_list(user=request.user), _("Nobody you may see matches “%(q)s”."))


def person_lookup_response(request: HttpRequest, people, nobody: str = "") -> JsonResponse:
    """The answer of a person picker's ``lookup_url``: ``people`` (already scoped to the user
    by the calling view) whose name matches ``q``; ``nobody`` says none did (``%(q)s``).

    ``{"items": [{"id", "name", "birth_year", "unit", "detail"}], "more": bool, "message": str}``,
    at most ``selectors.PERSON_LOOKUP_LIMIT`` items; two queries whatever the number of people.
    """
    q = request.GET.get("q", "").replace("\x00", "").strip()[: selectors.PERSON_LOOKUP_MAX_LENGTH]
    if len(q) < PersonPicker.min_chars:
        return JsonResponse({"items": [], "more": False, "message": ""})
    matches, more = selectors.person_matches(people, q=q)
    if not matches:
        message = (nobody or _("Nobody you may choose matches “%(q)s”.")) % {"q": q}
    elif more:
        message = _("The first %(n)s people found are shown: type more of the name to find fewer.") % {
            "n": len(matches)
        }
    else:
        message = ngettext("%(n)s person found.", "%(n)s people found.", len(matches)) % {"n": len(matches)}
    items = [
        {"id": m.pk, "name": m.name, "birth_year": m.birth_year, "unit": m.unit, "detail": match_detail(m)}
        for m in matches
    ]
    return JsonResponse({"items": items, "more": more, "message": message})


def unit_lookup_response(request: HttpRequest, units) -> JsonResponse:
    """The answer of a unit picker's ``lookup_url``: ``units`` (already scoped to the user by
    the calling view) whose name matches ``q``.

    ``{"items": [{"id", "name", "detail"}], "more": bool, "message": str}``, at most
    ``selectors.UNIT_LOOKUP_LIMIT`` items; one query whatever the number of units.
    """
    q = request.GET.get("q", "").replace("\x00", "").strip()[: selectors.UNIT_LOOKUP_MAX_LENGTH]
    if len(q) < UnitPicker.min_chars:
        return JsonResponse({"items": [], "more": False, "message": ""})
    matches, more = selectors.unit_matches(units, q=q)
    if not matches:
        message = _("No unit you may choose matches “%(q)s”.") % {"q": q}
    elif more:
        message = _("The first %(n)s units found are shown: type more of the name to find fewer.") % {
            "n": len(matches)
        }
    else:
        message = ngettext("%(n)s unit found.", "%(n)s units found.", len(matches)) % {"n": len(matches)}
    items = [{"id": m.pk, "name": m.name, "detail": m.detail} for m in matches]
    return JsonResponse({"items": items, "more": more, "message": message})
