from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """0.873 → "87,3 %" (empty for None)."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f} %".replace(".", ",")


@register.filter
def get(mapping, key):
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def index(sequence, i):
    try:
        return sequence[i]
    except (IndexError, TypeError, KeyError):
        return None
