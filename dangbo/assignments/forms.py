from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from dangbo.core.forms import VersionedForm
from dangbo.documents.models import Document
from dangbo.orgs import forms as orgs_forms
from dangbo.orgs.forms import (
    DateInput,
    PersonChoiceField,
    UnitMultipleChoiceField,
    UnitPickField,
)
from dangbo.orgs.models import Person, Unit

from .models import Inspection, Task

FLAG_CHOICES = [
    ("", _("All")),
    ("overdue", _("Overdue")),
    ("behind", _("Behind schedule")),
    ("due_soon", _("Due soon")),
    ("long_running", _("Long-running")),
    ("awaiting", _("Waiting for confirmation")),
]
SORT_CHOICES = [
    ("deadline", _("Deadline, earliest first")),
    ("-deadline", _("Deadline, latest first")),
    ("progress", _("Least progress first")),
    ("-progress", _("Most progress first")),
    ("priority", _("Priority")),
    ("-created", _("Newest first")),
]


def unit_pick(label, scope: str = "") -> UnitPickField:
    """A unit picker asking ``assignments:unit_lookup`` (see ``orgs.forms.unit_pick``)."""
    return orgs_forms.unit_pick("assignments:unit_lookup", scope, label=label)

class TaskFilterForm(forms.Form):
    q = forms.CharField(label=_("Title contains"), required=False, max_length=200)
    # A typed picker, not a select: a province sees thousands of units, the country ~315,000.
    unit = UnitPickField(
        label=_("Unit (and below)"), queryset=Unit.objects.none(), required=False,
        lookup_url=format_lazy("{}?scope=filter", reverse_lazy("assignments:unit_lookup")),
        help_text=_("Empty: all your units."),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("Any")), ("open", _("Not closed")), *Task.Status.choices],
    )
    flag = forms.ChoiceField(label=_("Follow-up"), required=False, choices=FLAG_CHOICES)
    document = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    deadline_from = forms.DateField(label=_("Due from"), required=False, widget=DateInput())
    deadline_to = forms.DateField(label=_("Due until"), required=False, widget=DateInput())
    priority = forms.TypedChoiceField(
        label=_("Priority"), required=False, coerce=int, empty_value=None,
        choices=[("", _("Any")), *Task.Priority.choices],
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(UnitPickField, self.fields["unit"]).queryset = units


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class UnitTreeWidget(forms.CheckboxSelectMultiple):
    """Units as a tree of checkboxes: each top unit (a ward) with the units below it (its
    cells) folded under it, a filter box and "all wards" / "all cells of this ward" buttons
    (``unit-tree.js``; without scripts the checkboxes and the folds still work)."""

    template_name = "assignments/widgets/unit_tree.html"

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        from dangbo.core.text import fold

        context = super().get_context(name, value, attrs)
        chosen = {str(v) for v in (value or [])}
        units = sorted(
            (choice.instance for choice, _label in self.choices if hasattr(choice, "instance")),
            key=lambda unit: unit.path,
        )
        tree: list[dict[str, Any]] = []
        for unit in units:
            node = {"unit": unit, "checked": str(unit.pk) in chosen, "search": fold(unit.name)}
            top = tree[-1] if tree else None
            if top is not None and unit.path.startswith(top["unit"].path):
                node["indent"] = unit.depth - top["unit"].depth - 1
                top["children"].append(node)
                top["open"] = top["open"] or node["checked"]
            else:
                tree.append({**node, "children": [], "open": False})
        context["widget"]["tree"] = tree
        return context


class TaskFieldsMixin(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    start = forms.DateField(label=_("Start date"), widget=DateInput())
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    priority = forms.TypedChoiceField(
        label=_("Priority"), coerce=int, choices=Task.Priority.choices, initial=Task.Priority.NORMAL
    )
    cadence = forms.ChoiceField(
        label=_("Report cadence"), required=False, choices=Task.Cadence.choices,
        help_text=_("How often the unit in charge must report progress."),
    )


class TaskCreateForm(TaskFieldsMixin):
    assigning_unit = unit_pick(_("Assigning unit"))
    units = UnitMultipleChoiceField(
        label=_("Units in charge"), queryset=Unit.objects.none(),
        widget=UnitTreeWidget,
        help_text=_("Choose several units to give each of them the same task, tracked separately."),
    )
    document = forms.CharField(
        label=_("Document"), required=False, max_length=80,
        help_text=_("Number and symbol of the document the task implements, e.g. 05-CT/TW."),
    )
    coordinating_units = UnitMultipleChoiceField(
        label=_("Coordinating units"), queryset=Unit.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )

    #: Who assigns to whom comes right after the title: it is the heart of the screen.
    field_order = ["title", "assigning_unit", "units", "start", "deadline", "description"]

    def __init__(self, *args: Any, assigning: Any, targets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigning_unit"].queryset = assigning  # type: ignore[attr-defined]
        self.fields["units"].queryset = targets  # type: ignore[attr-defined]
        self.fields["coordinating_units"].queryset = targets  # type: ignore[attr-defined]


class SubtaskForm(TaskFieldsMixin):
    units = UnitMultipleChoiceField(
        label=_("Units in charge"), queryset=Unit.objects.none(), widget=UnitTreeWidget,
        help_text=_("Choose several units to give each of them the same sub-task, tracked separately."),
    )
    responsible = PersonChoiceField(Person.objects.none(), label=_("Responsible person"), required=False)
    weight = forms.IntegerField(
        label=_("Weight"), required=False, min_value=1, max_value=1000,
        help_text=_("The share of this sub-task in the parent's progress. Empty: equal shares."),
    )

    field_order = ["title", "units", "start", "deadline", "responsible", "description"]

    def __init__(self, *args: Any, units: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units  # type: ignore[attr-defined]
        self.fields["responsible"].queryset = people  # type: ignore[attr-defined]


class TaskEditForm(TaskFieldsMixin, VersionedForm):
    responsible = PersonChoiceField(Person.objects.none(), label=_("Responsible person"), required=False)
    weight = forms.IntegerField(label=_("Weight"), required=False, min_value=1, max_value=1000)
    reason = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = people  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    percent = forms.IntegerField(
        label=_("Progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)],
        widget=forms.NumberInput(attrs={"min": 0, "max": 100}),
    )
    text = forms.CharField(label=_("Report"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = MultipleFileField(label=_("Evidence files"), required=False)

    def __init__(self, *args: Any, rolled_up: bool = False, **kwargs: Any) -> None:
        """``rolled_up``: the task has sub-tasks, its progress is theirs; no percentage is
        asked (one sent anyway reaches the service, which refuses it)."""
        super().__init__(*args, **kwargs)
        if rolled_up:
            self.fields["percent"].required = False
            self.fields["percent"].widget = forms.HiddenInput()


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Task.Status.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ProgramForm(forms.Form):
    unit = unit_pick(_("Unit"))
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=300)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class InspectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Inspection.Kind.choices)
    target_unit = unit_pick(_("Inspected unit"), "inspection")
    subject = forms.CharField(label=_("Subject"), max_length=300)
    team = forms.CharField(label=_("Team"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(label=_("To"), widget=DateInput())

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_unit"].queryset = units  # type: ignore[attr-defined]


class ProgramEditForm(VersionedForm):
    """Correct a program: its title, year and document (a number and symbol, resolved among
    the documents the user may see)."""

    title = forms.CharField(label=_("Title"), max_length=300)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    document = forms.CharField(
        label=_("Program document"), required=False, max_length=80,
        help_text=_("Number and symbol, e.g. 01-CTr/UBKTTU. Empty: none."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_document(self) -> Document | None:
        from dangbo.documents.selectors import find_by_symbol

        text = (self.cleaned_data.get("document") or "").strip()
        if not text:
            return None
        found = find_by_symbol(user=self.user, text=text)
        if isinstance(found, str):
            raise forms.ValidationError(found)
        return found


class InspectionEditForm(VersionedForm):
    """Correct an inspection (the inspected unit stays: its recommendations are its tasks)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Inspection.Kind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    team = forms.CharField(label=_("Team"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(label=_("To"), widget=DateInput())
    findings = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class ConclusionForm(forms.Form):
    findings = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    conclusion = forms.CharField(label=_("Conclusion"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    conclusion_document = forms.CharField(
        label=_("Conclusion document"), required=False, max_length=80,
        help_text=_("Number and symbol, e.g. 12-KL/UBKTTU."),
    )


class DecisionTaskForm(forms.Form):
    """The one click that makes a decision a task: the deadline only when it has none."""

    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())


class RecommendationForm(forms.Form):
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())


def document_choice(value: Document | None) -> str:
    return value.symbol if value else ""
