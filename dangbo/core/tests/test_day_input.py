"""Dates are typed and shown dd/mm/yyyy in every browser: a text box, not the native date
input (which shows mm/dd/yyyy in an English browser)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import translation

from dangbo.core.forms import DayInput


class DayForm(forms.Form):
    day = forms.DateField(widget=DayInput())


def test_the_day_is_shown_day_first_in_a_text_box_whatever_the_language():
    for language in ("en", "vi"):
        with translation.override(language):
            html = str(DayForm(initial={"day": dt.date(2025, 9, 2)})["day"])
        assert 'type="text"' in html and 'value="02/09/2025"' in html, language
        assert 'type="date"' not in html


def test_the_day_is_read_day_first_and_iso_still_works():
    for language in ("en", "vi"):
        with translation.override(language):
            for typed in ("02/09/2025", "2/9/2025", "2025-09-02"):
                form = DayForm({"day": typed})
                assert form.is_valid(), (language, typed, form.errors)
                assert form.cleaned_data["day"] == dt.date(2025, 9, 2)
            assert not DayForm({"day": "09/31/2025"}).is_valid()
