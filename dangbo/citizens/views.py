"""Pages of citizens' cases: the list, receiving a case, one case with its actions, and the
public page where a petitioner follows a case by its code without logging in."""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangbo.assignments.selectors import unit_filter_choices
from dangbo.core import policy
from dangbo.core.audit import history
from dangbo.core.forms import submit
from dangbo.core.http import Request
from dangbo.core.pagination import paginate
from dangbo.core.policy import Action
from dangbo.orgs.selectors import manageable_units

from . import selectors, services
from .forms import AcknowledgeForm, AnswerForm, CaseCreateForm, CaseFilterForm, CaseTaskForm
from .models import Case, clean_code
from .policy import IDENTITY

PER_PAGE = 25
log = logging.getLogger(__name__)


def _section(request: Request) -> None:
    request.nav_section = "citizens"


def _today() -> dt.date:
    return timezone.localdate()


@login_required
@require_GET
def case_list(request: Request) -> HttpResponse:
    """Cases of the units the user may see, newest first; the identities of denunciations are
    never shown in a list."""
    _section(request)
    form = CaseFilterForm(request.GET or None, units=unit_filter_choices(user=request.user))
    f = selectors.CaseFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        f = selectors.CaseFilters(
            unit=data["unit"], kind=data["kind"], state=data["state"], overdue=data["overdue"] or None
        )
    cases = selectors.case_list(user=request.user, filters=f, today=_today())
    page_obj, querystring_base = paginate(request, cases, per_page=PER_PAGE)
    context = {
        "form": form, "page_obj": page_obj, "querystring_base": querystring_base, "today": _today(),
        "can_create": policy.is_everything(request.user) or bool(policy.paths(request.user, Action.CONTRIBUTE)),
    }
    return render(request, "citizens/case_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: Request) -> HttpResponse:
    _section(request)
    units = manageable_units(user=request.user, action=Action.CONTRIBUTE).order_by("path")
    form = CaseCreateForm(request.POST or None, units=units)
    case = submit(
        request, form, lambda data: services.case_create(actor=request.user, **form.service_data())
    )
    if case is not None:
        messages.success(
            request, _("Case received. Its code for the petitioner: %(code)s") % {"code": case.code_display}
        )
        return redirect(case)
    status = 400 if request.method == "POST" else 200
    return render(request, "citizens/case_create.html", {"form": form}, status=status)


def _detail(request: Request, case: Case, **forms) -> HttpResponse:
    readable = policy.readable_fields(request.user, case)
    protected = case.kind == Case.Kind.TO_CAO
    petitioners = selectors.petitioners_of(case) if readable[IDENTITY] else []
    if protected and readable[IDENTITY]:
        services.identity_read(actor=request.user, case=case)
    context = {
        "case": case,
        "today": _today(),
        "readable": readable,
        "protected": protected,
        "petitioners": petitioners,
        "ack_form": forms.get("ack_form") or AcknowledgeForm(),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "task_form": forms.get("task_form") or CaseTaskForm(initial={"title": case.content[:200]}),
        "tasks": _tasks_of(request, case),
        "history": history(case),
        "action_errors": [e for form in forms.values() for e in form.non_field_errors()],
        **policy.permissions(request.user, case, [Action.CHANGE]),
    }
    return render(request, "citizens/case_detail.html", context, status=400 if forms else 200)


def _tasks_of(request: Request, case: Case) -> list:
    from django.contrib.contenttypes.models import ContentType

    from dangbo.assignments.models import Task

    return list(
        policy.visible(request.user, Task.objects.select_related("unit")).filter(
            source_content_type=ContentType.objects.get_for_model(Case), source_object_id=case.pk
        )[:20]
    )


@login_required
@require_GET
def case_detail(request: Request, pk: int) -> HttpResponse:
    _section(request)
    return _detail(request, selectors.get_case_for_user(request.user, pk))


@login_required
@require_POST
def case_acknowledge(request: Request, pk: int) -> HttpResponse:
    _section(request)
    case = selectors.get_case_for_user(request.user, pk, Action.CHANGE)
    form = AcknowledgeForm(request.POST)
    if submit(request, form, lambda data: services.case_acknowledge(actor=request.user, case=case, **data)):
        messages.success(request, _("The acknowledgement is recorded."))
        return redirect(case)
    return _detail(request, case, ack_form=form)


@login_required
@require_POST
def case_answer(request: Request, pk: int) -> HttpResponse:
    _section(request)
    case = selectors.get_case_for_user(request.user, pk, Action.CHANGE)
    form = AnswerForm(request.POST)
    if submit(request, form, lambda data: services.case_answer(actor=request.user, case=case, **data)):
        messages.success(request, _("The answer is recorded."))
        return redirect(case)
    return _detail(request, case, answer_form=form)


@login_required
@require_POST
def case_close(request: Request, pk: int) -> HttpResponse:
    case = selectors.get_case_for_user(request.user, pk, Action.CHANGE)
    try:
        services.case_close(actor=request.user, case=case)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The case is closed."))
    return redirect(case)


@login_required
@require_POST
def case_task(request: Request, pk: int) -> HttpResponse:
    _section(request)
    case = selectors.get_case_for_user(request.user, pk, Action.CHANGE)
    form = CaseTaskForm(request.POST)
    task = submit(request, form, lambda data: services.case_make_task(actor=request.user, case=case, **data))
    if task is not None:
        messages.success(request, _("The case is now a task followed like any other."))
        return redirect(task)
    return _detail(request, case, task_form=form)


# --- Public -------------------------------------------------------------------------------


def _client_ip(request: Request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


@never_cache
@require_GET
def follow(request: Request) -> HttpResponse:
    """A petitioner follows a case by the code on the receipt: no login, the public fields only,
    throttled per address. Whatever goes wrong, the page answers, never 500."""
    text = (request.GET.get("code") or "")[:100]
    context: dict = {"code": text, "case": None, "error": ""}
    status = 200
    if clean_code(text):
        try:
            if not selectors.lookup_allowed(_client_ip(request)):
                context["error"] = _("Too many lookups from this address. Please try again in a few minutes.")
                status = 429
            else:
                context["case"] = selectors.public_case(text)
                if context["case"] is None:
                    context["error"] = _("No case has this code. Check the code printed on your receipt.")
        except Exception:  # the public page never answers 500
            log.exception("public case lookup failed")
            context["error"] = _("The lookup is not available right now. Please try again later.")
            status = 503
    return render(request, "citizens/follow.html", context, status=status)
