"""Bounds every app shares, for model fields, services and API schemas alike."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

#: Nothing the Party Committee records is older than the Party (founded in 1930).
EARLIEST_DATE = dt.date(1930, 1, 1)
#: Nor planned further ahead than this.
LATEST_DATE = dt.date(2100, 12, 31)

not_before_1930 = MinValueValidator(
    EARLIEST_DATE, message=_("Enter a date from 01/01/1930 on.")
)
not_after_2100 = MaxValueValidator(LATEST_DATE, message=_("Enter a date up to 31/12/2100."))
