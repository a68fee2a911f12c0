from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import QueryDict

from .versions import StaleEdit

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
