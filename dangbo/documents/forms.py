from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangbo.core.forms import VersionedForm
from dangbo.orgs import forms as orgs_forms
from dangbo.orgs.forms import DateInput, UnitPickField
from dangbo.orgs.models import Term

from .models import Document, DocumentRelation, DocumentType, Field, Issuer


class IssuerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Issuer) -> str:
        return f"{obj.name} ({obj.abbr})"


class TermChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Term) -> str:
        return f"{obj.code} · {obj.unit.name}"


def unit_pick(scope: str = "", **kwargs) -> UnitPickField:
    """A unit picker asking ``documents:unit_lookup`` (see ``orgs.forms.unit_pick``)."""
    return orgs_forms.unit_pick("documents:unit_lookup", scope, **kwargs)

class DocumentForm(VersionedForm):
    """Register or correct a document. The service does the real checks; a correction
    carries the version it was read at."""

    unit = unit_pick(
        label=_("Registering unit"),
        help_text=_("Whose register holds the document; it decides who may see it."),
    )
    type = forms.ModelChoiceField(label=_("Type"), queryset=DocumentType.objects.all())
    number = forms.CharField(label=_("Number"), max_length=20, help_text=_("For example 05 or 687."))
    issuer = IssuerChoiceField(
        label=_("Issuer"), queryset=Issuer.objects.all(), required=False,
        help_text=_("Bộ Chính trị, Tỉnh ủy…: choose from the catalogue, or give the issuing unit."),
    )
    issuing_unit = unit_pick(
        "issuing", label=_("Issuing unit"), required=False,
        help_text=_("A unit of the organisation tree that issued the document."),
    )
    issuer_abbr = forms.CharField(
        label=_("Issuer abbreviation"), max_length=20, required=False,
        help_text=_("As written in the number, e.g. TW, TU, ĐU. Taken from the issuer when empty."),
    )
    type_abbr = forms.CharField(
        label=_("Type abbreviation"), max_length=10, required=False,
        help_text=_("Only when the number uses another abbreviation than the type's (Quy định since 2021: QĐ)."),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    title = forms.CharField(
        label=pgettext_lazy("document", "Title"), max_length=500,
        help_text=_("The trích yếu: what the document is about."),
    )
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    full_text = forms.CharField(
        label=_("Full text"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Filled from the attached PDF or DOCX file when left empty."),
    )
    signer = forms.CharField(label=_("Signer"), max_length=120, required=False)
    term = TermChoiceField(label=_("Term"), queryset=Term.objects.none(), required=False)
    work_fields = forms.ModelMultipleChoiceField(
        label=_("Fields"), queryset=Field.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.ChoiceField(label=_("Status"), choices=Document.Status.choices, initial=Document.Status.IN_FORCE)
    shared_down = forms.BooleanField(
        label=_("Visible to everyone in the units below"), required=False, initial=True,
    )

    def __init__(self, *args, units, issuing_units, terms, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        cast(forms.ModelChoiceField, self.fields["issuing_unit"]).queryset = issuing_units
        cast(forms.ModelChoiceField, self.fields["term"]).queryset = terms
        if editing:
            del self.fields["unit"]
        else:
            del self.fields["expected_version"]

    def service_data(self) -> dict:
        """The cleaned data as the service's keyword arguments."""
        data = dict(self.cleaned_data)
        data["fields"] = data.pop("work_fields", [])
        data.pop("file", None)
        return data

    def clean(self):
        data = super().clean()
        if not data.get("issuer") and not data.get("issuing_unit"):
            self.add_error("issuer", _("Choose the issuer or the issuing unit."))
        return data


class RegisterForm(DocumentForm):
    file = forms.FileField(
        label=_("File (PDF or DOCX)"), required=False,
        help_text=_("Its text is read and searched; citations in it are linked."),
    )


class FileForm(forms.Form):
    file = forms.FileField(label=_("File (PDF or DOCX)"))


class RelationForm(forms.Form):
    kind = forms.ChoiceField(label=_("This document"), choices=DocumentRelation.Kind.choices)
    target = forms.CharField(
        label=_("Document"), max_length=80,
        help_text=_("Its number and symbol, e.g. 05-CT/TW."),
    )
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=1930, max_value=2100,
        help_text=_("When several documents have this number."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ImportForm(forms.Form):
    unit = unit_pick(label=_("Into the register of"))
    file = forms.FileField(label=_("Workbook (XLSX)"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units


class FilterForm(forms.Form):
    """The register's filters; bad values are simply ignored."""

    q = forms.CharField(required=False, max_length=200)
    type = forms.CharField(required=False, max_length=10)
    issuer = forms.CharField(required=False, max_length=40)
    term = forms.CharField(required=False, max_length=20)
    field = forms.CharField(required=False, max_length=40)
    status = forms.ChoiceField(required=False, choices=[("", ""), *Document.Status.choices])
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)
    sort = forms.CharField(required=False, max_length=10)

    def values(self) -> dict:
        if self.is_valid():
            return self.cleaned_data
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}



class StudySessionForm(forms.Form):
    """Plan or record a study session. The documents are named by their numbers."""

    unit = unit_pick(label=_("Organising unit"))
    title = forms.CharField(
        label=_("Title"), max_length=300,
        help_text=_("For example: Hội nghị học tập, quán triệt Nghị quyết Trung ương 6 khóa XII."),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    documents = forms.CharField(
        label=_("Documents studied"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Their numbers and symbols, one per line, e.g. 18-NQ/TW. Add the year after a comma when several documents share a number: 18-NQ/TW, 2017."),
    )
    required_units = orgs_forms.units_pick(
        "documents:unit_lookup", label=_("Units required to attend"),
        help_text=_("Every member of these units on the date is expected."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("Material (PDF or DOCX)"), required=False)

    def __init__(self, *args, units, required_units, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        cast(forms.ModelMultipleChoiceField, self.fields["required_units"]).queryset = required_units

    def document_lines(self) -> list[tuple[str, int | None]]:
        """``(number, year)`` for each non-empty line of the documents field."""
        lines = []
        for line in (self.cleaned_data.get("documents") or "").splitlines():
            text, _sep, year = line.partition(",")
            text = text.strip()
            if text:
                year = year.strip()
                lines.append((text, int(year) if year.isdigit() and len(year) == 4 else None))
        return lines


class MaterialForm(forms.Form):
    file = forms.FileField(label=_("Material (PDF or DOCX)"))
