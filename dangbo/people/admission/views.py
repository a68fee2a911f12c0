"""Pages of admission: the pipeline of a cell, ward or city; adding a candidate; one candidate
with its timeline and the form of its next step; targets against actuals; the rules in force."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangbo.assignments.selectors import unit_filter_choices
from dangbo.core import policy
from dangbo.core.audit import history
from dangbo.core.forms import form_page, submit
from dangbo.core.http import Request
from dangbo.core.pagination import paginate
from dangbo.core.policy import Action
from dangbo.orgs.selectors import manageable_units
from dangbo.orgs.views import unit_lookup_response

from . import selectors, services
from .forms import (
    CandidateCreateForm,
    CeremonyForm,
    CertificateForm,
    DateForm,
    DecisionForm,
    FormsForm,
    PipelineForm,
    ReasonForm,
    ReviewForm,
    StopForm,
    TargetForm,
)
from .models import AdmissionRules, Candidate, Stage

PER_PAGE = 25
#: The candidates of a pipeline are counted up to this many only (the page links of a
#: province do not count it to its end).
COUNT_CAP = 1000


def _section(request: Request) -> None:
    request.nav_section = "admission"


def _today() -> dt.date:
    return timezone.localdate()


@login_required
@require_GET
def admission_pipeline(request: Request) -> HttpResponse:
    """The pipeline of a unit (the user's top unit by default): counts per stage, per unit
    below, and the candidates, late ones first."""
    _section(request)
    today = _today()
    form = PipelineForm(request.GET or None, units=unit_filter_choices(user=request.user), initial={"stage": "open"})
    f = selectors.Filters(stage="open")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        f = selectors.Filters(unit=data["unit"], stage=data["stage"] or "", late=data["late"] or None)
    unit = f.unit or selectors.default_unit(request.user)
    board = selectors.pipeline(user=request.user, unit=unit, today=today) if unit else None
    candidates = selectors.candidate_list(user=request.user, filters=f, today=today)
    page_obj, querystring_base = paginate(request, candidates, per_page=PER_PAGE, count_cap=COUNT_CAP)
    context = {
        "form": form, "board": board, "page_obj": page_obj, "querystring_base": querystring_base,
        "today": today, "stages": Stage.choices,
        "can_create": policy.is_everything(request.user) or bool(policy.paths(request.user, Action.CHANGE)),
    }
    return render(request, "people/admission/pipeline.html", context)


def _candidate_cells(request: Request):
    """The cells a candidate may be added to: those the user manages."""
    return manageable_units(user=request.user).filter(kind__holds_members=True).order_by("path")


def _target_units(request: Request):
    """The party units whose admission targets the user sets."""
    return manageable_units(user=request.user).filter(kind__is_party=True).order_by("path")


@login_required
@require_GET
@never_cache
def unit_lookup(request: Request) -> JsonResponse:
    """The suggestions of the admission's unit pickers, among the units the field takes: the
    cells a candidate may be added to, or (``?scope=target``) the units whose targets the user
    sets."""
    scope = request.GET.get("scope", "")
    if scope == "":
        units = _candidate_cells(request)
    elif scope == "target":
        units = _target_units(request)
    else:
        raise Http404
    return unit_lookup_response(request, units)


@login_required
@require_http_methods(["GET", "POST"])
def candidate_create(request: Request) -> HttpResponse:
    _section(request)
    units = _candidate_cells(request)
    form = CandidateCreateForm(request.POST or None, units=units)
    candidate = submit(request, form, lambda data: services.candidate_create(actor=request.user, **data))
    if candidate is not None:
        messages.success(request, _("Candidate added."))
        return redirect(candidate)
    status = 400 if request.method == "POST" else 200
    return form_page(request, form, _("Add a candidate"), template="people/admission/form_page.html", status=status)


def _rules_of(candidate: Candidate) -> AdmissionRules:
    return AdmissionRules.in_force(candidate.resolution_on or candidate.certificate_on or candidate.added_on)


#: The steps a candidate's page offers: name → (stages it applies to, the form, the service).
Step = tuple[tuple[str, ...], Callable[[Candidate, Any], forms.Form], Callable[[Any, Candidate, dict], Candidate]]
STEPS: dict[str, Step] = {
    "certificate": (
        (Stage.AWARENESS,), lambda c, data: CertificateForm(data),
        lambda actor, c, d: services.candidate_certificate(actor=actor, candidate=c, **d),
    ),
    "forms": (
        (Stage.FILE,),
        lambda c, data: FormsForm(data, choices=_rules_of(c).forms, initial={"forms": c.forms_done}),
        lambda actor, c, d: services.candidate_forms(actor=actor, candidate=c, **d),
    ),
    "resolution": (
        (Stage.FILE,), lambda c, data: DateForm(data),
        lambda actor, c, d: services.candidate_resolution(actor=actor, candidate=c, **d),
    ),
    "extend": (
        (Stage.DECISION, Stage.RECOGNITION), lambda c, data: ReasonForm(data),
        lambda actor, c, d: services.candidate_extend(actor=actor, candidate=c, **d),
    ),
    "decision": (
        (Stage.DECISION,), lambda c, data: DecisionForm(data),
        lambda actor, c, d: services.candidate_decision(actor=actor, candidate=c, **d),
    ),
    "ceremony": (
        (Stage.CEREMONY,), lambda c, data: CeremonyForm(data, helpers=selectors.helpers_for(c)),
        lambda actor, c, d: services.candidate_ceremony(actor=actor, candidate=c, **d),
    ),
    "review": (
        (Stage.PROBATION,), lambda c, data: ReviewForm(data),
        lambda actor, c, d: services.candidate_review(actor=actor, candidate=c, **d),
    ),
    "recognise": (
        (Stage.RECOGNITION,), lambda c, data: DecisionForm(data),
        lambda actor, c, d: services.candidate_recognise(actor=actor, candidate=c, **d),
    ),
    "stop": (
        (Stage.AWARENESS, Stage.FILE, Stage.DECISION, Stage.CEREMONY), lambda c, data: StopForm(data),
        lambda actor, c, d: services.candidate_stop(actor=actor, candidate=c, **d),
    ),
}


def _timeline(candidate: Candidate, rules: AdmissionRules, today: dt.date) -> list[dict[str, Any]]:
    c = candidate
    done: dict[str, tuple[dt.date | None, str]] = {
        Stage.AWARENESS: (c.certificate_on, c.certificate_number),
        Stage.FILE: (c.resolution_on, ", ".join(c.forms_done)),
        Stage.DECISION: (c.decision_on, c.decision_number),
        Stage.CEREMONY: (c.ceremony_on, c.helper.full_name if c.helper else ""),
        Stage.PROBATION: (c.review_on, ""),
        Stage.RECOGNITION: (c.recognition_on, c.recognition_number),
    }
    rows = []
    for stage in rules.stages.all():
        on, paper = done.get(stage.code, (None, ""))
        current = c.stage == stage.code
        rows.append({
            "stage": stage, "on": on, "paper": paper, "current": current,
            "due": c.due_date if current else None, "late": current and c.is_late(today),
        })
    return rows


def _detail(request: Request, candidate: Candidate, failed: tuple[str, forms.Form] | None = None) -> HttpResponse:
    today = _today()
    rules = _rules_of(candidate)
    can = policy.permissions(request.user, candidate, [Action.CHANGE])
    step_forms: dict[str, forms.Form] = {}
    if can["can_change"]:
        for name, (stages, build, _service) in STEPS.items():
            if candidate.stage in stages:
                step_forms[name] = build(candidate, None)
    if failed:
        step_forms[failed[0]] = failed[1]
    context = {
        "candidate": candidate, "rules": rules, "today": today, "timeline": _timeline(candidate, rules, today),
        "step_forms": step_forms, "history": history(candidate),
        "probation_month": candidate.probation_month(today), **can,
    }
    return render(request, "people/admission/candidate_detail.html", context, status=400 if failed else 200)


@login_required
@require_GET
def candidate_detail(request: Request, pk: int) -> HttpResponse:
    _section(request)
    return _detail(request, selectors.get_candidate_for_user(request.user, pk))


@login_required
@require_POST
def candidate_step(request: Request, pk: int, step: str) -> HttpResponse:
    _section(request)
    candidate = selectors.get_candidate_for_user(request.user, pk, Action.CHANGE)
    if step not in STEPS:
        raise Http404
    _stages, build, service = STEPS[step]
    form = build(candidate, request.POST)
    done = submit(request, form, lambda data: service(request.user, candidate, data))
    if done is not None:
        messages.success(request, _("Saved."))
        return redirect(done)
    return _detail(request, selectors.get_candidate_for_user(request.user, pk), failed=(step, form))


@login_required
@require_http_methods(["GET", "POST"])
def admission_targets(request: Request) -> HttpResponse:
    """Targets per unit and year against the admissions of that year."""
    _section(request)
    try:
        year = int(request.GET.get("nam") or _today().year)
    except ValueError:
        year = _today().year
    year = min(max(year, 2000), 2100)
    units = _target_units(request)
    form = TargetForm(request.POST or None, units=units, initial={"year": year})
    target = submit(request, form, lambda data: services.target_set(actor=request.user, **data))
    if target is not None:
        messages.success(request, _("Target saved."))
        return redirect(f"{request.path}?nam={target.year}")
    context = {
        "rows": selectors.targets(user=request.user, year=year), "year": year, "form": form,
        "can_set": policy.is_everything(request.user) or bool(policy.paths(request.user, Action.CHANGE)),
    }
    return render(request, "people/admission/targets.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def admission_rules(request: Request) -> HttpResponse:
    """The rule sets with their source documents and the stages' deadlines."""
    _section(request)
    return render(request, "people/admission/rules.html", {"rule_sets": selectors.rule_sets()})
