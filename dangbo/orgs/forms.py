from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Person, Position, Role, Term, Unit, UnitKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return "\u2003" * max(obj.depth - 1, 0) + obj.name


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class DecisionMixin(forms.Form):
    date = forms.DateField(label=_("Effective date"), widget=DateInput())
    decision = forms.CharField(
        label=_("Decision"), required=False, max_length=200,
        help_text=_("Number and symbol of the decision, e.g. 1234-QĐ/TU."),
    )
    reason = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class UnitCreateForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=UnitKind.objects.none())
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=80, required=False)
    code = forms.SlugField(
        label=_("Code"), max_length=60,
        help_text=_("A short unique code of letters, digits and hyphens, e.g. dongha-phuong1."),
    )
    valid_from = forms.DateField(label=_("Founded on"), required=False, widget=DateInput())
    decision = forms.CharField(label=_("Decision"), required=False, max_length=200)

    def __init__(self, *args, parent: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        kind_field = cast(forms.ModelChoiceField, self.fields["kind"])
        kind_field.queryset = UnitKind.objects.filter(allowed_parents=parent.kind).select_related("level")


class UnitEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=80, required=False)
    code = forms.SlugField(label=_("Code"), max_length=60)
    date = forms.DateField(
        label=_("Effective date"), required=False, widget=DateInput(),
        help_text=_("When the new name takes effect (for a rename)."),
    )
    decision = forms.CharField(label=_("Decision"), required=False, max_length=200)
    reason = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class UnitMoveForm(DecisionMixin):
    new_parent = UnitChoiceField(label=_("New parent unit"), queryset=Unit.objects.none())

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents


class UnitMergeForm(DecisionMixin):
    others = UnitMultipleChoiceField(
        label=_("Also merge"), queryset=Unit.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Other units merged together with this one."),
    )
    target = UnitChoiceField(label=_("Merge into"), queryset=Unit.objects.none())

    def __init__(self, *args, siblings, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["others"].queryset = siblings
        self.fields["target"].queryset = targets


class UnitSplitForm(DecisionMixin):
    parts = forms.CharField(
        label=_("New units"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One unit per line: name | code. At least two lines."),
    )

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.children = list(children)
        for child in self.children:
            self.fields[f"child_{child.pk}"] = forms.IntegerField(
                label=_("%(unit)s goes to new unit no.") % {"unit": child.name},
                min_value=1, initial=1,
            )

    def clean_parts(self) -> list[tuple[str, str]]:
        parts = []
        for number, line in enumerate(self.cleaned_data["parts"].splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, code = line.partition("|")
            if not sep or not name.strip() or not code.strip():
                raise ValidationError(
                    _("Line %(n)s must read “name | code”.") % {"n": number}
                )
            parts.append((name.strip(), code.strip()))
        if len(parts) < 2:
            raise ValidationError(_("A split needs at least two new units."))
        return parts

    def child_assignment(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data.get(f"child_{c.pk}", 1) - 1 for c in self.children}


class TermForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"), regex=r"^\d{4}-\d{4}$", max_length=20,
        help_text=_("Years of the term, e.g. 2025-2030."),
        error_messages={"invalid": _("Write the term as two years, e.g. 2025-2030.")},
    )
    name = forms.CharField(label=_("Name"), required=False, max_length=120)
    start = forms.DateField(label=_("Start"), widget=DateInput())
    end = forms.DateField(label=_("End"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date must not be before the start date."))
        return data


class PositionForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    title = forms.CharField(label=_("Title"), max_length=120, help_text=_("e.g. Bí thư, Phó Bí thư, Ủy viên BTV"))
    body = forms.ChoiceField(label=_("Body"), choices=Position.Body.choices, required=False)
    term = forms.ModelChoiceField(label=_("Term"), queryset=Term.objects.none(), required=False)
    start = forms.DateField(label=_("Start"), widget=DateInput())
    end = forms.DateField(label=_("End"), required=False, widget=DateInput())
    role = forms.TypedChoiceField(label=_("Role granted"), choices=Role.choices, coerce=int, initial=Role.VIEW)

    def __init__(self, *args, people, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["term"].queryset = terms

    def limit_roles(self, ceiling: int) -> None:
        """Offer only roles up to ``ceiling``: nobody grants more than they hold."""
        role = cast(forms.TypedChoiceField, self.fields["role"])
        role.choices = [(value, label) for value, label in Role.choices if value <= ceiling]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date must not be before the start date."))
        return data


class PositionEndForm(forms.Form):
    end = forms.DateField(label=_("Last day"), widget=DateInput())
    reason = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
