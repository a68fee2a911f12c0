from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dangbo.core.forms import DayInput, VersionedForm
from dangbo.core.text import normalize

from . import selectors
from .models import Person, Position, Role, Term, Unit, UnitKind

#: The one day input of the forms: typed and shown dd/mm/yyyy (``dangbo.core.forms``).
DateInput = DayInput


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return "\u2003" * max(obj.depth - 1, 0) + obj.name


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


def match_detail(match: selectors.PersonMatch) -> str:
    """What tells namesakes apart, e.g. "born 1980 · Chi bộ Khu phố 1"."""
    parts = []
    if match.birth_year:
        parts.append(gettext("born %(year)s") % {"year": match.birth_year})
    if match.unit:
        parts.append(match.unit)
    return " · ".join(parts)


@dataclass(frozen=True)
class PickedPerson:
    """What a person picker sends: the chosen id, the text in the box, the text it showed.

    The picker posts three inputs: ``<name>`` (the chosen id, hidden, or a radio button of
    the people found), ``<name>_q`` (the text box) and ``<name>_shown`` (the text the box
    held when the page was drawn, or when a person was picked in the list).
    """

    pk: str = ""
    query: str = ""
    shown: str = ""

    @property
    def wants_search(self) -> bool:
        """The text names nobody chosen yet (new text, or nothing picked): look it up."""
        return bool(self.query) and (self.query != self.shown or not self.pk)

    @property
    def chosen(self) -> str:
        """The id to use: none when the box was emptied."""
        return self.pk if self.query == self.shown else ""


class PersonPicker(forms.Widget):
    """A text box that finds people by name, for forms that pick one person among thousands.

    With JavaScript (``dangbo/js/person-picker.js``, in the widget's media) it is an ARIA
    combobox listing up to 15 matches from ``lookup_url`` as one types; picking one puts
    its id in a hidden input. Without JavaScript the typed text is sent with the form and
    the form comes back with the people found as radio buttons.
    """

    template_name = "orgs/widgets/person_picker.html"
    min_chars = 2

    class Media:
        js = [forms.Script("dangbo/js/person-picker.js", defer=True)]

    def __init__(self, attrs: dict[str, Any] | None = None, lookup_url: str | Promise | None = None) -> None:
        super().__init__(attrs)
        self.lookup_url = lookup_url or reverse_lazy("orgs:person_lookup")
        self.choices: Any = ()  # a ModelChoiceIterator, set by PersonChoiceField

    def value_from_datadict(self, data, files, name) -> PickedPerson:
        def text(key: str) -> str:
            return normalize(str(data.get(key) or ""))[: self.max_length]

        return PickedPerson(pk=text(name), query=text(f"{name}_q"), shown=text(f"{name}_shown"))

    def value_omitted_from_data(self, data, files, name) -> bool:
        return name not in data and f"{name}_q" not in data

    def format_value(self, value):
        return None

    #: What the box finds, and how: overridden by :class:`UnitPicker`.
    max_length = selectors.PERSON_LOOKUP_MAX_LENGTH
    limit = selectors.PERSON_LOOKUP_LIMIT

    def nothing(self) -> Any:
        return Person.objects.none()

    def find(self, objects, q: str) -> tuple[list[Any], bool]:
        return selectors.person_matches(objects, q=q)

    def one(self, objects, pk: str) -> Any:
        return selectors.person_match(objects, pk=pk)

    def detail(self, obj) -> str:
        return match_detail(obj)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if not isinstance(value, PickedPerson):  # an unbound form: the initial choice's id
            value = PickedPerson(pk="" if value in (None, "") else str(value))
        objects = getattr(self.choices, "queryset", None)
        if objects is None:
            objects = self.nothing()
        selected, matches, more = None, [], False
        if value.wants_search:
            matches, more = self.find(objects, value.query)
            text = value.query
        elif value.chosen:
            selected = self.one(objects, value.chosen)
            text = selected.name if selected else value.query
        else:
            text = value.query
        widget = context["widget"]
        widget["attrs"].setdefault("maxlength", self.max_length)
        widget.update(
            lookup_url=str(self.lookup_url),
            min_chars=self.min_chars,
            text=text,
            query=value.query,
            selected=selected and {"pk": selected.pk, "name": selected.name, "detail": self.detail(selected)},
            matches=[{"pk": m.pk, "name": m.name, "detail": self.detail(m)} for m in matches],
            more=more,
            limit=self.limit,
        )
        return context


class PersonChoiceField(forms.ModelChoiceField):
    """One person of ``queryset``, chosen with a :class:`PersonPicker` instead of a select.

    The queryset says who may be chosen (e.g. ``selectors.person_list(user=...)``): an id
    outside it is refused with a field error, whatever the browser sent.
    """

    widget = PersonPicker
    default_error_messages = {
        "invalid_choice": _("This person is not among the people you may choose. Search by name and pick from the list."),
        "search": _("Choose the person among those found, then save again."),
        "not_found": _("Nobody you may choose matches “%(q)s”. Type part of the name, with or without accents."),
    }

    def __init__(self, queryset, *, lookup_url: str | Promise | None = None, **kwargs) -> None:
        kwargs.setdefault("widget", PersonPicker(lookup_url=lookup_url))
        super().__init__(queryset, empty_label=None, **kwargs)

    def to_python(self, value):
        if isinstance(value, PickedPerson):
            if value.wants_search:
                if selectors.people_matching(self.queryset, q=value.query).exists():
                    raise ValidationError(self.error_messages["search"], code="search")
                raise ValidationError(
                    self.error_messages["not_found"], code="not_found", params={"q": value.query}
                )
            value = value.chosen
        return super().to_python(value)

    def has_changed(self, initial, data) -> bool:
        if isinstance(data, PickedPerson):
            data = data.chosen
        return super().has_changed(initial, data)


class UnitPicker(PersonPicker):
    """A text box that finds units by name, for forms that pick one unit among thousands
    (the country has ~315,000): the page lists none of them, whatever their number.

    The same script and fallback as :class:`PersonPicker` (its ``lookup_url`` answers with
    units: ``unit_lookup_response``). On a filter form, a pick sends a ``change`` event from
    the hidden input (what the form reloads on), while the typing in the box does not.
    On a form that saves (``filtering=False``), the box behaves as the person picker's: the
    typed text is sent too, and comes back with the units found if none was picked.
    """

    template_name = "orgs/widgets/unit_picker.html"

    def __init__(
        self, attrs: dict[str, Any] | None = None, *, lookup_url: str | Promise, filtering: bool = True,
    ) -> None:
        super().__init__(attrs)
        self.lookup_url = lookup_url  # lazy: reversed when the page is drawn
        self.filtering = filtering

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["filtering"] = self.filtering
        return context

    max_length = selectors.UNIT_LOOKUP_MAX_LENGTH
    limit = selectors.UNIT_LOOKUP_LIMIT

    def nothing(self) -> Any:
        return Unit.objects.none()

    def find(self, objects, q: str) -> tuple[list[Any], bool]:
        return selectors.unit_matches(objects, q=q)

    def one(self, objects, pk: str) -> Any:
        return selectors.unit_match(objects, pk=pk)

    def detail(self, obj) -> str:
        return obj.detail


class UnitPickField(PersonChoiceField):
    """One unit of ``queryset``, chosen with a :class:`UnitPicker` (the query string keeps
    ``?<name>=<id>``); an id outside the queryset is refused with a field error.
    ``filtering=False`` on a form that saves (see :class:`UnitPicker`)."""

    default_error_messages = {
        "invalid_choice": _("This unit is not among the units you may choose. Search by name and pick from the list."),
        "search": _("Choose the unit among those found."),
        "not_found": _("No unit you may choose matches “%(q)s”. Type part of the name, with or without accents."),
    }

    def __init__(self, queryset, *, lookup_url: str | Promise, filtering: bool = True, **kwargs) -> None:
        kwargs.setdefault("widget", UnitPicker(lookup_url=lookup_url, filtering=filtering))
        super().__init__(queryset, **kwargs)

    def to_python(self, value):
        if isinstance(value, PickedPerson):
            if value.wants_search:
                if selectors.units_matching(self.queryset, q=value.query).exists():
                    raise ValidationError(self.error_messages["search"], code="search")
                raise ValidationError(self.error_messages["not_found"], code="not_found", params={"q": value.query})
            value = value.chosen
        return forms.ModelChoiceField.to_python(self, value)


def unit_pick(route: str, scope: str = "", **kwargs: Any) -> UnitPickField:
    """A unit picker of a form that saves, asking the lookup ``route`` (``"plans:unit_lookup"``)
    with ``?scope=`` when given; the view gives the field its queryset, the same units as the
    lookup's. Other keyword arguments go to the field (``label``, ``required``, ``help_text``)."""
    return UnitPickField(queryset=Unit.objects.none(), lookup_url=lookup_url(route, scope), filtering=False, **kwargs)


def lookup_url(route: str, scope: str = "", **params: Any) -> str | Promise:
    """The lookup ``route``, asked with ``?scope=`` when given and the other ``params``
    (``item=3``), reversed when the page is drawn."""
    query = urlencode(({"scope": scope} if scope else {}) | params)
    url = reverse_lazy(route)
    return format_lazy("{}?{}", url, query) if query else url


@dataclass(frozen=True)
class PickedMany:
    """What a picker of several items sends: the chosen ids (``<name>``, repeated), the text
    in the box (``<name>_q``) and the text the box held when the page was drawn
    (``<name>_shown``)."""

    pks: tuple[str, ...] = ()
    query: str = ""
    shown: str = ""

    @property
    def wants_search(self) -> bool:
        """New text in the box, not picked from: look it up (the page comes back with the
        items found as checkboxes)."""
        return bool(self.query) and self.query != self.shown


class ManyPicker(forms.Widget):
    """The chosen items and a text box that finds more by name, for forms that pick several
    among thousands (units, people): the page lists only the items chosen, whatever their
    number. Subclasses say what is found and how (:class:`UnitsPicker`, :class:`PersonsPicker`)
    and draw ``orgs/widgets/many_picker.html`` with their own words.

    Each chosen item is a checked checkbox ``<name>=<id>`` (``?units=1&units=2`` as with a
    select). With JavaScript (the person picker's script; the chips list, ``data-picker-chips``,
    makes it pick several) the box is a combobox asking ``lookup_url``; picking an item adds it
    as a chip (a hidden input and a "Remove" button). Without JavaScript the typed text is sent
    with the form, which comes back with the items found as checkboxes to tick; unticking
    removes one.
    """

    template_name = "orgs/widgets/many_picker.html"
    min_chars = PersonPicker.min_chars
    max_length = selectors.UNIT_LOOKUP_MAX_LENGTH
    limit = selectors.UNIT_LOOKUP_LIMIT
    #: Whether a chip shows the item's detail too (what tells namesakes apart).
    chip_detail = False

    class Media:
        js = [forms.Script("dangbo/js/person-picker.js", defer=True)]

    def __init__(self, attrs: dict[str, Any] | None = None, *, lookup_url: str | Promise) -> None:
        super().__init__(attrs)
        self.lookup_url = lookup_url  # lazy: reversed when the page is drawn
        self.choices: Any = ()  # a ModelChoiceIterator, set by the field

    # What the box finds, and how: overridden by the subclasses.

    def nothing(self) -> Any:
        raise NotImplementedError

    def find(self, objects, q: str) -> tuple[list[Any], bool]:
        """The first matches of ``q`` among ``objects``, and whether there are more."""
        raise NotImplementedError

    def chosen_among(self, objects, pks: list[int]) -> list[Any]:
        """The matches of ``objects`` with these ids, in their order: a fixed number of queries."""
        raise NotImplementedError

    def detail(self, match) -> str:
        return match.detail

    def value_from_datadict(self, data, files, name) -> PickedMany:
        def text(key: str) -> str:
            return normalize(str(data.get(key) or ""))[: self.max_length]

        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        if isinstance(values, str | int):
            values = [values]
        pks = tuple(dict.fromkeys(str(v).strip()[:20] for v in values if str(v).strip()))
        return PickedMany(pks=pks, query=text(f"{name}_q"), shown=text(f"{name}_shown"))

    def value_omitted_from_data(self, data, files, name) -> bool:
        return False  # like checkboxes: nothing sent is nothing chosen

    def format_value(self, value):
        return None

    @staticmethod
    def _ids(value) -> list[int]:
        if isinstance(value, PickedMany):
            value = value.pks
        elif value in (None, "") or isinstance(value, str | int):
            value = [] if value in (None, "") else [value]
        ids = []
        for v in value:
            pk = getattr(v, "pk", v)
            try:
                ids.append(int(pk))
            except (TypeError, ValueError, OverflowError):
                continue
        return [pk for pk in dict.fromkeys(ids) if 0 < pk < 2**63]

    def _item(self, match) -> dict[str, Any]:
        return {"pk": match.pk, "name": match.name, "detail": self.detail(match)}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        objects = getattr(self.choices, "queryset", None)
        if objects is None:
            objects = self.nothing()
        picked = value if isinstance(value, PickedMany) else PickedMany()
        ids = self._ids(value)
        chosen = self.chosen_among(objects, ids) if ids else []  # whatever the number chosen
        matches, more = ([], False)
        if picked.wants_search:
            matches, more = self.find(objects, picked.query)
            taken = {c.pk for c in chosen}
            matches = [m for m in matches if m.pk not in taken]
        widget = context["widget"]
        widget["attrs"].setdefault("maxlength", self.max_length)
        widget.update(
            lookup_url=str(self.lookup_url),
            min_chars=self.min_chars,
            chip_detail=self.chip_detail,
            chosen=[self._item(c) for c in chosen],
            text=picked.query if picked.wants_search else "",
            query=picked.query,
            matches=[self._item(m) for m in matches],
            more=more,
            limit=self.limit,
        )
        return context


class UnitsPicker(ManyPicker):
    """The chosen units and a box to add more (:class:`ManyPicker`), asking a unit lookup
    (``unit_lookup_response``); the page lists none of the country's ~315,000 units."""

    template_name = "orgs/widgets/units_picker.html"
    min_chars = UnitPicker.min_chars

    def nothing(self) -> Any:
        return Unit.objects.none()

    def find(self, objects, q: str) -> tuple[list[Any], bool]:
        return selectors.unit_matches(objects, q=q)

    def chosen_among(self, objects, pks: list[int]) -> list[Any]:
        return selectors.units_chosen(objects, pks=pks)


class PersonsPicker(ManyPicker):
    """The chosen people and a box to add more (:class:`ManyPicker`), asking a person lookup
    (``orgs.views.person_lookup_response``); each chip tells namesakes apart (birth year, unit)."""

    template_name = "orgs/widgets/persons_picker.html"
    min_chars = PersonPicker.min_chars
    max_length = selectors.PERSON_LOOKUP_MAX_LENGTH
    limit = selectors.PERSON_LOOKUP_LIMIT
    chip_detail = True

    def nothing(self) -> Any:
        return Person.objects.none()

    def find(self, objects, q: str) -> tuple[list[Any], bool]:
        return selectors.person_matches(objects, q=q)

    def chosen_among(self, objects, pks: list[int]) -> list[Any]:
        return selectors.people_chosen(objects, pks=pks)

    def detail(self, match) -> str:
        return match_detail(match)


class ManyPickField(forms.ModelMultipleChoiceField):
    """Items of ``queryset`` chosen with a :class:`ManyPicker` instead of a select or a
    checkbox each; an id outside the queryset is refused with a field error. Subclasses give
    the picker, the words, and :meth:`matching` (what the typed text finds)."""

    picker: type[ManyPicker] = ManyPicker

    def __init__(self, queryset, *, lookup_url: str | Promise, **kwargs) -> None:
        kwargs.setdefault("widget", self.picker(lookup_url=lookup_url))
        super().__init__(queryset, **kwargs)

    def matching(self, q: str) -> Any:
        """The items of the queryset that the text ``q`` finds."""
        raise NotImplementedError

    def _unwrap(self, value):
        if not isinstance(value, PickedMany):
            return value
        if value.wants_search:
            if self.matching(value.query).exists():
                raise ValidationError(self.error_messages["search"], code="search")
            raise ValidationError(self.error_messages["not_found"], code="not_found", params={"q": value.query})
        return list(value.pks)

    def clean(self, value):
        return super().clean(self._unwrap(value))

    def has_changed(self, initial, data) -> bool:
        if isinstance(data, PickedMany):
            data = list(data.pks)
        return super().has_changed(initial, data)


class UnitsPickField(ManyPickField):
    """Units of ``queryset``, chosen with a :class:`UnitsPicker` instead of a select or a
    checkbox per unit. An id outside the queryset is refused with a field error."""

    picker = UnitsPicker
    default_error_messages = {
        "invalid_choice": _("A unit you chose is not among the units you may choose. Search by name and pick from the list."),
        "invalid_pk_value": _("A unit you chose is not among the units you may choose. Search by name and pick from the list."),
        "search": _("Tick the units among those found, or empty the search box, then save again."),
        "not_found": _("No unit you may choose matches “%(q)s”. Type part of the name, with or without accents."),
    }

    def label_from_instance(self, obj: Unit) -> str:
        return obj.name

    def matching(self, q: str) -> Any:
        return selectors.units_matching(cast("QuerySet[Unit]", self.queryset), q=q)


class PersonsPickField(ManyPickField):
    """People of ``queryset`` (e.g. ``meetings.selectors.leader_choices``), chosen with a
    :class:`PersonsPicker` instead of a select listing everyone. An id outside the queryset is
    refused with a field error."""

    picker = PersonsPicker
    default_error_messages = {
        "invalid_choice": _("A person you chose is not among the people you may choose. Search by name and pick from the list."),
        "invalid_pk_value": _("A person you chose is not among the people you may choose. Search by name and pick from the list."),
        "search": _("Tick the people among those found, or empty the search box, then save again."),
        "not_found": _("Nobody you may choose matches “%(q)s”. Type part of the name, with or without accents."),
    }

    def label_from_instance(self, obj: Person) -> str:
        return obj.full_name

    def matching(self, q: str) -> Any:
        return selectors.people_matching(cast("QuerySet[Person]", self.queryset), q=q)


def units_pick(route: str, scope: str = "", **kwargs: Any) -> UnitsPickField:
    """A units picker of a form that saves, asking the lookup ``route`` with ``?scope=`` when
    given, as :func:`unit_pick`; the view gives the field its queryset, the same units as the
    lookup's. Other keyword arguments go to the field (``label``, ``required``, ``help_text``)."""
    return UnitsPickField(queryset=Unit.objects.none(), lookup_url=lookup_url(route, scope), **kwargs)


def persons_pick(route: str, scope: str = "", **kwargs: Any) -> PersonsPickField:
    """A picker of several people, asking the person lookup ``route`` (answered by
    ``orgs.views.person_lookup_response``) with ``?scope=`` when given; the view gives the
    field its queryset, the same people as the lookup's. Other keyword arguments go to the
    field (``label``, ``required``, ``help_text``)."""
    return PersonsPickField(queryset=Person.objects.none(), lookup_url=lookup_url(route, scope), **kwargs)


class DecisionMixin(forms.Form):
    date = forms.DateField(label=_("Effective date"), widget=DateInput())
    decision = forms.CharField(
        label=_("Decision"), required=False, max_length=200,
        help_text=_("Number and symbol of the decision, e.g. 1234-QĐ/TU."),
    )
    reason = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class UnitCreateForm(forms.Form):
    kind = forms.ModelChoiceField(label=pgettext_lazy("unit", "Kind"), queryset=UnitKind.objects.none())
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


class UnitEditForm(VersionedForm):
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
    new_parent = UnitPickField(
        label=_("New parent unit"), queryset=Unit.objects.none(), lookup_url="", filtering=False,
    )

    def __init__(self, *args, parents, lookup_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["new_parent"].widget.lookup_url = lookup_url  # type: ignore[attr-defined]


class UnitMergeForm(DecisionMixin):
    others = UnitsPickField(
        label=_("Also merge"), queryset=Unit.objects.none(), required=False, lookup_url="",
        help_text=_("Other units merged together with this one."),
    )
    target = UnitPickField(label=_("Merge into"), queryset=Unit.objects.none(), lookup_url="", filtering=False)

    def __init__(self, *args, siblings, targets, lookup_url: str, **kwargs):
        """``lookup_url``: the unit's ``orgs:unit_lookup``, asked with ``?scope=siblings``
        (``others``) and ``?scope=merge`` (``target``)."""
        super().__init__(*args, **kwargs)
        self.fields["others"].queryset = siblings  # type: ignore[attr-defined]
        self.fields["others"].widget.lookup_url = f"{lookup_url}?scope=siblings"  # type: ignore[attr-defined]
        self.fields["target"].queryset = targets  # type: ignore[attr-defined]
        self.fields["target"].widget.lookup_url = f"{lookup_url}?scope=merge"  # type: ignore[attr-defined]


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
    person = PersonChoiceField(
        label=_("Person"), queryset=Person.objects.none(),
        help_text=_("Type part of the name, with or without accents, then choose the person."),
    )
    title = forms.CharField(label=pgettext_lazy("position", "Title"), max_length=120, help_text=_("e.g. Bí thư, Phó Bí thư, Ủy viên BTV"))
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
