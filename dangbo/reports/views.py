"""The reports section (Báo cáo): a unit's page a leader reads in a minute, the term review
(draft, edit the wording, refresh the figures, export) and the periodic reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dangbo.core import policy
from dangbo.core.forms import add_service_errors, submit
from dangbo.core.http import Request
from dangbo.core.pagination import paginate
from dangbo.core.policy import Action
from dangbo.core.xlsx import workbook_response
from dangbo.orgs.views import unit_lookup_response

from . import exports, selectors, services
from .forms import PeriodicDraftForm, PeriodicFilterForm, PeriodicSubmitForm, SentenceForm
from .models import PeriodicReport
from .review import placeholders


def _section(request: Request) -> None:
    request.nav_section = "reports"


def _today():
    return timezone.localdate()


@login_required
def index(request: Request) -> HttpResponse:
    unit = selectors.home_unit(request.user)
    if unit is None:
        _section(request)
        return render(request, "reports/empty.html")
    return redirect("reports:unit", pk=unit.pk)


def _year(request: Request) -> int:
    raw = request.GET.get("year", "")
    today = _today()
    return int(raw) if raw.isdigit() and 1990 <= int(raw) <= today.year + 1 else today.year


@login_required
def unit_page(request: Request, pk: int) -> HttpResponse:
    _section(request)
    unit = selectors.get_unit_for_user(request.user, pk)
    year = _year(request)
    today = _today()
    data = selectors.unit_dashboard(unit=unit, year=year, today=today)
    terms = selectors.unit_terms(unit=unit)
    reviews = selectors.unit_reviews(user=request.user, unit=unit)
    chart_max = max([r.figures.get("held", 0) for r in data["rows"]] + [1])
    context = {
        "unit": unit, "year": year, "years": list(range(today.year, today.year - 6, -1)), **data,
        "terms": [(t, reviews.get(t.pk)) for t in terms], "chart_max": chart_max,
        "can_draft": policy.may(request.user, Action.CHANGE, unit),
    }
    return render(request, "reports/unit.html", context)


@login_required
def unit_xlsx(request: Request, pk: int) -> HttpResponse:
    unit = selectors.get_unit_for_user(request.user, pk)
    year = _year(request)
    headers = [_("Unit"), _("Month"), _("Meetings held"), _("Of them good"), _("Tasks done"), _("Cases received")]
    return workbook_response(f"so-sanh-{unit.code}-{year}", _("Units side by side"), headers,
                             selectors.side_by_side(unit=unit, year=year))


# --- The term review -----------------------------------------------------------------------


@login_required
@require_POST
def review_create(request: Request, pk: int) -> HttpResponse:
    unit = selectors.get_unit_for_user(request.user, pk)
    raw = request.POST.get("term", "")
    term = selectors.unit_term(unit=unit, pk=int(raw) if raw.isdigit() else 0)
    if term is None:
        messages.error(request, _("Choose a term of this unit."))
        return redirect("reports:unit", pk=unit.pk)
    try:
        review = services.review_create(actor=request.user, unit=unit, term=term)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:unit", pk=unit.pk)
    messages.success(request, _("The draft is written from the data. Edit the wording; the figures stay linked."))
    return redirect(review)


def _editing(obj, key: str, form: SentenceForm | None = None) -> str:
    """Put the rewording form on sentence ``key`` of ``obj``'s content (a term review or a
    periodic report): ``form`` as posted, or a new one with the sentence's wording."""
    for section in obj.content.get("sections", []):
        for sentence in section["sentences"]:
            if key and sentence["key"] == key:
                sentence["form"] = form or SentenceForm(initial={
                    "key": key, "template": sentence["template"], "expected_version": obj.version})
                sentence["names"] = sorted(placeholders(sentence["template"]) | set(sentence["figures"]))
    return key


@login_required
def review_detail(request: Request, pk: int) -> HttpResponse:
    _section(request)
    review = selectors.get_review_for_user(request.user, pk)
    can_edit = policy.may(request.user, Action.CHANGE, review)
    editing = _editing(review, request.GET.get("sua", "") if can_edit else "")
    context = {"review": review, "can_edit": can_edit, "versions": selectors.versions(review),
               "editing": editing}
    return render(request, "reports/review_detail.html", context)


@login_required
@require_POST
def review_edit(request: Request, pk: int) -> HttpResponse:
    review = selectors.get_review_for_user(request.user, pk, Action.CHANGE)
    form = SentenceForm(request.POST)
    result = submit(request, form, lambda data: services.review_sentence_edit(
        actor=request.user, review_obj=review, key=data["key"], template=data["template"],
        expected_version=data["expected_version"]))
    if result is not None:
        messages.success(request, _("The sentence is saved as a new version."))
        return redirect(review)
    _section(request)
    editing = _editing(review, form.data.get("key", ""), form)
    context = {"review": review, "can_edit": True, "versions": selectors.versions(review), "editing": editing}
    return render(request, "reports/review_detail.html", context, status=400)


@login_required
@require_POST
def review_refresh(request: Request, pk: int) -> HttpResponse:
    review = selectors.get_review_for_user(request.user, pk, Action.CHANGE)
    before = review.version
    review = services.review_refresh(actor=request.user, review_obj=review)
    _say_refreshed(request, changed=review.version != before)
    return redirect(review)


def _say_refreshed(request: Request, *, changed: bool) -> None:
    if changed:
        messages.success(request, _("The figures are refreshed; the edited wording is kept."))
    else:
        messages.info(request, _("The figures have not changed since the last refresh."))


@login_required
def review_export(request: Request, pk: int, fmt: str) -> HttpResponse:
    review = selectors.get_review_for_user(request.user, pk)
    return export_response(review, fmt)


def export_response(review, fmt: str) -> HttpResponse:
    if fmt not in ("docx", "pdf"):
        raise Http404
    return _paper_response(exports.paper(review, today=_today()), f"bao-cao-tong-ket-{review.unit.code}-{review.term.code}",
                           fmt)


def _paper_response(paper: exports.Paper, stem: str, fmt: str) -> HttpResponse:
    name = f"{stem}.{fmt}"
    if fmt == "docx":
        response = HttpResponse(exports.to_docx(paper), content_type=exports.DOCX)
    else:
        response = HttpResponse(exports.to_pdf(paper), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Periodic reports ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def periodic_list(request: Request) -> HttpResponse:
    _section(request)
    units, manageable = selectors.report_units(user=request.user), selectors.report_units(user=request.user, change=True)
    may_draft = manageable.exists()
    draft_form = PeriodicDraftForm(request.POST or None, units=manageable, initial={"day": _today()})
    if request.method == "POST":
        report = submit(request, draft_form, lambda data: services.periodic_draft(
            actor=request.user, unit=data["unit"], period=data["period"], start=data["day"]))
        if report is not None:
            messages.success(request, _("The report is drafted from the data."))
            return redirect(report)
    form = PeriodicFilterForm(request.GET or None, units=units)
    filters: dict = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    page_obj, querystring_base = paginate(request, selectors.periodic_list(user=request.user, **filters), per_page=50)
    context = {"form": form, "draft_form": draft_form if may_draft else None, "page_obj": page_obj,
               "querystring_base": querystring_base, "today": _today()}
    return render(request, "reports/periodic_list.html", context, status=400 if request.method == "POST" else 200)


@login_required
def unit_lookup(request: Request) -> JsonResponse:
    """The suggestions of the periodic reports' unit pickers: the units whose reports the user
    sees, or (``?scope=change``) may draft."""
    return unit_lookup_response(
        request, selectors.report_units(user=request.user, change=request.GET.get("scope") == "change"))


@login_required
def periodic_detail(request: Request, pk: int) -> HttpResponse:
    _section(request)
    report = selectors.get_periodic_for_user(request.user, pk)
    can_edit = report.state == PeriodicReport.State.DRAFT and policy.may(request.user, Action.CHANGE, report)
    editing = _editing(report, request.GET.get("sua", "") if can_edit else "")
    return render(request, "reports/periodic_detail.html", _periodic_context(report, can_edit, editing,
                                                                             PeriodicSubmitForm() if can_edit else None))


def _periodic_context(report: PeriodicReport, can_edit: bool, editing: str, form) -> dict:
    return {"report": report, "form": form, "today": _today(), "can_edit": can_edit, "editing": editing,
            "versions": selectors.versions(report)}


@login_required
@require_POST
def periodic_edit(request: Request, pk: int) -> HttpResponse:
    report = selectors.get_periodic_for_user(request.user, pk, Action.CHANGE)
    form = SentenceForm(request.POST)
    result = submit(request, form, lambda data: services.periodic_sentence_edit(
        actor=request.user, report=report, key=data["key"], template=data["template"],
        expected_version=data["expected_version"]))
    if result is not None:
        messages.success(request, _("The sentence is saved as a new version."))
        return redirect(report)
    _section(request)
    editing = _editing(report, form.data.get("key", ""), form)
    can_edit = report.state == PeriodicReport.State.DRAFT
    return render(request, "reports/periodic_detail.html",
                  _periodic_context(report, can_edit, editing, PeriodicSubmitForm() if can_edit else None), status=400)


@login_required
@require_POST
def periodic_refresh(request: Request, pk: int) -> HttpResponse:
    report = selectors.get_periodic_for_user(request.user, pk, Action.CHANGE)
    before = report.version
    try:
        report = services.periodic_refresh(actor=request.user, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(report)
    _say_refreshed(request, changed=report.version != before)
    return redirect(report)


@login_required
def periodic_export(request: Request, pk: int, fmt: str) -> HttpResponse:
    report = selectors.get_periodic_for_user(request.user, pk)
    if fmt not in ("docx", "pdf"):
        raise Http404
    return _paper_response(exports.periodic_paper(report, today=_today()),
                           f"bao-cao-{report.period}-{report.unit.code}-{report.start:%Y-%m}", fmt)


@login_required
@require_POST
def periodic_submit(request: Request, pk: int) -> HttpResponse:
    report = selectors.get_periodic_for_user(request.user, pk, Action.CHANGE)
    form = PeriodicSubmitForm(request.POST)
    result = submit(request, form, lambda data: services.periodic_submit(actor=request.user, report=report, **data))
    if result is not None:
        messages.success(request, _("The report is submitted to the level above."))
        return redirect(report)
    _section(request)
    if not form.errors:
        add_service_errors(form, ValidationError(_("Check the form.")))
    return render(request, "reports/periodic_detail.html", _periodic_context(report, True, "", form), status=400)
