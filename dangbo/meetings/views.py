"""Pages of party cell meetings, scoring, quality trends and leaders on the ground."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangbo.core import dates, policy, uploads, versions
from dangbo.core.audit import history
from dangbo.core.forms import submit
from dangbo.core.http import Request
from dangbo.core.pagination import COUNT_CAP, paginate
from dangbo.core.policy import Action
from dangbo.core.versions import StaleEdit
from dangbo.orgs.selectors import get_unit_for_user, unit_ancestors, visible_roots
from dangbo.orgs.views import person_lookup_response, unit_lookup_response

from . import exports, panels, selectors, services
from .forms import (
    ROLL_CALL_CHOICES,
    AssignmentForm,
    ConfirmForm,
    CriteriaVersionForm,
    CriterionForm,
    DecisionForm,
    GuestForm,
    MeetingCreateForm,
    MeetingEditForm,
    MeetingFilterForm,
    MeetingRecordForm,
    ScheduleYearForm,
    ScoreForm,
    SectionForm,
    ThresholdsForm,
    VisitForm,
    WorkingGroupForm,
)
from .models import Attendance, Meeting, MeetingScore
from .policy import RATER_ACTION


def _section(request: HttpRequest) -> None:
    request.nav_section = "meetings"  # type: ignore[attr-defined]


# --- meeting list, create, schedule ----------------------------------------------------


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    _section(request)
    units = selectors.visible_units(user=request.user)
    form = MeetingFilterForm(request.GET or None, units=units)
    filters: dict = {}
    if form.is_bound:
        form.is_valid()  # a bad value is told next to its field; the other filters still hold
        data = form.cleaned_data
        held = {"1": True, "0": False}.get(data.get("held") or "")
        filters = {"unit": data.get("unit"), "kind": data.get("kind") or "", "month": data.get("month"), "held": held}
    meetings = selectors.meeting_list(user=request.user, **filters)
    if request.GET.get("format") == "xlsx":
        return exports.meetings_xlsx(meetings, grades=selectors.thresholds_for_display())
    page_obj, querystring_base = paginate(request, meetings, count_cap=COUNT_CAP)
    can_schedule = selectors.meeting_units(user=request.user).exists()
    grade_names = {t.code: t.name for t in selectors.thresholds_for_display()}
    context = {
        "form": form, "page_obj": page_obj, "querystring_base": querystring_base,
        "can_schedule": can_schedule, "grade_names": grade_names,
    }
    template = "meetings/_meeting_rows.html" if getattr(request, "htmx", False) else "meetings/meeting_list.html"
    return render(request, template, context)


@login_required
@require_GET
@never_cache
def unit_lookup(request: HttpRequest) -> JsonResponse:
    """The suggestions of the meetings' unit pickers: the units whose name matches ``q``
    among those the form takes: ``?scope=`` empty, the units whose meetings the user sees
    (the list's filter, a decision's responsible unit); ``change``, those whose meetings
    they may schedule (and lead); ``cells``, the cells among those; ``visit``, those a
    visit may be logged for."""
    scopes = {
        "": selectors.visible_units,
        "change": selectors.meeting_units,
        "cells": selectors.year_schedule_units,
        "visit": selectors.visit_units,
    }
    units = scopes.get(request.GET.get("scope", ""))
    if units is None:
        raise Http404
    return unit_lookup_response(request, units(user=request.user))


@login_required
@require_GET
@never_cache
def leader_lookup(request: HttpRequest) -> JsonResponse:
    """The suggestions of the meetings' person pickers (a working group's members): the
    people whose name matches ``q`` among those the form takes, who hold a current position
    in a unit the user sees (``selectors.leader_choices``, the form's queryset)."""
    return person_lookup_response(request, selectors.leader_choices(user=request.user))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    _section(request)
    units = selectors.meeting_units(user=request.user)
    initial = {}
    if request.GET.get("unit"):
        initial["unit"] = request.GET["unit"]
    form = MeetingCreateForm(request.POST or None, units=units, initial=initial)
    meeting = submit(request, form, lambda data: services.meeting_create(actor=request.user, **data))
    if meeting is not None:
        messages.success(request, _("The meeting was scheduled."))
        return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(request, "meetings/form_page.html", {
        "form": form, "heading": _("Schedule a meeting"), "submit": _("Schedule"),
        "cancel": reverse("meetings:meeting_list"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def schedule_year(request: HttpRequest) -> HttpResponse:
    _section(request)
    units = selectors.year_schedule_units(user=request.user)
    initial: dict[str, object] = {"year": timezone.localdate().year}
    if request.GET.get("unit"):
        initial["unit"] = request.GET["unit"]
    form = ScheduleYearForm(request.POST or None, units=units, initial=initial)
    created = submit(request, form, lambda data: services.meeting_schedule_year(actor=request.user, **data))
    if created is not None:
        messages.success(request, _("%(n)d meetings were scheduled.") % {"n": len(created)})
        return redirect(reverse("meetings:meeting_list") + f"?unit={form.cleaned_data['unit'].pk}")
    return render(request, "meetings/form_page.html", {
        "form": form, "heading": _("Schedule the year's regular meetings"), "submit": _("Schedule"),
        "intro": _("One regular meeting a month for the whole year; months that already have one are skipped."),
        "cancel": reverse("meetings:meeting_list"),
    })


# --- one meeting -----------------------------------------------------------------------


def _meeting_context(request: HttpRequest, meeting: Meeting) -> dict:
    user = request.user
    return {
        "meeting": meeting,
        "ancestors": unit_ancestors(user=user, unit=meeting.unit),
        **policy.permissions(user, meeting, [Action.CHANGE]),
        "can_score": {r: policy.may(user, action, meeting) for r, action in RATER_ACTION.items()},
    }


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    meeting = selectors.get_meeting_for_user(request.user, pk)
    table = selectors.score_table(meeting=meeting)
    rows = selectors.attendance_rows(meeting=meeting)
    context = _meeting_context(request, meeting) | {
        "attendance": rows,
        "guests": selectors.guests(meeting=meeting),
        "decisions": selectors.decisions(meeting=meeting),
        "decision_cells": panels.decision_cells(),
        # The roll-call is audited by person id, scores by rater, grade and criterion code: name them.
        "history": history(
            meeting,
            include=[selectors.decisions(meeting=meeting)],
            labels={str(a.person_id): a.person.full_name for a in rows}
            | {
                services.criterion_key(c.code): _("Criterion %(code)s") % {"code": c.code}
                for _title, criteria in table.sections for c, _value in criteria
            },
            values=dict(Attendance.Status.choices) | dict(MeetingScore.Rater.choices)
            | {t.code: t.name for t in table.thresholds},
        ),
        "table": table,
        "raters": [(r, MeetingScore.Rater(r).label) for r in table.raters],
        "rater_choices": MeetingScore.Rater.choices,
        "short_duration": meeting.duration_minutes is not None and meeting.duration_minutes < meeting.min_duration,
        "low_attendance": meeting.attendance_rate is not None and meeting.attendance_rate <= 0.85,
    }
    return render(request, "meetings/meeting_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    meeting = selectors.get_meeting_for_user(request.user, pk, Action.CHANGE)
    initial = {f: getattr(meeting, f) for f in services.MEETING_EDIT_FIELDS}
    initial["expected_version"] = versions.token(meeting, services.MEETING_EDIT_FIELDS)
    form = MeetingEditForm(request.POST or None, initial=initial)
    updated = submit(request, form, lambda data: services.meeting_update(actor=request.user, meeting=meeting, **data))
    if updated is not None:
        messages.success(request, _("The changes were saved."))
        return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(request, "meetings/form_page.html", _meeting_context(request, meeting) | {
        "form": form, "heading": _("Edit the meeting"), "cancel": meeting_url(meeting),
    })


def meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting_detail", args=[meeting.pk])


@login_required
@require_http_methods(["GET", "POST"])
def meeting_record(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    meeting = selectors.get_meeting_for_user(request.user, pk, Action.CHANGE)
    people = selectors.meeting_people(meeting=meeting)
    initial = {
        "status": meeting.status if meeting.status != Meeting.Status.PLANNED else Meeting.Status.HELD,
        "duration_minutes": meeting.duration_minutes, "minutes": meeting.minutes,
        "conclusions": meeting.conclusions, "chair": meeting.chair_id, "secretary": meeting.secretary_id,
        "expected_version": versions.token(meeting, services.RECORD_FIELDS),
    }
    form = MeetingRecordForm(request.POST or None, initial=initial, people=people)
    recorded = submit(request, form, lambda data: services.meeting_record(actor=request.user, meeting=meeting, **data))
    if recorded is not None:
        messages.success(request, _("The minutes were saved."))
        return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(request, "meetings/form_page.html", _meeting_context(request, meeting) | {
        "form": form, "heading": _("Minutes and conclusions"), "cancel": meeting_url(meeting),
    })


@login_required
@require_http_methods(["GET", "POST"])
def roll_call(request: HttpRequest, pk: int) -> HttpResponse:
    """The roll-call, one row per member, built for a phone. Each change saves its row
    (htmx); without JavaScript the whole form is submitted at once."""
    _section(request)
    meeting = selectors.get_meeting_for_user(request.user, pk, Action.CHANGE)
    error = None
    if request.method == "POST":
        rows = selectors.attendance_rows(meeting=meeting)
        entries = []
        for row in rows:
            status = request.POST.get(f"status-{row.person_id}", row.status)
            if status:
                entries.append({"person_id": row.person_id, "status": status,
                                "reason": request.POST.get(f"reason-{row.person_id}", ""),
                                "version": request.POST.get(f"version-{row.person_id}", "")})
        try:
            services.meeting_roll_call(
                actor=request.user, meeting=meeting, entries=entries, reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            error = exc
        else:
            messages.success(request, _("The roll-call was saved."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    meeting.refresh_from_db()
    rows = _versioned(selectors.attendance_rows(meeting=meeting))
    if error:
        _keep_input(request, rows)
    errors = _errors_by_row(error, rows) if error else {}
    context = _meeting_context(request, meeting) | {
        "rows": [(row, errors.get(row.person_id, [])) for row in rows],
        "choices": ROLL_CALL_CHOICES,
        "general_errors": errors.get(None, []),
    }
    status_code = 409 if isinstance(error, StaleEdit) else 400 if error else 200
    return render(request, "meetings/roll_call.html", context, status=status_code)


def _versioned(rows: list[Attendance]) -> list[Attendance]:
    """Each row with the version the page shows it at (sent back as ``version-<person>``)."""
    for row in rows:
        row.version = services.attendance_version(row)  # type: ignore[attr-defined]
    return rows


def _keep_input(request: HttpRequest, rows: list[Attendance]) -> None:
    """After a refusal, show what the person entered on the rows they changed (the other
    rows show what is saved), with the rows' current versions: saving again applies it."""
    for row in rows:
        status = request.POST.get(f"status-{row.person_id}")
        if status is None:
            continue
        mine = {"status": status, "reason": request.POST.get(f"reason-{row.person_id}", "")}
        if versions.changed_fields(mine, request.POST.get(f"version-{row.person_id}", "")):
            row.status, row.reason = mine["status"], mine["reason"]


def _errors_by_row(error: ValidationError, rows: list[Attendance]) -> dict:
    result: dict = {}
    if not hasattr(error, "error_dict"):
        result[None] = error.messages
        return result
    for key, msgs in error.message_dict.items():
        if key.startswith("entries."):
            try:
                index = int(key.split(".")[1])
            except ValueError:
                index = -1
            person_id = rows[index].person_id if 0 <= index < len(rows) else None
            result.setdefault(person_id, []).extend(msgs)
        else:
            result.setdefault(None, []).extend(msgs)
    return result


@login_required
@require_POST
def roll_call_row(request: HttpRequest, pk: int, person_id: int) -> HttpResponse:
    """Save one member's answer (htmx) and return the row."""
    meeting = selectors.get_meeting_for_user(request.user, pk, Action.CHANGE)
    status = request.POST.get(f"status-{person_id}", "")
    reason = request.POST.get(f"reason-{person_id}", "")
    errors: list[str] = []
    saved = False
    try:
        services.meeting_roll_call(
            actor=request.user, meeting=meeting,
            entries=[{"person_id": person_id, "status": status, "reason": reason,
                      "version": request.POST.get(f"version-{person_id}", "")}],
            reason=request.POST.get("reason", ""),
        )
        saved = True
    except ValidationError as exc:
        errors = [m for msgs in exc.message_dict.values() for m in msgs] if hasattr(exc, "error_dict") else exc.messages
    row = selectors.attendance_row(meeting=meeting, person_id=person_id)
    if row is None:
        raise Http404
    _versioned([row])
    if not saved:
        row.status, row.reason = status, reason
    meeting.refresh_from_db()
    return render(request, "meetings/_roll_call_row.html", {
        "meeting": meeting, "row": row, "row_errors": errors, "choices": ROLL_CALL_CHOICES, "saved": saved,
        "oob_summary": True,
    })


@login_required
@require_http_methods(["GET", "POST"])
def meeting_score(request: Request, pk: int, rater: str) -> HttpResponse:
    _section(request)
    if rater not in RATER_ACTION:
        raise Http404
    meeting = selectors.get_meeting_for_user(request.user, pk, RATER_ACTION[rater])
    criteria_set, sections, current = selectors.score_form_criteria(meeting=meeting, rater=rater)
    existing = selectors.meeting_score_of(meeting=meeting, rater=rater)
    form = ScoreForm(
        request.POST or None, sections=sections, initial_points=current,
        initial={"note": existing.note if existing else ""},
    )

    def score(data):
        try:
            return services.meeting_score(
                actor=request.user, meeting=meeting, rater=rater, points=form.points(),
                note=data["note"], reason=data["reason"], rater_person=request.person,
            )
        except ValidationError as error:
            raise _on_criterion_fields(form, error) from error

    if submit(request, form, score) is not None:
        messages.success(request, _("The score was saved."))
        return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(request, "meetings/score_form.html", _meeting_context(request, meeting) | {
        "form": form, "criteria_set": criteria_set, "rater_label": MeetingScore.Rater(rater).label,
        "thresholds": selectors.criteria_thresholds(criteria_set=criteria_set),
    })


def _on_criterion_fields(form: ScoreForm, error: ValidationError) -> ValidationError:
    """The score service keys a criterion's error ``points.<code>``: key it by the form's
    field of that criterion instead, so that ``submit`` shows it there."""
    if not hasattr(error, "error_dict"):
        return error
    codes = {f.criterion.code: name for name, f in form.fields.items() if hasattr(f, "criterion")}
    return ValidationError({codes.get(key.removeprefix("points."), key): e for key, e in error.error_dict.items()})


@login_required
@require_http_methods(["GET", "POST"])
def guest_add(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    meeting = selectors.get_meeting_for_user(request.user, pk, Action.CHANGE)
    leaders = selectors.guest_choices(meeting=meeting)
    form = GuestForm(request.POST or None, people=leaders)
    guest = submit(request, form, lambda data: services.meeting_guest_add(actor=request.user, meeting=meeting, **data))
    if guest is not None:
        messages.success(request, _("The guest was recorded."))
        return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(request, "meetings/form_page.html", _meeting_context(request, meeting) | {
        "form": form, "heading": _("Add a guest"), "cancel": meeting_url(meeting),
        "intro": _("Leaders assigned to this unit are listed; anyone else can be entered by name."),
    })


@login_required
@require_http_methods(["GET", "POST"])
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    meeting = selectors.get_meeting_for_user(request.user, pk, Action.CHANGE)
    form = DecisionForm(request.POST or None, units=selectors.visible_units(user=request.user))
    decision = submit(request, form, lambda data: services.decision_create(actor=request.user, meeting=meeting, **data))
    if decision is not None:
        messages.success(request, _("The decision was recorded."))
        return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(request, "meetings/form_page.html", _meeting_context(request, meeting) | {
        "form": form, "heading": _("Add a decision"), "cancel": meeting_url(meeting),
    })


@login_required
@require_POST
def meeting_close(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, pk, Action.CHANGE)
    try:
        services.meeting_close(actor=request.user, meeting=meeting)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The meeting was closed: its roll-call and scores are frozen."))
    return redirect("meetings:meeting_detail", pk=meeting.pk)


EXPORTS = {"bien-ban": exports.minutes_document, "diem-danh": exports.attendance_document}


@login_required
@require_GET
def meeting_export(request: HttpRequest, pk: int, document: str, fmt: str) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, pk)
    builder = EXPORTS.get(document)
    if builder is None or fmt not in ("docx", "pdf"):
        raise Http404
    doc = builder(meeting)
    if fmt == "docx":
        body = exports.to_docx(doc)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        body = exports.to_pdf(doc)
        content_type = "application/pdf"
    return uploads.attachment(body, name=f"{document}-{meeting.pk}-{meeting.date:%Y%m%d}.{fmt}", content_type=content_type)


# --- criteria sets ---------------------------------------------------------------------
#
# Who edits a version: whoever may make a new version of it (``Action.CHANGE`` of
# ``meetings.policy.CriteriaSetPolicy``); 404 when it is not visible, 403 when only
# readable. What can change: a draft version only (``CriteriaSet``: locked once a score
# uses it); the services refuse a locked one, and the pages send a GET on a locked one
# back to its page, which says why.


@login_required
@require_GET
def criteria_list(request: HttpRequest) -> HttpResponse:
    _section(request)
    sets = selectors.criteria_set_list(user=request.user)
    return render(request, "meetings/criteria_list.html", {"sets": sets})


@login_required
@require_GET
def criteria_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    criteria_set = selectors.get_criteria_set_for_user(request.user, pk)
    lock_reason = selectors.criteria_set_lock_reason(criteria_set=criteria_set)
    can_edit = policy.may(request.user, Action.CHANGE, criteria_set)
    thresholds = selectors.criteria_thresholds(criteria_set=criteria_set)
    return render(request, "meetings/criteria_detail.html", {
        "set": criteria_set,
        "outline": selectors.criteria_outline(criteria_set=criteria_set),
        "thresholds": thresholds,
        "full_marks_grade": next((t for t in thresholds if t.requires_full_marks), thresholds[0] if thresholds else None),
        "in_use": bool(lock_reason),
        "lock_reason": lock_reason,
        "can_edit": can_edit,
        "editable": can_edit and not lock_reason,
        "versions": selectors.criteria_set_versions(criteria_set=criteria_set, user=request.user),
        "history": history(criteria_set, include=[criteria_set.criteria.all(), criteria_set.sections.all()]),
    })


def _criteria_url(criteria_set_id: int, anchor: str = "") -> str:
    url = reverse("meetings:criteria_detail", args=[criteria_set_id])
    return f"{url}#{anchor}" if anchor else url


def _locked(request: HttpRequest, criteria_set) -> HttpResponse | None:
    """A GET on an editing page of a locked version goes back to the version's page with
    the reason; a POST goes on to the service, which refuses it on the form."""
    if request.method != "GET":
        return None
    reason = selectors.criteria_set_lock_reason(criteria_set=criteria_set)
    if not reason:
        return None
    messages.error(request, reason)
    return redirect(_criteria_url(criteria_set.pk))


def _criteria_form(request: HttpRequest, criteria_set, form, heading: str, **extra) -> HttpResponse:
    return render(request, "meetings/criteria_form.html", {
        "set": criteria_set, "form": form, "heading": heading,
        "outline": selectors.criteria_outline(criteria_set=criteria_set),
        "lock_reason": selectors.criteria_set_lock_reason(criteria_set=criteria_set),
        "cancel": _criteria_url(criteria_set.pk), **extra,
    })


@login_required
@require_http_methods(["GET", "POST"])
def criteria_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    base = selectors.get_criteria_set_for_user(request.user, pk, Action.CHANGE)
    form = CriteriaVersionForm(request.POST or None, initial={"name": base.name})
    new = submit(request, form, lambda data: services.criteria_set_new_version(actor=request.user, base=base, **data))
    if new is not None:
        messages.success(request, _("Version %(v)d was created.") % {"v": new.version})
        return redirect("meetings:criteria_detail", pk=new.pk)
    return render(request, "meetings/form_page.html", {
        "form": form, "heading": _("New version of %(set)s") % {"set": base},
        "intro": _("The new version copies every criterion and threshold; edit them before the first meeting is scored with it."),
        "cancel": reverse("meetings:criteria_detail", args=[base.pk]),
    })


@login_required
@require_http_methods(["GET", "POST"])
def criterion_add(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    criteria_set = selectors.get_criteria_set_for_user(request.user, pk, Action.CHANGE)
    if (locked := _locked(request, criteria_set)) is not None:
        return locked
    form = CriterionForm(request.POST or None, sections=selectors.criteria_section_choices(criteria_set=criteria_set))
    criterion = submit(
        request, form, lambda data: services.criterion_add(actor=request.user, criteria_set=criteria_set, **data)
    )
    if criterion is not None:
        messages.success(request, _("Criterion %(code)s was added.") % {"code": criterion.code})
        return redirect(_criteria_url(criteria_set.pk, f"criterion-{criterion.pk}"))
    return _criteria_form(request, criteria_set, form, _("Add a criterion"))


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    criterion = selectors.get_criterion_for_user(request.user, pk, Action.CHANGE)
    criteria_set = criterion.criteria_set
    if (locked := _locked(request, criteria_set)) is not None:
        return locked
    initial = {f: getattr(criterion, f) for f in ("code", "title", "max_points", "guidance", "required_for_top")}
    initial |= {"section": criterion.section_id, "order": selectors.criterion_position(criterion=criterion)}
    initial["expected_version"] = versions.token(criterion, services.CRITERION_EDIT_FIELDS)
    form = CriterionForm(
        request.POST or None, initial=initial, sections=selectors.criteria_section_choices(criteria_set=criteria_set),
        editing=True,
    )
    updated = submit(
        request, form, lambda data: services.criterion_update(actor=request.user, criterion=criterion, **data)
    )
    if updated is not None:
        messages.success(request, _("The changes were saved."))
        return redirect(_criteria_url(criteria_set.pk, f"criterion-{criterion.pk}"))
    return _criteria_form(
        request, criteria_set, form, _("Edit criterion %(code)s") % {"code": criterion.code},
        intro=_("Leave the section as it is to keep the criterion where it is."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    criterion = selectors.get_criterion_for_user(request.user, pk, Action.CHANGE)
    criteria_set = criterion.criteria_set
    if (locked := _locked(request, criteria_set)) is not None:
        return locked
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    removed = submit(request, form, lambda data: services.criterion_remove(actor=request.user, criterion=criterion))
    if removed is not None:
        messages.success(request, _("Criterion %(code)s was removed.") % {"code": criterion.code})
        return redirect(_criteria_url(criteria_set.pk))
    return _criteria_form(
        request, criteria_set, form, _("Remove criterion %(code)s") % {"code": criterion.code},
        criterion=criterion, submit=_("Remove the criterion"),
        intro=_("The criterion leaves this version; the criteria's total goes down by its points."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    section = selectors.get_section_for_user(request.user, pk, Action.CHANGE)
    criteria_set = section.criteria_set
    if (locked := _locked(request, criteria_set)) is not None:
        return locked
    form = SectionForm(request.POST or None, initial={
        "title": section.title, "expected_version": versions.token(section, ["title"]),
    })
    updated = submit(
        request, form, lambda data: services.criteria_section_update(actor=request.user, section=section, **data)
    )
    if updated is not None:
        messages.success(request, _("The changes were saved."))
        return redirect(_criteria_url(criteria_set.pk, f"section-{section.pk}"))
    return _criteria_form(request, criteria_set, form, _("Rename the section"))


@login_required
@require_http_methods(["GET", "POST"])
def criteria_thresholds(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    criteria_set = selectors.get_criteria_set_for_user(request.user, pk, Action.CHANGE)
    if (locked := _locked(request, criteria_set)) is not None:
        return locked
    form = ThresholdsForm(request.POST or None, thresholds=selectors.criteria_thresholds(criteria_set=criteria_set))

    def update(data):
        entries, rows = form.entries()
        try:
            return services.criteria_thresholds_update(actor=request.user, criteria_set=criteria_set, thresholds=entries)
        except ValidationError as error:
            raise _on_threshold_fields(error, rows) from error

    if submit(request, form, update) is not None:
        messages.success(request, _("The grades were saved."))
        return redirect(_criteria_url(criteria_set.pk, "grades"))
    return render(request, "meetings/criteria_thresholds.html", {
        "set": criteria_set, "form": form, "rows": form.bound_rows(),
        "outline": selectors.criteria_outline(criteria_set=criteria_set),
        "lock_reason": selectors.criteria_set_lock_reason(criteria_set=criteria_set),
        "cancel": _criteria_url(criteria_set.pk, "grades"),
    })


def _on_threshold_fields(error: ValidationError, rows: list[int]) -> ValidationError:
    """The service keys a grade's error ``thresholds.<index>.<field>`` by its place in the
    list it was given: key it by the form's field of the row it came from."""
    if not hasattr(error, "error_dict"):
        return error
    keyed = {}
    for key, errors in error.error_dict.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "thresholds" and parts[1].isdigit() and int(parts[1]) < len(rows):
            key = f"t{rows[int(parts[1])]}_{parts[2]}"
        keyed[key] = errors
    return ValidationError(keyed)


# --- quality pages ---------------------------------------------------------------------


def _months_param(request: HttpRequest) -> int:
    try:
        return max(3, min(24, int(request.GET.get("months", 12))))
    except ValueError:
        return 12


@login_required
@require_GET
def quality_home(request: HttpRequest) -> HttpResponse:
    roots = visible_roots(user=request.user)
    if not roots:
        unit = selectors.top_led_unit(user=request.user)
        if unit is None:
            raise Http404
        return redirect("meetings:quality", pk=unit.pk)
    return redirect("meetings:quality", pk=roots[0].pk)


@login_required
@require_GET
def quality(request: HttpRequest, pk: int) -> HttpResponse:
    """The quality page of a cell (its months), a ward (its cells) or a city (its wards)."""
    _section(request)
    unit = selectors.get_quality_unit_for_user(request.user, pk)
    months_n = _months_param(request)
    months = selectors.window(timezone.localdate(), months_n)
    thresholds = selectors.thresholds_for_display()
    context: dict = {
        "unit": unit, "months_n": months_n, "months": months, "thresholds": thresholds,
        "ancestors": unit_ancestors(user=request.user, unit=unit),
    }
    if unit.kind.holds_members:
        trend = selectors.cell_trend(cell=unit, months=months)
        members = selectors.member_attendance(unit=unit, since=months[0], until=dates.month_end(months[-1]))
        context |= {
            "level": "cell", "trend": trend, "members": members,
            "missing": [r["month"] for r in trend if not r["held"] and (unit.valid_from is None or r["month"] >= unit.valid_from.replace(day=1))],
            "chart": ({
                "labels": [f"{m:%m/%Y}" for m in months],
                "scores": [float(r["score"]) if r["score"] is not None else None for r in trend],
                "rates": [round(r["rate"] * 100, 1) if r["rate"] is not None else None for r in trend],
            }),
        }
        template = "meetings/quality_cell.html"
    else:
        children_have_cells = selectors.has_child_cells(unit=unit)
        if children_have_cells:
            data = selectors.ward_quality(ward=unit, months=months)
            codes = [t.code for t in thresholds]
            context |= {
                "level": "ward", **data,
                "chart": ({
                    "labels": [f"{m:%m/%Y}" for m in months],
                    "series": [
                        {"label": t.name, "code": t.code, "data": [d.get(t.code, 0) for _m, d in data["distribution"]]}
                        for t in thresholds
                    ],
                    "codes": codes,
                }),
            }
            template = "meetings/quality_ward.html"
        else:
            rows = selectors.city_comparison(city=unit, months=months)
            context |= {
                "level": "city", "rows": rows,
                "chart": ({
                    "labels": [r["unit"].short_name or r["unit"].name for r in rows],
                    "avg": [round(float(r["avg"]), 1) if r["avg"] is not None else None for r in rows],
                    "held": [round(r["held_share"] * 100, 1) if r["held_share"] is not None else None for r in rows],
                    "series": [
                        {"label": t.name, "code": t.code, "data": [r["grades"].get(t.code, 0) for r in rows]}
                        for t in thresholds
                    ],
                }),
            }
            template = "meetings/quality_city.html"
    return render(request, template, context)


# --- leaders on the ground -------------------------------------------------------------


def _leader_form(request: HttpRequest, form_class):
    """The form of a leaders' page (assignments, working groups): only for those who manage a
    unit; the others read the page, and their POST is refused."""
    manageable = selectors.meeting_units(user=request.user)
    if not manageable.exists():
        if request.method == "POST":
            raise PermissionDenied
        return None
    return form_class(
        request.POST or None, people=selectors.leader_choices(user=request.user), units=manageable,
        initial={"start": timezone.localdate()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def leader_assignments(request: HttpRequest) -> HttpResponse:
    _section(request)
    form = _leader_form(request, AssignmentForm)
    assignment = None
    if form is not None:
        assignment = submit(request, form, lambda data: services.leader_assign(actor=request.user, **data))
    if assignment is not None:
        messages.success(request, _("The assignment was recorded."))
        return redirect("meetings:leader_assignments")
    show_all = request.GET.get("all") == "1"
    assignments = selectors.assignment_list(user=request.user, current_on=None if show_all else timezone.localdate())
    page_obj, querystring_base = paginate(request, assignments)
    return render(request, "meetings/leader_assignments.html", {
        "form": form, "page_obj": page_obj, "querystring_base": querystring_base, "show_all": show_all,
    })


@login_required
@require_http_methods(["GET", "POST"])
def working_groups(request: HttpRequest) -> HttpResponse:
    _section(request)
    form = _leader_form(request, WorkingGroupForm)

    def create(data):
        data = dict(data)
        members = [(p, "") for p in data.pop("members")]
        return services.working_group_create(actor=request.user, members=members, **data)

    group = None
    if form is not None:
        group = submit(request, form, create)
    if group is not None:
        messages.success(request, _("The working group was set up."))
        return redirect("meetings:working_group_detail", pk=group.pk)
    page_obj, querystring_base = paginate(request, selectors.working_group_list(user=request.user))
    return render(request, "meetings/working_groups.html", {
        "form": form, "page_obj": page_obj, "querystring_base": querystring_base,
    })


@login_required
@require_GET
def working_group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    group = selectors.get_working_group_for_user(request.user, pk)
    visits = selectors.working_group_visits(group=group)
    return render(request, "meetings/working_group_detail.html", {"group": group, "visits": visits})


@login_required
@require_http_methods(["GET", "POST"])
def visits(request: Request) -> HttpResponse:
    """The visit log and the form to add a visit (a leader logs their own);
    ``?format=xlsx`` exports every visit matching the filter."""
    _section(request)
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        q = request.GET.get("q", "").strip()
        return exports.visits_xlsx(selectors.visit_list(user=request.user, q=q))
    me = request.person
    units = selectors.visit_units(user=request.user)
    leaders = selectors.visit_leader_choices(user=request.user, me=me)
    form = VisitForm(
        request.POST or None, people=leaders, units=units,
        initial={"person": me.pk if me else None, "date": timezone.localdate()},
    )

    @transaction.atomic  # a refused decision leaves no half-logged visit behind
    def log(data):
        visit = services.visit_log(
            actor=request.user, person=data["person"], unit=data["unit"], date=data["date"],
            kind=data["kind"], raised=data["raised"], decided=data["decided"],
        )
        if data["decision_text"].strip():
            services.decision_create(
                actor=request.user, visit=visit, text=data["decision_text"], deadline=data["deadline"],
                responsible_unit=data["unit"],
            )
        return visit

    if submit(request, form, log) is not None:
        messages.success(request, _("The visit was logged."))
        return redirect("meetings:visits")
    q = request.GET.get("q", "").strip()
    page_obj, querystring_base = paginate(request, selectors.visit_list(user=request.user, q=q))
    return render(request, "meetings/visits.html", {
        "form": form if units.exists() else None, "page_obj": page_obj, "querystring_base": querystring_base, "q": q,
    })


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """Cells no assigned leader has attended or visited in the last N months."""
    _section(request)
    roots = visible_roots(user=request.user)
    unit_id = request.GET.get("unit")
    root = get_unit_for_user(request.user, int(unit_id)) if unit_id and unit_id.isdigit() else (roots[0] if roots else None)
    months = _months_param(request) if request.GET.get("months") else 3
    rows = selectors.coverage(root=root, months=months, today=timezone.localdate()) if root else []
    only_uncovered = request.GET.get("uncovered") == "1"
    shown = [r for r in rows if r["uncovered"]] if only_uncovered else rows
    return render(request, "meetings/coverage.html", {
        "root": root, "rows": shown, "months": months, "roots": roots,
        "uncovered": sum(1 for r in rows if r["uncovered"]), "total": len(rows), "only_uncovered": only_uncovered,
    })


@login_required
@require_POST
def ical_revoke(request: HttpRequest) -> HttpResponse:
    """Replace the user's calendar feed link: the old one answers 404 from then on."""
    if request.POST.get("ical") != "revoke":
        return HttpResponseBadRequest()
    services.calendar_feed_revoke(actor=request.user, user=request.user)
    messages.success(request, _("Your calendar address was changed: the old one no longer works."))
    return redirect(reverse("meetings:my_view") + "#h-ical")


@login_required
@require_GET
def my_view(request: Request) -> HttpResponse:
    """A leader's own page: the units they follow, the cells not attended lately, their
    visits, and the link to their calendar feed (``ical_revoke`` replaces it)."""
    _section(request)
    me = request.person
    today = timezone.localdate()
    months = 3
    context: dict = {"me": me, "months": months}
    if me is not None:
        assignments = list(selectors.assignment_list(user=request.user, person=me, current_on=today))
        rows = []
        for root in {a.unit.pk: a.unit for a in assignments}.values():
            rows += selectors.coverage(root=root, months=months, today=today, person=me)
        context |= {
            "assignments": assignments,
            "rows": rows,
            "uncovered": [r for r in rows if r["uncovered"]],
            "visits": selectors.visit_list(user=request.user, person=me)[:20],
            "upcoming": selectors.meetings_expected_at(person=me, since=today)[:10],
        }
    token = selectors.ical_token(user=request.user)
    context["ical_url"] = request.build_absolute_uri(reverse("meetings:ical", args=[token]))
    return render(request, "meetings/my_view.html", context)


@require_GET
def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The meetings the token's user is expected at (as a member or a guest), for calendars.

    The token is the signed user and feed generation (no session: calendar apps do not log
    in); a revoked one answers 404."""
    from icalendar import Calendar, Event

    user = selectors.ical_feed_user(token=token)
    person = policy.person_of(user) if user else None
    if person is None:
        raise Http404
    since = timezone.localdate() - dt.timedelta(days=90)
    cal = Calendar()
    cal.add("prodid", "-//dangbo//meetings//VI")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Party cell meetings"))
    tz = timezone.get_current_timezone()
    for meeting in selectors.meetings_expected_at(person=person, since=since)[:500]:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@dangbo")
        title = meeting.title or meeting.get_kind_display()
        event.add("summary", f"{title} – {meeting.unit.name}")
        if meeting.start_time:
            start = dt.datetime.combine(meeting.date, meeting.start_time, tzinfo=tz)
            event.add("dtstart", start)
            event.add("dtend", start + dt.timedelta(minutes=meeting.duration_minutes or meeting.min_duration))
        else:
            event.add("dtstart", meeting.date)
        if meeting.place:
            event.add("location", meeting.place)
        if meeting.agenda:
            event.add("description", meeting.agenda)
        event.add("url", request.build_absolute_uri(meeting_url(meeting)))
        event.add("dtstamp", meeting.created_at)
        cal.add_component(event)
    return HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
