"""The office's pages for the working-day calendar and the deadline rules (``dangbo.core.rules``).

Everyone who signs in reads them; the forms show, and the services accept, only the office's
changes."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from . import policy, rules
from .forms import submit
from .http import Request
from .models import CalendarDay, DeadlineRule
from .policy import Action


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CalendarDay.Kind.choices)
    source = forms.CharField(label=gettext_lazy("Source document"), max_length=300,
                             help_text=gettext_lazy("The government's announcement, e.g. Thông báo 6150/TB-BNV."))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)


class RuleVersionForm(forms.Form):
    code = forms.ChoiceField(label=gettext_lazy("Rule"))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    days = forms.IntegerField(label=gettext_lazy("Number of days"), min_value=1, max_value=3650)
    counting = forms.ChoiceField(label=gettext_lazy("Counted in"), choices=DeadlineRule.Counting.choices)
    source = forms.CharField(label=gettext_lazy("Source document"), max_length=300)
    effective_from = forms.DateField(label=gettext_lazy("Effective from"), widget=DateInput())
    effective_to = forms.DateField(label=gettext_lazy("Effective to"), widget=DateInput(), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [(code, name) for code, name in rules.rule_codes()]  # type: ignore[attr-defined]


class RuleEndForm(forms.Form):
    effective_to = forms.DateField(label=gettext_lazy("Effective to"), widget=DateInput(), required=False)


def _year(request: Request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    return min(max(year, 2000), today.year + 2)


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: Request) -> HttpResponse:
    """The year's extra days off and make-up working days, with the form to add one."""
    year = _year(request)
    form = CalendarDayForm(request.POST or None, initial={"date": dt.date(year, 1, 1)})
    day = submit(request, form, lambda data: rules.calendar_day_set(actor=request.user, **data))
    if day is not None:
        messages.success(request, _("Saved: %(date)s.") % {"date": day.date.strftime("%d/%m/%Y")})
        return redirect(f"{reverse('core:calendar')}?year={day.date.year}")
    context = {
        "year": year, "years": range(timezone.localdate().year + 1, 2018, -1),
        "days": rules.calendar_days(year), "form": form, "can_change": rules.is_office(request.user),
        "history": rules.recent_changes(CalendarDay),
    }
    return render(request, "core/calendar.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def calendar_delete(request: Request, pk: int) -> HttpResponse:
    day = policy.get_for_user(request.user, CalendarDay, pk, Action.CHANGE)
    rules.calendar_day_delete(actor=request.user, day=day)
    messages.success(request, _("Removed: %(date)s.") % {"date": day.date.strftime("%d/%m/%Y")})
    return redirect(f"{reverse('core:calendar')}?year={day.date.year}")


def _rules_page(request: Request, form: RuleVersionForm, end_forms: dict | None = None) -> HttpResponse:
    context = {
        "rules": rules.deadline_rules(), "form": form, "can_change": rules.is_office(request.user),
        "end_errors": end_forms or {}, "history": rules.recent_changes(DeadlineRule), "today": timezone.localdate(),
    }
    status = 400 if form.errors or end_forms else 200
    return render(request, "core/deadline_rules.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def deadline_rules(request: Request) -> HttpResponse:
    """Every version of every deadline rule, with its source; the office adds a version."""
    form = RuleVersionForm(request.POST or None)
    rule = submit(request, form, lambda data: rules.deadline_rule_add(actor=request.user, **data))
    if rule is not None:
        messages.success(request, _("The new version of the rule is saved."))
        return redirect("core:deadline_rules")
    return _rules_page(request, form)


@login_required
@require_POST
def deadline_rule_end(request: Request, pk: int) -> HttpResponse:
    rule = policy.get_for_user(request.user, DeadlineRule, pk, Action.CHANGE)
    form = RuleEndForm(request.POST)
    done = submit(request, form, lambda data: rules.deadline_rule_end(actor=request.user, rule=rule, **data))
    if done is not None:
        messages.success(request, _("The version's end date is saved."))
        return redirect("core:deadline_rules")
    errors = [str(e) for errors in form.errors.values() for e in errors]
    return _rules_page(request, RuleVersionForm(), {rule.pk: errors})

