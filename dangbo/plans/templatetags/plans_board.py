"""The board's small pictures, written in Python (one per item, no query)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()

WIDTH, HEIGHT, STEP = 120, 32, 10


@register.simple_tag
def confidence_trend(confidence, months: list[dt.date]) -> SafeString:
    """The monthly mean delivery confidence (1 not feasible … 4 very feasible) over the board's
    12 months as a small line, read out as text for screen readers."""
    means = dict(confidence.trend)
    points = [
        (index * STEP + 5, HEIGHT - 4 - (means[month] - 1) * (HEIGHT - 8) / 3)
        for index, month in enumerate(months) if month in means
    ]
    if not points:
        return format_html('<span class="muted small">{}</span>', _("not rated"))
    label = _("Delivery confidence over 12 months: %(values)s") % {
        "values": "; ".join(f"{m:%m/%Y}: {means[m]:.1f}".replace(".", ",") for m in months if m in means)
    }
    dots = format_html_join("", '<circle cx="{}" cy="{}" r="2"></circle>', ((f"{x:.0f}", f"{y:.1f}") for x, y in points))
    line = " ".join(f"{x:.0f},{y:.1f}" for x, y in points)
    return format_html(
        '<svg class="trend" viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-label="{}">'
        '<line x1="0" x2="{}" y1="{}" y2="{}" class="trend-mid"></line><polyline points="{}"></polyline>{}</svg>',
        WIDTH, HEIGHT, WIDTH, HEIGHT, label, WIDTH, HEIGHT / 2, HEIGHT / 2, line, dots,
    )
