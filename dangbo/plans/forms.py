from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from dangbo.assignments.models import Task
from dangbo.core.forms import VersionedForm
from dangbo.orgs import forms as orgs_forms
from dangbo.orgs.forms import DateInput, UnitChoiceField, UnitPickField, UnitsPickField
from dangbo.orgs.models import Person, Unit

from .models import (
    Commitment,
    CommitmentItem,
    ConfidenceRating,
    EvaluationGrade,
    ItemStatus,
    Milestone,
    Theme,
    ThemeItem,
)

YEAR = [MinValueValidator(1990), MaxValueValidator(2100)]


def unit_pick(label, scope: str = "", **kwargs: Any) -> UnitPickField:
    """A unit picker asking ``plans:unit_lookup`` (see ``orgs.forms.unit_pick``)."""
    return orgs_forms.unit_pick("plans:unit_lookup", scope, label=label, **kwargs)


def units_pick(label, scope: str = "", **kwargs: Any) -> UnitsPickField:
    """A units picker asking ``plans:unit_lookup`` (see ``orgs.forms.units_pick``)."""
    return orgs_forms.units_pick("plans:unit_lookup", scope, label=label, **kwargs)


class ThemeForm(forms.Form):
    unit = unit_pick(_("Unit"))
    year = forms.IntegerField(label=_("Year"), validators=YEAR)
    text = forms.CharField(
        label=_("Theme"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The theme in the committee's words. Empty when adopting a theme from above."),
    )
    order = forms.IntegerField(label=_("Order"), initial=1, min_value=1, max_value=20)
    adopted_from = forms.ModelChoiceField(
        label=_("Adopt the theme of the unit above"), queryset=Theme.objects.none(), required=False
    )

    def __init__(self, *args: Any, units: Any, upper_themes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["adopted_from"].queryset = upper_themes  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("text") or "").strip() and not data.get("adopted_from"):
            self.add_error("text", _("Write the theme, or adopt the theme of the unit above."))
        return data


class ThemeEditForm(VersionedForm):
    text = forms.CharField(label=_("Theme"), widget=forms.Textarea(attrs={"rows": 3}))
    order = forms.IntegerField(label=_("Order"), min_value=1, max_value=20)


class ItemForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ThemeItem.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=500)
    target = forms.CharField(label=_("Target"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner_person = forms.ModelChoiceField(label=_("Leader in charge"), queryset=Person.objects.none(), required=False)
    owner_unit = unit_pick(_("Unit in charge"), required=False)
    upper = forms.ModelChoiceField(
        label=_("Serves the item of the unit above"), queryset=ThemeItem.objects.none(), required=False
    )
    order = forms.IntegerField(label=_("Order"), initial=1, min_value=1, max_value=50)

    def __init__(self, *args: Any, people: Any, units: Any, uppers: Any, theme: Theme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_person"].queryset = people  # type: ignore[attr-defined]
        self.fields["owner_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["owner_unit"].widget.lookup_url = orgs_forms.lookup_url(  # type: ignore[attr-defined]
            "plans:unit_lookup", "owner", theme=theme.pk,
        )
        self.fields["upper"].queryset = uppers  # type: ignore[attr-defined]
        self.fields["upper"].label_from_instance = lambda i: f"{i.theme.unit.name}: {i.title}"  # type: ignore[attr-defined]


class MilestoneForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=Milestone.Period.choices)
    number = forms.IntegerField(label=_("Month or quarter"), min_value=1, max_value=12)
    text = forms.CharField(label=_("Milestone"), max_length=500)
    expected_progress = forms.IntegerField(
        label=_("Expected progress (%)"), min_value=0, max_value=100, initial=0
    )


class LinkTasksForm(forms.Form):
    tasks = forms.ModelMultipleChoiceField(
        label=_("Tasks"), queryset=Task.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, tasks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = tasks  # type: ignore[attr-defined]
        self.fields["tasks"].label_from_instance = lambda t: f"{t.title} — {t.unit.name}"  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    units = units_pick(
        _("Units in charge"), help_text=_("Each unit gets its own tracked task, linked to this item."),
    )
    title = forms.CharField(label=_("Title"), max_length=500)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    start = forms.DateField(label=_("Start date"), required=False, widget=DateInput())
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Task.Priority.choices, coerce=int, initial=Task.Priority.NORMAL
    )

    def __init__(self, *args: Any, item: ThemeItem, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units  # type: ignore[attr-defined]
        self.fields["units"].widget.lookup_url = orgs_forms.lookup_url("plans:unit_lookup", "assign", item=item.pk)  # type: ignore[attr-defined]


# --- Commitments ---------------------------------------------------------------------------


class CommitmentForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), validators=YEAR)
    upper_unit = unit_pick(_("Upper level"))
    lower_unit = unit_pick(_("Committing unit"), "lower")
    title = forms.CharField(label=_("Title"), max_length=300)
    lower_signer = forms.ModelChoiceField(label=_("Head who signs"), queryset=Person.objects.none(), required=False)
    upper_signer = forms.ModelChoiceField(
        label=_("Signs for the upper level"), queryset=Person.objects.none(), required=False
    )
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=DateInput())
    items = forms.CharField(
        label=_("Commitment items"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One item a line: title | target | weight | how it is evidenced. 2 to 6 items; the weights sum to 100."),
    )

    def __init__(self, *args: Any, uppers: Any, lowers: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["upper_unit"].queryset = uppers  # type: ignore[attr-defined]
        self.fields["lower_unit"].queryset = lowers  # type: ignore[attr-defined]
        self.fields["lower_signer"].queryset = people  # type: ignore[attr-defined]
        self.fields["upper_signer"].queryset = people  # type: ignore[attr-defined]

    def clean_items(self) -> list[dict[str, Any]]:
        items = []
        for n, line in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 3 or not parts[0] or not parts[2].isdigit():
                raise forms.ValidationError(
                    _("Line %(n)d: write title | target | weight (a whole number) | evidence.") % {"n": n}
                )
            items.append({"title": parts[0], "target": parts[1], "weight": int(parts[2]),
                          "evidence": parts[3] if len(parts) > 3 else ""})
        return items


class StatusForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    quarter = forms.IntegerField(label=_("Quarter"), min_value=1, max_value=4)
    status = forms.ChoiceField(label=_("Status"), choices=ItemStatus.Status.choices)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SelfEvaluationForm(forms.Form):
    self_evaluation = forms.CharField(label=_("Self-evaluation of the head"), widget=forms.Textarea(attrs={"rows": 4}))
    next_year = forms.CharField(
        label=_("Proposed items for next year"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class EvaluationForm(forms.Form):
    grade = forms.ModelChoiceField(label=_("Evaluation of the commitment"), queryset=EvaluationGrade.objects.none(), required=False)
    conclusion = forms.CharField(label=_("Conclusion of the upper level"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    close = forms.BooleanField(label=_("Close the year"), required=False)

    def __init__(self, *args: Any, commitment: Commitment, items: list[CommitmentItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grades = EvaluationGrade.objects.filter(scale_id=commitment.scale_id)
        self.fields["grade"].queryset = grades  # type: ignore[attr-defined]
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.ModelChoiceField(
                label=item.title, queryset=grades, required=False, initial=item.grade_id
            )

    def item_grades(self) -> dict[int, EvaluationGrade]:
        return {
            int(name.removeprefix("item_")): value
            for name, value in self.cleaned_data.items() if name.startswith("item_") and value is not None
        }


# --- Indicators ----------------------------------------------------------------------------


class ActualForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Year"), validators=YEAR)
    quarter = forms.IntegerField(label=_("Quarter"), required=False, min_value=1, max_value=4)
    value = forms.DecimalField(label=_("Achieved"), max_digits=16, decimal_places=4)
    source = forms.CharField(label=_("Source"), required=False, max_length=300)
    evidence = forms.CharField(label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Delivery confidence"), choices=ConfidenceRating.Level.choices, coerce=int,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ProposalForm(forms.Form):
    """One proposal read from a plan's text, as the office accepts and edits it."""

    accept = forms.BooleanField(label=_("Accept"), required=False)
    title = forms.CharField(label=_("Task"), max_length=500, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    units = units_pick(_("Units in charge"), required=False)
    coordinating = units_pick(_("Coordinating units"), required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput)
    item = forms.ModelChoiceField(label=_("Serves the theme item"), queryset=ThemeItem.objects.none(),
                                  required=False)

    def __init__(self, *args: Any, document: Any, units: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("units", "coordinating"):
            self.fields[name].queryset = units  # type: ignore[attr-defined]
            self.fields[name].widget.lookup_url = orgs_forms.lookup_url("plans:unit_lookup", "proposal", document=document.pk)  # type: ignore[attr-defined]
        self.fields["item"].queryset = items  # type: ignore[attr-defined]
        self.fields["item"].label_from_instance = (  # type: ignore[attr-defined]
            lambda item: f"{item.theme.year} · {item.theme.unit.name} · {item.title}"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("accept"):
            if not (data.get("title") or "").strip():
                self.add_error("title", _("Write the task."))
            if not data.get("units"):
                self.add_error("units", _("Choose the unit(s) in charge."))
            if not data.get("deadline"):
                self.add_error("deadline", _("Set the deadline."))
        return data
