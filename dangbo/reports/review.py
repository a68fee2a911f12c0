"""The term review (báo cáo tổng kết nhiệm kỳ) written from the data.

The review follows the party's usual outline (``OUTLINE``): the results of the congress
resolution (its indicators), party building (documents issued, study, the themes of each year,
the commitments, leaders on the ground, meeting quality, members and ratings, inspections,
citizens), the limitations found from the data, and the lessons and directions people write.

Each section is one function over the data (``Ctx``) returning ``Sentence``s. A sentence is a
template with named figures: ``"… đã ban hành {items}."`` with ``items`` holding its value,
how it reads and the list it came from. The text is Vietnamese by nature (the party's
wording, like the documents' statistics sentence), so it is not translated.

Wiring a topic that is "not tracked yet" (admissions, ratings) is a change to its one
section function.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Avg, Count, F, Q
from django.urls import reverse

from dangbo.core.text import number, percent
from dangbo.orgs.models import Membership, Term, Unit

NOT_TRACKED = "Chưa được theo dõi trên hệ thống: số liệu {topic} chưa có, đơn vị bổ sung khi hoàn thiện báo cáo."
WRITE_HERE = "(Nội dung do Ban Chấp hành thảo luận, bổ sung.)"


@dataclass
class Figure:
    value: Any
    text: str
    url: str = ""
    label: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "text": self.text, "url": self.url, "label": self.label}


@dataclass
class Sentence:
    key: str
    template: str
    figures: dict[str, Figure] = field(default_factory=dict)
    edited: bool = False

    @property
    def text(self) -> str:
        return render(self.template, {k: f.text for k, f in self.figures.items()})

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key, "template": self.template, "edited": self.edited, "text": self.text,
            "figures": {k: f.as_json() for k, f in self.figures.items()},
        }


def placeholders(template: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(template) if name}


def render(template: str, texts: dict[str, str]) -> str:
    """The template with each ``{name}`` replaced by its figure's text (unknown names stay)."""
    return re.sub(r"\{(\w+)\}", lambda m: texts.get(m.group(1), m.group(0)), template)


@dataclass
class Ctx:
    unit: Unit
    term: Term
    today: dt.date
    user: Any = None

    @property
    def start(self) -> dt.date:
        return self.term.start

    @property
    def end(self) -> dt.date:
        return min(self.term.end or self.today, self.today)

    @property
    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)

    @property
    def term_text(self) -> str:
        return self.term.code.replace("-", " - ")

    def under(self, prefix: str = "unit__") -> Q:
        return Q(**{f"{prefix}path__startswith": self.unit.path})


def _url(name: str, *args: Any, **query: Any) -> str:
    url = reverse(name, args=args)
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


def _noun(units: Iterable[Unit]) -> str:
    """``phường`` for wards named "Đảng bộ Phường 1"…, otherwise ``đơn vị``."""
    words = set()
    for unit in units:
        name = re.sub(r"^(Đảng bộ|Chi bộ)\s+", "", unit.name)
        words.add(name.split(" ")[0].lower() if name else "")
    return words.pop() if len(words) == 1 and "" not in words else "đơn vị"


def _d(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


# --- I. The congress resolution ------------------------------------------------------------


def _indicators(ctx: Ctx) -> list[tuple[Any, Decimal | None, list[tuple[int, Decimal]]]]:
    """The unit's indicators of the term, each with the unit's own term target and yearly
    actuals (three queries: the targets and actuals of the units below are not read)."""
    from django.db.models import Prefetch

    from dangbo.plans.models import Indicator, IndicatorActual, IndicatorTarget

    rows = Indicator.objects.filter(unit=ctx.unit, term=ctx.term).prefetch_related(
        Prefetch("targets", queryset=IndicatorTarget.objects.filter(unit=ctx.unit, year__isnull=True), to_attr="own_targets"),
        Prefetch("actuals", queryset=IndicatorActual.objects.filter(unit=ctx.unit, quarter__isnull=True),
                 to_attr="own_actuals"),
    ).order_by("pk")
    return [(ind, ind.own_targets[0].value if ind.own_targets else None,
             sorted((a.year, a.value) for a in ind.own_actuals)) for ind in rows]


def indicators(ctx: Ctx) -> list[Sentence]:
    from dangbo.plans.commitments import indicator_result
    from dangbo.plans.models import Indicator

    rows = _indicators(ctx)
    if not rows:
        return [Sentence("indicators.none", "Nhiệm kỳ {term} chưa có chỉ tiêu nào được đăng ký trên hệ thống.",
                         {"term": Figure(ctx.term.code, ctx.term_text, _url("plans:indicator_list"), "Chỉ tiêu")})]
    out = []
    for ind, target, years in rows:
        if ind.direction == Indicator.Direction.MILESTONE:
            actual = years[-1][1] if years else None
        else:
            actual = (sum((v for _y, v in years), Decimal(0)) / len(years)) if years else None
        result = indicator_result(ind.direction, target, actual)
        source = ind.get_absolute_url()
        figures = {"name": Figure(ind.code, ind.name, source, ind.name)}
        if ind.direction == Indicator.Direction.MILESTONE:
            reached = actual is not None and target is not None and actual >= target
            figures["result"] = Figure(result or "missed", "đạt" if reached else "chưa đạt yêu cầu", source, ind.name)
            due = f" (hạn {_d(ind.due)})" if ind.due else ""
            out.append(Sentence(f"indicators.{ind.code}", "{name}" + due + ": {result}.", figures))
            continue
        if actual is None:
            out.append(Sentence(f"indicators.{ind.code}", "{name}: chưa có số liệu thực hiện.", figures))
            continue
        measure = f" {ind.measure}" if ind.measure else ""
        shown = f"{number(actual)}{measure}"
        figures["actual"] = Figure(str(actual), shown, source, ind.name)
        if target is None:
            out.append(Sentence(f"indicators.{ind.code}", "{name} của " + _place(ctx.unit) + " đạt {actual}.", figures))
            continue
        figures["target"] = Figure(str(target), f"{number(target)}{measure}", source, ind.name)
        words = {"exceeded": "vượt mục tiêu", "reached": "đạt mục tiêu", "missed": "không đạt mục tiêu"}
        if result == "exceeded" and target:
            over = (actual - target) / target * 100 if ind.direction == Indicator.Direction.HIGHER else \
                (target - actual) / target * 100
            words["exceeded"] = f"vượt {percent(over)}"
        figures["result"] = Figure(result, words.get(result, ""), source, ind.name)
        out.append(Sentence(f"indicators.{ind.code}",
                            "{name} của " + _place(ctx.unit) + " đạt {actual} (mục tiêu {target}): {result}.", figures))
    return out


def _place(unit: Unit) -> str:
    name = unit.short_name or unit.name
    if name.startswith("Thành ủy"):
        return "thành phố"
    if name.startswith("Tỉnh ủy"):
        return "tỉnh"
    return re.sub(r"^(Đảng bộ|Chi bộ)\s+", "", unit.name)


# --- II. Party building ----------------------------------------------------------------------


def documents(ctx: Ctx) -> list[Sentence]:
    from dangbo.documents.models import Document, DocumentType

    counts = dict(
        Document.objects.filter(issuing_unit=ctx.unit, term_code=ctx.term.code).order_by().values("type_id")
        .annotate(n=Count("id")).values_list("type_id", "n")
    )
    types = list(DocumentType.objects.filter(pk__in=list(counts)).order_by("sentence_order", "sort_order", "name"))
    stats = _url("documents:document_stats", term=ctx.term.code, issuer=ctx.unit.pk)
    figures = {"term": Figure(ctx.term.code, ctx.term_text, stats, "Thống kê văn bản")}
    if not types:
        return [Sentence("documents.by_type", "Nhiệm kỳ {term}, BCH " + _issuer(ctx.unit) +
                         " chưa có văn bản nào được đăng ký trên hệ thống.", figures)]
    parts = []
    for t in types:
        key = f"n_{re.sub(r'[^a-z0-9]', '_', t.abbr.lower())}"
        figures[key] = Figure(counts[t.pk], f"{number(counts[t.pk])} {t.counted_name}",
                              _url("documents:document_list", type=t.abbr, issuer=ctx.unit.pk, term=ctx.term.code), t.name)
        parts.append("{" + key + "}")
    template = "Nhiệm kỳ {term}, BCH " + _issuer(ctx.unit) + " đã ban hành " + ", ".join(parts) + "."
    return [Sentence("documents.by_type", template, figures), *_documents_below(ctx)]


def _documents_below(ctx: Ctx) -> list[Sentence]:
    """The documents the committees below issued in the same years, by issuer."""
    from dangbo.documents.models import Document

    rows = list(
        Document.objects.filter(issuing_unit__path__startswith=ctx.unit.path, date__range=(ctx.start, ctx.end))
        .exclude(issuing_unit=ctx.unit).order_by().values("issuing_unit__depth").annotate(
            n=Count("id"), units=Count("issuing_unit", distinct=True))
    )
    n = sum(r["n"] for r in rows)
    units = sum(r["units"] for r in rows)
    if not n:
        return []
    return [Sentence("documents.below", "Các cấp ủy trực thuộc ({units}) ban hành {documents} lãnh đạo, chỉ đạo theo "
                     "thẩm quyền.", {
                         "units": Figure(units, f"{number(units)} cấp ủy", "", ""),
                         "documents": Figure(n, f"{number(n)} văn bản", _url("documents:document_list"), "Văn bản"),
                     })]


def _issuer(unit: Unit) -> str:
    return unit.name


def study(ctx: Ctx) -> list[Sentence]:
    from dangbo.documents.models import StudyAttendance, StudySession

    sessions = StudySession.objects.filter(ctx.under(), date__range=(ctx.start, ctx.end))
    n = sessions.count()
    if not n:
        return [Sentence("study.sessions", "Chưa có hội nghị học tập, quán triệt nào được ghi nhận trên hệ thống "
                         "trong nhiệm kỳ.", {})]
    reach = StudyAttendance.objects.filter(session__in=sessions).aggregate(
        expected=Count("id"), present=Count("id", filter=Q(attended=True)))
    url = _url("documents:study_list")
    figures = {"sessions": Figure(n, f"{number(n)} hội nghị", url, "Học tập, quán triệt")}
    template = "Tổ chức {sessions} học tập, nghiên cứu, quán triệt nghị quyết, chỉ thị"
    if reach["expected"]:
        figures["reach"] = Figure(round(100 * reach["present"] / reach["expected"], 1),
                                  percent(100 * reach["present"] / reach["expected"]), url, "Học tập, quán triệt")
        template += ", {reach} đảng viên được triệu tập tham dự"
    return [Sentence("study.sessions", template + ".", figures)]


def themes(ctx: Ctx) -> list[Sentence]:
    from dangbo.plans.models import Theme, ThemeItem

    rows = list(Theme.objects.filter(unit=ctx.unit, year__in=list(ctx.years)).prefetch_related("items")
                .order_by("year", "order", "id"))
    by_year: dict[int, list[Theme]] = defaultdict(list)
    for theme in rows:
        by_year[theme.year].append(theme)
    out = []
    for year, year_themes in sorted(by_year.items()):
        url = _url("plans:theme_list", year=year)
        figures: dict[str, Figure] = {}
        for n, theme in enumerate(year_themes):
            figures[f"theme{n}"] = Figure(theme.pk, f"“{theme.text}”", theme.get_absolute_url(), f"Chủ đề năm {year}")
        if len(year_themes) == 1:
            template = f"Năm {year}, chủ đề năm: " + "{theme0}"
        else:
            template = f"Năm {year}, thực hiện chủ đề " + "{theme0}" + " cùng với chủ đề trong công tác xây dựng Đảng là " \
                + " và ".join("{" + f"theme{n}" + "}" for n in range(1, len(year_themes)))
        kinds = Counter(item.kind for theme in year_themes for item in theme.items.all())
        counted = []
        if kinds[ThemeItem.Kind.FOCUS]:
            figures["focus"] = Figure(kinds[ThemeItem.Kind.FOCUS], f"{kinds[ThemeItem.Kind.FOCUS]} nhiệm vụ trọng tâm", url,
                                      f"Chủ đề năm {year}")
            counted.append("{focus}")
        if kinds[ThemeItem.Kind.BREAKTHROUGH]:
            figures["breakthrough"] = Figure(kinds[ThemeItem.Kind.BREAKTHROUGH],
                                             f"{kinds[ThemeItem.Kind.BREAKTHROUGH]} công việc đột phá", url, f"Chủ đề năm {year}")
            counted.append("{breakthrough}")
        if counted:
            template += " với " + " và ".join(counted) + " cần tập trung lãnh đạo, chỉ đạo"
        out.append(Sentence(f"themes.{year}", template + ".", figures))
    if not out:
        out.append(Sentence("themes.none", "Chưa có chủ đề năm nào được ghi nhận trên hệ thống trong nhiệm kỳ.", {}))
    return out


def commitments(ctx: Ctx) -> list[Sentence]:
    from dangbo.plans.models import Commitment

    rows = list(
        Commitment.objects.filter(Q(upper_unit=ctx.unit) | Q(lower_unit=ctx.unit), year__in=list(ctx.years))
        .select_related("upper_unit", "lower_unit", "grade").order_by("year", "lower_unit__path")
    )
    first_year = Commitment.objects.filter(Q(upper_unit=ctx.unit) | Q(lower_unit=ctx.unit)).order_by("year") \
        .values_list("year", flat=True).first()
    by_year: dict[int, list[Commitment]] = defaultdict(list)
    for c in rows:
        by_year[c.year].append(c)
    out = []
    for year, items in sorted(by_year.items()):
        url = _url("plans:commitment_list", year=year)
        own = [c for c in items if c.lower_unit_id == ctx.unit.pk]
        given = [c for c in items if c.upper_unit_id == ctx.unit.pk]
        figures: dict[str, Figure] = {}
        template = f"Năm {year}"
        if year == first_year:
            template += " - năm đầu tiên thực hiện cam kết trách nhiệm"
        parts = []
        if own:
            figures["upper"] = Figure(own[0].upper_unit_id, f"BTV {own[0].upper_unit.name}", own[0].get_absolute_url(),
                                      own[0].title)
            parts.append("BTV " + ctx.unit.name + " ký cam kết trách nhiệm với {upper}")
        if given:
            lower = [c.lower_unit for c in given]
            figures["lower"] = Figure(len(given), f"{len(given)} {_noun(lower)}", url, f"Cam kết năm {year}")
            parts.append("BTV " + (ctx.unit.name if not own else "thành phố") +
                         " ký cam kết trách nhiệm với BTV đảng ủy và người đứng đầu cấp ủy của {lower}")
            evaluated = [c for c in given if c.grade_id]
            if evaluated:
                met = sum(1 for c in evaluated if c.grade and c.grade.code == "hoan-thanh")
                figures["met"] = Figure(met, f"{met}/{len(evaluated)}", url, f"Cam kết năm {year}")
                parts.append("kết quả đánh giá: {met} bản cam kết hoàn thành")
        out.append(Sentence(f"commitments.{year}", template + ", " + "; ".join(parts) + ".", figures))
    if not out:
        out.append(Sentence("commitments.none", "Chưa có bản cam kết trách nhiệm nào được ghi nhận trong nhiệm kỳ.", {}))
    return out


def on_the_ground(ctx: Ctx) -> list[Sentence]:
    from dangbo.meetings.models import LeaderAssignment, LeaderVisit, WorkingGroup

    groups = list(
        WorkingGroup.objects.filter(unit=ctx.unit, start__lte=ctx.end).filter(Q(end__isnull=True) | Q(end__gte=ctx.start))
        .annotate(n_units=Count("followed_units", distinct=True)).order_by("start", "name")
    )
    out = []
    if groups:
        decisions = sorted({g.decision for g in groups if g.decision})
        followed = sum(g.n_units for g in groups)
        members = [pid for g in groups for pid in g.members.values_list("person_id", flat=True)]
        visits = LeaderVisit.objects.filter(person_id__in=members, date__range=(ctx.start, ctx.end),
                                            kind=LeaderVisit.Kind.MEETING)
        url = _url("meetings:working_groups")
        figures = {
            "groups": Figure(len(groups), f"{len(groups)} tổ công tác", url, "Tổ công tác"),
            "followed": Figure(followed, f"{followed} đảng bộ cơ sở", url, "Tổ công tác"),
        }
        template = "BTV " + ctx.unit.name + " đã thành lập {groups}"
        if decisions:
            figures["decision"] = Figure(decisions[0], ", ".join(decisions), _url("documents:document_list",
                                         q=decisions[0].split("-")[0]), "Văn bản")
            template += " theo {decision}"
        template += " trực tiếp theo dõi, hướng dẫn {followed} và dự sinh hoạt chi bộ địa bàn dân cư"
        n_visits = visits.count()
        if n_visits:
            cells = visits.values("unit_id").distinct().count()
            figures["visits"] = Figure(n_visits, f"{number(n_visits)} buổi sinh hoạt", url, "")
            figures["cells"] = Figure(cells, f"{number(cells)} chi bộ", url, "")
            template += "; các thành viên tổ công tác đã dự {visits} của {cells}"
        out.append(Sentence("ground.groups", template + ".", figures))
    leaders = LeaderAssignment.objects.filter(ctx.under(), start__lte=ctx.end).filter(
        Q(end__isnull=True) | Q(end__gte=ctx.start))
    n_leaders = leaders.values("person_id").distinct().count()
    if n_leaders:
        cells = leaders.values("unit_id").distinct().count()
        out.append(Sentence("ground.assignments", "Phân công {leaders} phụ trách địa bàn, theo dõi {cells}.", {
            "leaders": Figure(n_leaders, f"{number(n_leaders)} đồng chí lãnh đạo", "", ""),
            "cells": Figure(cells, f"{number(cells)} tổ chức đảng", "", ""),
        }))
    if not out:
        out.append(Sentence("ground.none", "Chưa có tổ công tác, phân công phụ trách địa bàn nào được ghi nhận "
                                           "trong nhiệm kỳ.", {}))
    return out



def meeting_quality(ctx: Ctx) -> list[Sentence]:
    from dangbo.meetings.models import Meeting, MeetingKind

    kinds = [MeetingKind.REGULAR, MeetingKind.THEMATIC, MeetingKind.FORUM]
    held = Meeting.objects.filter(ctx.under(), kind__in=kinds, date__range=(ctx.start, ctx.end),
                                  status=Meeting.Status.HELD)
    rows = list(held.values("date__year").annotate(
        n=Count("id"), scored=Count("id", filter=Q(score__isnull=False)),
        good=Count("id", filter=Q(grade_rank=1)), avg=Avg("score")).order_by("date__year"))
    out = []
    for row in rows:
        if not row["scored"]:
            continue
        year = row["date__year"]
        url = _url("meetings:meeting_list", unit=ctx.unit.pk)
        out.append(Sentence(f"meetings.{year}", f"Năm {year}, " + "{scored} sinh hoạt chi bộ được chấm điểm theo bộ "
                            "tiêu chí, {good} đạt loại Tốt.", {
                                "scored": Figure(row["scored"], f"{number(row['scored'])} phiên", url, "Sinh hoạt chi bộ"),
                                "good": Figure(round(100 * row["good"] / row["scored"], 1),
                                               percent(100 * row["good"] / row["scored"]), url, "Sinh hoạt chi bộ"),
                            }))
    if not out:
        out.append(Sentence("meetings.none", "Chưa có phiên sinh hoạt chi bộ nào được chấm điểm trên hệ thống "
                                             "trong nhiệm kỳ.", {}))
    return out


def members(ctx: Ctx) -> list[Sentence]:
    """Members admitted in the term against the targets (``people.admission``), and the
    membership at the term's end (``orgs.Membership``)."""
    from dangbo.people.admission.models import AdmissionTarget, Candidate

    at_end = Membership.objects.filter(ctx.under(), start__lte=ctx.end).filter(
        Q(end__isnull=True) | Q(end__gt=ctx.end)).values("person_id").distinct().count()
    admitted = Candidate.objects.filter(ctx.under(), decision_on__gte=ctx.start, decision_on__lte=ctx.end).count()
    targets = AdmissionTarget.objects.filter(
        ctx.under(), year__gte=ctx.start.year, year__lte=ctx.end.year
    ).values_list("total", flat=True)
    target = sum(targets)
    admitted_url = _url("people:admission_pipeline", unit=ctx.unit.pk)
    out = []
    if target:
        share = 100 * admitted / target
        out.append(Sentence(
            "members.admitted", "Kết nạp {admitted}, {share} chỉ tiêu nhiệm kỳ ({target}).", {
                "admitted": Figure(admitted, f"{number(admitted)} đảng viên", admitted_url, "Phát triển đảng viên"),
                "share": Figure(round(share, 1), f"đạt {percent(share)}" if share <= 100 else f"vượt {percent(share - 100)}",
                                admitted_url, "Phát triển đảng viên"),
                "target": Figure(target, number(target), _url("people:admission_targets", unit=ctx.unit.pk),
                                 "Chỉ tiêu phát triển đảng viên"),
            }))
    elif admitted:
        out.append(Sentence("members.admitted", "Kết nạp {admitted}.", {
            "admitted": Figure(admitted, f"{number(admitted)} đảng viên", admitted_url, "Phát triển đảng viên"),
        }))
    else:
        out.append(Sentence("members.admitted", "Chưa có quyết định kết nạp đảng viên nào được ghi nhận trên hệ "
                                                "thống trong nhiệm kỳ.", {}))
    out.append(Sentence("members.at_end", "Đến " + _d(ctx.end) + ", toàn Đảng bộ có {members}.", {
        "members": Figure(at_end, f"{number(at_end)} đảng viên", _url("orgs:unit_detail", ctx.unit.pk),
                          ctx.unit.name),
    }))
    return out


GRADE_WORDS = {
    "xuat_sac": "hoàn thành xuất sắc nhiệm vụ", "tot": "hoàn thành tốt nhiệm vụ",
    "hoan_thanh": "hoàn thành nhiệm vụ", "khong_hoan_thanh": "không hoàn thành nhiệm vụ",
}


def ratings(ctx: Ctx) -> list[Sentence]:
    """Each year's ratings by the final rater (``people.ratings``): members as their cell rated
    them, party organisations as the committee above rated them."""
    from dangbo.people.ratings.models import Rating

    rows = (
        Rating.objects.filter(ctx.under(), year__gte=ctx.start.year, year__lte=ctx.end.year)
        .exclude(grade="")
        .filter(Q(person__isnull=False, level="cell") | Q(subject_unit__isnull=False, level__in=["ward", "city"]))
        .values("year", "grade", "person_id")
        .annotate(n=Count("id"))
    )
    by_year: dict[tuple[int, str], Counter] = defaultdict(Counter)
    for row in rows:
        by_year[(row["year"], "member" if row["person_id"] else "org")][row["grade"]] += row["n"]
    if not by_year:
        return [Sentence("ratings.none", "Chưa có kết quả đánh giá, xếp loại nào được ghi nhận trên hệ thống "
                                         "trong nhiệm kỳ.", {})]
    out = []
    for (year, kind), grades in sorted(by_year.items()):
        total = sum(grades.values())
        url = _url("people:rating_home", year=year)
        who = "đảng viên" if kind == "member" else "tổ chức đảng"
        figures = {"total": Figure(total, f"{number(total)} {who}", url, "Đánh giá, xếp loại")}
        parts = []
        for code in ("xuat_sac", "tot", "hoan_thanh", "khong_hoan_thanh"):
            if grades[code]:
                figures[code] = Figure(grades[code], f"{number(grades[code])} ({percent(100 * grades[code] / total)})",
                                       url, "Đánh giá, xếp loại")
                parts.append(f"{{{code}}} {GRADE_WORDS[code]}")
        out.append(Sentence(f"ratings.{kind}.{year}", f"Năm {year}, đánh giá, xếp loại {{total}}: " + "; ".join(parts) + ".",
                            figures))
    return out


def inspections(ctx: Ctx) -> list[Sentence]:
    from dangbo.assignments.models import Inspection, Recommendation

    done = Inspection.objects.filter(program__unit=ctx.unit, period_start__lte=ctx.end, period_end__gte=ctx.start)
    n = done.count()
    if not n:
        return [Sentence("inspections.none", "Chưa có cuộc kiểm tra, giám sát nào được ghi nhận trong nhiệm kỳ.", {})]
    recs = Recommendation.objects.filter(inspection__in=done)
    n_recs = recs.count()
    tasks = recs.filter(task__isnull=False).count()
    return [Sentence("inspections.count", "Tiến hành {inspections}, đưa ra {recs}, trong đó {tasks} được giao thành "
                     "nhiệm vụ theo dõi.", {
                         "inspections": Figure(n, f"{number(n)} cuộc kiểm tra, giám sát", "", ""),
                         "recs": Figure(n_recs, f"{number(n_recs)} kiến nghị", "", ""),
                         "tasks": Figure(tasks, number(tasks), "", ""),
                     })]


def citizens(ctx: Ctx) -> list[Sentence]:
    from dangbo.citizens.models import Case, Dialogue, ReceptionDay

    dialogues = Dialogue.objects.filter(ctx.under(), date__range=(ctx.start, ctx.end)).count()
    days = ReceptionDay.objects.filter(ctx.under(), date__range=(ctx.start, ctx.end)).count()
    cases = Case.objects.filter(ctx.under(), received_on__range=(ctx.start, ctx.end)).aggregate(
        n=Count("id"), answered=Count("id", filter=Q(answered_on__isnull=False)))
    if not (dialogues or days or cases["n"]):
        return [Sentence("citizens.none", "Chưa có buổi đối thoại, ngày tiếp công dân hay ý kiến của công dân nào được "
                         "ghi nhận trên hệ thống trong nhiệm kỳ.", {})]
    return [Sentence("citizens.all", "Tổ chức {dialogues} với cán bộ, đảng viên và Nhân dân, {days}; tiếp nhận {cases}, "
                     "đã trả lời {answered}.", {
                         "dialogues": Figure(dialogues, f"{number(dialogues)} buổi đối thoại",
                                             _url("citizens:dialogue_list"), "Đối thoại"),
                         "days": Figure(days, f"{number(days)} ngày tiếp công dân",
                                        _url("citizens:reception_list"), "Tiếp công dân"),
                         "cases": Figure(cases["n"], f"{number(cases['n'])} ý kiến, phản ánh, kiến nghị",
                                         _url("citizens:case_list", unit=ctx.unit.pk), "Ý kiến của công dân"),
                         "answered": Figure(cases["answered"], number(cases["answered"]),
                                            _url("citizens:case_list", unit=ctx.unit.pk), "Ý kiến của công dân"),
                     })]


# --- III. Limitations, found from the data -----------------------------------------------------


def limitations(ctx: Ctx) -> list[Sentence]:
    from dangbo.assignments.models import Task
    from dangbo.citizens.models import Case
    from dangbo.meetings.models import Meeting
    from dangbo.plans.commitments import indicator_result
    from dangbo.plans.models import Commitment, Indicator

    out = []
    for ind, target, years in _indicators(ctx):
        if not years or target is None:
            continue
        actual = years[-1][1] if ind.direction == Indicator.Direction.MILESTONE else \
            sum((v for _y, v in years), Decimal(0)) / len(years)
        if indicator_result(ind.direction, target, actual) == "missed":
            if ind.direction == Indicator.Direction.MILESTONE:  # "Lãnh đạo xây dựng … chưa đạt yêu cầu."
                lead = ind.name if ind.name.startswith("Lãnh đạo") else "Lãnh đạo " + ind.name[0].lower() + ind.name[1:]
                template = "{name} chưa đạt yêu cầu."
            else:
                lead, template = ind.name, "Chỉ tiêu “{name}” không đạt mục tiêu nhiệm kỳ."
            out.append(Sentence(f"limits.indicator.{ind.code}", template, {
                "name": Figure(ind.code, lead, ind.get_absolute_url(), ind.name)}))
    overdue = Task.objects.filter(assigning_path__startswith=ctx.unit.path, deadline__lt=ctx.end,
                                  start__lte=ctx.end).filter(
        Q(status__in=Task.OPEN) | Q(done_on__gt=ctx.end) | Q(done_on__isnull=True, status=Task.Status.DONE))
    overdue = overdue.exclude(status=Task.Status.CANCELLED).filter(Q(done_on__isnull=True) | Q(done_on__gt=ctx.end))
    n_overdue = overdue.count()
    long_running = overdue.filter(deadline__lt=ctx.end - dt.timedelta(days=365)).count()
    if n_overdue:
        figures = {"overdue": Figure(n_overdue, f"{number(n_overdue)} nhiệm vụ", _url("assignments:task_list"), "Nhiệm vụ")}
        template = "Còn {overdue} quá hạn chưa hoàn thành."
        if long_running:  # no "trong đó 0 …"
            figures["long"] = Figure(long_running, number(long_running), "", "")
            template = "Còn {overdue} quá hạn chưa hoàn thành, trong đó {long} kéo dài quá một năm."
        out.append(Sentence("limits.tasks", template, figures))
    last_year = dt.date(ctx.end.year, 1, 1)
    low = list(Meeting.objects.filter(ctx.under(), date__range=(last_year, ctx.end), score__isnull=False)
               .values("unit_id").annotate(mean=Avg("grade_rank")).filter(mean__gte=2.5).values_list("unit_id", flat=True))
    if low:
        out.append(Sentence("limits.meetings", "Chất lượng sinh hoạt của {cells} chưa đáp ứng yêu cầu (xếp loại bình quân "
                            "dưới mức Tốt trong năm " + str(ctx.end.year) + ").", {
                                "cells": Figure(len(low), f"{number(len(low))} chi bộ",
                                                _url("meetings:meeting_list", unit=ctx.unit.pk), "Sinh hoạt chi bộ")}))
    missed = Commitment.objects.filter(upper_unit=ctx.unit, year__in=list(ctx.years), grade__isnull=False) \
        .exclude(grade__code="hoan-thanh").count()
    if missed:
        out.append(Sentence("limits.commitments", "Còn {missed} chưa hoàn thành các nội dung đã cam kết.", {
            "missed": Figure(missed, f"{number(missed)} bản cam kết trách nhiệm", _url("plans:commitment_list"),
                             "Cam kết trách nhiệm")}))
    late = Case.objects.filter(ctx.under(), received_on__range=(ctx.start, ctx.end)).filter(
        Q(answered_on__gt=F("answer_by")) | Q(answered_on__isnull=True, answer_by__lt=ctx.end)).count()
    if late:
        out.append(Sentence("limits.cases", "Còn {late} trả lời chậm so với thời hạn.", {
            "late": Figure(late, f"{number(late)} ý kiến, phản ánh, kiến nghị của công dân",
                           _url("citizens:case_list", unit=ctx.unit.pk, overdue="on"), "Ý kiến của công dân")}))
    if not out:
        out.append(Sentence("limits.none", "Số liệu trên hệ thống chưa cho thấy hạn chế nổi bật; Ban Chấp hành bổ sung "
                            "khi thảo luận.", {}))
    return out



def lessons(ctx: Ctx) -> list[Sentence]:
    return [Sentence("lessons.text", WRITE_HERE, {})]


def directions(ctx: Ctx) -> list[Sentence]:
    return [Sentence("directions.text", WRITE_HERE, {})]


Section = tuple[str, str, Callable[[Ctx], list[Sentence]]]
#: The outline: (key, heading, the function that writes it).
OUTLINE: list[Section] = [
    ("resolution", "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NGHỊ QUYẾT ĐẠI HỘI", indicators),
    ("documents", "II. CÔNG TÁC XÂY DỰNG ĐẢNG\n1. Ban hành văn bản lãnh đạo, chỉ đạo", documents),
    ("study", "2. Học tập, quán triệt nghị quyết", study),
    ("themes", "3. Chủ đề năm, nhiệm vụ trọng tâm, khâu đột phá", themes),
    ("commitments", "4. Cam kết trách nhiệm", commitments),
    ("ground", "5. Chỉ đạo hướng về cơ sở", on_the_ground),
    ("meetings", "6. Chất lượng sinh hoạt chi bộ", meeting_quality),
    ("members", "7. Phát triển đảng viên, số lượng đảng viên", members),
    ("ratings", "8. Đánh giá, xếp loại tổ chức đảng và đảng viên", ratings),
    ("inspections", "9. Kiểm tra, giám sát", inspections),
    ("citizens", "10. Đối thoại, tiếp công dân, giải quyết ý kiến của Nhân dân", citizens),
    ("limitations", "III. HẠN CHẾ, KHUYẾT ĐIỂM", limitations),
    ("lessons", "IV. BÀI HỌC KINH NGHIỆM", lessons),
    ("directions", "V. PHƯƠNG HƯỚNG NHIỆM KỲ TỚI", directions),
]


def compose(ctx: Ctx) -> dict[str, Any]:
    """The draft as JSON: the unit, the term and each section's sentences with their figures."""
    return {
        "unit": {"id": ctx.unit.pk, "name": ctx.unit.name},
        "term": {"id": ctx.term.pk, "code": ctx.term.code, "start": ctx.start.isoformat(), "end": ctx.end.isoformat()},
        "sections": [
            {"key": key, "title": title, "sentences": [s.as_json() for s in fn(ctx)]}
            for key, title, fn in OUTLINE
        ],
    }


def sentences(content: dict[str, Any]) -> Iterable[tuple[dict, dict]]:
    for section in content.get("sections", []):
        for sentence in section["sentences"]:
            yield section, sentence


def merge(old: dict[str, Any], fresh: dict[str, Any]) -> dict[str, Any]:
    """The fresh figures under the old wording: an edited sentence keeps its template when
    every placeholder it uses still has a figure; a sentence a person added stays."""
    edited = {s["key"]: s for _sec, s in sentences(old) if s.get("edited")}
    for section in fresh["sections"]:
        for sentence in section["sentences"]:
            was = edited.pop(sentence["key"], None)
            if was and placeholders(was["template"]) <= set(sentence["figures"]):
                sentence["template"], sentence["edited"] = was["template"], True
                sentence["text"] = render(was["template"], {k: f["text"] for k, f in sentence["figures"].items()})
    kept = {sec["key"]: [s for s in sec["sentences"] if s["key"] in edited] for sec in old.get("sections", [])}
    for section in fresh["sections"]:  # sentences the data no longer gives, edited by a person, stay
        section["sentences"].extend(kept.get(section["key"], []))
    return fresh
