"""``{{ value|vn_number }}``: a figure the Vietnamese way (``1.000``, ``12,06``); empty → "—"."""

from __future__ import annotations

from django import template

from dangbo.core.text import number

register = template.Library()


@register.filter
def vn_number(value) -> str:
    return "—" if value is None or value == "" else number(value)
