"""Pages of the annual ratings: the campaigns of a year, one campaign (progress, who still has
to rate whom, results, distribution, exports, the pre-fill job) and one rating (the evidence
figures with their links, the gates, the form)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
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
from dangbo.core.policy import Action
from dangbo.orgs.selectors import manageable_units, person_list
from dangbo.orgs.views import unit_lookup_response

from . import exports, rules, selectors, services
from .forms import CampaignForm, DisciplineForm, RatingForm


def _section(request: Request) -> None:
    request.nav_section = "ratings"  # type: ignore[attr-defined]


@login_required
@require_GET
@never_cache
def unit_lookup(request: Request) -> JsonResponse:
    """The suggestions of the ratings' unit pickers (a campaign's unit, a disciplined
    organisation): the units the user manages whose name matches ``q``."""
    return unit_lookup_response(request, manageable_units(user=request.user))


@login_required
@require_http_methods(["GET", "POST"])
def rating_home(request: Request) -> HttpResponse:
    _section(request)
    units = manageable_units(user=request.user)
    form = CampaignForm(request.POST or None, units=units, initial={"year": timezone.localdate().year})
    campaign = submit(request, form, lambda data: services.campaign_open(actor=request.user, **data))
    if campaign is not None:
        messages.success(request, _("The rating campaign has been opened."))
        return redirect(campaign)
    return render(request, "people/ratings/home.html", {
        "campaigns": selectors.campaign_list(user=request.user),
        "mine": selectors.my_ratings(user=request.user),
        "form": form, "can_open": units.exists(),
    })


@login_required
@require_GET
def rating_campaign(request: Request, pk: int) -> HttpResponse:
    _section(request)
    campaign = selectors.get_campaign_for_user(request.user, pk)
    focus = None
    unit_id = request.GET.get("unit", "")
    if unit_id.isdigit():
        focus = selectors.campaign_unit_for_user(request.user, campaign, int(unit_id))
    view = selectors.campaign_view(user=request.user, campaign=campaign, focus=focus)
    context = {"campaign": campaign, "view": view, "rule": campaign.rule,
               **policy.permissions(request.user, campaign, [Action.CHANGE])}
    return render(request, "people/ratings/campaign.html", context)


@login_required
@require_GET
def rating_campaign_progress(request: Request, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for_user(request.user, pk)
    return render(request, "people/ratings/_progress.html", {"campaign": campaign})


@login_required
@require_POST
def rating_campaign_prefill(request: Request, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for_user(request.user, pk, Action.CHANGE)
    try:
        services.campaign_prefill_start(actor=request.user, campaign=campaign)
        messages.success(request, _("The pre-fill has been queued; this page shows how far it is."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(campaign)


@login_required
@require_GET
def rating_campaign_export(request: Request, pk: int, fmt: str) -> HttpResponse:
    campaign = selectors.get_campaign_for_user(request.user, pk)
    view = selectors.campaign_view(user=request.user, campaign=campaign, limit=None)
    if fmt == "xlsx":
        return exports.campaign_xlsx(campaign, view)
    if fmt == "docx":
        return exports.campaign_docx(campaign, view)
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def rating_detail(request: Request, pk: int) -> HttpResponse:
    _section(request)
    rating = selectors.get_rating_for_user(request.user, pk, Action.CHANGE if request.method == "POST" else Action.VIEW)
    can_change = policy.may(request.user, Action.CHANGE, rating)
    rule = rating.rule
    initial = {"general_points": rating.general_points, "task_points": rating.task_points, "grade": rating.grade,
               "note": rating.note, "expected_version": versions.token(rating, services.EDIT_FIELDS)}
    for code, adjustment in (rating.adjusted or {}).items():
        initial[f"fig_{code}"] = adjustment.get("value")
        initial[f"why_{code}"] = adjustment.get("reason", "")
    form = RatingForm(request.POST or None, rating=rating, initial=initial)
    saved = submit(request, form, lambda data: services.rating_save(
        actor=request.user, rating=rating, general_points=data.get("general_points"),
        task_points=data.get("task_points"), grade=data["grade"], adjustments=form.adjustments(rating),
        note=data["note"], expected_version=data["expected_version"] or None,
    ))
    if saved is not None:
        messages.success(request, _("The rating has been saved."))
        for _quota, message in services.quota_problems(saved):
            messages.warning(request, message)
        return redirect(saved)
    facts = services.facts_for(rule, rating)
    context = {
        "rating": rating, "rule": rule, "form": form, "can_change": can_change,
        "figures": rating.figures(), "gates": rules.gate_messages(rule, facts),
        "suggested": rules.best_allowed(rule, facts, rating.points),
        "grade_label": (rules.grade(rule, rating.grade) or {}).get("label", ""),
        "failed_twice": rules.failed_twice(rule, rating.grade, services.previous_final(rating)),
        "disciplines": selectors.disciplines_for(rating),
        "history": history(rating),
    }
    return render(request, "people/ratings/rating_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rating_discipline_create(request: Request) -> HttpResponse:
    """Record a discipline: the gate "Xuất sắc không thể: bị kỷ luật năm …" of that year."""
    _section(request)
    units = manageable_units(user=request.user)
    form = DisciplineForm(request.POST or None, people=person_list(user=request.user), units=units)
    record = submit(request, form, lambda data: services.discipline_record(
        actor=request.user, person=data["person"], unit=data["unit"], date=data["date"], form=data["form"],
        decision=data["decision"], source=data["source"], reason=data["reason"],
    ))
    if record is not None:
        messages.success(request, _("The discipline has been recorded."))
        return redirect("people:rating_home")
    return form_page(request, form, _("Record a discipline"), cancel_href=reverse("people:rating_home"))
