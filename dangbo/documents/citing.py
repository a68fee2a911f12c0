"""The bridge between the citation parser (``citations.find_citations``) and the register.

The parser knows nothing of the database; this module turns what it finds into the
values of ``DocumentCitation`` rows and finds the registered document each one names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from .models import Document, normalize_number


@dataclass
class Found:
    raw: str
    start: int
    end: int
    number: str
    type_abbr: str
    issuer_abbr: str
    type_name: str
    issuer_name: str
    date: dt.date | None


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def parse(text: str) -> list:
    """The parser's citations for ``text`` (its own objects)."""
    from .citations import find_citations

    return list(find_citations(text or ""))


def as_dict(citation: Any) -> dict[str, Any]:
    """A citation as JSON, the parser's own ``as_dict`` when it has one."""
    if hasattr(citation, "as_dict"):
        return dict(citation.as_dict())
    from dataclasses import asdict

    data = asdict(citation)
    if isinstance(data.get("date"), dt.date):
        data["date"] = data["date"].isoformat()
    return data


def as_found(c: Any) -> Found:
    """One of the parser's citations as the register's values."""
    return Found(
        raw=str(getattr(c, "raw", ""))[:200],
        start=int(getattr(c, "start", 0)),
        end=int(getattr(c, "end", 0)),
        number=normalize_number(getattr(c, "number", None) or "")[:20],
        type_abbr=(getattr(c, "type_abbr", None) or "")[:10],
        issuer_abbr=(getattr(c, "issuer_abbr", None) or "")[:20],
        type_name=(getattr(c, "type_name", None) or "")[:120],
        issuer_name=(getattr(c, "issuer_name", None) or "")[:200],
        date=_date(getattr(c, "date", None)),
    )


def find(text: str) -> list[Found]:
    return [as_found(c) for c in parse(text)]


def resolve(
    found: Found, *, citing: Document | None = None, among: QuerySet[Document] | None = None
) -> Document | None:
    """The registered document a citation names, or ``None`` when none or several match.

    Several candidates (``01-KH/ĐU`` of many wards): the one issued nearest above the
    citing document's unit wins; otherwise the citation stays unresolved. ``among``: only
    these documents (those a caller may see)."""
    if found.type_abbr and not found.number:
        return _resolve_numberless(found, citing=citing, among=among)
    if not (found.number and found.type_abbr):
        return None
    candidates = (Document.objects.all() if among is None else among).filter(number=found.number, type_abbr=found.type_abbr)
    if found.issuer_abbr:
        candidates = candidates.filter(issuer_abbr=found.issuer_abbr)
    if found.date:
        candidates = candidates.filter(year=found.date.year)
    if citing is not None and citing.pk:
        candidates = candidates.exclude(pk=citing.pk)
    rows = list(candidates.select_related("issuing_unit")[:20])
    return _one(rows, citing)


def _one(rows: list[Document], citing: Document | None) -> Document | None:
    """The one candidate, or the one issued nearest above the citing document's unit."""
    if len(rows) == 1:
        return rows[0]
    if not rows or citing is None:
        return None
    path = citing.unit.path
    above = [d for d in rows if d.issuing_unit and path.startswith(d.issuing_unit.path)]
    above.sort(key=lambda d: -len(d.issuing_unit.path))  # type: ignore[union-attr]
    if above and (len(above) == 1 or len(above[0].issuing_unit.path) > len(above[1].issuing_unit.path)):  # type: ignore[union-attr]
        return above[0]
    return None


#: The level a committee's or a body's name says: "Tỉnh ủy Quảng Trị" → "tỉnh".
_LEVEL_OF_BODY = [
    ("tỉnh ủy", "tỉnh"), ("thành ủy", "thành phố"), ("huyện ủy", "huyện"), ("quận ủy", "quận"),
    ("thị ủy", "thị xã"), ("ban chấp hành trung ương", "TW"), ("trung ương", "TW"),
]


def _level(document: Document, said: str | None) -> str | None:
    """The level of the committee that issued ``document``: what its title says, else its
    issuing unit's or issuer's name ("Đảng bộ thành phố Đông Hà", "Tỉnh ủy Quảng Trị")."""
    if said:
        return said
    if document.issuer_abbr == "TW":
        return "TW"
    from .citations import conference_of

    for name in (document.issuing_unit.name if document.issuing_unit else "",
                 document.issuer.name if document.issuer else ""):
        folded = " ".join(name.lower().split())
        found = conference_of(f"Đại hội {folded}")
        if found is not None and found.level:
            return found.level
        for words, level in _LEVEL_OF_BODY:
            if words in folded:
                return level
    return None


def _resolve_numberless(
    found: Found, *, citing: Document | None, among: QuerySet[Document] | None
) -> Document | None:
    """A citation without a number ("Nghị quyết Trung ương 4 khóa XII", "Nghị quyết Đại hội
    XVI Đảng bộ thành phố") names the registered document of the same type whose title names
    the same conference — congress or plenum, its number, the term (khóa), the level of the
    issuing committee, the years when both say them. Without the term nothing is resolved:
    "Nghị quyết Trung ương 4" alone names a plenum of every term."""
    from .citations import conference_of

    wanted = conference_of(found.raw)
    if wanted is None or wanted.ordinal is None:
        return None
    candidates = (Document.objects.all() if among is None else among).filter(
        type_abbr=found.type_abbr, title__icontains=wanted.ordinal
    )
    if wanted.level == "TW":
        candidates = candidates.filter(issuer_abbr="TW")
    if citing is not None and citing.pk:
        candidates = candidates.exclude(pk=citing.pk)
    rows = []
    for document in candidates.select_related("issuing_unit", "issuer", "type")[:50]:
        has = conference_of(f"{found.type_name or document.type.name} {document.title}")
        if has is None or (has.congress, has.plenum, has.ordinal) != (wanted.congress, wanted.plenum, wanted.ordinal):
            continue
        if wanted.years and has.years and wanted.years != has.years:
            continue
        if wanted.level and _level(document, has.level) != wanted.level:
            continue
        rows.append(document)
    return _one(rows, citing)
