from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangbo.orgs import forms as orgs_forms
from dangbo.orgs.forms import DateInput, PersonChoiceField, UnitChoiceField, UnitPickField
from dangbo.orgs.models import Person, Unit

from .models import Case, ReceptionDay


def unit_pick(label, scope: str = "") -> UnitPickField:
    """A unit picker asking ``citizens:unit_lookup`` (see ``orgs.forms.unit_pick``)."""
    return orgs_forms.unit_pick("citizens:unit_lookup", scope, label=label)

class CaseFilterForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Unit (and below)"), queryset=Unit.objects.none(), required=False,
        empty_label=_("All my units"),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any")), *Case.Kind.choices])
    state = forms.ChoiceField(
        label=_("State"), required=False,
        choices=[("", _("Any")), ("open", _("Not closed")), *Case.State.choices],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrowing for mypy
        field.queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("path")
        field.choices = [("", field.empty_label), *((u.pk, field.label_from_instance(u)) for u in units)]


class CaseCreateForm(forms.Form):
    unit = unit_pick(_("Handling unit"), "receive")
    kind = forms.ChoiceField(label=_("Kind"), choices=Case.Kind.choices)
    channel = forms.ChoiceField(label=_("How it came"), choices=Case.Channel.choices)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    name = forms.CharField(label=_("Petitioner's full name"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    others = forms.CharField(
        label=_("Other petitioners (collective case)"), required=False, max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name; address; phone."),
    )
    not_duplicate = forms.BooleanField(
        label=_("This is a new case, not one of those above"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, units, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("received_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrowing for mypy
        field.queryset = units

    def show_duplicate_check(self) -> None:
        self.fields["not_duplicate"].widget = forms.CheckboxInput()

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        people = [{"name": data["name"], "address": data["address"], "phone": data["phone"]}]
        for line in (data.get("others") or "").splitlines():
            parts = [p.strip() for p in line.split(";")] + ["", ""]
            people.append({"name": parts[0], "address": parts[1], "phone": parts[2]})
        return {
            "unit": data["unit"], "kind": data["kind"], "channel": data["channel"],
            "received_on": data["received_on"], "content": data["content"], "petitioners": people,
        }


class AcknowledgeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Acknowledgement"), choices=Case.Outcome.choices)
    note = forms.CharField(
        label=_("Competent body or reason"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    on = forms.DateField(label=_("Sent on"), widget=DateInput(), required=False)
    complexity = forms.ChoiceField(
        label=_("Complexity"), choices=Case.Complexity.choices, initial=Case.Complexity.ORDINARY, required=False,
        help_text=_("A complex complaint has 45 days, a denunciation is extended by 30 days (twice when very complex)."),
    )
    remote = forms.BooleanField(
        label=_("Remote area, hard to travel"), required=False,
        help_text=_("For a complaint: 45 days, 60 when complex (Luật Khiếu nại, Article 28)."),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer (shown to the petitioner)"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
    on = forms.DateField(label=_("Answered on"), widget=DateInput(), required=False)


class CaseTaskForm(forms.Form):
    title = forms.CharField(label=_("Task title"), max_length=500)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())


class ReceptionDayForm(forms.Form):
    unit = unit_pick(_("Committee"))
    host = PersonChoiceField(Person.objects.none(), label=_("Receiving leader"))
    date = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=ReceptionDay.Kind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ReceptionDay.Status.choices)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, units, people, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["host"].queryset = people  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=ReceptionDay.Status.choices)


class DialogueForm(forms.Form):
    unit = unit_pick(_("Unit"))
    host = PersonChoiceField(Person.objects.none(), label=_("Host"))
    date = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    participants = forms.CharField(
        label=_("Participants"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 2})
    )
    topics = forms.CharField(label=_("Topics"), max_length=20000, widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.CharField(label=_("Minutes"), required=False, max_length=100000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, units, people, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["host"].queryset = people  # type: ignore[attr-defined]


class OpinionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Case.Kind.choices)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)
    name = forms.CharField(label=_("Petitioner's full name"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"], "content": data["content"],
            "petitioners": [{"name": data["name"], "address": data["address"], "phone": data["phone"]}],
        }


class IdentityShareForm(forms.Form):
    person = PersonChoiceField(Person.objects.none(), label=_("Staff member who may read the identity"))

    def __init__(self, *args: Any, people, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class CaseMergeForm(forms.Form):
    """Close this case as a duplicate of another, chosen by its code."""

    into = forms.CharField(
        label=_("Code of the case to keep"), max_length=40,
        help_text=_("The same petitioner's case on the same matter, of the same kind and handling unit."),
    )
