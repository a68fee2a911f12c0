"""Numbers written into CSS, JavaScript and data attributes never go through localisation:
Vietnamese writes 100,5 where CSS needs 100.5, and ``width: 100,5%`` draws nothing.

The rule, for every template of the project: each ``{{ … }}`` inside a ``style="…"`` or a
``data-…="…"`` attribute is either ``|unlocalize``d or sits inside ``{% localize off %}``.
Data for scripts goes through ``json_script`` (JSON numbers, never localised)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse

import dangbo
from dangbo.assignments import services

ROOT = Path(dangbo.__file__).resolve().parent
ATTRIBUTE = re.compile(r'\s(style|data-[\w-]+)="([^"]*\{\{[^"]*)"')
VARIABLE = re.compile(r"\{\{(.*?)\}\}")
#: Data attributes that carry text, never a number: a translated label, a URL, a name.
TEXT = re.compile(r"\|\s*(?:unlocalize)\s*$|^\s*[\w.]*(?:url|name|label|column|title|search|id_for_label|action|kind|status|code|q)\s*$")


def _unlocalised_regions(source: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\{%\s*localize off\s*%\}.*?\{%\s*endlocalize\s*%\}", source, re.S)]


def test_every_number_in_a_style_or_data_attribute_is_unlocalised():
    offenders = []
    for path in sorted(ROOT.rglob("templates/**/*.html")):
        source = path.read_text(encoding="utf-8")
        regions = _unlocalised_regions(source)
        for match in ATTRIBUTE.finditer(source):
            if any(start <= match.start() < end for start, end in regions):
                continue
            for variable in VARIABLE.findall(match.group(2)):
                if match.group(1).startswith("data-") and TEXT.search(variable):
                    continue
                if not re.search(r"\|\s*unlocalize\s*$", variable):
                    line = source.count("\n", 0, match.start()) + 1
                    offenders.append(f"{path.relative_to(ROOT)}:{line}: {match.group(1)}=…{{{{{variable}}}}}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.django_db
def test_the_timeline_draws_its_bars_in_vietnamese(cast, login):
    from dangbo.documents import services as documents
    from dangbo.documents.models import DocumentType

    document = documents.document_register(
        actor=None, unit=cast.city, type=DocumentType.objects.get(abbr="KH"), number="12",
        date=dt.date(2025, 1, 3), title="Kế hoạch thực hiện", issuer_abbr="TU", issuing_unit=cast.city,
    )
    for start, deadline in ((dt.date(2025, 1, 1), dt.date(2025, 7, 3)), (dt.date(2025, 2, 7), dt.date(2026, 12, 31))):
        services.task_assign(actor=None, title="Triển khai", unit=cast.ward1, assigning_unit=cast.city,
                             start=start, deadline=deadline, document=document)
    body = login(cast.clerk).get(reverse("assignments:document_tasks", args=[document.pk]), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    styles = re.findall(r'style="([^"]*)"', body)
    assert any("." in s and "width" in s for s in styles)  # fractional widths are drawn
    assert not [s for s in styles if re.search(r"\d,\d", s)], styles
