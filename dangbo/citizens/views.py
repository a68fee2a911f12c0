"""Pages of citizens' cases: the list, receiving a case, one case with its actions, and the
public page where a petitioner follows a case by its code without logging in."""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangbo.assignments.selectors import unit_filter_choices
from dangbo.core import dates, policy
from dangbo.core.audit import history
from dangbo.core.forms import form_page, submit
from dangbo.core.http import Request
from dangbo.core.pagination import COUNT_CAP, paginate
from dangbo.core.policy import Action
from dangbo.orgs.models import Unit
from dangbo.orgs.selectors import manageable_units
from dangbo.orgs.views import unit_lookup_response

from . import letters, reports, selectors, services
from .forms import (
    AcknowledgeForm,
    AnswerForm,
    CaseCreateForm,
    CaseFilterForm,
    CaseMergeForm,
    CaseTaskForm,
    DialogueForm,
    IdentityShareForm,
    OpinionForm,
    ReceptionDayForm,
    StatusForm,
)
from .models import Case, ReceptionDay, clean_code
from .policy import IDENTITY, heads_unit

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
    page_obj, querystring_base = paginate(request, cases, per_page=PER_PAGE, count_cap=COUNT_CAP)
    context = {
        "form": form, "page_obj": page_obj, "querystring_base": querystring_base, "today": _today(),
        "can_create": policy.is_everything(request.user) or bool(policy.paths(request.user, Action.CONTRIBUTE)),
    }
    return render(request, "citizens/case_list.html", context)


def _receiving_units(request: Request):
    """The units a case may be received for (``Action.CONTRIBUTE``)."""
    return manageable_units(user=request.user, action=Action.CONTRIBUTE).order_by("path")


@login_required
@require_GET
@never_cache
def unit_lookup(request: Request) -> JsonResponse:
    """The suggestions of the unit pickers, among the units the field takes: those the user
    manages (a reception day's committee, a dialogue's unit), or (``?scope=receive``) those
    a case may be received for."""
    scope = request.GET.get("scope", "")
    if scope == "receive":
        units = _receiving_units(request)
    elif scope == "":
        units = manageable_units(user=request.user).order_by("path")
    else:
        raise Http404
    return unit_lookup_response(request, units)


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: Request) -> HttpResponse:
    _section(request)
    units = _receiving_units(request)
    form = CaseCreateForm(request.POST or None, units=units)
    duplicates: list[Case] = []
    if request.method == "POST" and form.is_valid() and not form.cleaned_data["not_duplicate"]:
        data = form.service_data()
        duplicates = selectors.possible_duplicates(
            user=request.user, names=[p["name"] for p in data["petitioners"]], content=data["content"],
            received_on=data["received_on"],
        )
    if duplicates:  # shown before saving: the person decides
        services.duplicates_shown(actor=request.user, cases=duplicates)
        form.show_duplicate_check()
        return render(request, "citizens/case_create.html", {"form": form, "duplicates": duplicates})
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
        "merge_form": forms.get("merge_form") or CaseMergeForm(),
        "merged": selectors.merged_cases(user=request.user, case=case),
        "tasks": _tasks_of(request, case),
        "can_share": protected and heads_unit(request.user, case.unit.path),
        "share_form": forms.get("share_form") or IdentityShareForm(people=_people(request)),
        "readers": list(case.identity_readers.select_related("person")) if protected and readable[IDENTITY] else [],
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


@login_required
@require_POST
def case_merge(request: Request, pk: int) -> HttpResponse:
    """Close this case into another one (a duplicate), found by its code among the cases the
    user may change."""
    _section(request)
    case = selectors.get_case_for_user(request.user, pk, Action.CHANGE)
    form = CaseMergeForm(request.POST)

    def merge(data):
        into = selectors.case_by_code(user=request.user, code=data["into"])
        if into is None:
            raise ValidationError({"into": _("No case you may change has this code.")})
        return services.case_merge(actor=request.user, case=case, into=into)

    into = submit(request, form, merge)
    if into is not None:
        messages.success(request, _("The case is merged into %(code)s.") % {"code": into.code_display})
        return redirect(into)
    return _detail(request, case, merge_form=form)


@login_required
@require_GET
def case_letter(request: Request, pk: int) -> HttpResponse:
    """The written acknowledgement as DOCX, addressed to the petitioners: for a denunciation,
    only to someone who may read the protected identity (and the reading is audited)."""
    case = selectors.get_case_for_user(request.user, pk, Action.CHANGE)
    if not case.ack_outcome:
        messages.error(request, _("Record the acknowledgement first."))
        return redirect(case)
    if not policy.readable_fields(request.user, case)[IDENTITY]:
        raise PermissionDenied
    services.identity_read(actor=request.user, case=case)
    data = letters.acknowledgement_docx(case, selectors.petitioners_of(case))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="thong-bao-{case.code}.docx"'
    return response


@login_required
@require_GET
def case_receipt(request: Request, pk: int) -> HttpResponse:
    """The printed receipt handed to the petitioner: the code and the dates, no personal data."""
    case = selectors.get_case_for_user(request.user, pk)
    follow_url = request.build_absolute_uri(reverse("citizens:follow"))
    return render(request, "citizens/case_receipt.html", {"case": case, "follow_url": follow_url})


@login_required
@require_POST
def case_identity_share(request: Request, pk: int) -> HttpResponse:
    _section(request)
    case = selectors.get_case_for_user(request.user, pk, Action.CHANGE)
    form = IdentityShareForm(request.POST, people=_people(request))
    if submit(request, form, lambda data: services.case_identity_share(actor=request.user, case=case, **data)) is None:
        return _detail(request, case, share_form=form)
    messages.success(request, _("The person may now read the protected identity."))
    return redirect(case)


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


# --- Reception days and dialogues --------------------------------------------------------------


def _month(request: Request) -> dt.date:
    text = request.GET.get("month") or ""
    try:
        return dt.date.fromisoformat(f"{text}-01") if text else _today().replace(day=1)
    except ValueError:
        return _today().replace(day=1)


@login_required
@require_GET
def reception_list(request: Request) -> HttpResponse:
    """The month's reception days and, per committee, the days required, held and planned."""
    _section(request)
    month = _month(request)
    days, rows = selectors.reception_month(user=request.user, month=month)
    context = {
        "month": month, "days": days, "rows": rows,
        "previous": dates.month_start(month, -1), "next": dates.month_start(month, 1),
        "can_create": policy.is_everything(request.user) or bool(policy.paths(request.user, Action.CHANGE)),
        "changeable": {d.pk for d in days if policy.may(request.user, Action.CHANGE, d)},
        "statuses": ReceptionDay.Status.choices,
    }
    return render(request, "citizens/reception_list.html", context)


def _people(request: Request):
    from dangbo.orgs.selectors import person_list

    return person_list(user=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def reception_create(request: Request) -> HttpResponse:
    _section(request)
    units = manageable_units(user=request.user).order_by("path")
    form = ReceptionDayForm(request.POST or None, units=units, people=_people(request),
                            initial={"date": _today()})
    day = submit(request, form, lambda data: services.reception_day_create(actor=request.user, **data))
    if day is not None:
        messages.success(request, _("The reception day is on the calendar."))
        return redirect(f"{reverse('citizens:reception_list')}?month={day.date:%Y-%m}")
    status = 400 if request.method == "POST" else 200
    return form_page(request, form, _("Add a reception day"), status=status)


@login_required
@require_POST
def reception_status(request: Request, pk: int) -> HttpResponse:
    day = selectors.get_reception_day_for_user(request.user, pk, Action.CHANGE)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.reception_day_set_status(actor=request.user, day=day, status=form.cleaned_data["status"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Choose a status."))
    return redirect(f"{reverse('citizens:reception_list')}?month={day.date:%Y-%m}")


@login_required
@require_GET
def dialogue_list(request: Request) -> HttpResponse:
    _section(request)
    page_obj, querystring_base = paginate(request, selectors.dialogue_list(user=request.user), per_page=PER_PAGE)
    context = {
        "page_obj": page_obj, "querystring_base": querystring_base,
        "can_create": policy.is_everything(request.user) or bool(policy.paths(request.user, Action.CHANGE)),
    }
    return render(request, "citizens/dialogue_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def dialogue_create(request: Request) -> HttpResponse:
    _section(request)
    units = manageable_units(user=request.user).order_by("path")
    form = DialogueForm(request.POST or None, units=units, people=_people(request), initial={"date": _today()})
    dialogue = submit(request, form, lambda data: services.dialogue_create(actor=request.user, **data))
    if dialogue is not None:
        messages.success(request, _("The dialogue is recorded. Record each opinion raised there as a case."))
        return redirect(dialogue)
    status = 400 if request.method == "POST" else 200
    return form_page(request, form, _("Record a dialogue"), status=status)


@login_required
@require_http_methods(["GET", "POST"])
def dialogue_detail(request: Request, pk: int) -> HttpResponse:
    """A dialogue, the cases raised there, and (for its unit's managers) the form that records
    one more opinion as a case."""
    _section(request)
    action = Action.CHANGE if request.method == "POST" else Action.VIEW
    dialogue = selectors.get_dialogue_for_user(request.user, pk, action)
    form = OpinionForm(request.POST or None)
    case = submit(request, form, lambda data: services.dialogue_record_opinion(
        actor=request.user, dialogue=dialogue, **form.service_data()))
    if case is not None:
        messages.success(request, _("Case received. Its code for the petitioner: %(code)s") % {"code": case.code_display})
        return redirect(dialogue)
    cases = selectors.dialogue_cases(user=request.user, dialogue=dialogue)
    context = {
        "dialogue": dialogue, "form": form, "cases": cases, "history": history(dialogue),
        **policy.permissions(request.user, dialogue, [Action.CHANGE]),
    }
    return render(request, "citizens/dialogue_detail.html", context, status=400 if form.errors else 200)


def _periods(year: int) -> list[tuple[str, str, dt.date, dt.date]]:
    """The reporting periods of a year: each month, each quarter, 6 and 9 months, the year."""
    periods = [(f"m{m}", _("Month %(m)s") % {"m": m}, dt.date(year, m, 1), dates.month_end(dt.date(year, m, 1)))
               for m in range(1, 13)]
    periods += [(f"q{q}", _("Quarter %(q)s") % {"q": q}, dt.date(year, 3 * q - 2, 1),
                 dates.month_end(dt.date(year, 3 * q, 1))) for q in range(1, 5)]
    periods += [("h1", _("6 months"), dt.date(year, 1, 1), dt.date(year, 6, 30)),
                ("m9", _("9 months"), dt.date(year, 1, 1), dt.date(year, 9, 30)),
                ("year", _("Whole year"), dt.date(year, 1, 1), dt.date(year, 12, 31))]
    return periods


def _unit_period(request: Request) -> dict:
    """The unit (one the user may see; the first of theirs by default), the year and the
    period chosen on a report page."""
    units = unit_filter_choices(user=request.user)
    unit = None
    if request.GET.get("unit"):
        unit = policy.get_for_user(request.user, Unit, request.GET["unit"])
    elif units:
        unit = units[0]
    try:
        year = int(request.GET.get("year") or _today().year)
    except ValueError:
        year = _today().year
    year = min(max(year, 2000), _today().year + 1)
    periods = _periods(year)
    chosen = next((p for p in periods if p[0] == request.GET.get("period")), periods[-1])
    return {
        "units": units, "unit": unit, "year": year, "years": range(_today().year, 2018, -1),
        "periods": periods, "period": chosen,
    }


@login_required
@require_GET
def response_times(request: Request) -> HttpResponse:
    """Per unit and period, how fast cases are acknowledged and answered: the chosen unit and
    each unit directly below it (the city comparing its wards); ``?format=xlsx`` exports it."""
    _section(request)
    context = _unit_period(request)
    unit, chosen = context["unit"], context["period"]
    if unit is not None:
        total, rows = selectors.response_times(
            user=request.user, unit=unit, start=chosen[2], end=chosen[3], today=_today()
        )
        if request.GET.get("format") == "xlsx":
            return _times_xlsx(unit, chosen, [*rows, total])
        context |= {"total": total, "rows": rows, "chart": _chart(rows)}
    return render(request, "citizens/response_times.html", context)


def _chart(rows: list) -> list[dict]:
    """Bars comparing the units below: the share acknowledged and answered on time, and the
    overdue count scaled to the largest."""
    most = max((t.overdue for t in rows), default=0) or 1
    return [
        {"unit": t.unit, "ack": t.ack_rate, "answer": t.answer_rate, "overdue": t.overdue,
         "overdue_pct": round(100 * t.overdue / most)}
        for t in rows if t.received
    ]


@login_required
@require_GET
def reception_report(request: Request) -> HttpResponse:
    """The periodic reception report of a unit (month, quarter, 6 or 9 months, the year), rolled
    up from the units below it; ``?format=docx`` in the party's layout, ``?format=xlsx``."""
    _section(request)
    context = _unit_period(request)
    unit, chosen = context["unit"], context["period"]
    if unit is not None:
        total, rows = selectors.reception_report(
            user=request.user, unit=unit, start=chosen[2], end=chosen[3], today=_today()
        )
        name = f"bao-cao-tiep-dan-{unit.code or unit.pk}-{chosen[0]}-{chosen[2]:%Y}"
        label = f"{chosen[1]} {chosen[2]:%Y}"
        if request.GET.get("format") == "docx":
            data = reports.report_docx(unit=unit, period=label, start=chosen[2], end=chosen[3], total=total,
                                       rows=rows, today=_today())
            return reports.report_docx_response(name, data)
        if request.GET.get("format") == "xlsx":
            return reports.report_xlsx(filename=name, period=label, total=total, rows=rows)
        context |= {"total": total, "rows": rows, "kinds": list(Case.Kind)}
    return render(request, "citizens/reception_report.html", context)


def _times_xlsx(unit: Unit, period: tuple, rows: list) -> HttpResponse:
    from dangbo.core.xlsx import workbook_response

    headers = [
        _("Unit"), _("Received"), _("Acknowledged"), _("Acknowledged on time"), _("Answered"),
        _("Answered on time"), _("Median working days to acknowledge"), _("Median working days to answer"),
        _("Still open"), _("Overdue"),
    ]
    data = [
        [t.unit.name, t.received, t.acknowledged, t.ack_on_time, t.answered, t.answer_on_time,
         t.ack_median, t.answer_median, t.open, t.overdue]
        for t in rows
    ]
    title = f"{period[1]} {period[2]:%Y}"
    return workbook_response(f"tiep-dan-{unit.code or unit.pk}-{period[0]}-{period[2]:%Y}", title, headers, data)
