"""Find citations of Vietnamese Party and State documents in running text.

Framework-free (standard library only), so it runs without Django settings::

    $ echo "Theo Quy định 202-QĐ/TW, ngày 2/8/2019 của Ban Bí thư." | python -m dangbo.documents.citations
    {"raw": "Quy định 202-QĐ/TW, ngày 2/8/2019 của Ban Bí thư", "start": 5, "end": 53,
     "number": "202", "type_abbr": "QĐ", "issuer_abbr": "TW", "type_name": "Quy định",
     "date": "2019-08-02", "issuer_name": "Ban Bí thư"}

What counts as one citation (``raw``):

* the type words when present ("Chỉ thị số", "Quy định", "Nghị quyết liên tịch số"), the
  number/symbol ("05-CT/TW", "30/2020/NĐ-CP", "1234/QĐ-UBND", "202/2025/QH15") or a bare
  number after a type ("Chỉ thị 05", "Kế hoạch số 12"), then, when attached, the date
  ("ngày 2/8/2019", "ngày 02 tháng 8 năm 2019", ", 2-8-2019") and the issuer
  ("của Ban Bí thư", "của Tỉnh ủy Quảng Trị", "(khóa XII)");
* documents named without a number: "Nghị quyết Trung ương 4 khóa XII", "Nghị quyết Hội nghị
  Trung ương 6, khóa XII", "Nghị quyết Đại hội XIII của Đảng", "Nghị quyết Đại hội đại biểu
  Đảng bộ thành phố khóa XII", and laws by title and date ("Luật Tổ chức Chính phủ ngày 19
  tháng 6 năm 2015").

Text is matched on a copy that is NFC, with Đ look-alikes (Ð U+00D0, Ɖ U+0189, ð, ɖ) mapped to
Đ/đ, dashes to "-", and old-style tone placement ("khoá", "uỷ") moved to the modern one. Offsets
are mapped back, so ``text[start:end] == raw`` on the string as given, NFD included.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, fields

from dangbo.documents.abbreviations import (
    BARE_NUMBER_TYPES,
    CENTRAL_BODIES,
    ISSUER_NAMES,
    LOCAL_BODIES,
    MINISTRIES,
    PARTY_TYPE_NAMES,
    TYPE_NAMES,
    TYPE_WORDS,
)

#: Raised whenever the parser changes. A corpus row says the revision that was current when it
#: was added ("parser_revision"): rows of the current revision are sentences the parser has
#: not been fitted to, and their figure is reported apart (tests/test_citations.py).
PARSER_REVISION = 3

__all__ = [
    "PARSER_REVISION", "Citation", "Conference", "conference_of", "find_citations", "issuer_name_for",
    "normalize_number", "type_name_for",
]


@dataclass(frozen=True, slots=True)
class Citation:
    """One citation found in a text; ``text[start:end] == raw``."""

    raw: str
    start: int
    end: int
    number: str | None
    type_abbr: str
    issuer_abbr: str | None
    type_name: str
    date: str | None
    issuer_name: str | None

    def as_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# ---------------------------------------------------------------------------------------------
# Normalisation with an offset map
# ---------------------------------------------------------------------------------------------

_SAME_LENGTH = str.maketrans(
    {
        "Ð": "Đ",  # U+00D0 Icelandic eth
        "Ɖ": "Đ",  # U+0189 African D
        "ð": "đ",
        "ɖ": "đ",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "−": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": " ",  # zero-width space: keep the length, drop the glue
        "\ufeff": " ",
    }
)
# A base character followed by combining marks (NFD Vietnamese, or stray marks).
_CLUSTER = re.compile(
    "[^\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]?[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)


def _old_tone_map() -> dict[str, str]:
    """ "oá" → "óa", "uỷ" → "ủy"…: tone mark moved to the first vowel, two letters for two."""
    out: dict[str, str] = {}
    for mark in ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323"):
        for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
            for f, s in ((first, second), (first.upper(), second.upper()), (first.upper(), second)):
                old = f + unicodedata.normalize("NFC", s + mark)
                new = unicodedata.normalize("NFC", f + mark) + s
                out[old] = new
    return out


_OLD_TONES = _old_tone_map()
# Only in an open syllable: "khoá" → "khóa", but "toàn", "đoàn" keep their (only) spelling.
_OLD_TONE_RE = re.compile(
    "(?:" + "|".join(sorted(map(re.escape, _OLD_TONES), key=len, reverse=True)) + r")(?![^\W\d_])"
)


class _Normalized:
    """The matching copy of a text and the map from its offsets back to the original."""

    __slots__ = ("_n_starts", "_segments", "text")

    def __init__(self, original: str) -> None:
        # segments: (norm_start, orig_start, norm_len, orig_len); only for NFC'd clusters,
        # everything between them maps one to one.
        segments: list[tuple[int, int, int, int]] = []
        if _CLUSTER.search(original) is None:
            text = original
        else:
            parts: list[str] = []
            last = 0
            shift = 0  # norm offset minus original offset so far
            for m in _CLUSTER.finditer(original):
                parts.append(original[last : m.start()])
                composed = unicodedata.normalize("NFC", m.group())
                segments.append((m.start() + shift, m.start(), len(composed), m.end() - m.start()))
                parts.append(composed)
                shift += len(composed) - (m.end() - m.start())
                last = m.end()
            parts.append(original[last:])
            text = "".join(parts)
        text = text.translate(_SAME_LENGTH)
        text = _OLD_TONE_RE.sub(lambda m: _OLD_TONES[m.group()], text)
        self.text = text
        self._segments = segments
        self._n_starts = [s[0] for s in segments]

    def _locate(self, i: int) -> tuple[int, int, int, int] | None:
        k = bisect.bisect_right(self._n_starts, i) - 1
        return self._segments[k] if k >= 0 else None

    def orig_start(self, i: int) -> int:
        seg = self._locate(i)
        if seg is None:
            return i
        n0, o0, nl, ol = seg
        if i < n0 + nl:
            return o0
        return o0 + ol + (i - n0 - nl)

    def orig_end(self, j: int) -> int:
        """Original offset just after normalised character ``j - 1``."""
        if j <= 0:
            return 0
        seg = self._locate(j - 1)
        if seg is None:
            return j
        n0, o0, nl, ol = seg
        if j - 1 < n0 + nl:
            return o0 + ol
        return o0 + ol + (j - n0 - nl)


# ---------------------------------------------------------------------------------------------
# Patterns (on the normalised copy)
# ---------------------------------------------------------------------------------------------


def _words(phrase: str) -> str:
    """A phrase as a case-insensitive pattern with flexible spaces."""
    return "(?i:" + r"\s+".join(re.escape(w) for w in phrase.split()) + ")"


def _alternatives(phrases: list[str]) -> str:
    return "(?:" + "|".join(_words(p) for p in sorted(phrases, key=len, reverse=True)) + ")"


_UPPER = "".join(
    re.escape(c)
    for c in map(chr, range(0x41, 0x1F00))
    if c.isupper() and unicodedata.category(c) == "Lu"
)
_ROMAN = r"[IVXLC]{1,7}(?!\w)"
_ORDINAL_WORD = r"(?i:mười(?:\s+(?:một|hai|ba|bốn|lăm|năm|sáu|bảy|tám|chín))?|nhất|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín)(?!\w)"
_ORDINAL = rf"(?:\d{{1,2}}(?!\d)|{_ORDINAL_WORD})"
# "Trung ương 4", "Trung ương lần thứ tư" — but not "Trung ương năm 2020".
_PLENUM_NO = rf"(?:(?i:lần\s+thứ)\s+{_ORDINAL}|\d{{1,2}}(?!\d))"
_KHOA = r"(?i:khóa)"
_TERM_NO = rf"(?:{_ROMAN}|\d{{1,2}}(?!\d))"
_KHOA_TAIL = rf"(?:\s*\(\s*{_KHOA}\s+{_TERM_NO}(?:\s*,\s*{_TERM_NO})*\s*\)|\s*,?\s*{_KHOA}\s+{_TERM_NO}(?:\s*,\s*{_TERM_NO})*)"
_TERM_TAIL = r"(?:\s*,?\s*(?i:nhiệm\s+kỳ)\s+\d{4}\s*-\s*\d{4}(?!\d))"
_LEVEL = _alternatives(["tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn"])
_NOT_PLACE = r"(?!(?:Về|V/v|Ngày|Số|Tại|Theo|Căn|Và|Của|Quyết|Nghị|Chỉ|Kết|Kế|Hướng|Thông|Quy|Ban|Luật)(?!\w))"
_PLACE_WORD = rf"{_NOT_PLACE}(?:[{_UPPER}]\w*|\d{{1,3}}(?!\w))"
_PLACE = rf"(?:\s+{_LEVEL}(?!\w))?(?:\s+{_PLACE_WORD}){{0,5}}"

# "văn bản số …" names no type: it is kept in the citation only before "số".
_TYPE_WORD = rf"(?:{_alternatives(list(TYPE_WORDS))}|(?i:văn\s+bản)(?=\s+(?i:số)))"
_SO = r"(?i:số)\s*:?\s*"

# Type abbreviations inside a symbol, case-insensitive (canonicalised afterwards).
_TYPE_ABBR = (
    "(?i:" + "|".join(re.escape(a) for a in sorted(TYPE_NAMES, key=len, reverse=True)) + ")"
)
_ISSUER_PART = r"(?:TTg(?![\w])|[A-ZĐƯ][A-ZĐƯ0-9]*(?![A-ZĐƯ0-9])|[a-zđư][a-zđư0-9]*(?!\w))"
_ISSUER = rf"{_ISSUER_PART}(?:-{_ISSUER_PART})*"
_NUM = r"\d{1,6}[a-zA-Z]?"

# Bodies named in text.
_CENTRAL = [p for p, _, _ in CENTRAL_BODIES]
_MINISTRY = [p for p, _ in MINISTRIES]
_LOCAL = [p for p, _, _ in LOCAL_BODIES]
_HOI_NGHI_TW = (
    rf"(?i:hội\s+nghị)\s+(?:(?i:lần\s+thứ)\s+(?:{_ORDINAL}|{_ROMAN})\s+(?:(?i:của)\s+)?"
    rf"(?i:ban\s+chấp\s+hành\s+trung\s+ương)(?:\s+(?i:đảng)(?!\w))?"
    rf"|(?i:trung\s+ương)\s*{_PLENUM_NO})"
)
_BODY = (
    rf"(?:(?P<central>{_alternatives(_CENTRAL)})(?>(?:\s+(?i:trung\s+ương))?(?:\s+(?i:đảng)(?!\w))?)(?!\s+(?i:đoàn))"
    rf"|(?P<ministry>(?:(?i:bộ\s+trưởng)\s+)?{_alternatives(_MINISTRY)})"
    rf"|(?P<local>{_alternatives(_LOCAL)}){_PLACE}"
    rf"|(?P<plenum>{_HOI_NGHI_TW}))(?!\w)"
)

_DATE = (
    r"(?:(?i:ngày)\s*)?(?:(?P<d1>\d{1,2})[/.-](?P<m1>\d{1,2})[/.-](?P<y1>\d{4})"
    r"|(?P<d2>\d{1,2})\s+(?i:tháng)\s*(?P<m2>\d{1,2})\s*,?\s*(?i:năm)\s*(?P<y2>\d{4}))(?!\d)"
)
_DATE_RE = re.compile(rf"\s*,?\s*{_DATE}")
_ISSUER_RE = re.compile(rf"\s*,?\s*(?:(?i:của|do)\s*|(?={_HOI_NGHI_TW})){_BODY}")
_KHOA_RE = re.compile(_KHOA_TAIL)

# Number-less citations.
_NL_TYPE = _alternatives(["nghị quyết", "kết luận"])
_DANG_BO = rf"(?i:đảng\s+bộ)\s+{_LEVEL}(?!\w)(?:\s+{_PLACE_WORD}){{0,5}}"
_TERM_MARK = (
    rf"(?:(?i:lần\s+thứ)\s+(?:{_ROMAN}|{_ORDINAL})|{_KHOA}\s+{_ROMAN}"
    rf"|(?i:nhiệm\s+kỳ)\s+\d{{4}}\s*-\s*\d{{4}}(?!\d))"
)
_NUMBERLESS = (
    rf"(?P<nl_type>{_NL_TYPE})\s+(?:"
    rf"(?P<nl_tw>(?:(?i:hội\s+nghị)\s+)?(?:(?i:trung\s+ương)|TW|TƯ|T\.Ư|T\.W)\s*{_PLENUM_NO}"
    rf"|(?i:hội\s+nghị\s+lần\s+thứ)\s+(?:{_ORDINAL}|{_ROMAN})\s+(?:(?i:của)\s+)?"
    rf"(?i:ban\s+chấp\s+hành)\s+(?:(?i:trung\s+ương)|T\.Ư|TƯ|T\.W|TW)(?:\s+(?i:đảng)(?!\w))?)"
    rf"|(?P<nl_dh>(?i:đại\s+hội)\s+(?:(?i:đại\s+biểu)\s+)?(?:(?i:đảng)\s+)?(?:(?i:toàn\s+quốc)\s+)?"
    rf"(?:(?i:lần\s+thứ)\s+)?(?:{_ROMAN}|(?<=thứ )\d{{1,2}}(?!\d)|(?<=thứ ){_ORDINAL_WORD})"
    rf"(?:\s+(?i:của\s+đảng)(?!\w)|\s+{_DANG_BO})?"
    rf"|(?:(?i:đại\s+hội)\s+)?(?:(?i:đại\s+biểu)\s+)?{_DANG_BO}\s*,?\s*{_TERM_MARK})"
    rf")(?:{_KHOA_TAIL})?(?:{_TERM_TAIL})?"
)

# Laws by title: "Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015", "… số 77/2015/QH13".
_LAW_TITLE = r"[^\W\d_][^\d;:.()\[\]“”\"\n]{0,120}?"
_LAW = (
    rf"(?P<law_word>Bộ\s+luật|BỘ\s+LUẬT|Luật|LUẬT)(?!\s+sư)\s+{_LAW_TITLE}"
    rf"(?:(?:\s+\d{{4}})?\s*,?\s+{_SO}(?P<law_qh>{_NUM}/\d{{4}}/(?:UBTVQH|QH)\d{{1,2}})(?!\w)"
    rf"|(?=\s*(?i:ngày)\s*\d{{1,2}}(?:[/.-]\d|\s+(?i:tháng))))"
)

_SYMBOL = (
    rf"(?:(?(so)[A-ZĐ]{{1,3}}(?=\d)|(?!)))?(?P<p_num>{_NUM})(?:\s?-\s?|/|(?(so)\s|(?!)))(?P<p_abbr>{_TYPE_ABBR})\s?/\s?(?P<p_iss>{_ISSUER})"
    rf"|(?P<s_num>{_NUM})(?:/(?P<s_year>\d{{4}}))?/(?P<s_abbr>{_TYPE_ABBR})(?:-\s?|/)(?P<s_iss>{_ISSUER})"
    rf"|(?(tw)(?P<o_num>{_NUM})-(?P<o_iss>{_ISSUER})|(?!))"
    rf"|(?(tw)(?P<q_num>{_NUM})/(?P<q_year>\d{{4}})/(?P<q_iss>(?:UBTVQH|QH)\d{{1,2}})(?!\w)|(?!))"
    rf"|(?P<f_num>{_NUM})(?:/(?P<f_year>\d{{4}}))?/(?P<f_tok>[A-ZĐ][A-Za-zĐđ]{{1,4}}[A-ZĐ][A-ZĐ0-9]{{0,10}})(?![\w-])"
    rf"|(?P<c_num>{_NUM})/(?P<c_iss>{_ISSUER})"
    rf"|(?(tw)(?P<b_num>\d{{1,5}}[a-zA-Z]?(?:/\d{{4}})?)(?![\w/]|[-.,]\d|-\w)|(?!))"
)
_CITED = (
    rf"(?:(?P<tw>{_TYPE_WORD})(?:\s+(?i:của)\s*(?P<pre_body>{_BODY})(?=\s+(?i:số)))?"
    rf"\s+(?P<so>{_SO})?)?(?(tw)|(?<![\w/.,-]))(?:{_SYMBOL})"
)

_MAIN = re.compile(
    rf"(?=[\dNnCcKkQqHhTtBbĐđPpLlVv])(?:(?<!\w)|(?<=\d)(?=\D))(?:(?P<nl>{_NUMBERLESS})|(?P<law>{_LAW})|(?P<cited>{_CITED}))"
)

_AND_NUMBER = re.compile(
    rf"\s*;\s*(?P<num>{_SO}(?P<n>\d{{1,6}})/(?P<y>\d{{4}})/(?P<qh>(?:UBTVQH|QH)\d{{1,2}}))(?!\w)"
)

_UNIT_AFTER_BARE = re.compile(
    r"\s*(?:%|(?i:ngày)(?!\s*\d)|(?i:tháng|tuần|giờ|phút|lần|người|triệu|tỷ|nghìn|ngàn|đồng|ha|km|điểm|trang"
    r"|điều|khoản|mục|chương|năm)(?!\w)(?!\s+\d{4}))"
)

# ---------------------------------------------------------------------------------------------
# Canonical values
# ---------------------------------------------------------------------------------------------


def _fold_key(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().lower()


_TYPE_ABBR_CANON: dict[str, str] = {a.upper(): a for a in TYPE_NAMES}
_ISSUER_VALUES: frozenset[str] = frozenset(ISSUER_NAMES)
_TYPE_WORD_CANON: dict[str, tuple[str, str]] = {_fold_key(k): v for k, v in TYPE_WORDS.items()}
_ISSUER_CANON: dict[str, str] = {a.upper(): a for a in ISSUER_NAMES}
_CENTRAL_CANON = {_fold_key(p): (name, abbr) for p, name, abbr in CENTRAL_BODIES}
_MINISTRY_CANON = {_fold_key(p): (p, abbr) for p, abbr in MINISTRIES}
_LOCAL_CANON = {_fold_key(p): (name, abbr) for p, name, abbr in LOCAL_BODIES}


def type_name_for(abbr: str, *, party: bool) -> str:
    """Full type name of a canonical type abbreviation ("CT" → "Chỉ thị")."""
    if party and abbr in PARTY_TYPE_NAMES:
        return PARTY_TYPE_NAMES[abbr]
    return TYPE_NAMES[abbr]


def issuer_name_for(issuer_abbr: str | None) -> str | None:
    """Issuer name when the symbol's issuer part determines it, else None ("TW" → None)."""
    if not issuer_abbr:
        return None
    if issuer_abbr in ISSUER_NAMES:
        return ISSUER_NAMES[issuer_abbr]
    m = re.fullmatch(r"(UBTVQH|QH)\d{1,2}", issuer_abbr)
    if m:
        return ISSUER_NAMES[m.group(1)]
    return None


def normalize_number(number: str) -> str:
    """Comparison key of a document number: "05" → "5", "030/2020" → "30/2020", "30C" → "30c"."""
    number = re.sub(r"\s+", "", number).lower()
    head, sep, tail = number.partition("/")
    head = head.lstrip("0") or "0"
    return head + sep + tail


def _canon_type_abbr(raw: str) -> str:
    return _TYPE_ABBR_CANON[raw.upper()]


_DASH_SPLIT = re.compile(r"\s*-\s*")
_GLUED = re.compile(r"([A-ZĐƯ]+)([A-ZĐ])$")


def _canon_issuer(raw: str) -> str:
    if raw in _ISSUER_VALUES:
        return raw
    parts = _DASH_SPLIT.split(raw.strip())
    return "-".join(_ISSUER_CANON.get(p.upper(), p if p == "TTg" else p.upper()) for p in parts)


def _known_issuer(abbr: str) -> bool:
    return abbr in ISSUER_NAMES or re.fullmatch(r"(?:UBTVQH|QH)\d{1,2}", abbr) is not None


def _split_fused(token: str) -> tuple[str, str] | None:
    """ "NĐCP" → ("NĐ", "CP"), "QĐUBND" → ("QĐ", "UBND"): a symbol whose hyphen was lost."""
    for abbr in sorted(TYPE_NAMES, key=len, reverse=True):
        if token.upper().startswith(abbr.upper()):
            issuer = _canon_issuer(token[len(abbr) :])
            if _known_issuer(issuer):
                return abbr, issuer
    return None


def _date_from(m: re.Match[str]) -> str | None:
    d, mo, y = (m.group("d1"), m.group("m1"), m.group("y1"))
    if d is None:
        d, mo, y = (m.group("d2"), m.group("m2"), m.group("y2"))
    try:
        return dt.date(int(y), int(mo), int(d)).isoformat()
    except ValueError:
        return None


def _body_from(m: re.Match[str]) -> tuple[str, str | None]:
    """(canonical issuer name, issuer abbr) of a matched _BODY."""
    if m.group("central"):
        return _CENTRAL_CANON[_fold_key(m.group("central"))]
    if m.group("ministry"):
        key = _fold_key(re.sub(r"(?i)^bộ\s+trưởng\s+", "", m.group("ministry")))
        return _MINISTRY_CANON[key]
    if m.group("local"):
        return _LOCAL_CANON[_fold_key(m.group("local"))]
    return ("Ban Chấp hành Trung ương", "TW")  # plenum: "Hội nghị lần thứ sáu Ban Chấp hành…"


_BODY_RE = re.compile(_BODY)


# ---------------------------------------------------------------------------------------------
# The finder
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Found:
    start: int
    end: int
    number: str | None
    type_abbr: str
    issuer_abbr: str | None
    type_name: str
    date: str | None = None
    issuer_name: str | None = None


def _core(m: re.Match[str]) -> _Found | None:
    """Fields of the main match before its tail, or None when the match must be rejected."""
    start, end = m.start(), m.end()
    if m.group("nl"):
        type_name, type_abbr = _TYPE_WORD_CANON[_fold_key(m.group("nl_type"))]
        if m.group("nl_tw"):
            return _Found(
                start, end, None, type_abbr, "TW", type_name, None, "Ban Chấp hành Trung ương"
            )
        return _Found(start, end, None, type_abbr, None, type_name)
    if m.group("law"):
        type_name, type_abbr = _TYPE_WORD_CANON[_fold_key(m.group("law_word"))]
        qh = m.group("law_qh")
        if qh:
            num, year, iss = qh.split("/")
            return _Found(
                start,
                end,
                f"{num}/{year}",
                type_abbr,
                iss.upper(),
                type_name,
                None,
                issuer_name_for(iss.upper()),
            )
        return _Found(start, end, None, type_abbr, None, type_name)

    tw = m.group("tw")
    word = _TYPE_WORD_CANON.get(_fold_key(tw)) if tw else None  # None for "văn bản"
    found: _Found
    if m.group("p_num"):
        abbr = _canon_type_abbr(m.group("p_abbr"))
        issuer = _canon_issuer(m.group("p_iss"))
        found = _Found(start, end, m.group("p_num"), abbr, issuer, type_name_for(abbr, party=True))
    elif m.group("s_num"):
        abbr = _canon_type_abbr(m.group("s_abbr"))
        issuer = _canon_issuer(m.group("s_iss"))
        number = m.group("s_num") + (f"/{m.group('s_year')}" if m.group("s_year") else "")
        party = issuer in ("TW", "TU", "HU", "ĐU")
        name = "Lệnh" if abbr == "L" and issuer == "CTN" else type_name_for(abbr, party=party)
        found = _Found(start, end, number, abbr, issuer, name)
    elif m.group("q_num"):
        if word is None:
            return None
        issuer = m.group("q_iss").upper()
        number = f"{m.group('q_num')}/{m.group('q_year')}"
        found = _Found(start, end, number, word[1], issuer, word[0])
    elif m.group("f_num"):
        number = m.group("f_num") + (f"/{m.group('f_year')}" if m.group("f_year") else "")
        split = _split_fused(m.group("f_tok"))
        if split is not None:
            abbr, issuer = split
            found = _Found(start, end, number, abbr, issuer, type_name_for(abbr, party=False))
        elif word is not None and not m.group("f_year"):
            found = _Found(start, end, number, word[1], _canon_issuer(m.group("f_tok")), word[0])
        else:
            return None
    elif m.group("c_num") or m.group("o_num"):
        number = m.group("c_num") or m.group("o_num")
        issuer = _canon_issuer((m.group("c_iss") or m.group("o_iss")).split("-")[0])
        if not tw and (issuer not in ISSUER_NAMES or "-" not in m.group("c_iss")):
            return None  # a bare "12/ABC" is no citation; "73/TTg-CN", "4912/UBND-NC" are
        parts = (m.group("o_iss") or "").split("-")
        if (
            m.group("o_num") and word is not None and len(parts) == 2
            and parts[0].upper() in _TYPE_ABBR_CANON and _known_issuer(_canon_issuer(parts[1]))
        ):  # "72-NQ-TW": a party symbol written with a hyphen for its slash
            abbr = _canon_type_abbr(parts[0])
            issuer = _canon_issuer(parts[1])
            found = _Found(start, end, number, abbr, issuer, type_name_for(abbr, party=True))
            found.type_name = word[0]
            found.issuer_name = issuer_name_for(issuer)
            return found
        if m.group("o_num") and (word is None or issuer.upper() in _TYPE_ABBR_CANON):
            return None  # "Chỉ thị 05-CT" is a broken symbol, not an old "64-CP" one
        abbr, name = (word[1], word[0]) if word else ("CV", "Công văn")
        found = _Found(start, end, number, abbr, issuer, name)
    else:
        if word is None:
            return None
        if m.group("so") is None:
            if word[0] not in BARE_NUMBER_TYPES:
                return None
            if _UNIT_AFTER_BARE.match(m.string, end):
                return None
        found = _Found(start, end, m.group("b_num"), word[1], None, word[0])
    if end < len(m.string) and m.string[end].islower():
        glued = _GLUED.search(m.group("p_iss") or m.group("s_iss") or "")
    else:
        glued = None
    if glued and _known_issuer(glued.group(1)):
        found.end -= 1  # "55/2016/QĐ-UBNDNgày": the next word was glued on
        found.issuer_abbr = (found.issuer_abbr or "")[:-1]
    if word is not None:
        found.type_name = word[0]
    found.issuer_name = issuer_name_for(found.issuer_abbr)
    if m.group("pre_body"):
        body = _BODY_RE.match(m.group("pre_body"))
        if body:
            found.issuer_name, abbr_from_text = _body_from(body)
            found.issuer_abbr = found.issuer_abbr or abbr_from_text
    return found


def _tail(text: str, found: _Found) -> None:
    """Extend ``found`` over an attached date and issuer ("…, ngày 2/8/2019 của Ban Bí thư")."""
    pos = found.end

    def date_at(pos: int) -> int:
        dm = _DATE_RE.match(text, pos)
        if dm is not None:
            iso = _date_from(dm)
            if iso is not None:
                found.date = iso
                return dm.end()
        return pos

    pos = date_at(pos)
    im = _ISSUER_RE.match(text, pos)
    if im is not None:
        name, abbr = _body_from(im)
        found.issuer_name = name
        if found.issuer_abbr is None:
            found.issuer_abbr = abbr
        pos = im.end()
        km = _KHOA_RE.match(text, pos)
        if km is not None:
            pos = km.end()
        if found.date is None:
            pos = date_at(pos)
    found.end = pos


def _iter_found(text: str) -> Iterator[_Found]:
    pos = 0
    while True:
        m = _MAIN.search(text, pos)
        if m is None:
            return
        found = _core(m)
        if found is None:
            pos = m.start() + 1
            continue
        if m.group("law") and not m.group("law_qh"):
            dm = _DATE_RE.match(text, found.end)
            if dm is None or _date_from(dm) is None:
                pos = m.start() + 1
                continue
        _tail(text, found)
        yield found
        pos = max(found.end, m.start() + 1)
        while found.number and (more := _AND_NUMBER.match(text, found.end)) is not None:
            # "…; số 83/2015/QH13": another document of the same type, its own citation
            found = _Found(
                more.start("num"), more.end("num"), f"{more.group('n')}/{more.group('y')}",
                found.type_abbr, more.group("qh").upper(), found.type_name,
            )
            found.issuer_name = issuer_name_for(found.issuer_abbr)
            _tail(text, found)
            yield found
            pos = max(found.end, pos)


def find_citations(text: str) -> list[Citation]:
    """Every citation in ``text``, in order; offsets refer to ``text`` as given."""
    if not text:
        return []
    norm = _Normalized(text)
    out: list[Citation] = []
    for f in _iter_found(norm.text):
        start, end = norm.orig_start(f.start), norm.orig_end(f.end)
        out.append(
            Citation(
                raw=text[start:end],
                start=start,
                end=end,
                number=f.number,
                type_abbr=f.type_abbr,
                issuer_abbr=f.issuer_abbr,
                type_name=f.type_name,
                date=f.date,
                issuer_name=f.issuer_name,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# The conference a citation without a number names
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Conference:
    """Which meeting issued a document named without a number.

    ``level``: ``"TW"`` for the Central Committee and the national congress, else the level
    word of the party committee ("tỉnh", "thành phố", "phường"…) or ``None`` when not said;
    ``congress``: a congress (đại hội) rather than a plenum (hội nghị); ``plenum``: the
    plenum's number (Trung ương 4 → 4); ``ordinal``: the congress's or the committee term's
    Roman number (khóa XII, Đại hội XVI → "XII", "XVI"); ``years``: "2020-2025" when said."""

    level: str | None
    congress: bool
    plenum: int | None
    ordinal: str | None
    years: str | None


_WORD_NUMBERS = {
    "nhất": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
    "mười": 10, "mười một": 11, "mười hai": 12, "mười ba": 13, "mười bốn": 14, "mười lăm": 15,
    "mười năm": 15, "mười sáu": 16, "mười bảy": 17, "mười tám": 18, "mười chín": 19,
}
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_LEVELS = ["thành phố", "thị trấn", "thị xã", "tỉnh", "huyện", "quận", "phường", "xã"]


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _ordinal_number(token: str) -> int | None:
    token = re.sub(r"\s+", " ", token.strip())
    if token.isdigit():
        return int(token)
    if token.lower() in _WORD_NUMBERS:
        return _WORD_NUMBERS[token.lower()]
    if re.fullmatch(r"[IVXLC]+", token):
        total = 0
        for i, ch in enumerate(token):
            value = _ROMAN_VALUES[ch]
            total += -value if i + 1 < len(token) and _ROMAN_VALUES[token[i + 1]] > value else value
        return total
    return None


_NUMBER_TOKEN = rf"(?:{_ROMAN}|\d{{1,2}}(?!\d)|{_ORDINAL_WORD})"
_CONF_PLENUM = re.compile(
    rf"(?i:hội\s+nghị\s+lần\s+thứ)\s+(?P<a>{_NUMBER_TOKEN})"
    rf"|(?:(?i:trung\s+ương)|TW|TƯ|T\.Ư|T\.W)\s*(?:(?i:lần\s+thứ)\s+)?(?P<b>{_NUMBER_TOKEN})"
)
_CONF_CONGRESS = re.compile(r"(?i:đại\s+hội)(?!\w)")
_CONF_ORDINAL = re.compile(
    rf"(?:(?i:khóa|lần\s+thứ)\s+(?P<a>{_NUMBER_TOKEN})|(?i:đại\s+hội)\s+(?P<b>{_ROMAN}))"
)
_CONF_YEARS = re.compile(r"(?i:nhiệm\s+kỳ)\s+(\d{4})\s*-\s*(\d{4})(?!\d)")
_CONF_LEVEL = re.compile(
    r"(?i:đảng\s+bộ)\s+(" + "|".join(r"\s+".join(w.split()) for w in _LEVELS) + r")(?!\w)", re.IGNORECASE
)
_CONF_CENTRAL = re.compile(
    r"(?i:trung\s+ương|toàn\s+quốc|của\s+đảng(?!\s+bộ))|(?<!\w)(?:TW|TƯ|T\.Ư|T\.W)(?!\w)"
)


def conference_of(raw: str) -> Conference | None:
    """The meeting that ``raw`` (a citation without a number, or a registered document's
    "Nghị quyết " + title) names, or ``None`` when it names none.

    "Nghị quyết Trung ương 4 khóa XII" → (TW, plenum 4, XII); "Nghị quyết Đại hội XVI Đảng bộ
    thành phố" → (thành phố, congress, XVI); "Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ
    XVII" → (tỉnh, congress, XVII)."""
    text = _Normalized(raw).text
    congress = _CONF_CONGRESS.search(text) is not None
    plenum_match = None if congress else _CONF_PLENUM.search(text)
    plenum = None
    if plenum_match is not None:
        plenum = _ordinal_number(plenum_match.group("a") or plenum_match.group("b"))
    level_match = _CONF_LEVEL.search(text)
    if level_match is not None:
        level: str | None = re.sub(r"\s+", " ", level_match.group(1)).lower()
    elif _CONF_CENTRAL.search(text):
        level = "TW"
    else:
        level = None
    ordinal = None
    after = plenum_match.end() if plenum_match is not None else 0
    for m in _CONF_ORDINAL.finditer(text, after):
        number = _ordinal_number(m.group("a") or m.group("b"))
        if number:
            # "Trung ương 4 (khóa XI, XII)" names a plenum of two terms: no one document.
            several = re.match(rf"\s*,\s*{_NUMBER_TOKEN}", text[m.end():])
            ordinal = None if several else _roman(number)
            break
    years_match = _CONF_YEARS.search(text)
    years = f"{years_match.group(1)}-{years_match.group(2)}" if years_match else None
    if not congress and plenum is None:
        return None
    return Conference(level, congress, plenum, ordinal, years)


def main() -> int:
    """Read UTF-8 text on stdin; print one JSON object per citation per line."""
    data = sys.stdin.buffer.read().decode("utf-8")
    out = sys.stdout.buffer  # UTF-8 whatever the locale
    for c in find_citations(data):
        out.write((json.dumps(c.as_dict(), ensure_ascii=False) + "\n").encode("utf-8"))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
