"""Password validators of the project (``AUTH_PASSWORD_VALIDATORS`` in settings)."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its messages in our catalogue.

    Django 5.2 changed the msgid of the error (``%(min_length)d`` became ``%d``) and its Vietnamese
    catalogue still holds the old one, so the too-short message came out in English.
    """

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %d character.",
            "This password is too short. It must contain at least %d characters.",
            self.min_length,
        ) % self.min_length
