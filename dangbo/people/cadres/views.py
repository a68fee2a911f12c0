"""Pages of cadres: the records, the planning of a term with its criteria, rotations and
appointments as steps, the shares of young and female cadres, staff streamlining."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangbo.core import policy, versions
from dangbo.core.audit import history
from dangbo.core.forms import form_page, submit
from dangbo.core.http import Request
from dangbo.core.pagination import paginate
from dangbo.core.policy import Action
from dangbo.core.text import fold
from dangbo.orgs.selectors import manageable_units
from dangbo.orgs.views import unit_lookup_response

from . import panels, selectors, services
from .forms import (
    AwardForm,
    CancelForm,
    CandidateForm,
    CompleteForm,
    DecideForm,
    MoveForm,
    PlanForm,
    ProfileEditForm,
    ProfileForm,
    StreamliningForm,
    TrainingForm,
)
from .models import Move, PlanCandidate, PlanningRule

PER_PAGE = 50


def _section(request: Request) -> None:
    request.nav_section = "cadres"


def _units(request: Request):
    units = manageable_units(user=request.user)
    if not units.exists():
        raise PermissionDenied
    return units


# --- Records -------------------------------------------------------------------------------


@login_required
@require_GET
def cadre_list(request: Request) -> HttpResponse:
    _section(request)
    units = selectors.units_with_cadres(user=request.user)
    unit = next((u for u in units if str(u.pk) == request.GET.get("unit")), None)
    q = request.GET.get("q", "").strip()[:100]
    profiles = selectors.profile_list(user=request.user, unit=unit)
    if q:
        profiles = profiles.filter(person__search_name__contains=fold(q))
    page_obj, querystring_base = paginate(request, profiles, per_page=PER_PAGE)
    return render(request, "people/cadres/cadre_list.html", {
        "profiles": page_obj.object_list, "page_obj": page_obj, "querystring_base": querystring_base,
        "units": units, "unit": unit, "q": q, "can_create": manageable_units(user=request.user).exists(),
    })


@login_required
@require_GET
@never_cache
def unit_lookup(request: Request) -> JsonResponse:
    """The suggestions of the cadres' unit pickers (a record's managing unit, a planning's,
    a rotation's, a streamlining's): the units the user manages whose name matches ``q``."""
    return unit_lookup_response(request, manageable_units(user=request.user))


@login_required
@require_http_methods(["GET", "POST"])
def cadre_create(request: Request) -> HttpResponse:
    _section(request)
    form = ProfileForm(request.POST or None, user=request.user, units=_units(request))
    profile = submit(request, form, lambda data: services.profile_create(actor=request.user, **data))
    if profile is not None:
        messages.success(request, _("The cadre record has been created."))
        return redirect(profile)
    return form_page(request, form, _("New cadre record"), cancel_href=reverse("people:cadre_list"))


@login_required
@require_GET
def cadre_detail(request: Request, pk: int) -> HttpResponse:
    _section(request)
    profile = selectors.get_profile_for_user(request.user, pk)
    context = {
        "profile": profile, "person": profile.person,
        "readable": policy.readable_fields(request.user, profile.person),
        **selectors.profile_record(user=request.user, profile=profile),
        "history": history(profile),
        "record_panels": panels.record_panels(request, profile), "panels_registered": panels.any_registered(),
        **policy.permissions(request.user, profile, [Action.CHANGE]),
    }
    return render(request, "people/cadres/cadre_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cadre_edit(request: Request, pk: int) -> HttpResponse:
    _section(request)
    profile = selectors.get_profile_for_user(request.user, pk, Action.CHANGE)
    initial = {
        "education": profile.education, "field_of_study": profile.field_of_study, "theory": profile.theory,
        "note": profile.note, "expected_version": versions.token(profile, services.PROFILE_EDIT_FIELDS),
    }
    form = ProfileEditForm(request.POST or None, initial=initial)
    done = submit(request, form, lambda data: services.profile_update(actor=request.user, profile=profile, **data))
    if done is not None:
        messages.success(request, _("The cadre record has been saved."))
        return redirect(profile)
    return form_page(request, form, _("Education and theory of %(name)s") % {"name": profile.person}, cancel_href=profile.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def training_add(request: Request, pk: int) -> HttpResponse:
    _section(request)
    profile = selectors.get_profile_for_user(request.user, pk, Action.CHANGE)
    form = TrainingForm(request.POST or None)
    if submit(request, form, lambda data: services.training_add(actor=request.user, profile=profile, **data)):
        messages.success(request, _("The training course has been recorded."))
        return redirect(profile)
    return form_page(request, form, _("Training course of %(name)s") % {"name": profile.person}, cancel_href=profile.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def award_add(request: Request, pk: int) -> HttpResponse:
    _section(request)
    profile = selectors.get_profile_for_user(request.user, pk, Action.CHANGE)
    form = AwardForm(request.POST or None)
    if submit(request, form, lambda data: services.award_add(actor=request.user, profile=profile, **data)):
        messages.success(request, _("The award has been recorded."))
        return redirect(profile)
    return form_page(request, form, _("Award of %(name)s") % {"name": profile.person}, cancel_href=profile.get_absolute_url())


# --- Planning ------------------------------------------------------------------------------


@login_required
@require_GET
def plan_list(request: Request) -> HttpResponse:
    _section(request)
    return render(request, "people/cadres/plan_list.html", {
        "plans": list(selectors.plan_list(user=request.user)),
        "can_create": manageable_units(user=request.user).exists(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: Request) -> HttpResponse:
    _section(request)
    form = PlanForm(request.POST or None, units=_units(request))
    plan = submit(request, form, lambda data: services.plan_create(actor=request.user, **data))
    if plan is not None:
        messages.success(request, _("The planning has been created."))
        return redirect(plan)
    return form_page(request, form, _("New cadre planning"), cancel_href=reverse("people:plan_list"))


@login_required
@require_GET
def plan_detail(request: Request, pk: int) -> HttpResponse:
    _section(request)
    plan = selectors.get_plan_for_user(request.user, pk)
    perms = policy.permissions(request.user, plan, [Action.CHANGE])
    candidates = selectors.plan_candidates(plan)
    context = {
        "plan": plan, "candidates": candidates, "summary": selectors.plan_summary(plan, candidates), "history": history(plan),
        "form": CandidateForm(user=request.user) if perms["can_change"] else None, **perms,
    }
    return render(request, "people/cadres/plan_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def candidate_add(request: Request, pk: int) -> HttpResponse:
    _section(request)
    plan = selectors.get_plan_for_user(request.user, pk, Action.CHANGE)
    form = CandidateForm(request.POST or None, user=request.user)
    candidate = submit(request, form, lambda data: services.candidate_add(actor=request.user, plan=plan, **data))
    if candidate is not None:
        if candidate.all_met:
            messages.success(request, _("%(name)s has been planned.") % {"name": candidate.person})
        else:
            messages.warning(
                request, _("%(name)s has been planned but does not meet every criterion: see the reasons.")
                % {"name": candidate.person},
            )
        return redirect(plan)
    return form_page(request, form, _("Plan a candidate"), cancel_href=plan.get_absolute_url())


@login_required
@require_POST
def candidate_remove(request: Request, pk: int) -> HttpResponse:
    candidate = policy.get_for_user(request.user, PlanCandidate.objects.select_related("plan__unit", "person"), pk, Action.CHANGE)
    plan = candidate.plan
    services.candidate_remove(actor=request.user, candidate=candidate, reason=request.POST.get("reason", "")[:300])
    messages.success(request, _("%(name)s has been taken out of the planning.") % {"name": candidate.person})
    return redirect(plan)


@login_required
@require_POST
def plan_recheck(request: Request, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk, Action.CHANGE)
    changed = services.plan_recheck(actor=request.user, plan=plan)
    messages.success(request, _("The criteria have been checked again: %(n)s candidates changed.") % {"n": changed})
    return redirect(plan)


@login_required
@require_GET
def rule_list(request: Request) -> HttpResponse:
    _section(request)
    rules = list(policy.visible(request.user, PlanningRule).order_by("level_code", "-effective_from"))
    return render(request, "people/cadres/rule_list.html", {"rules": rules})


# --- Rotation and appointment --------------------------------------------------------------------


@login_required
@require_GET
def move_list(request: Request) -> HttpResponse:
    _section(request)
    status = request.GET.get("status", "")
    if status not in Move.Status.values:
        status = ""
    page_obj, querystring_base = paginate(request, selectors.move_list(user=request.user, status=status), per_page=PER_PAGE)
    return render(request, "people/cadres/move_list.html", {
        "moves": page_obj.object_list, "page_obj": page_obj, "querystring_base": querystring_base, "status": status,
        "statuses": Move.Status.choices, "can_create": manageable_units(user=request.user).exists(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def move_create(request: Request) -> HttpResponse:
    _section(request)
    form = MoveForm(request.POST or None, user=request.user, units=_units(request))
    move = submit(request, form, lambda data: services.move_propose(actor=request.user, **data))
    if move is not None:
        messages.success(request, _("The proposal has been recorded."))
        return redirect(move)
    return form_page(request, form, _("Propose a rotation or appointment"), cancel_href=reverse("people:move_list"))


@login_required
@require_GET
def move_detail(request: Request, pk: int) -> HttpResponse:
    _section(request)
    move = selectors.get_move_for_user(request.user, pk)
    context = {
        "move": move, "history": history(move), "decide_form": DecideForm(), "complete_form": CompleteForm(),
        "cancel_form": CancelForm(),
        **policy.permissions(request.user, move, [Action.CHANGE]),
    }
    return render(request, "people/cadres/move_detail.html", context)


def _move_step(request: Request, pk: int, form_class, service, done: str) -> HttpResponse:
    _section(request)
    move = selectors.get_move_for_user(request.user, pk, Action.CHANGE)
    form = form_class(request.POST)
    if submit(request, form, lambda data: service(actor=request.user, move=move, **data)) is not None:
        messages.success(request, done)
        return redirect(move)
    context = {
        "move": move, "history": history(move), "can_change": True,
        "decide_form": form if form_class is DecideForm else DecideForm(),
        "complete_form": form if form_class is CompleteForm else CompleteForm(),
        "cancel_form": form if form_class is CancelForm else CancelForm(),
    }
    return render(request, "people/cadres/move_detail.html", context, status=400)


class _NoFields(forms.Form):
    """Taking up the post needs no input: the decision holds it all."""


@login_required
@require_POST
def move_decide(request: Request, pk: int) -> HttpResponse:
    return _move_step(request, pk, DecideForm, services.move_decide, _("The decision has been recorded."))


@login_required
@require_POST
def move_take_up(request: Request, pk: int) -> HttpResponse:
    return _move_step(request, pk, _NoFields, services.move_take_up, _("The post has been taken up; the position is now in the organisation."))


@login_required
@require_POST
def move_complete(request: Request, pk: int) -> HttpResponse:
    return _move_step(request, pk, CompleteForm, services.move_complete, _("The rotation or appointment has been completed."))


@login_required
@require_POST
def move_cancel(request: Request, pk: int) -> HttpResponse:
    return _move_step(request, pk, CancelForm, services.move_cancel, _("The rotation or appointment has been cancelled."))


# --- Shares and streamlining ------------------------------------------------------------------


@login_required
@require_GET
def shares(request: Request) -> HttpResponse:
    _section(request)
    terms = selectors.term_codes(user=request.user)
    term = request.GET.get("term") or (terms[0] if terms else "")
    if term not in terms:
        term = terms[0] if terms else ""
    rows = selectors.shares(user=request.user, term_code=term, today=timezone.localdate()) if term else []
    return render(request, "people/cadres/shares.html", {
        "terms": terms, "term": term, "rows": rows, "levels": selectors.share_levels(rows),
        "chart": selectors.share_chart(rows),
    })


@login_required
@require_http_methods(["GET", "POST"])
def streamlining(request: Request) -> HttpResponse:
    _section(request)
    units = manageable_units(user=request.user)
    form = StreamliningForm(request.POST or None, units=units, initial={"year": timezone.localdate().year})
    if request.method == "POST" and not units.exists():
        raise PermissionDenied
    if submit(request, form, lambda data: services.streamlining_record(actor=request.user, **data)) is not None:
        messages.success(request, _("The staff streamlining has been recorded."))
        return redirect("people:streamlining")
    rows = list(selectors.streamlining_list(user=request.user))
    years = sorted({r.year for r in rows})
    table: dict[int, dict] = {}
    for r in rows:
        table.setdefault(r.unit_id, {"unit": r.unit, "years": {}})["years"][r.year] = r
    lines = [{"unit": t["unit"], "cells": [t["years"].get(y) for y in years]} for t in table.values()]
    status = 400 if request.method == "POST" else 200
    return render(request, "people/cadres/streamlining.html", {
        "years": years, "lines": lines, "form": form if units.exists() else None,
    }, status=status)
