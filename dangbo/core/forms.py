from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

T = TypeVar("T")


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it."""
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
