"""Vietnamese text helpers, free of Django.

``fold`` turns any spelling of a Vietnamese string (precomposed or decomposed letters,
upper or lower case, the look-alikes of Đ) into plain lower-case ASCII-like text, so
"nghi quyet" matches "Nghị quyết" in searches and unique checks.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that look like Đ/đ but are other code points (Icelandic eth, African D).
_D_LOOKALIKES: dict[int, str] = str.maketrans({"Đ": "d", "đ": "d", "Ð": "d", "ð": "d", "Ɖ": "d", "ɖ": "d"})
_D_CANONICAL: dict[int, str] = str.maketrans({"Ð": "Đ", "Ɖ": "Đ", "ð": "đ", "ɖ": "đ"})
_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics, fold every Đ look-alike to d and collapse spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_D_LOOKALIKES)
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip()


def normalize(text: str | None) -> str:
    """Canonical stored form: NFC, Đ look-alikes replaced by Đ/đ, single spaces, trimmed."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_D_CANONICAL)
    return _SPACES.sub(" ", text).strip()


def number(value, places: int | None = None) -> str:
    """A number the Vietnamese way: thousands with ".", decimals with "," (``1.000``,
    ``12,06``). ``places=None`` keeps up to two decimals and drops trailing zeros."""
    from decimal import ROUND_HALF_UP, Decimal

    amount = Decimal(str(value))
    quantum = Decimal(1).scaleb(-(2 if places is None else places))
    amount = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    whole, _dot, fraction = f"{abs(amount):f}".partition(".")
    if places is None:
        fraction = fraction.rstrip("0")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + (f",{fraction}" if fraction else "")


def percent(value, places: int | None = 1) -> str:
    """``94,3 %`` (one decimal by default, dropped when it is zero: ``80 %``)."""
    text = number(value, places)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return f"{text} %"
