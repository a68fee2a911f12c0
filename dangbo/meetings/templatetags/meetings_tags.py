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


@register.filter
def grade_name(code, thresholds) -> str:
    """The name of grade ``code`` among ``thresholds`` (its code when it is not there: a
    grade an edited version no longer has still reads as something)."""
    for threshold in thresholds or ():
        if getattr(threshold, "code", None) == code:
            return threshold.name
    return code
