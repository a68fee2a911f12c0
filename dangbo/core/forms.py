from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .versions import StaleEdit

#: What a day input accepts as typed: ``02/09/2025`` (or ``2/9/2025``), or ISO ``2025-09-02``
#: (what scripts and older links send). ``settings.DATE_INPUT_FORMATS`` parses both.
DAY_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}"


class DayInput(forms.DateInput):
    """A date typed and shown dd/mm/yyyy in every browser, whatever its language (the
    native date input shows mm/dd/yyyy in an English browser): a text box with a pattern,
    parsed by the form's ``DATE_INPUT_FORMATS``."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        defaults = {
            "placeholder": _("dd/mm/yyyy"),
            "pattern": DAY_PATTERN,
            "inputmode": "numeric",
            "maxlength": "10",
            "autocomplete": "off",
            "title": _("A date written dd/mm/yyyy, e.g. 02/09/2025."),
            "class": "day-input",
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")

T = TypeVar("T")


class VersionedForm(forms.Form):
    """An edit form that carries the version of the object it was read at (see
    ``dangbo.core.versions``). The view gives it as ``initial["expected_version"]``; the service
    takes ``expected_version`` and refuses a stale save. After a refusal the form holds the
    current version, so saving again (the person has read what changed) goes through."""

    expected_version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def take_version(self, version: str) -> None:
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data[self.add_prefix("expected_version")] = version
        self.data = data


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it.
    A stale edit's message goes at the top, and the form takes the current version."""
    if isinstance(error, StaleEdit):
        if isinstance(form, VersionedForm):
            form.take_version(error.version)
        form.add_error(None, error.describe({name: field.label for name, field in form.fields.items()}))
        return
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target if field != NON_FIELD_ERRORS else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def submit(request, form: forms.Form, service: Callable[[dict[str, Any]], T]) -> T | None:
    """On a valid POST, run ``service(form.cleaned_data)`` and return what it returns.

    ``None`` means nothing was changed (not a POST, an invalid form, or a service that refused
    with a ValidationError, whose messages now sit on the form's fields)::

        unit = submit(request, form, lambda data: services.unit_create(actor=request.user, **data))
        if unit is not None:
            return redirect(unit)
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return service(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def form_page(
    request, form: forms.Form, heading: str, *, template: str = "form_page.html", cancel_href: str = "",
    status: int = 200, **extra: Any,
) -> HttpResponse:
    """Render one form on its own page (``form_page.html``, or an app's page extending it):
    the heading, the errors at the top and beside each field, Save and Cancel. ``extra`` goes
    to the template as it is (an app's page uses it for its header or intro)."""
    context = {"form": form, "heading": heading, "cancel_href": cancel_href, **extra}
    return render(request, template, context, status=status)
