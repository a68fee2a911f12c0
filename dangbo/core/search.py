"""One search over everything a user may see.

Apps register the kinds of things they make searchable (``register``) and keep the index up
to date (``index`` after a change, ``remove`` after a deletion); ``rebuild`` (the
``rebuild_search_index`` command) writes the whole index again. ``search`` answers a query
for the units a user may see, inside the SQL; ``search_for_user`` asks the scope the app
that owns the permission policy registered (``register_scope``) which units those are.

The index is the ``SearchEntry`` table. Its text is folded (``dangbo.core.text.fold``) and
cut into words of letters and digits, so "nghi quyet 05" finds "Nghị quyết … 05" and
"05 ct tw", "05-ct" or "05cttw" find "05-CT/TW". The words are indexed by SQLite FTS5 or by
PostgreSQL full-text search (``simple`` configuration); the table and its triggers, or the
generated ``tsvector`` columns and their GIN index, come from migration ``core.0003``.

Ranking: an exact number, then a number starting with the query, then the entries whose
number and title hold every word, then the rest; within each tier the full-text rank and
then the newest date. The rank weighs number, title and body (FTS5 ``bm25``); on
PostgreSQL it reads the number and title only (``ts_rank`` of the small ``head_vector``),
so that ranking tens of thousands of hits never decompresses their bodies: body-only hits
come newest first. The last word of a query matches as a prefix ("nghi quy" finds
"nghị quyết").

Counting: up to ``COUNT_CAP`` hits the count is exact; past it the results say "more than
1,000" (``SearchResults.count_capped``), and the pages go on in the order of relevance.
Every hit is still ranked, never only a sample: at 100,000 documents on PostgreSQL ranking
the 92,000–98,000 hits of common words costs 25–50 ms of a 60–100 ms search. Ranking only
the newest 2,000 hits of the deciding tier saved 10–30 ms but would drop the best older
matches; 5,000 saved 0–18 ms and 10,000 was slower than ranking them all (each candidate is
read again). Past a province (the country in one table), the cost grows with the hits in the
whole table, not in the user's scope: the full-text index knows no units. What moves that
limit (a table partitioned by province, or the scope's units as words of the index) is
written down in ``bench/search_bench.py``.

This module imports no domain app: the apps register into it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import string
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import SearchEntry
from .text import fold

#: Longer queries are cut: nobody types more, and the index must not be made to work harder.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
MAX_WORD_CHARS = 60
#: The most hits one call returns.
MAX_LIMIT = 100
#: Hits are counted up to this many; past it the count says "more than COUNT_CAP".
COUNT_CAP = 1000
#: Characters of body text around the first match in a snippet.
SNIPPET_BEFORE = 80
SNIPPET_LENGTH = 280

_WORD = re.compile(r"[^\W_]+")
_FACET_KEY = re.compile(r"^[A-Za-z0-9_]{1,40}$")

FTS_TABLE = "core_searchentry_fts"


# --- What apps give the index ------------------------------------------------------------


@dataclass(frozen=True)
class SearchDocument:
    """What one object contributes to the index."""

    kind: str  # "document", "unit", "person", later "task", "meeting"…
    object_id: int
    unit_id: int | None  # the unit the object belongs to: the permission filter uses it
    title: str
    number: str = ""  # e.g. "05-CT/TW": ranked first
    body: str = ""  # summary + full text
    date: dt.date | None = None
    url: str = ""
    # {"type": "CT", "issuer": 12, "field": ["kinh-te", "xay-dung-dang"]…}
    facets: dict[str, str | int | list[str | int]] = field(default_factory=dict)
    # Also visible to the users of the units below ``unit_id`` (a document sent down to them).
    shared_down: bool = False


@dataclass(frozen=True)
class Kind:
    """A registered kind: how to list its objects and how to turn one into a document."""

    name: str
    label: Any
    build: Callable[[Any], SearchDocument | None]
    queryset: Callable[[], QuerySet]

    @property
    def model(self) -> type[Model]:
        return self.queryset().model


_REGISTRY: dict[str, Kind] = {}


def register(
    kind: str,
    *,
    label: Any,
    build: Callable[[Any], SearchDocument | None],
    queryset: Callable[[], QuerySet],
) -> None:
    """Make ``kind`` searchable (call it from ``AppConfig.ready``).

    ``queryset()`` lists every object of the kind that belongs in the index (with the
    ``select_related``/``prefetch_related`` that ``build`` needs); ``build(obj)`` returns its
    ``SearchDocument`` (or ``None`` to leave it out). Registering a kind again replaces it.
    """
    if not kind or len(kind) > 40:
        raise ValueError(f"A search kind needs a name of 1 to 40 characters, not {kind!r}.")
    _REGISTRY[kind] = Kind(name=kind, label=label, build=build, queryset=queryset)


def kinds() -> list[Kind]:
    """The registered kinds, in the order they were registered."""
    return list(_REGISTRY.values())


def kind_label(kind: str) -> Any:
    spec = _REGISTRY.get(kind)
    return spec.label if spec else kind


@dataclass(frozen=True)
class UserScope:
    """The part of the index a user may read: see ``search``'s arguments of the same names."""

    allowed_units: QuerySet | Iterable[int] | None
    shared_units: QuerySet | Iterable[int] | None = None


ScopeFn = Callable[[Any], UserScope]
_SCOPE: list[ScopeFn] = []


def register_scope(scope_for_user: ScopeFn) -> None:
    """Say which units a user may search (call it from ``AppConfig.ready`` of the app that
    owns the permission policy). ``scope_for_user(user)`` returns a ``UserScope`` whose unit
    ids are a subquery the search holds inside its SQL. Registering again replaces it."""
    _SCOPE[:] = [scope_for_user]


def scope_for(user: Any) -> UserScope:
    """The registered scope of ``user``. Without one nobody may search: the search refuses
    to guess (a missing registration is a bug, not "everything")."""
    if not _SCOPE:
        raise ImproperlyConfigured("No app registered a search scope (dangbo.core.search.register_scope).")
    return _SCOPE[0](user)


# --- Text as the index sees it -----------------------------------------------------------


def words(text: str | None) -> list[str]:
    """The folded words of ``text``: runs of letters and digits ("05-CT/TW" → 05, ct, tw)."""
    return _WORD.findall(fold(text))


def number_key(number: str | None) -> str:
    """A document number without case, accents or punctuation: "05-CT/TW" → "05cttw"."""
    return "".join(words(number))


def _clean(text: str | None) -> str:
    # PostgreSQL refuses NUL characters in text.
    return (text or "").replace("\x00", "")


def entry_for(doc: SearchDocument) -> SearchEntry:
    """The (unsaved) index row of ``doc``. ``index`` and ``rebuild`` write these; a benchmark
    or a test may ``bulk_create`` them directly."""
    title, number, body = _clean(doc.title), _clean(doc.number)[:100], _clean(doc.body)
    key = number_key(number)[:100]
    number_words = words(number)
    number_text = " ".join([*number_words, key] if len(number_words) > 1 else number_words)
    return SearchEntry(
        kind=doc.kind,
        object_id=doc.object_id,
        unit_id=doc.unit_id,
        title=title,
        number=number,
        body=body,
        date=doc.date,
        url=_clean(doc.url)[:500],
        facets={str(k): v for k, v in doc.facets.items()},
        shared_down=bool(doc.shared_down),
        number_key=key,
        number_text=number_text,
        title_text=" ".join(words(title)),
        body_text=" ".join(words(body)),
    )


# --- Writing the index -------------------------------------------------------------------


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _checked(kind: str, doc: SearchDocument) -> SearchDocument:
    if doc.kind != kind:
        raise ValueError(f"The {kind!r} builder returned a {doc.kind!r} document.")
    return doc


def _concrete(model: type[Model]) -> type[Model]:
    return model._meta.concrete_model or model


def _kind_of_model(model: type[Model]) -> str:
    model = _concrete(model)
    names = [spec.name for spec in _REGISTRY.values() if _concrete(spec.model) is model]
    if len(names) != 1:
        found = ", ".join(names) or "none"
        raise LookupError(
            f"Cannot tell the search kind of {model.__name__} (registered: {found}); pass kind=."
        )
    return names[0]


_ENTRY_FIELDS = [
    f.name for f in SearchEntry._meta.concrete_fields if f.name not in {"id", "kind", "object_id"}
]


def _reindex(kind: str, ids: Sequence[int], batch_size: int = 500) -> int:
    """Write the entries of ``ids`` again; ids no longer in the kind's queryset drop out."""
    spec = _REGISTRY.get(kind)
    if spec is None:
        raise LookupError(f"No search kind {kind!r} is registered.")
    written = 0
    with transaction.atomic():
        for chunk in _chunks(sorted(set(ids)), batch_size):
            entries = []
            for obj in spec.queryset().filter(pk__in=chunk):
                doc = spec.build(obj)
                if doc is not None:
                    entries.append(entry_for(_checked(kind, doc)))
            SearchEntry.objects.filter(kind=kind, object_id__in=chunk).delete()
            # An update when another transaction indexed the same object meanwhile.
            SearchEntry.objects.bulk_create(
                entries,
                update_conflicts=True,
                unique_fields=["kind", "object_id"],
                update_fields=_ENTRY_FIELDS,
            )
            written += len(entries)
    return written


def index(obj_or_objs: Any, *, kind: str | None = None) -> None:
    """Write (or rewrite) the entries of one object, a list of objects or a queryset.

    Objects are read again through their kind's queryset, so an object that has left it
    (deleted, or no longer searchable) loses its entry. The kind is the one registered for
    the objects' model unless ``kind`` says otherwise.
    """
    if isinstance(obj_or_objs, QuerySet):
        ids = list(obj_or_objs.values_list("pk", flat=True))
        _reindex(kind or _kind_of_model(obj_or_objs.model), ids)
        return
    objs = [obj_or_objs] if isinstance(obj_or_objs, Model) else list(obj_or_objs)
    groups: dict[str, list[int]] = {}
    for obj in objs:
        name = kind or _kind_of_model(type(obj))
        groups.setdefault(name, []).append(obj.pk)
    for name, ids in groups.items():
        _reindex(name, ids)


def remove(kind: str, object_ids: Iterable[int]) -> None:
    """Drop the entries of deleted objects."""
    ids = sorted(set(object_ids))
    for chunk in _chunks(ids, 2000):
        SearchEntry.objects.filter(kind=kind, object_id__in=chunk).delete()


def rebuild(kinds: Iterable[str] | None = None, *, batch_size: int = 2000) -> int:
    """Write the index again for ``kinds`` (every registered kind by default); returns the
    number of entries written. A full rebuild also drops entries of kinds nobody registers."""
    names = list(_REGISTRY) if kinds is None else list(dict.fromkeys(kinds))
    unknown = [name for name in names if name not in _REGISTRY]
    if unknown:
        raise LookupError(f"No search kind {', '.join(map(repr, unknown))} is registered.")
    written = 0
    with transaction.atomic():
        if kinds is None:
            SearchEntry.objects.exclude(kind__in=names).delete()
        for name in names:
            spec = _REGISTRY[name]
            SearchEntry.objects.filter(kind=name).delete()
            batch: list[SearchEntry] = []
            for obj in spec.queryset().iterator(chunk_size=batch_size):
                doc = spec.build(obj)
                if doc is None:
                    continue
                batch.append(entry_for(_checked(name, doc)))
                if len(batch) >= batch_size:
                    SearchEntry.objects.bulk_create(batch)
                    written += len(batch)
                    batch = []
            SearchEntry.objects.bulk_create(batch)
            written += len(batch)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")  # noqa: S608
    return written


# --- Reading it ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    title: str
    number: str
    url: str
    date: dt.date | None
    snippet_html: SafeString  # escaped, with <mark>…</mark> on the matched words
    score: float
    facets: dict[str, Any]
    title_html: SafeString = field(default_factory=SafeString)  # escaped, matched words marked

    @property
    def kind_label(self) -> Any:
        return kind_label(self.kind)


@dataclass(frozen=True)
class SearchResults:
    items: list[Hit]
    #: The number of hits, or ``COUNT_CAP`` when there are more (then ``count_capped``).
    count: int
    count_capped: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """A user's query as words: every word must match; the last one may be unfinished.

    A one-character last word is whole, not a prefix: "phuong 1" is Phường 1. A one-letter
    last word after other words ("phat trien kinh t") is left out: as a prefix it would
    narrow nothing and make the index read the postings of thousands of words; as a word it
    would match nothing."""

    words: tuple[str, ...]
    prefix: bool  # whether the last word matches as a prefix
    key: str  # the query as a number key, for the number tiers

    @classmethod
    def parse(cls, q: str | None) -> ParsedQuery:
        found = [w[:MAX_WORD_CHARS] for w in words(_clean(q)[:MAX_QUERY_CHARS])]
        key = "".join(found)[:100]
        prefix = True
        if found and len(found[-1]) == 1:
            prefix = False  # "phuong 1" means Phường 1, not Phường 10 or 123
            if len(found) > 1 and not found[-1].isdigit():
                found = found[:-1]
        unique = tuple(dict.fromkeys(found))[:MAX_QUERY_WORDS]
        if unique and found[-1] != unique[-1] and found[-1] in unique:
            # The word typed last is the prefix, even when it was typed before too.
            unique = (*[w for w in unique if w != found[-1]], found[-1])
        return cls(words=unique, prefix=prefix, key=key)

    def __bool__(self) -> bool:
        return bool(self.words)

    def fts5(self, columns: Sequence[str] = ()) -> str:
        """An FTS5 query: quoted words (no operator can slip in), the last maybe a prefix."""
        *exact, last = self.words
        expr = " ".join([*(f'"{w}"' for w in exact), f'"{last}"' + ("*" if self.prefix else "")])
        return "{%s} : (%s)" % (" ".join(columns), expr) if columns else expr  # noqa: UP031

    def tsquery(self) -> str:
        """A ``to_tsquery`` text: quoted words joined by &, the last maybe a prefix."""
        *exact, last = self.words
        terms = [*(f"'{w}'" for w in exact), f"'{last}'" + (":*" if self.prefix else "")]
        return " & ".join(terms)


@lru_cache(maxsize=1)
def _letter_classes() -> dict[str, str]:
    """For each folded letter or digit, a regex class of every character that folds to it."""
    variants: dict[str, set[str]] = {c: {c, c.upper()} for c in string.ascii_lowercase + string.digits}
    for start, end in ((0x00C0, 0x02AF), (0x1E00, 0x1EFF)):
        for code in range(start, end + 1):
            char = chr(code)
            folded = fold(char)
            if len(folded) == 1 and folded in variants:
                variants[folded].add(char)
    return {c: "[" + "".join(sorted(re.escape(v) for v in chars)) + "]" for c, chars in variants.items()}


_MARKS = "[\u0300-\u036f]*"  # combining accents of decomposed text
_REST_OF_WORD = "(?:[^\\W_]|[\u0300-\u036f])*"


@lru_cache(maxsize=256)
def _highlighter(query_words: tuple[str, ...], prefix: bool = True) -> re.Pattern[str]:
    """A regex finding the query's words in the original text, whatever its accents."""
    classes = _letter_classes()
    alternatives = []
    for position, word in enumerate(query_words):
        letters = "".join((classes.get(c) or re.escape(c)) + _MARKS for c in word)
        rest = _REST_OF_WORD if prefix and position == len(query_words) - 1 else ""
        alternatives.append(letters + rest)
    # Longest first, so a longer word wins over a word it starts with.
    alternatives.sort(key=len, reverse=True)
    return re.compile(
        "(?<![^\\W_])(?:" + "|".join(alternatives) + ")(?![^\\W_])", re.IGNORECASE
    )


def _mark(text: str, pattern: re.Pattern[str]) -> SafeString:
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


def _window(text: str, start: int) -> tuple[str, bool, bool]:
    """About ``SNIPPET_LENGTH`` characters of ``text`` from near ``start``, cut at spaces."""
    begin = max(0, start - SNIPPET_BEFORE)
    if begin > 0:
        space = text.find(" ", begin, start)
        begin = space + 1 if space != -1 else begin
    end = min(len(text), begin + SNIPPET_LENGTH)
    if end < len(text):
        space = text.rfind(" ", max(start, begin), end)
        end = space if space != -1 else end
    return text[begin:end].strip(), begin > 0, end < len(text)


def snippet(
    title: str, body: str, query_words: tuple[str, ...], prefix: bool = True
) -> tuple[SafeString, SafeString]:
    """(title, snippet) as safe HTML with the matched words marked.

    The snippet is the part of the body around the first match; the start of the body when
    the body does not match; the title when there is no body."""
    pattern = _highlighter(query_words, prefix)
    title_html = _mark(title, pattern)
    if not body:
        return title_html, title_html
    match = pattern.search(body)
    text, cut_before, cut_after = _window(body, match.start() if match else 0)
    inner = _mark(text, pattern) if match else escape(text)
    html = ("… " if cut_before else "") + inner + (" …" if cut_after else "")
    return title_html, mark_safe(html)  # noqa: S308 - built from escaped pieces


#: On PostgreSQL, a scope holding at most this many entries is searched entry by entry.
NARROW_SCOPE = 10_000
#: On PostgreSQL, a scope of at most this many units is written into the search's SQL as a
#: list of ids (read by the statement that sizes the scope); a larger one stays a subquery.
LISTED_UNITS = 5_000


@dataclass(frozen=True)
class _Scope:
    """The permission filter as SQL on ``e.unit_id``, and how PostgreSQL should use it."""

    sql: str = ""  # no condition: everything
    params: tuple[Any, ...] = ()
    # PostgreSQL: walk the scope's entries through the unit index and test the words on each
    # one, rather than take every hit of the full-text index and keep those in scope.
    narrow: bool = False


def _units_subquery(allowed_units: QuerySet) -> tuple[str, list[Any]]:
    units = allowed_units.order_by()
    if len(units.query.values_select) != 1:
        units = units.values("pk")
    sql, params = units.query.get_compiler(connection=connection).as_sql()
    return sql, list(params)


def _id_array(ids: Iterable[int]) -> str:
    """A constant ``bigint[]`` of ``ids``, sorted (integers only: nothing else reaches the SQL)."""
    return "'{%s}'::bigint[]" % ",".join(map(str, sorted({int(pk) for pk in ids})))  # noqa: UP031


def _unit_condition(units: Any, form: str) -> tuple[str, tuple[Any, ...]]:
    """``e.unit_id`` among ``units`` (a queryset of ids, or ids), written in one of five
    forms: ``in`` (plain), ``array`` (PostgreSQL: evaluated once, then through the unit
    index), ``hash`` (PostgreSQL: a hash of the units, never the unit index), and for ids
    only ``listed`` (PostgreSQL: a constant array, through the unit index) and
    ``listed-hash`` (PostgreSQL: a constant array, hashed, never the unit index)."""
    # SQLite: "+" keeps the unit out of the index lookup that joins each full-text hit to its
    # row (by id), else it probes the index once per hit and per unit.
    column = {"hash": "(e.unit_id + 0)", "in": "e.unit_id"}.get(form, "e.unit_id")
    if connection.vendor == "sqlite":
        column = "+e.unit_id"
    if isinstance(units, QuerySet):
        sql, params = _units_subquery(units)
        if form == "array":
            return f"e.unit_id = ANY(ARRAY({sql}))", tuple(params)
        return f"{column} IN ({sql})", tuple(params)
    ids = tuple(int(pk) for pk in units)
    if form in ("listed", "listed-hash"):
        column = "(e.unit_id + 0)" if form == "listed-hash" else "e.unit_id"
        return f"{column} = ANY({_id_array(ids)})", ()
    if not ids:
        return "1 = 0", ()
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids


def _scope(allowed_units: Any, shared_units: Any = None) -> _Scope:
    """The entries of ``allowed_units``, and the shared-down entries of ``shared_units``.

    On PostgreSQL the best plan depends on how many entries the units hold, which the planner
    cannot know from a subquery: a ward's few hundred entries are best tested one by one
    (the full-text index would hand over every hit of a common word in the whole province);
    a province's are best taken from the full-text index and kept when their unit is in a
    hash of the units. A count that stops at ``NARROW_SCOPE`` (a few milliseconds) decides.

    The same statement reads the units' ids (up to ``LISTED_UNITS``), which the search then
    holds as constants. Given a subquery, the planner cannot tell how many hits a word has
    (the big vector has no statistics, on purpose: see migration ``core.0003``), guesses a
    handful, and builds its hash from the hits rather than from the units: for the 98,000
    hits of a common word in a province, a hash of 98,000 wide rows spilled to disk, 70 ms.
    Given constants, it keeps the hits streaming through a hash of the ids."""
    if allowed_units is None:
        return _Scope()

    def condition(own: Any, shared: Any, form: str) -> tuple[str, tuple[Any, ...]]:
        own_sql, own_params = _unit_condition(own, form)
        if shared is None:
            return own_sql, own_params
        shared_sql, shared_params = _unit_condition(shared, form)
        return f"({own_sql} OR (e.shared_down AND {shared_sql}))", own_params + shared_params

    subqueries = isinstance(allowed_units, QuerySet) or isinstance(shared_units, QuerySet)
    if connection.vendor != "postgresql" or not subqueries:
        return _Scope(*condition(allowed_units, shared_units, "in"))

    def listed(units: Any) -> tuple[str, list[Any]]:
        if isinstance(units, QuerySet):
            sql, params = _units_subquery(units)
            array = f"ARRAY(SELECT * FROM ({sql}) units LIMIT %s)"  # noqa: S608
            return array, [*params, LISTED_UNITS + 1]
        return _id_array([int(pk) for pk in units]), []

    own_sql, own_params = listed(allowed_units)
    shared_sql, shared_params = listed(shared_units) if shared_units is not None else ("NULL", [])
    sql, params = condition(allowed_units, shared_units, "array")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {own_sql}, {shared_sql}, (SELECT COUNT(*) FROM"  # noqa: S608
            f" (SELECT 1 FROM core_searchentry e WHERE {sql} LIMIT %s) scope)",
            [*own_params, *shared_params, *params, NARROW_SCOPE + 1],
        )
        own_ids, shared_ids, in_scope = cursor.fetchone()
    narrow = int(in_scope) <= NARROW_SCOPE
    if len(own_ids) <= LISTED_UNITS and (shared_ids is None or len(shared_ids) <= LISTED_UNITS):
        form = "listed" if narrow else "listed-hash"
        return _Scope(*condition(own_ids, shared_ids, form), narrow=narrow)
    if narrow:
        return _Scope(sql, params, narrow=True)
    return _Scope(*condition(allowed_units, shared_units, "hash"))


def _filters(
    *,
    scope: _Scope,
    kinds: Sequence[str] | None,
    facets: dict | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if scope.sql:
        where.append(scope.sql)
        params += scope.params
    if kinds:
        names = [_clean(str(k)) for k in kinds]
        where.append(f"e.kind IN ({', '.join(['%s'] * len(names))})")
        params += names
    for key, value in (facets or {}).items():
        if value is None or value == "":
            continue
        if not _FACET_KEY.match(str(key)):
            raise ValueError(f"Not a facet name: {key!r}")
        # A facet holds a value or a list of values; compared as text.
        if connection.vendor == "postgresql":
            where.append(
                "EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE jsonb_typeof(e.facets -> %s)"
                " WHEN 'array' THEN e.facets -> %s ELSE jsonb_build_array(e.facets -> %s) END)"
                " facet WHERE facet = %s)"
            )
            params += [str(key), str(key), str(key), _clean(str(value))]
        else:
            where.append(
                "EXISTS (SELECT 1 FROM json_each(e.facets, %s) facet"
                " WHERE CAST(facet.value AS TEXT) = %s)"
            )
            params += [f"$.{key}", _clean(str(value))]
    if date_from is not None:
        where.append("e.date >= %s")
        params.append(date_from)
    if date_to is not None:
        where.append("e.date <= %s")
        params.append(date_to)
    return where, params


_ORDER = "tier, rank, date DESC NULLS LAST, id DESC"
_COLUMNS = "e.id, e.kind, e.object_id, e.title, e.number, e.body, e.url, e.date, e.facets"


def _sql(
    query: ParsedQuery,
    where: list[str],
    params: list[Any],
    limit: int,
    offset: int,
    *,
    narrow: bool = False,
) -> tuple[str, list[Any], str, list[Any]]:
    """The statement that finds, filters, ranks, counts and pages the hits, and the one that
    only counts them (for a page past the end).

    ``matched`` ranks every hit by (tier, rank) with rank ascending; ``page`` keeps one page;
    only the page's rows are read in full (titles and bodies). The total is counted up to
    ``COUNT_CAP + 1`` hits by a subquery that stops there: counting every hit of a common
    word (a window ``COUNT(*) OVER ()`` held all 98,000 ranked hits of a province, spilled to
    disk) cost more than ranking them. A narrow scope still counts with the window (see
    below). The SQL is put together from constants, placeholders and integer ids only:
    every value is a parameter (hence the ``noqa: S608``)."""
    tier_params: list[Any] = [query.key, query.key + "%"]
    extra = "".join(f" AND {condition}" for condition in where)
    if connection.vendor == "postgresql":
        # Inlined wherever it is read: the count reads the hits again, through the index,
        # and stops at the cap; it never computes the ranks.
        materialized = "NOT MATERIALIZED"
        # The function rather than its operator @@ keeps the full-text index out of a narrow
        # scope's plan (see _scope).
        words_match = "ts_match_vq(e.search_vector, {})" if narrow else "e.search_vector @@ {}"
        matched = f"""
            SELECT e.id AS id,
                   CASE WHEN e.number_key = %s THEN 0
                        WHEN e.number_key LIKE %s THEN 1
                        WHEN e.head_vector @@ q.words THEN 2
                        ELSE 3 END AS tier,
                   -ts_rank(e.head_vector, q.words) AS rank,
                   e.date AS date
            FROM core_searchentry e,
                 (SELECT to_tsquery('simple', %s) AS words) q
            WHERE {words_match.format("q.words")} {extra}
        """  # noqa: S608
        matched_params = [*tier_params, query.tsquery(), *params]
        hits_sql = f"""SELECT 1 FROM core_searchentry e
            WHERE {words_match.format("to_tsquery('simple', %s)")} {extra}"""  # noqa: S608
        hits_params = [query.tsquery(), *params]
    elif connection.vendor == "sqlite":
        # bm25() only works while the FTS table is scanned: materialise the hits first (the
        # count then reads them there). Each hit finds its row through the narrow join index
        # (migration 0006): without fresh statistics SQLite would read the wide row instead,
        # three times slower.
        materialized = "MATERIALIZED"
        matched = f"""
            SELECT e.id AS id,
                   CASE WHEN e.number_key = %s THEN 0
                        WHEN e.number_key LIKE %s THEN 1
                        WHEN e.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)
                             THEN 2
                        ELSE 3 END AS tier,
                   bm25({FTS_TABLE}, 10.0, 4.0, 1.0) AS rank,
                   e.date AS date
            FROM {FTS_TABLE} JOIN core_searchentry e INDEXED BY core_searchentry_fts_join
                 ON e.id = {FTS_TABLE}.rowid
            WHERE {FTS_TABLE} MATCH %s {extra}
        """  # noqa: S608
        matched_params = [*tier_params, query.fts5(("number_text", "title_text")), query.fts5(), *params]
        hits_sql = f"""SELECT 1 FROM {FTS_TABLE}
            JOIN core_searchentry e INDEXED BY core_searchentry_fts_join ON e.id = {FTS_TABLE}.rowid
            WHERE {FTS_TABLE} MATCH %s {extra}"""  # noqa: S608
        hits_params = [query.fts5(), *params]
    else:  # pragma: no cover
        raise NotImplementedError(f"Search does not support {connection.vendor}.")
    if narrow:
        # A narrow scope (at most NARROW_SCOPE entries) is walked once, testing the words on
        # each entry: counting its hits again would walk it twice. Its hits are few: count
        # them all along the ranking, and cap the count afterwards.
        window, total, count_params = ", COUNT(*) OVER () AS total", "page.total", []
    else:
        window, total = "", "(SELECT COUNT(*) FROM (SELECT 1 FROM matched LIMIT %s) capped)"
        count_params = [COUNT_CAP + 1]
    sql = f"""
        WITH matched AS {materialized} ({matched}),
        page AS (
            SELECT id, tier, rank, date{window}
            FROM matched ORDER BY {_ORDER} LIMIT %s OFFSET %s
        )
        SELECT {_COLUMNS}, page.tier, page.rank, {total} AS total
        FROM page JOIN core_searchentry e ON e.id = page.id
        ORDER BY page.tier, page.rank, page.date DESC NULLS LAST, page.id DESC
    """  # noqa: S608
    count_sql = f"SELECT COUNT(*) FROM ({hits_sql} LIMIT %s) capped"  # noqa: S608
    return (
        sql,
        [*matched_params, limit, offset, *count_params],
        count_sql,
        [*hits_params, COUNT_CAP + 1],
    )


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _as_facets(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    try:
        loaded = json.loads(value) if value else {}
    except (TypeError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def search(
    q: str,
    *,
    allowed_units: QuerySet | Iterable[int] | None,
    shared_units: QuerySet | Iterable[int] | None = None,
    kinds: Sequence[str] | None = None,
    facets: dict | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """The entries matching ``q`` among the units in ``allowed_units``, best first.

    ``allowed_units`` is a queryset of the unit ids the user may see
    (``Unit.objects.filter(scope_q(user)).values("pk")``), applied as a subquery inside the
    search's SQL; ``None`` means everything, including entries that belong to no unit.
    ``shared_units`` (the units above the user's, usually) adds their ``shared_down`` entries.
    ``facets`` keeps entries whose facet has that value (compared as text). One SQL
    statement, whatever the number of hits (on PostgreSQL a tiny one before it sizes the
    scope; another counts the hits only for a page past the end).

    The count is exact up to ``COUNT_CAP``; past it, it is ``COUNT_CAP`` with
    ``count_capped``. Every hit is still ranked: any page, within the cap or past it, is in
    the order of relevance. Snippets are made for the page's hits only.
    """
    query = ParsedQuery.parse(q)
    if not query:
        return SearchResults(items=[], count=0)
    limit = max(0, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    scope = _scope(allowed_units, shared_units)
    where, params = _filters(
        scope=scope, kinds=kinds, facets=facets, date_from=date_from, date_to=date_to
    )
    sql, sql_params, count_sql, count_params = _sql(
        query, where, params, limit, offset, narrow=scope.narrow
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, sql_params)
        rows = cursor.fetchall()
        if rows:
            count = int(rows[0][-1])
        elif offset == 0 and limit > 0:
            count = 0
        else:
            cursor.execute(count_sql, count_params)
            count = int(cursor.fetchone()[0])
    items = []
    for _id, kind, object_id, title, number, body, url, date, facet_data, _tier, rank, _n in rows:
        title_html, snippet_html = snippet(title, body, query.words, query.prefix)
        items.append(
            Hit(
                kind=kind,
                object_id=int(object_id),
                title=title,
                number=number,
                url=url,
                date=_as_date(date),
                snippet_html=snippet_html,
                score=-float(rank or 0),
                facets=_as_facets(facet_data),
                title_html=title_html,
            )
        )
    capped = count > COUNT_CAP
    return SearchResults(items=items, count=min(count, COUNT_CAP), count_capped=capped)


def search_for_user(user: Any, q: str, **kwargs: Any) -> SearchResults:
    """``search`` within what ``user`` may see (the registered scope, inside the query): the
    entries of the units the user may see, and the shared-down entries of the units above."""
    scope = scope_for(user)
    return search(q, allowed_units=scope.allowed_units, shared_units=scope.shared_units, **kwargs)
