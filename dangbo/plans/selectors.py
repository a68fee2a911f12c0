"""Reads of themes and their items, filtered by the one policy inside the SQL."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from dangbo.assignments.models import ProgressReport, Task
from dangbo.core import dates, policy
from dangbo.core.policy import Action, Level
from dangbo.core.text import fold
from dangbo.documents.models import Document
from dangbo.orgs.models import Person, Position, Term, Unit

from .commitments import RESULTS, indicator_result, suggest_status
from .models import (
    Commitment,
    CommitmentItem,
    CommitmentScan,
    ConfidenceRating,
    Indicator,
    IndicatorActual,
    ItemStatus,
    Milestone,
    Theme,
    ThemeItem,
)
from .progress import Confidence, ItemProgress, item_confidence, item_progress
from .proposals import Proposal
from .proposals import read as read_proposals


def get_theme_for_user(user, pk, action: Action | str = Action.VIEW) -> Theme:
    return policy.get_for_user(user, Theme.objects.select_related("unit", "adopted_from__unit"), pk, action)


def get_item_for_user(user, pk, action: Action | str = Action.VIEW) -> ThemeItem:
    qs = ThemeItem.objects.select_related("theme__unit", "owner_person", "owner_unit", "upper__theme__unit")
    return policy.get_for_user(user, qs, pk, action)


def _items_prefetch() -> Prefetch:
    return Prefetch(
        "items", queryset=ThemeItem.objects.select_related("owner_person", "owner_unit").order_by("kind", "order", "id")
    )


def theme_list(*, user, year: int | None = None, unit: Unit | None = None) -> QuerySet[Theme]:
    """Themes the user may see, newest year first; ``unit`` keeps that unit's and those below."""
    qs = policy.visible(user, Theme).select_related("unit", "adopted_from__unit")
    if year is not None:
        qs = qs.filter(year=year)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs.order_by("-year", "unit__path", "order", "id")


def theme_years(*, user) -> list[int]:
    return list(policy.visible(user, Theme).order_by("-year").values_list("year", flat=True).distinct())


def themes_with_items(themes, *, today: dt.date) -> tuple[list[Theme], dict[int, ItemProgress]]:
    """The themes with their items prefetched and every item's progress (a fixed number of
    queries)."""
    themes = list(themes.prefetch_related(_items_prefetch()))
    items = [item for theme in themes for item in theme.items.all()]
    return themes, item_progress(items, today)


def theme_with_items(*, theme: Theme, today: dt.date) -> tuple[list[Theme], dict[int, ItemProgress]]:
    """One theme (already fetched for the user) with its items and their progress."""
    return themes_with_items(Theme.objects.filter(pk=theme.pk), today=today)


def item_owner_choices(*, theme: Theme) -> tuple[QuerySet[Person], QuerySet[Unit]]:
    """Who may own an item of ``theme`` (the current position holders of its unit) and which
    units may be in charge (the theme's unit and those below it)."""
    people = Person.objects.filter(positions__in=theme.unit.positions.current()).distinct().order_by("full_name")
    units = Unit.objects.filter(path__startswith=theme.unit.path).active().order_by("path")
    return people, units


def item_ratings(*, item: ThemeItem, month: dt.date) -> list[ConfidenceRating]:
    """The confidence ratings of ``item`` for one month, with their raters."""
    return list(ConfidenceRating.objects.filter(item=item, month=month).select_related("rater"))


def get_milestone_for_user(user, *, item: ThemeItem, pk) -> Milestone:
    """A milestone of ``item`` the user may change (404 for one of another item)."""
    return policy.get_for_user(user, Milestone.objects.filter(item=item), pk, Action.CHANGE)


def assignable_units(*, user, item: ThemeItem) -> QuerySet[Unit]:
    """The active units under the item's theme that the user sees: where its tasks may go."""
    units = Unit.objects.filter(path__startswith=item.theme.unit.path).active()
    return policy.visible(user, units).order_by("path")


def commitment_choices(*, user, uppers: QuerySet[Unit]) -> tuple[QuerySet[Unit], QuerySet[Person]]:
    """The units a commitment may be signed with (visible, below the top) and the people who may
    sign for the upper side (current position holders of ``uppers``)."""
    lowers = policy.visible(user, Unit.objects.active()).filter(depth__gt=1).order_by("path")
    holders = Position.objects.current().filter(unit__in=uppers.values("pk"))
    people = Person.objects.filter(positions__in=holders).distinct().order_by("full_name")
    return lowers, people


def actual_units(*, user, indicator: Indicator, focus: Unit | None = None) -> QuerySet[Unit]:
    """The active units under the indicator's unit whose actuals the user may enter (with
    ``focus``: that unit and the units directly below it, the lines the dashboard shows)."""
    units = Unit.objects.filter(policy.scope(user, Unit, Action.CONTRIBUTE))
    units = units.filter(path__startswith=indicator.unit.path).active()
    if focus is not None:
        units = units.filter(Q(path=focus.path) | Q(path__startswith=focus.path, depth=focus.depth + 1))
    return units.order_by("path")


def evidence_tasks(*, user, commitment: Commitment, item: CommitmentItem) -> QuerySet[Task]:
    """Open or done tasks of the lower unit, visible to the user, not yet evidence of ``item``."""
    tasks = policy.visible(user, Task.objects.filter(status__in=(*Task.OPEN, Task.Status.DONE)))
    return (
        tasks.filter(unit_path__startswith=commitment.lower_unit.path)
        .exclude(commitment_items=item).select_related("unit").order_by("deadline", "id")
    )


def get_status_for_user(user, *, commitment: Commitment, pk) -> ItemStatus:
    """A quarterly status of ``commitment`` (404 for one of another commitment)."""
    return policy.get_for_user(user, ItemStatus.objects.filter(item__commitment=commitment), pk)


def lower_items(*, user, item: ThemeItem) -> list[ThemeItem]:
    """The items of units below that serve ``item`` and that the user may see."""
    qs = policy.visible(user, ThemeItem.objects.filter(upper=item)).select_related(
        "theme__unit", "owner_person", "owner_unit"
    )
    return list(qs.order_by("theme__unit__path", "order", "id"))


def item_tasks(*, user, item: ThemeItem) -> QuerySet[Task]:
    """The item's own tasks the user may see."""
    return policy.visible(user, item.tasks.all()).select_related("unit").order_by("deadline", "id")


def item_milestones(*, item: ThemeItem) -> list[Milestone]:
    return list(item.milestones.all())


def linkable_tasks(*, user, item: ThemeItem) -> QuerySet[Task]:
    """Open tasks the user sees under the theme's unit, not yet linked to ``item``."""
    return (
        policy.visible(user, Task.objects.filter(status__in=Task.OPEN))
        .filter(unit_path__startswith=item.theme.unit.path)
        .exclude(theme_items=item)
        .select_related("unit")
        .order_by("deadline", "id")
    )


def upper_item_choices(*, user, theme: Theme) -> QuerySet[ThemeItem]:
    """Items of the units above the theme's, for the same year, that the user may see."""
    above = [p for p in policy.ancestors(theme.unit.path) if p != theme.unit.path]
    return (
        policy.visible(user, ThemeItem)
        .filter(theme__year=theme.year, theme__unit__path__in=above)
        .select_related("theme__unit")
        .order_by("theme__unit__path", "order", "id")
    )


def upper_theme_choices(*, user, unit: Unit, year: int | None = None) -> QuerySet[Theme]:
    above = [p for p in policy.ancestors(unit.path) if p != unit.path]
    qs = policy.visible(user, Theme).filter(unit__path__in=above).select_related("unit")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "unit__path", "order")


# --- Commitments ---------------------------------------------------------------------------


def get_commitment_for_user(user, pk, action: Action | str = Action.VIEW) -> Commitment:
    qs = Commitment.objects.select_related(
        "upper_unit", "lower_unit", "upper_signer", "lower_signer", "scale", "grade"
    )
    return policy.get_for_user(user, qs, pk, action)


def commitment_uppers(*, user, year: int) -> list[Unit]:
    """The upper levels of the year's commitments the user may see, top first: the register
    shows one of them at a time (one query)."""
    ids = policy.visible(user, Commitment).filter(year=year).values("upper_unit_id")
    return list(Unit.objects.filter(pk__in=ids).order_by("path"))


def commitment_register(
    *, user, year: int | None = None, unit: Unit | None = None, upper: Unit | None = None
) -> list[Commitment]:
    """The commitments the user may see, side by side: items with their latest quarterly
    status (read in SQL, one value per item) and grades, in a fixed number of queries. With
    ``upper``: those signed with that upper level only (the register's page per upper level,
    a city's wards side by side, never a whole province at once)."""
    qs = policy.visible(user, Commitment).select_related(
        "upper_unit", "lower_unit", "lower_signer", "upper_signer", "grade"
    )
    if year is not None:
        qs = qs.filter(year=year)
    if unit is not None:
        qs = qs.filter(Q(lower_unit__path__startswith=unit.path) | Q(upper_unit=unit))
    if upper is not None:
        qs = qs.filter(upper_unit=upper)
    latest = ItemStatus.objects.filter(item=OuterRef("pk")).order_by("-quarter")
    items = Prefetch(
        "items",
        queryset=CommitmentItem.objects.select_related("grade").annotate(
            last_quarter=Subquery(latest.values("quarter")[:1]), last_code=Subquery(latest.values("status")[:1]),
        ),
    )
    commitments = list(qs.order_by("-year", "upper_unit__path", "lower_unit__path").prefetch_related(items))
    labels = dict(ItemStatus.Status.choices)
    for commitment in commitments:
        for item in commitment.items.all():
            code = item.last_code  # type: ignore[attr-defined]
            item.last_status = (  # type: ignore[attr-defined]
                _("Q%(q)s: %(status)s") % {"q": item.last_quarter, "status": labels[code]}  # type: ignore[attr-defined]
                if code else ""
            )
    return commitments


def commitment_scan(*, commitment: Commitment) -> CommitmentScan | None:
    """The commitment's signed scan: the latest one attached."""
    return commitment.scans.order_by("-uploaded_at", "-id").first()


def commitment_years(*, user) -> list[int]:
    return list(policy.visible(user, Commitment).order_by("-year").values_list("year", flat=True).distinct())


def commitment_items(*, commitment: Commitment) -> list[CommitmentItem]:
    items = list(commitment.items.select_related("grade", "cascades_from__commitment__lower_unit").prefetch_related(
        Prefetch("statuses", queryset=ItemStatus.objects.order_by("quarter")), "tasks"))
    for item in items:
        suggested = suggest_status((t.status, t.progress) for t in item.tasks.all())
        item.suggested_label = ItemStatus.Status(suggested).label if suggested else ""  # type: ignore[attr-defined]
    return items


# --- Indicators ----------------------------------------------------------------------------


def get_indicator_for_user(user, pk, action: Action | str = Action.VIEW) -> Indicator:
    return policy.get_for_user(user, Indicator.objects.select_related("unit", "term"), pk, action)


def indicator_list(*, user, unit: Unit | None = None, term: Term | None = None) -> QuerySet[Indicator]:
    qs = policy.visible(user, Indicator).select_related("unit", "term")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if term is not None:
        qs = qs.filter(term=term)
    return qs.order_by("unit__path", "term__start", "code")


@dataclass
class IndicatorRow:
    unit: Unit
    year: int | None
    target: Decimal | None
    actual: Decimal | None
    result: str
    #: The actual is computed by dangbo from the records at ``records_url``.
    computed: bool = False
    records_url: str = ""

    @property
    def result_label(self) -> str:
        return str(RESULTS[self.result]) if self.result else ""


def indicator_focus(*, user, indicator: Indicator) -> Unit | None:
    """The unit an indicator's dashboard opens on: the indicator's own unit when the user sees
    it, else the user's highest unit under it (a ward reads the city's indicator for itself)."""
    if policy.may(user, Action.VIEW, indicator.unit):
        return indicator.unit
    tops = sorted(p for p in policy.paths(user, Level.VIEW) if p.startswith(indicator.unit.path))
    return Unit.objects.filter(path=tops[0]).first() if tops else None


def indicator_rows(*, user, indicator: Indicator, focus: Unit | None = None) -> list[IndicatorRow]:
    """Each unit's target against its actual per year (and the term), for the units the user
    sees (with ``focus``: that unit and the units directly below it): two queries."""
    seen = policy.under_q(user, Level.VIEW, "unit__")
    if focus is not None:
        seen &= Q(unit__path=focus.path) | Q(unit__path__startswith=focus.path, unit__depth=focus.depth + 1)
    targets = {
        (t.unit_id, t.year): t for t in indicator.targets.filter(seen).select_related("unit")
    }
    actuals: dict[tuple[int, int | None], IndicatorActual] = {}
    for a in indicator.actuals.filter(seen, quarter__isnull=True).select_related("unit"):
        actuals[(a.unit_id, a.year)] = a
    units = {t.unit_id: t.unit for t in targets.values()} | {a.unit_id: a.unit for a in actuals.values()}
    rows = []
    for key in sorted(set(targets) | set(actuals), key=lambda k: (units[k[0]].path, k[1] or 9999)):
        target = targets.get(key)
        value = actuals[key].value if key in actuals else None
        if key[1] is None:  # the term: the mean of the years (a milestone: the latest year)
            years = sorted((y, a.value) for (u, y), a in actuals.items() if u == key[0] and y is not None)
            if years and indicator.direction == Indicator.Direction.MILESTONE:
                value = years[-1][1]
            elif years:
                value = sum((v for _y, v in years), Decimal(0)) / len(years)
        goal = target.value if target else None
        actual = actuals.get(key)
        rows.append(IndicatorRow(
            unit=units[key[0]], year=key[1], target=goal, actual=value,
            result=indicator_result(indicator.direction, goal, value),
            computed=bool(actual and actual.computed), records_url=actual.records_url if actual else "",
        ))
    return rows


# --- The monthly stocktake -----------------------------------------------------------------


@dataclass
class AgendaItem:
    item: ThemeItem
    progress: ItemProgress
    overdue: list[Task]
    behind: list[Task]
    reports: list[ProgressReport]
    confidence: Confidence


def stocktake_agenda(*, user, theme: Theme, month: dt.date) -> list[AgendaItem]:
    """The standing committee's monthly review of ``theme``, prepared from data: each item's
    progress against its milestones as of the month's end, its overdue and behind tasks, and
    the progress reported on its tasks during the month. The items most at risk come first.
    A fixed number of queries."""
    span = dates.month(month)
    as_of = span.end
    items = list(theme.items.select_related("owner_person", "owner_unit"))
    progress = item_progress(items, as_of)
    confidence = item_confidence(items, as_of)
    task_ids = {pk for p in progress.values() for pk in p.task_ids}
    visible = {
        t.pk: t for t in policy.visible(user, Task.objects.filter(pk__in=task_ids)).select_related("unit")
    }
    reports: dict[int, list[ProgressReport]] = {}
    start = timezone.make_aware(dt.datetime.combine(span.start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(span.end, dt.time.max))
    for report in ProgressReport.objects.filter(task_id__in=list(visible), reported_at__range=(start, end)).order_by(
        "reported_at"
    ):
        report.task = visible[report.task_id]
        reports.setdefault(report.task_id, []).append(report)
    agenda = []
    for item in items:
        p = progress[item.pk]
        mine = [visible[pk] for pk in p.task_ids if pk in visible]
        agenda.append(AgendaItem(
            item=item, progress=p,
            overdue=[t for t in mine if t.is_active and t.deadline < as_of],
            behind=[t for t in mine if t.is_active and t.deadline >= as_of and t.behind_from and t.behind_from <= as_of],
            reports=[r for t in mine for r in reports.get(t.pk, [])],
            confidence=confidence[item.pk],
        ))
    order = {"at_risk": 0, "no_tasks": 1, "on_track": 2, "done": 3}
    agenda.sort(key=lambda a: (order[a.progress.state], -a.confidence.disagree, a.confidence.mean or 5, a.progress.progress))
    return agenda


@dataclass
class Decision:
    """What the standing committee decided on an item at the stocktake: the tasks assigned
    from the item in the month, one line per title and deadline with the units in charge."""

    title: str
    deadline: dt.date
    units: list[Unit]
    tasks: list[Task]


def stocktake_decisions(*, user, theme: Theme, month: dt.date) -> dict[int, list[Decision]]:
    """``{item id: [Decision]}``: the tasks assigned from the theme's items (``item_assign``,
    the decisions recorded at the stocktake) during ``month``, those the user sees. One
    query."""
    span = dates.month(month)
    start = timezone.make_aware(dt.datetime.combine(span.start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(span.end, dt.time.max))
    item_type = ContentType.objects.get_for_model(ThemeItem)
    rows = (
        policy.visible(user, Task.objects.filter(
            source_content_type=item_type, source_object_id__in=theme.items.values("pk"), created_at__range=(start, end),
        ))
        .exclude(status=Task.Status.CANCELLED).select_related("unit").order_by("created_at", "pk")
    )
    decisions: dict[int, dict[tuple[str, dt.date], Decision]] = {}
    for task in rows:
        by_key = decisions.setdefault(int(task.source_object_id or 0), {})
        decision = by_key.setdefault((task.title, task.deadline), Decision(task.title, task.deadline, [], []))
        decision.units.append(task.unit)
        decision.tasks.append(task)
    return {pk: list(by_key.values()) for pk, by_key in decisions.items()}


@dataclass
class IndicatorTable:
    """The dashboard of an indicator: one line per unit, one column per year of the term and
    one for the whole term, each cell a row (target, actual, result) or ``None``."""

    years: list[int]
    lines: list[tuple[Unit, list[IndicatorRow | None]]]
    focus: Unit | None = None


def indicator_table(*, user, indicator: Indicator, focus: Unit | None = None) -> IndicatorTable:
    """The units side by side over the term (the city compares its wards); two queries. With
    ``focus``, that unit's line and those of the units directly below it, whatever the size of
    the tree under it."""
    rows = indicator_rows(user=user, indicator=indicator, focus=focus)
    term = indicator.term
    first, last = term.start.year, (term.end.year if term.end else term.start.year + 5)
    years = list(range(first, last + 1))
    cells: dict[int, dict[int | None, IndicatorRow]] = {}
    units: dict[int, Unit] = {}
    for row in rows:
        units[row.unit.pk] = row.unit
        cells.setdefault(row.unit.pk, {})[row.year] = row
    lines = [
        (units[pk], [cells[pk].get(year) for year in [*years, None]])
        for pk in sorted(units, key=lambda pk: units[pk].path)
    ]
    return IndicatorTable(years=years, lines=lines, focus=focus)


# --- Tasks proposed from a plan's text -----------------------------------------------------

#: The document types whose text is read for task proposals: plans, programmes, conclusions.
PROPOSAL_TYPES = ("KH", "CTr", "KL")
#: At most this many proposals from one document (a plan has a few dozen at most).
MAX_PROPOSALS = 200


@dataclass
class ProposalRow:
    """A proposal of the reader with the tree's units its names match and the names that
    matched none (the office chooses those by hand); ``done`` when a task of the document
    already has its title."""

    proposal: Proposal
    units: list[Unit]
    unmatched: list[str]
    coordinating: list[Unit]
    done: bool


_SYNONYMS = [
    (re.compile(r"\bdang uy\b"), "dang bo"),
    (re.compile(r"\bubnd\b"), "uy ban nhan dan"),
    (re.compile(r"\bhdnd\b"), "hoi dong nhan dan"),
    (re.compile(r"\bmttq\b"), "mat tran to quoc"),
    (re.compile(r"\s*\([^)]*\)"), ""),
]
_PLURAL_WARDS = re.compile(r"\bcac (?:dang bo |dang uy )?(?:phuong|xa)\b|\bphuong, xa\b")
_PLURAL_CELLS = re.compile(r"\bcac (?:chi bo|to chuc co so dang|to chuc dang|co so dang)\b")


def _unit_key(name: str) -> str:
    key = fold(name)
    for pattern, repl in _SYNONYMS:
        key = pattern.sub(repl, key)
    return key.strip(" ,;:.")


def match_units(names: list[str], candidates: list[Unit], *, home: Unit) -> tuple[list[Unit], list[str]]:
    """The units of ``candidates`` (active, under ``home``) that names written in a plan mean:
    the same name or short name ("Đảng ủy Phường 1" is the Đảng bộ Phường 1), every ward for
    "Đảng ủy các phường", every unit directly under ``home`` for "các chi bộ, tổ chức cơ sở
    đảng trực thuộc", a short name named inside ("… các phường: Đông Thanh"), or the one unit
    whose name starts with the words written. Names matching nothing are returned apart."""
    by_name: dict[str, Unit] = {}
    shorts: list[tuple[re.Pattern, Unit]] = []
    for unit in candidates:
        by_name.setdefault(_unit_key(unit.name), unit)
        if unit.short_name:
            by_name.setdefault(_unit_key(unit.short_name), unit)
            shorts.append((re.compile(rf"(?<!\w){re.escape(_unit_key(unit.short_name))}(?![\w])"), unit))
    found: list[Unit] = []
    unmatched: list[str] = []
    for name in names:
        key = _unit_key(name)
        hits: list[Unit] = []
        if key in by_name:
            hits = [by_name[key]]
        elif _PLURAL_WARDS.search(key):
            hits = [u for u in candidates if u.kind.code == "dang-bo-xa" and u.pk != home.pk]
        elif _PLURAL_CELLS.search(key):
            hits = [u for u in candidates if u.depth == home.depth + 1 and u.kind.is_party
                    and u.kind.code != "ban-tham-muu"]
        else:
            hits = [u for pattern, u in shorts if pattern.search(key) and len(pattern.pattern) > 12]
            if not hits:
                starts = [u for k, u in by_name.items() if k.startswith(key + " ") or key.startswith(k + " ")]
                hits = starts[:1] if len({u.pk for u in starts}) == 1 else []
        if hits:
            found.extend(u for u in hits if u not in found)
        else:
            unmatched.append(name)
    return found, unmatched


def proposal_candidates(*, user, document: Document) -> list[Unit]:
    """The active units under the document's registering unit that the user sees: where its
    tasks may go. One query."""
    return list(proposal_units(user=user, document=document).select_related("kind"))


def document_text(document: Document) -> str:
    """The text to read: the document's full text, else its files' extracted text."""
    if document.full_text.strip():
        return document.full_text
    return "\n".join(t for t in document.files.values_list("text", flat=True) if t)


def document_proposals(*, user, document: Document) -> list[ProposalRow]:
    """The tasks the document's own text proposes, its names matched to the tree the user sees
    (a fixed number of queries)."""
    found = read_proposals(document_text(document), year=document.year)[:MAX_PROPOSALS]
    candidates = proposal_candidates(user=user, document=document)
    done: set[str] = set()
    for title, description in Task.objects.filter(document=document).values_list("title", "description"):
        done |= {fold(title), fold(description)}
    rows = []
    for proposal in found:
        units, unmatched = match_units(proposal.units, candidates, home=document.unit)
        coordinating, _rest = match_units(proposal.coordinating, candidates, home=document.unit)
        rows.append(ProposalRow(
            proposal=proposal, units=units, unmatched=unmatched,
            coordinating=[u for u in coordinating if u not in units], done=bool({fold(proposal.title), fold(proposal.passage)} & done),
        ))
    return rows


def proposal_items(*, user, document: Document) -> QuerySet[ThemeItem]:
    """The theme items an accepted proposal may serve: those the user may change, of the
    document's unit and the units above it, from the document's year on."""
    return (
        policy.visible(user, ThemeItem, Action.CHANGE)
        .filter(theme__unit__path__in=policy.ancestors(document.unit.path), theme__year__gte=document.year)
        .select_related("theme__unit").order_by("-theme__year", "theme__unit__path", "order", "id")
    )


# --- The board ----------------------------------------------------------------------------


@dataclass
class BoardItem:
    item: ThemeItem
    progress: ItemProgress
    confidence: Confidence


@dataclass
class Board:
    """A unit's year at a glance: its themes and their items (progress, state, delivery
    confidence and its trend over the 12 months up to ``as_of``), and every item ordered by
    risk (at risk first, then raters who disagree, low confidence, low progress)."""

    unit: Unit
    year: int
    as_of: dt.date
    months: list[dt.date]
    themes: list[tuple[Theme, list[BoardItem]]]
    at_risk: list[BoardItem]


def board_units(*, user, year: int) -> list[Unit]:
    """The units with a theme in ``year`` that the user sees, top first (one query)."""
    ids = policy.visible(user, Theme).filter(year=year).values("unit_id")
    return list(Unit.objects.filter(pk__in=ids).order_by("path"))


def _risk(row: BoardItem) -> tuple:
    order = {"at_risk": 0, "no_tasks": 1, "on_track": 2, "done": 3}
    return (order[row.progress.state], -row.confidence.disagree, row.confidence.mean or 5, row.progress.progress)


def board(*, user, unit: Unit, year: int, today: dt.date) -> Board:
    """The board of ``unit`` for ``year`` (its own themes), in a fixed number of queries."""
    as_of = today if today.year == year else dt.date(year, 12, 31) if year < today.year else dt.date(year, 1, 1)
    themes, progress = themes_with_items(
        policy.visible(user, Theme).filter(unit=unit, year=year).select_related("unit").order_by("order", "id"),
        today=as_of,
    )
    items = [item for theme in themes for item in theme.items.all()]
    confidence = item_confidence(items, as_of)
    rows = {item.pk: BoardItem(item=item, progress=progress[item.pk], confidence=confidence[item.pk]) for item in items}
    months = [dates.month_start(as_of, -back) for back in range(11, -1, -1)]
    return Board(
        unit=unit, year=year, as_of=as_of, months=months,
        themes=[(theme, sorted((rows[i.pk] for i in theme.items.all()), key=_risk)) for theme in themes],
        at_risk=sorted(rows.values(), key=_risk),
    )


def indicator_unit_for_user(user, indicator: Indicator, unit_id: int) -> Unit:
    """A unit under the indicator's own that ``user`` may see (the dashboard's focus), else 404."""
    return policy.get_for_user(user, Unit.objects.filter(path__startswith=indicator.unit.path), unit_id)


def proposal_units(*, user, document) -> QuerySet[Unit]:
    """The active units under the document's registering unit that the user sees, in tree
    order: where its proposed tasks may go (the page's units pickers and their lookup)."""
    units = Unit.objects.filter(path__startswith=document.unit.path).active()
    return policy.visible(user, units).order_by("path")
