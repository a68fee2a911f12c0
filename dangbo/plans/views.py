"""Pages of plans: the themes by year, one theme with its items, one item with its tasks and
progress; the forms that create and change them."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangbo.assignments.models import Task
from dangbo.core import dates, evidence, policy, uploads, versions
from dangbo.core.audit import history
from dangbo.core.forms import form_page, submit
from dangbo.core.http import Request
from dangbo.core.policy import Action
from dangbo.documents.selectors import get_document_for_user
from dangbo.orgs.models import Unit
from dangbo.orgs.selectors import manageable_units
from dangbo.orgs.views import unit_lookup_response

from . import exports, selectors, services
from .forms import (
    ActualForm,
    AssignForm,
    CommitmentForm,
    EvaluationForm,
    ItemForm,
    LinkTasksForm,
    MilestoneForm,
    ProposalForm,
    RatingForm,
    SelfEvaluationForm,
    StatusForm,
    ThemeEditForm,
    ThemeForm,
)
from .models import Theme
from .progress import item_confidence, item_progress


def _section(request: Request) -> None:
    request.nav_section = "plans"


def _today() -> dt.date:
    return timezone.localdate()


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
@require_GET
def theme_list(request: Request) -> HttpResponse:
    """The themes the user may see for one year (the latest by default), each with its items,
    their progress and state."""
    _section(request)
    years = selectors.theme_years(user=request.user)
    year = _int(request.GET.get("year")) or (years[0] if years else _today().year)
    unit = None
    if unit_id := _int(request.GET.get("unit")):
        unit = policy.get_for_user(request.user, Unit, unit_id)
    themes, progress = selectors.themes_with_items(
        selectors.theme_list(user=request.user, year=year, unit=unit), today=_today()
    )
    context = {
        "themes": themes, "progress": progress, "years": years, "year": year, "unit": unit,
        "can_create": policy.is_everything(request.user) or bool(policy.paths(request.user, Action.CHANGE)),
    }
    return render(request, "plans/theme_list.html", context)


@login_required
@require_GET
@never_cache
def unit_lookup(request: Request) -> JsonResponse:
    """The suggestions of the unit pickers, among the units the field takes: those the user
    manages (a theme's unit, a commitment's upper level); ``?scope=lower``, the units a
    commitment may be signed with; ``?scope=owner&theme=<id>``, the units that may be in
    charge of an item of a theme the user may change; ``?scope=assign&item=<id>``, the units an
    item's tasks may be assigned to; ``?scope=proposal&document=<id>``, those of the tasks a
    document proposes."""
    scope = request.GET.get("scope", "")
    theme_id = request.GET.get("theme", "")
    if scope == "":
        units = manageable_units(user=request.user)
    elif scope == "lower":
        units, _people = selectors.commitment_choices(user=request.user, uppers=manageable_units(user=request.user))
    elif scope == "owner" and theme_id.isdigit() and len(theme_id) < 12:
        theme = selectors.get_theme_for_user(request.user, int(theme_id), Action.CHANGE)
        _people, units = selectors.item_owner_choices(theme=theme)
    elif scope == "assign" and (item_id := request.GET.get("item", "")).isdigit() and len(item_id) < 12:
        item = selectors.get_item_for_user(request.user, int(item_id), Action.CHANGE)
        units = selectors.assignable_units(user=request.user, item=item)
    elif scope == "proposal" and (document_id := request.GET.get("document", "")).isdigit() and len(document_id) < 12:
        document = get_document_for_user(request.user, int(document_id), Action.CHANGE)
        units = selectors.proposal_units(user=request.user, document=document)
    else:
        raise Http404
    return unit_lookup_response(request, units)


@login_required
@require_http_methods(["GET", "POST"])
def theme_create(request: Request) -> HttpResponse:
    _section(request)
    units = manageable_units(user=request.user)
    if not units.exists():
        raise PermissionDenied
    upper = None
    if unit_id := _int(request.GET.get("unit")):
        upper = units.filter(pk=unit_id).first()
    upper_themes = (
        selectors.upper_theme_choices(user=request.user, unit=upper) if upper else Theme.objects.none()
    )
    initial = {"year": _today().year, "unit": upper}
    form = ThemeForm(request.POST or None, units=units, upper_themes=upper_themes, initial=initial)
    if request.method == "POST":
        chosen = units.filter(pk=_int(request.POST.get("unit"))).first()
        if chosen is not None:
            form.fields["adopted_from"].queryset = selectors.upper_theme_choices(  # type: ignore[attr-defined]
                user=request.user, unit=chosen
            )
    theme = submit(request, form, lambda data: services.theme_create(actor=request.user, **data))
    if theme is not None:
        messages.success(request, _("The theme has been recorded."))
        return redirect(theme)
    return form_page(request, form, _("New annual theme"), template="plans/form_page.html", cancel_href=reverse("plans:theme_list"))


@login_required
@require_GET
def theme_detail(request: Request, pk: int) -> HttpResponse:
    _section(request)
    theme = selectors.get_theme_for_user(request.user, pk)
    themes, progress = selectors.theme_with_items(theme=theme, today=_today())
    context = {
        "theme": theme, "items": list(themes[0].items.all()), "progress": progress,
        "adoptions": list(policy.visible(request.user, theme.adoptions.select_related("unit"))),
        "history": history(theme),
        **policy.permissions(request.user, theme, [Action.CHANGE]),
    }
    return render(request, "plans/theme_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def theme_edit(request: Request, pk: int) -> HttpResponse:
    _section(request)
    theme = selectors.get_theme_for_user(request.user, pk, Action.CHANGE)
    initial = {"text": theme.text, "order": theme.order,
               "expected_version": versions.token(theme, services.THEME_EDIT_FIELDS)}
    form = ThemeEditForm(request.POST or None, initial=initial)
    saved = submit(request, form, lambda data: services.theme_update(actor=request.user, theme=theme, **data))
    if saved is not None:
        messages.success(request, _("The theme has been saved."))
        return redirect(saved)
    return form_page(request, form, _("Edit the theme"), template="plans/form_page.html", cancel_href=theme.get_absolute_url())


def _item_form(request: Request, theme: Theme, **kwargs) -> ItemForm:
    people, units = selectors.item_owner_choices(theme=theme)
    uppers = selectors.upper_item_choices(user=request.user, theme=theme)
    return ItemForm(request.POST or None, people=people, units=units, uppers=uppers, theme=theme, **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request: Request, pk: int) -> HttpResponse:
    _section(request)
    theme = selectors.get_theme_for_user(request.user, pk, Action.CHANGE)
    form = _item_form(request, theme, initial={"owner_unit": theme.unit})
    form.fields.pop("expected_version")
    item = submit(request, form, lambda data: services.item_create(actor=request.user, theme=theme, **data))
    if item is not None:
        messages.success(request, _("The item has been added."))
        return redirect(item)
    return form_page(request, form, _("New item of the theme"), template="plans/form_page.html", cancel_href=theme.get_absolute_url())


@login_required
@require_GET
def item_detail(request: Request, pk: int) -> HttpResponse:
    _section(request)
    item = selectors.get_item_for_user(request.user, pk)
    lower = selectors.lower_items(user=request.user, item=item)
    progress = item_progress([item, *lower], _today())
    can_change = policy.may(request.user, Action.CHANGE, item)
    person = request.person
    can_rate = person is not None and (can_change or person.pk == item.owner_person_id)
    confidence = item_confidence([item], _today())[item.pk]
    context = {
        "confidence": confidence,
        "ratings": selectors.item_ratings(item=item, month=confidence.month)
        if confidence.month else [],
        "rating_form": RatingForm() if can_rate else None,
        "item": item, "theme": item.theme, "p": progress[item.pk], "progress": progress,
        "lower": lower, "tasks": list(selectors.item_tasks(user=request.user, item=item)),
        "milestones": selectors.item_milestones(item=item), "today": _today(),
        "milestone_form": MilestoneForm() if can_change else None,
        "upper_visible": item.upper is not None and policy.may(request.user, Action.VIEW, item.upper),
        "history": history(item), "can_change": can_change,
    }
    return render(request, "plans/item_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: Request, pk: int) -> HttpResponse:
    _section(request)
    item = selectors.get_item_for_user(request.user, pk, Action.CHANGE)
    initial = {name: getattr(item, name) for name in services.ITEM_EDIT_FIELDS}
    initial["expected_version"] = versions.token(item, services.ITEM_EDIT_FIELDS)
    form = _item_form(request, item.theme, initial=initial)
    saved = submit(request, form, lambda data: services.item_update(actor=request.user, item=item, **data))
    if saved is not None:
        messages.success(request, _("The item has been saved."))
        return redirect(saved)
    return form_page(request, form, _("Edit the item"), template="plans/form_page.html", cancel_href=item.get_absolute_url())


@login_required
@require_POST
def milestone_add(request: Request, pk: int) -> HttpResponse:
    item = selectors.get_item_for_user(request.user, pk, Action.CHANGE)
    form = MilestoneForm(request.POST)
    if submit(request, form, lambda data: services.milestone_add(actor=request.user, item=item, **data)):
        messages.success(request, _("The milestone has been added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(item)


@login_required
@require_POST
def milestone_remove(request: Request, pk: int, milestone_pk: int) -> HttpResponse:
    item = selectors.get_item_for_user(request.user, pk, Action.CHANGE)
    milestone = selectors.get_milestone_for_user(request.user, item=item, pk=milestone_pk)
    services.milestone_remove(actor=request.user, milestone=milestone)
    messages.success(request, _("The milestone has been removed."))
    return redirect(item)


@login_required
@require_http_methods(["GET", "POST"])
def item_link(request: Request, pk: int) -> HttpResponse:
    """Link tasks already assigned to the item."""
    _section(request)
    item = selectors.get_item_for_user(request.user, pk, Action.CHANGE)
    form = LinkTasksForm(request.POST or None, tasks=selectors.linkable_tasks(user=request.user, item=item))
    linked = submit(request, form, lambda data: services.item_link_tasks(actor=request.user, item=item, **data))
    if linked is not None:
        messages.success(request, _("%(n)d task(s) linked.") % {"n": len(linked)})
        return redirect(item)
    return render(request, "plans/item_link.html", {"form": form, "item": item})


@login_required
@require_POST
def item_unlink(request: Request, pk: int, task_pk: int) -> HttpResponse:
    item = selectors.get_item_for_user(request.user, pk, Action.CHANGE)
    task = policy.get_for_user(request.user, Task, task_pk)
    try:
        services.item_unlink_task(actor=request.user, item=item, task=task)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The task is no longer linked to the item."))
    return redirect(item)


@login_required
@require_http_methods(["GET", "POST"])
def item_assign(request: Request, pk: int) -> HttpResponse:
    """Assign new tasks from the item, to several units at once, linked to it."""
    _section(request)
    item = selectors.get_item_for_user(request.user, pk, Action.CHANGE)
    units = selectors.assignable_units(user=request.user, item=item)
    form = AssignForm(request.POST or None, item=item, units=units, initial={"deadline": dt.date(item.theme.year, 12, 31)})
    tasks = submit(request, form, lambda data: services.item_assign(actor=request.user, item=item, **data))
    if tasks is not None:
        messages.success(request, _("%(n)d task(s) assigned and linked to the item.") % {"n": len(tasks)})
        return redirect(item)
    return form_page(request, form, _("Assign tasks from the item"), template="plans/form_page.html", cancel_href=item.get_absolute_url(), item=item)



# --- Commitments ---------------------------------------------------------------------------


def _commitments_section(request: Request) -> None:
    request.nav_section = "commitments"


@login_required
@require_GET
def commitment_list(request: Request) -> HttpResponse:
    """The register: the commitments of a year the user may see, one upper level at a time
    (its lower units side by side), with each item's latest quarterly status and the year-end
    evaluation."""
    _commitments_section(request)
    years = selectors.commitment_years(user=request.user)
    year = _int(request.GET.get("year")) or (years[0] if years else _today().year)
    uppers = selectors.commitment_uppers(user=request.user, year=year)
    wanted = _int(request.GET.get("upper"))
    upper = next((u for u in uppers if u.pk == wanted), uppers[0] if uppers else None)
    commitments = selectors.commitment_register(user=request.user, year=year, upper=upper) if upper else []
    context = {
        "commitments": commitments, "years": years, "year": year, "uppers": uppers, "upper": upper,
        "can_create": policy.is_everything(request.user) or bool(policy.paths(request.user, Action.CHANGE)),
    }
    return render(request, "plans/commitment_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def commitment_create(request: Request) -> HttpResponse:
    _commitments_section(request)
    uppers = manageable_units(user=request.user).order_by("path")
    if not uppers.exists():
        raise PermissionDenied
    lowers, people = selectors.commitment_choices(user=request.user, uppers=uppers)
    form = CommitmentForm(request.POST or None, uppers=uppers, lowers=lowers, people=people,
                          initial={"year": _today().year})
    commitment = submit(request, form, lambda data: services.commitment_create(actor=request.user, **data))
    if commitment is not None:
        messages.success(request, _("The commitment has been recorded."))
        return redirect(commitment)
    return form_page(request, form, _("New responsibility commitment"), template="plans/form_page.html", cancel_href=reverse("plans:commitment_list"))


@login_required
@require_GET
def commitment_detail(request: Request, pk: int) -> HttpResponse:
    _commitments_section(request)
    commitment = selectors.get_commitment_for_user(request.user, pk)
    items = selectors.commitment_items(commitment=commitment)
    perms = policy.permissions(request.user, commitment, [Action.CONTRIBUTE, Action.CHANGE])
    open_year = commitment.closed_on is None
    context = {
        "commitment": commitment, "items": items, "quarters": [1, 2, 3, 4],
        "scan": selectors.commitment_scan(commitment=commitment),
        "status_form": StatusForm(initial={"quarter": dates.quarter_number(_today())})
        if perms["can_contribute"] and open_year else None,
        "self_form": SelfEvaluationForm(initial={"self_evaluation": commitment.self_evaluation,
                                                 "next_year": commitment.next_year})
        if perms["can_contribute"] and open_year else None,
        "evaluation_form": EvaluationForm(commitment=commitment, items=items, initial={
            "grade": commitment.grade_id, "conclusion": commitment.conclusion})
        if perms["can_change"] and open_year else None,
        "history": history(commitment), **perms,
    }
    return render(request, "plans/commitment_detail.html", context)


def _attachment(content: bytes, filename: str, content_type: str = exports.DOCX) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def commitment_export(request: Request, pk: int) -> HttpResponse:
    """BẢN CAM KẾT as DOCX, in the party's format, with the evaluation when there is one."""
    commitment = selectors.get_commitment_for_user(request.user, pk)
    items = selectors.commitment_items(commitment=commitment)
    return _attachment(exports.commitment_docx(commitment, items), f"cam-ket-{commitment.year}-{commitment.pk}.docx")


def _paper(paper: exports.Paper, name: str, fmt: str | None) -> HttpResponse:
    if fmt == "pdf":
        return _attachment(exports.pdf(paper), f"{name}.pdf", exports.PDF)
    return _attachment(exports.docx(paper), f"{name}.docx")


@login_required
@require_GET
def commitment_pdf(request: Request, pk: int) -> HttpResponse:
    """BẢN CAM KẾT as PDF, the same document as the DOCX."""
    commitment = selectors.get_commitment_for_user(request.user, pk)
    items = selectors.commitment_items(commitment=commitment)
    return _paper(exports.commitment_paper(commitment, items), f"cam-ket-{commitment.year}-{commitment.pk}", "pdf")


@login_required
@require_GET
def commitment_evaluation_export(request: Request, pk: int) -> HttpResponse:
    """The year-end evaluation of a commitment as DOCX (default) or PDF (``?format=pdf``)."""
    commitment = selectors.get_commitment_for_user(request.user, pk)
    items = selectors.commitment_items(commitment=commitment)
    paper = exports.evaluation_paper(commitment, items, today=_today())
    return _paper(paper, f"danh-gia-cam-ket-{commitment.year}-{commitment.pk}", request.GET.get("format"))


@login_required
@require_POST
def commitment_status(request: Request, pk: int) -> HttpResponse:
    commitment = selectors.get_commitment_for_user(request.user, pk, Action.CONTRIBUTE)
    form = StatusForm(request.POST)
    item = None
    if form.is_valid():
        item = commitment.items.filter(pk=form.cleaned_data["item"]).first()
    if item is None:
        messages.error(request, _("Choose an item of this commitment."))
        return redirect(commitment)
    saved = submit(request, form, lambda data: services.commitment_status_set(
        actor=request.user, item=item, quarter=data["quarter"], status=data["status"], reason=data["reason"]))
    if saved is not None:
        messages.success(request, _("The quarterly status has been recorded."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(commitment)


@login_required
@require_POST
def commitment_self_evaluate(request: Request, pk: int) -> HttpResponse:
    commitment = selectors.get_commitment_for_user(request.user, pk, Action.CONTRIBUTE)
    form = SelfEvaluationForm(request.POST)
    if submit(request, form, lambda data: services.commitment_self_evaluate(
            actor=request.user, commitment=commitment, **data)):
        messages.success(request, _("The self-evaluation has been saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(commitment)


@login_required
@require_POST
def commitment_evaluate(request: Request, pk: int) -> HttpResponse:
    commitment = selectors.get_commitment_for_user(request.user, pk, Action.CHANGE)
    items = selectors.commitment_items(commitment=commitment)
    form = EvaluationForm(request.POST, commitment=commitment, items=items)
    if submit(request, form, lambda data: services.commitment_evaluate(
            actor=request.user, commitment=commitment, grades=form.item_grades(), grade=data["grade"],
            conclusion=data["conclusion"], close=data["close"])):
        messages.success(request, _("The evaluation has been saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(commitment)


# --- Indicators ----------------------------------------------------------------------------


@login_required
@require_GET
def indicator_list(request: Request) -> HttpResponse:
    _commitments_section(request)
    indicators = list(selectors.indicator_list(user=request.user))
    return render(request, "plans/indicator_list.html", {"indicators": indicators})


@login_required
@require_http_methods(["GET", "POST"])
def indicator_detail(request: Request, pk: int) -> HttpResponse:
    """An indicator's targets against its actuals by unit and year; the units' contributors
    enter their actuals here."""
    _commitments_section(request)
    indicator = selectors.get_indicator_for_user(request.user, pk)
    focus = default_focus = selectors.indicator_focus(user=request.user, indicator=indicator)
    if unit_id := _int(request.GET.get("unit")):
        focus = selectors.indicator_unit_for_user(request.user, indicator, unit_id)
    units = selectors.actual_units(user=request.user, indicator=indicator, focus=focus)
    typed = not indicator.computed_from
    form = ActualForm(request.POST or None, units=units) if typed and units.exists() else None
    if request.method == "POST" and form is None:
        raise PermissionDenied
    if form is not None:
        saved = submit(request, form, lambda data: services.actual_record(
            actor=request.user, indicator=indicator, **data))
        if saved is not None:
            messages.success(request, _("The result has been recorded."))
            return redirect(indicator)
    table = selectors.indicator_table(user=request.user, indicator=indicator, focus=focus)
    context = {
        "indicator": indicator, "table": table, "default_focus": default_focus,
        "form": form, "history": history(indicator),
        "computed_from": evidence.figure_label(indicator.computed_from) if indicator.computed_from else "",
    }
    return render(request, "plans/indicator_detail.html", context)


def _month(value: str | None, default: dt.date) -> dt.date:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return default.replace(day=1)


@login_required
@require_GET
def stocktake(request: Request, pk: int) -> HttpResponse:
    """The monthly stocktake of a theme (the standing committee's review), prepared from data:
    items most at risk first, their overdue and behind tasks, what was reported in the month."""
    _section(request)
    theme = selectors.get_theme_for_user(request.user, pk)
    today = _today()
    default = today if today.year == theme.year else dt.date(theme.year, 12 if theme.year < today.year else 1, 1)
    month = _month(request.GET.get("month"), default)
    agenda = selectors.stocktake_agenda(user=request.user, theme=theme, month=month)
    if request.GET.get("format") == "docx":
        return _attachment(exports.stocktake_docx(theme, month, agenda, today=today), f"ra-soat-{theme.year}-{month:%m}.docx")
    decisions = selectors.stocktake_decisions(user=request.user, theme=theme, month=month)
    if request.GET.get("format") == "record":
        return _attachment(exports.stocktake_record_docx(theme, month, agenda, decisions, today=today),
                           f"bien-ban-ra-soat-{theme.year}-{month:%m}.docx")
    context = {
        "theme": theme, "month": month, "today": today,
        "months": [dt.date(theme.year, m, 1) for m in range(1, 13)],
        "agenda": [(a, decisions.get(a.item.pk, [])) for a in agenda],
        **policy.permissions(request.user, theme, [Action.CHANGE]),
    }
    return render(request, "plans/stocktake.html", context)


@login_required
@require_POST
def item_rate(request: Request, pk: int) -> HttpResponse:
    """A leader's delivery confidence in the item for this month."""
    item = selectors.get_item_for_user(request.user, pk)
    form = RatingForm(request.POST)
    if submit(request, form, lambda data: services.rating_record(actor=request.user, item=item, **data)):
        messages.success(request, _("Your rating has been recorded."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(item)


@login_required
@require_http_methods(["GET", "POST"])
def commitment_link(request: Request, pk: int, item_pk: int) -> HttpResponse:
    """Link the tasks that evidence a commitment item."""
    _commitments_section(request)
    commitment = selectors.get_commitment_for_user(request.user, pk, Action.CONTRIBUTE)
    item = policy.get_for_user(request.user, commitment.items.all(), item_pk)
    tasks = selectors.evidence_tasks(user=request.user, commitment=commitment, item=item)
    form = LinkTasksForm(request.POST or None, tasks=tasks)
    linked = submit(request, form, lambda data: services.commitment_item_link_tasks(
        actor=request.user, item=item, **data))
    if linked is not None:
        messages.success(request, _("%(n)d task(s) linked.") % {"n": len(linked)})
        return redirect(commitment)
    return render(request, "plans/item_link.html", {"form": form, "item": item, "back": commitment.get_absolute_url()})


@login_required
@require_POST
def commitment_comment(request: Request, pk: int, status_pk: int) -> HttpResponse:
    """The upper level's comment on a quarterly status."""
    commitment = selectors.get_commitment_for_user(request.user, pk, Action.CHANGE)
    status = selectors.get_status_for_user(request.user, commitment=commitment, pk=status_pk)
    comment = request.POST.get("comment", "")[:5000]
    try:
        services.commitment_comment(actor=request.user, status=status, comment=comment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The comment has been saved."))
    return redirect(commitment)


# --- Tasks proposed from a plan's text -----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def document_proposals(request: Request, pk: int) -> HttpResponse:
    """The tasks a plan, programme or conclusion's own text proposes: the office accepts,
    edits or drops each; the accepted ones become tracked tasks linked to the document."""
    document = get_document_for_user(request.user, pk, Action.CHANGE)
    readable = document.type_abbr in selectors.PROPOSAL_TYPES
    rows = selectors.document_proposals(user=request.user, document=document) if readable else []
    units = selectors.proposal_units(user=request.user, document=document)
    items = selectors.proposal_items(user=request.user, document=document)
    forms = [
        ProposalForm(
            request.POST or None, prefix=f"p{index}", document=document, units=units, items=items,
            initial={"accept": not row.done, "title": row.proposal.title, "units": row.units,
                     "coordinating": row.coordinating, "deadline": row.proposal.deadline},
        )
        for index, row in enumerate(rows)
    ]
    for form, row in zip(forms, rows, strict=True):
        form.row = row  # type: ignore[attr-defined]
    if request.method == "POST" and forms and all(form.is_valid() for form in forms):
        chosen = [(form, form.cleaned_data) for form in forms if form.cleaned_data["accept"]]
        try:
            tasks = services.document_proposals_accept(actor=request.user, document=document, accepted=[
                services.AcceptedProposal(title=data["title"], units=list(data["units"]), deadline=data["deadline"],
                                          coordinating=list(data["coordinating"]), item=data["item"],
                                          passage=form.row.proposal.passage)  # type: ignore[attr-defined]
                for form, data in chosen
            ])
        except ValidationError as error:
            for key, errors in error.message_dict.items():
                index, _sep, field = key.partition("-")
                if field and index.isdigit() and int(index) < len(chosen):
                    form = chosen[int(index)][0]
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
                else:
                    for message in errors:
                        messages.error(request, message)
        else:
            messages.success(request, _("%(n)d task(s) assigned from the document.") % {"n": len(tasks)})
            return redirect(document)
    context = {
        "document": document, "readable": readable, "rows": list(zip(rows, forms, strict=True)),
        "types": ", ".join(selectors.PROPOSAL_TYPES),
    }
    return render(request, "plans/document_proposals.html", context)


@login_required
@require_GET
def board(request: Request) -> HttpResponse:
    """A unit's year at a glance: themes, items with progress, state, delivery confidence and
    its 12-month trend, the items most at risk first."""
    _section(request)
    years = selectors.theme_years(user=request.user)
    year = _int(request.GET.get("year")) or (years[0] if years else _today().year)
    units = selectors.board_units(user=request.user, year=year)
    unit = units[0] if units else None
    if unit_id := _int(request.GET.get("unit")):
        # A unit with a theme the user reads (a ward reads the city's), else one the user sees.
        unit = next((u for u in units if u.pk == unit_id), None) or policy.get_for_user(request.user, Unit, unit_id)
    context = {
        "years": years, "year": year, "units": units, "unit": unit,
        "board": selectors.board(user=request.user, unit=unit, year=year, today=_today()) if unit else None,
    }
    return render(request, "plans/board.html", context)


@login_required
@require_POST
def commitment_scan_upload(request: Request, pk: int) -> HttpResponse:
    """The upper level attaches the signed commitment's scan."""
    commitment = selectors.get_commitment_for_user(request.user, pk, Action.CHANGE)
    upload = request.FILES.get("scan")
    if upload is None:
        messages.error(request, _("Choose the scanned file."))
        return redirect(commitment)
    try:
        services.commitment_scan_attach(actor=request.user, commitment=commitment, upload=upload)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The signed scan has been attached."))
    return redirect(commitment)


@login_required
@require_GET
def commitment_scan(request: Request, pk: int) -> FileResponse:
    """The latest signed scan of a commitment, as an attachment (404 when there is none)."""
    commitment = selectors.get_commitment_for_user(request.user, pk)
    scan = selectors.commitment_scan(commitment=commitment)
    if scan is None:
        raise Http404
    try:
        handle = scan.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return uploads.serve(handle, name=scan.name, content_type=scan.content_type)
