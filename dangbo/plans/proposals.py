"""Tasks suggested from a plan's own text, free of Django.

A plan, programme or conclusion (KH, CTr, KL) ends with who does what by when: "Giao Ban
Tuyên giáo Thành ủy chủ trì, phối hợp với Văn phòng Thành ủy tham mưu …, hoàn thành trước ngày
30/6/2026", "Đảng ủy các phường … báo cáo kết quả về Ban Thường vụ trước ngày 15/12", "Thời
gian: trong quý II/2026". ``read`` finds those sentences and proposes one task for each: the
units in charge as written, the coordinating units as written, the deadline and a title. The
office then accepts, edits or drops each proposal (``dangbo.plans.services``); matching the
names to the tree is the caller's business.

The reader is deliberately plain: sentences and their clauses, a subject that names an
organisation, a verb that gives it work, and a deadline only where a cue word ("trước ngày",
"hoàn thành", "thời gian", "trong quý") says it is one, or it ends a period ("từ ngày 7/6 - 13/6").
Recurring dates ("trước ngày 15 hằng tháng") are not deadlines. News prose about a plan is read too:
a short phrase before the subject ("Theo đó, …", "Trong đó, …"), "yêu cầu: …", lowercase units
("đề nghị các cấp ủy …") and party bodies listed with commas ("các ban Đảng, đảng đoàn, …").

As a command, ``python -m dangbo.plans.proposals [--year 2026]`` reads a plan's text (UTF-8) on
stdin and prints one JSON object per proposal per line: ``units``, ``coordinating``,
``deadline`` (ISO or null) and ``title``.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field

__all__ = ["Proposal", "read", "split_units"]


@dataclass
class Proposal:
    units: list[str]
    coordinating: list[str]
    deadline: dt.date | None
    title: str
    passage: str = ""
    extra: list[str] = field(default_factory=list, repr=False)

    def as_json(self) -> dict:
        return {
            "units": self.units, "coordinating": self.coordinating,
            "deadline": self.deadline.isoformat() if self.deadline else None, "title": self.title,
        }


# Words an organisation's name starts with (case matters: "Ban Tổ chức" is a name, "tổ chức" a verb).
_HEADS = (
    r"Ban|Văn phòng|Ủy ban|Uỷ ban|UBND|HĐND|MTTQ|Đảng ủy|Đảng uỷ|Đảng đoàn|Đảng bộ|Chi bộ|Thường trực|Công an|"
    r"Trung tâm|Phòng|Hội|Đoàn|Thành đoàn|Tỉnh đoàn|Huyện đoàn|Mặt trận|Sở|Các|Cơ quan|Liên đoàn|Thành ủy|"
    r"Tỉnh ủy|Huyện ủy|Thị ủy|Bộ Chỉ huy|Tòa án|Viện [Kk]iểm sát|Chi cục|Báo|Đài|Trường|Ủy viên|Bí thư|Cấp ủy|UBKT"
)
_HEAD = re.compile(rf"(?:{_HEADS})\b")
_LOWER_HEAD = re.compile(r"(?:các|ban|đảng ủy|đảng bộ|chi bộ|ủy ban|văn phòng|phòng|hội|trung tâm|công an|cấp ủy|ubkt)\b")
# A lowercase name where a clause, or the units after "giao"/"đề nghị", begin: "các đảng bộ trực thuộc",
# "cấp ủy các chi bộ", "ban thường vụ các tỉnh ủy" ("các" only before an organisation's noun).
_ORG_NOUN = (
    r"cấp ủy|ban|đảng ủy|đảng bộ|đảng đoàn|chi bộ|chi|ủy ban|văn phòng|phòng|hội|trung tâm|công an|sở|cơ quan|"
    r"đoàn thể|tổ chức đảng|tổ chức cơ sở đảng|tổ chức chính trị|huyện|xã|phường|đơn vị|ngành|địa phương|ubkt"
)
_LOW_START = re.compile(
    rf"(?:(?:các|những)\s+(?:{_ORG_NOUN})|cấp ủy|ban|đảng ủy|đảng bộ|đảng đoàn|chi bộ|ủy ban|ubkt)(?![\wÀ-ỹ])"
)
# Party bodies of different kinds listed with commas are separate units ("các ban Đảng, đảng đoàn, ban cán
# sự Đảng"; "Các chi bộ, đảng bộ cơ sở"), unlike the parts of one name ("Các sở, ban, ngành").
_PARTY_BODY = re.compile(r"(?:đảng đoàn|ban cán sự|đảng bộ|chi bộ)(?![\wÀ-ỹ])")
# A short leading phrase before the subject: "Theo đó, …", "Cùng với đó, …", "Trong đó, …",
# "Dưới sự chỉ đạo của cấp ủy, …", "Kế hoạch … nhấn mạnh, …".
_LEAD = re.compile(r"[^,;:]{2,60},\s+")
# Words between a subject and its verb that belong to neither: "Trường Chính trị thành phố phải bảo đảm …".
_MODAL = re.compile(r"\s+(?:phải|sẽ|cần|cần phải)$")

# Where a subject (the units in charge) ends: the verb that gives it work.
_VERBS = (
    r"chủ trì|chịu trách nhiệm|có trách nhiệm|phối hợp|tham mưu|lãnh đạo|chỉ đạo|theo dõi|hướng dẫn|"
    r"xây dựng(?! Đảng)|(?<!các )tổ chức(?! (?:cơ sở|chính trị|đảng))|thực hiện|triển khai|báo cáo|rà soát|"
    r"làm đầu mối|căn cứ|hoàn thành|khắc phục|tăng cường|giám sát|dự và|theo chức năng|vận động|mở lớp|"
    r"phát hành|cân đối|bố trí|nắm|kiện toàn|thẩm định|chuẩn bị|tổng hợp|quán triệt|ban hành|đôn đốc|"
    r"kiểm tra|giải quyết|tiếp tục|đẩy mạnh|gửi|trình|lấy|phụ trách(?! địa bàn)|nghiên cứu|đề xuất|"
    r"thường xuyên|khẩn trương|chỉ huy(?= [a-zđ])|quản lý|bảo đảm|đảm bảo|tập trung|sơ kết|tổng kết|"
    r"chủ động|tiến hành|phát huy|mở rộng"
)
_VERB = re.compile(rf"(?<![\wÀ-ỹ])(?:{_VERBS})(?![\wÀ-ỹ])")
_GIVE = re.compile(
    r"(?:^|(?<=\s))(?:Giao|giao|Đề nghị|đề nghị|Yêu cầu|yêu cầu)(?:\s*:\s*|\s+|,\s*[^,;:]{2,40},\s*)(?!:)"
)
# A committee handing work down at the start of a clause: "Tỉnh ủy Quảng Ngãi chỉ đạo …".
_TOP_GIVE = re.compile(r"(?:Tỉnh ủy|Thành ủy|Huyện ủy|Ban Thường vụ|Ban Chấp hành|Thường trực)[^,;]{0,60}?\s+chỉ đạo\s+")

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_DATE = re.compile(
    r"(?<![\d/])(\d{1,2})\s*(?:/|-|\.|\s+tháng\s+)(\d{1,2})(?:\s*(?:/|-|\.|\s+năm\s+)(\d{4}))?(?![\d/])"
)
_QUARTER = re.compile(r"quý\s+(IV|I{1,3}|[1-4])(?![\wÀ-ỹ])(?:\s*(?:/|năm|/năm)\s*(\d{4}))?", re.IGNORECASE)
_MONTH = re.compile(r"tháng\s+(\d{1,2})(?:\s*(?:/|năm)\s*(\d{4}))?(?![\d/])")
_HALF = re.compile(r"6 tháng đầu năm(?:\s+(\d{4}))?")
_YEAR_END = re.compile(r"cuối năm(?:\s+(\d{4}))?")
_IN_YEAR = re.compile(r"(?:trong|hết) năm\s+(\d{4})")
_CUES = ("trước", "chậm nhất", "hoàn thành", "xong", "thời hạn", "thời gian", "trong", "vào", "đến hết", "muộn nhất")
_RECURRING = re.compile(r"^\s*(?:hằng|hàng)\s+(?:tháng|quý|năm|tuần)")
_TAIL = re.compile(
    r"[,;.]?\s*(?:(?:thời gian|thời hạn)(?:\s+hoàn thành)?\s*:?\s*)?(?:hoàn thành|xong)?\s*"
    r"(?:trong|trước|chậm nhất|vào|muộn nhất)?\s*(?:ngày|tháng|quý|năm)?\s*$"
)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("Uỷ", "Ủy").replace("uỷ", "ủy")


def _sentences(text: str) -> list[str]:
    """Paragraphs (one per line, bullets stripped), then sentences."""
    out: list[str] = []
    for line in _nfc(text).splitlines():
        line = re.sub(r"^\s*(?:[-–+•*]|\d+(?:\.\d+)*[.)]|[a-zđ][.)])\s*", "", line).strip()
        if not line:
            continue
        out.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-Ỹ“\"(])", line) if s.strip())
    return out


def _clauses(sentence: str) -> list[str]:
    """A sentence's clauses, split at semicolons (outside parentheses)."""
    return [c.strip() for c in re.split(r";\s*", sentence) if c.strip()]


def split_units(subject: str) -> list[str]:
    """A subject as a list of names, as written: split at commas before a capitalised word or
    "các", and at "và" before an organisation's name ("Phòng Giáo dục và Đào tạo" stays whole;
    "Đảng ủy các phường, xã" too). A list written with semicolons is split at its semicolons
    only: the commas inside each group belong to the group ("Các sở, ban, ngành, đoàn thể
    thuộc tỉnh; UBND các huyện, thị xã, thành phố")."""
    subject = re.sub(r"\s*\([^)]*\)", "", subject).strip(" ,;:.")
    parts: list[str] = []
    if ";" in subject:
        parts = [part.strip() for part in subject.split(";") if part.strip()]
    for piece in [] if parts else re.split(r"\s*([,;])\s*", subject):
        if piece in (",", ";"):
            continue
        if parts and not (piece[:1].isupper() or piece.startswith("các ") or _PARTY_BODY.match(piece)):
            parts[-1] += ", " + piece
        else:
            parts.append(piece)
    names = [n for part in parts for n in re.split(rf"\s+(?:và|cùng)\s+(?=(?:{_HEADS})\b|các\s)", part)]
    return [n.strip(" ,;:.") for n in names if n.strip(" ,;:.")]


def _names_at(clause: str, at: int) -> bool:
    return bool(_HEAD.match(clause, at) or _LOW_START.match(clause, at))


def _subject(clause: str) -> tuple[str, str] | None:
    """(subject, rest) when the clause gives an organisation work, else None."""
    start = 0
    give = _GIVE.search(clause)
    lead = _LEAD.match(clause)
    if give and _names_at(clause, give.end()):
        start = give.end()
    elif _names_at(clause, 0):
        start = 0
    elif lead and _names_at(clause, lead.end()):
        start = lead.end()
    else:
        return None
    for verb in _VERB.finditer(clause, start):
        subject = clause[start:verb.start()].strip(" ,:")
        subject = _MODAL.sub("", re.split(r"\s+là\s+", subject)[0])
        if subject and (_HEAD.match(subject) or _LOWER_HEAD.match(subject)):
            return subject, clause[verb.start():]
        return None
    return None


def _year_of(raw: str | None, default: int | None) -> int | None:
    return int(raw) if raw else default


def _end_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


# The end of a period is its deadline: "treo cờ … từ ngày 7/6 - 13/6/2018", "từ ngày 20.1 đến ngày 28.1";
# not the dates of an event the task refers to ("Đại hội …, được tổ chức từ ngày 12 đến 14-10-2020").
_EVENT = re.compile(r"(?:được tổ chức|diễn ra|khai mạc)\s*$")
_RANGE_START = re.compile(
    r"từ\s+(?:ngày\s+)?\d{1,2}(?:\s*[/.\-]\s*\d{1,2})?(?:\s*[/.\-]\s*\d{4})?\s*(?:-|–|đến(?:\s+hết)?(?:\s+ngày)?)\s*$"
)


def _cued(text: str, start: int) -> bool:
    before = text[max(0, start - 32):start].lower()
    if any(cue in before for cue in _CUES):
        return True
    window = text[max(0, start - 60):start]
    period = _RANGE_START.search(window)
    return period is not None and not _EVENT.search(window[:period.start()])


def _recurring(text: str, end: int) -> bool:
    return bool(_RECURRING.match(text[end:end + 20]))


def deadlines(text: str, year: int | None) -> list[tuple[int, dt.date]]:
    """Every deadline in ``text`` with its position: a date, a month, a quarter, the first half
    or the end of a year, where a cue word makes it a deadline."""
    found: list[tuple[int, dt.date]] = []
    taken: list[range] = []

    def free(m: re.Match) -> bool:
        return not any(m.start() in span or m.end() - 1 in span for span in taken)

    for m in _DATE.finditer(text):
        day, month, y = int(m.group(1)), int(m.group(2)), _year_of(m.group(3), year)
        taken.append(range(m.start(), m.end()))
        if y is None or not (1 <= month <= 12) or _recurring(text, m.end()) or not _cued(text, m.start()):
            continue
        try:
            found.append((m.start(), dt.date(y, month, day)))
        except ValueError:
            continue
    for m in _QUARTER.finditer(text):
        y = _year_of(m.group(2), year)
        if not free(m) or y is None or (not m.group(2) and not _cued(text, m.start())):
            continue
        taken.append(range(m.start(), m.end()))
        found.append((m.start(), _end_of_month(y, 3 * _ROMAN[m.group(1).upper()])))
    for m in _HALF.finditer(text):
        y = _year_of(m.group(1), year)
        if free(m) and y is not None and (m.group(1) or text[max(0, m.start() - 6):m.start()].strip() == "trong"):
            taken.append(range(m.start(), m.end()))
            found.append((m.start(), dt.date(y, 6, 30)))
    for m in _MONTH.finditer(text):
        y = _year_of(m.group(2), year)
        month = int(m.group(1))
        if not free(m) or y is None or not (1 <= month <= 12) or _recurring(text, m.end()):
            continue
        if not m.group(2) and not _cued(text, m.start()):
            continue
        if not _cued(text, m.start()) and not re.search(r"(?:thời gian|hoàn thành|xong)", text[m.end():m.end() + 3]):
            if not text[max(0, m.start() - 12):m.start()].rstrip().endswith(":"):
                continue
        taken.append(range(m.start(), m.end()))
        found.append((m.start(), _end_of_month(y, month)))
    for pattern in (_YEAR_END, _IN_YEAR):
        for m in pattern.finditer(text):
            y = _year_of(m.group(1), year if pattern is _YEAR_END else None)
            if free(m) and y is not None and (m.group(1) or _cued(text, m.start())):
                taken.append(range(m.start(), m.end()))
                found.append((m.start(), dt.date(y, 12, 31)))
    return sorted(found)


def _coordinating(rest: str) -> tuple[list[str], str]:
    """The coordinating units after "phối hợp với", and the rest without them."""
    m = re.search(r"phối hợp\s+(?:chặt chẽ\s+)?(?:với|cùng)\s+", rest)
    if not m:
        return [], rest
    after = rest[m.end():]
    end = len(after)
    for verb in _VERB.finditer(after):
        if verb.start() > 0:
            end = verb.start()
            break
    names = after[:end]
    if "," in names and end == len(after):
        names = names.split(",")[0]
    units = split_units(names)
    return units, (rest[:m.start()] + after[end:]).strip()


def _title(rest: str, cut: int | None) -> str:
    text = rest if cut is None else rest[:cut]
    text = re.sub(r"^(?:chủ trì|chịu trách nhiệm|có trách nhiệm|làm đầu mối)\s*[,:]?\s*", "", text.strip())
    text = re.sub(r"^(?:chủ trì|phối hợp)\s*[,:]?\s*", "", text)
    text = re.sub(r"^theo chức năng,\s*nhiệm vụ\s*", "", text)
    text = _TAIL.sub("", text).strip(" ,;:.")
    text = re.sub(r"\s+", " ", text)
    return (text[:1].upper() + text[1:])[:500]


def _bare_name(clause: str) -> str | None:
    """The organisation a clause only names, with no verb of its own: one group of a subject
    list written with semicolons ("Các cơ quan …; Đảng đoàn HĐND …; Ban cán sự đảng … tổ chức
    quán triệt …"), possibly after a committee that hands the work down ("Tỉnh ủy chỉ đạo
    Ban Cán sự đảng UBND tỉnh; ban thường vụ các huyện ủy … xây dựng kế hoạch …")."""
    start = 0
    give = _GIVE.search(clause) or _TOP_GIVE.match(clause)
    if give and _HEAD.match(clause, give.end()):
        start = give.end()
    name = clause[start:].strip(" ,:")
    if not name or len(name) > 200 or not (_HEAD.match(name) or _LOWER_HEAD.match(name)) or _VERB.search(name):
        return None
    return name


def read(text: str, *, year: int | None = None) -> list[Proposal]:
    """The task proposals of a plan's text; ``year`` dates deadlines written without one
    ("trước ngày 15/12"), by default the first year the text names."""
    text = _nfc(text or "")
    if year is None:
        m = re.search(r"(?:năm|/)\s*((?:19|20)\d\d)\b", text)
        year = int(m.group(1)) if m else None
    proposals: list[Proposal] = []
    for sentence in _sentences(text):
        current: Proposal | None = None

        def take(clause: str, found: tuple[str, str] | None) -> None:
            nonlocal current
            if found is None:
                if current is not None:
                    current.extra.append(clause)
                elif proposals and re.match(r"(?:Thời gian|Thời hạn)\b", clause):
                    proposals[-1].extra.append(clause)
                return
            subject, rest = found
            coordinating, rest = _coordinating(rest)
            current = Proposal(units=split_units(subject), coordinating=coordinating, deadline=None,
                               title=rest, passage=clause)
            proposals.append(current)

        clauses = _clauses(sentence)
        pending: tuple[str, str] | None = None  # (the clause, the name it only gives)
        for n, clause in enumerate(clauses):
            if pending is not None:
                joined = f"{pending[1]}; {clause}"
                found = _subject(joined)
                if found is not None and ";" in found[0]:
                    take(joined, found)
                    pending = None
                    continue
                take(pending[0], _subject(pending[0]))
                pending = None
            name = _bare_name(clause) if n + 1 < len(clauses) else None
            if name is not None:
                pending = (clause, name)
                continue
            take(clause, _subject(clause))
        if pending is not None:
            take(pending[0], _subject(pending[0]))
    for proposal in proposals:
        own = deadlines(proposal.title, year)
        later = [d for extra in proposal.extra for d in deadlines(extra, year)]
        chosen = (own + [(10**6, d) for _p, d in later])
        proposal.deadline = chosen[-1][1] if chosen else None
        proposal.title = _title(proposal.title, _cue_start(proposal.title, own[0][0]) if own else None)
    return [p for p in proposals if p.title]


def _cue_start(text: str, at: int) -> int:
    """Where the deadline phrase that ends at ``at`` begins (its cue words, its comma)."""
    head = text[:at]
    m = re.search(
        r"[,;]?\s*(?:(?:thời gian|thời hạn)(?:\s+hoàn thành)?\s*:?\s*)?(?:(?:hoàn thành|xong)[\w\sÀ-ỹ%]{0,40}?)?"
        r"(?:trong|trước|chậm nhất|vào|muộn nhất|đến hết)?\s*(?:ngày|tháng|quý|năm)?\s*$",
        head,
    )
    return m.start() if m else at


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--year", type=int, default=None, help="the year of deadlines written without one")
    args = parser.parse_args(argv)
    data = sys.stdin.buffer.read().decode("utf-8")
    for proposal in read(data, year=args.year):
        sys.stdout.write(json.dumps(proposal.as_json(), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
