"""Reads of the document register. Every list is filtered by the one policy (``policy.py``)
inside its query; every object is fetched through ``policy.get_for_user``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from dangbo.core import policy, search
from dangbo.core.policy import Action
from dangbo.orgs.models import Term, Unit

from .models import (
    Document,
    DocumentCitation,
    DocumentFile,
    DocumentRelation,
    DocumentType,
    Field,
    Issuer,
    StudyMaterial,
    StudySession,
    normalize_number,
)
from .policy import audience_q, may_name, nameable_q

MAX_LINEAGE_DEPTH = 8

SORTS = {
    "date": ("date", "id"),
    "-date": ("-date", "-id"),
    "number": ("type_abbr", "number", "id"),
    "-number": ("-type_abbr", "-number", "-id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "type": ("type__sort_order", "-date", "-id"),
    "-type": ("-type__sort_order", "-date", "-id"),
}


def get_document_for_user(user, pk: int, action: Action | str = Action.VIEW) -> Document:
    """Not visible → 404; visible but ``action`` not allowed → 403."""
    documents = Document.objects.select_related(
        "unit", "type", "issuer", "issuing_unit", "term", "signer_person", "created_by"
    )
    return policy.get_for_user(user, documents, pk, action)


@dataclass
class DocumentFilters:
    q: str = ""
    type: str = ""  # type abbreviation
    issuer: str = ""  # "i<id>" (catalogue issuer) or "u<id>" (issuing unit) or an abbreviation
    term: str = ""  # term code
    field: str = ""  # field code
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    unit: int | None = None  # registering unit (and below)
    sort: str = ""  # a key of SORTS; empty: best match first with q, else newest first
    ids: list[int] | None = None


def document_list(*, user, filters: DocumentFilters | None = None) -> QuerySet[Document]:
    """The register as the user may see it, filtered and sorted."""
    f = filters or DocumentFilters()
    documents = policy.visible(user, Document).select_related("type", "unit", "issuer", "issuing_unit")
    if f.ids is not None:
        documents = documents.filter(pk__in=f.ids)
    if f.type:
        documents = documents.filter(Q(type__abbr=f.type) | Q(type_abbr=f.type))
    if f.issuer:
        if f.issuer[:1] == "i" and f.issuer[1:].isdigit():
            documents = documents.filter(issuer_id=int(f.issuer[1:]))
        elif f.issuer[:1] == "u" and f.issuer[1:].isdigit():
            documents = documents.filter(issuing_unit_id=int(f.issuer[1:]))
        else:
            documents = documents.filter(issuer_abbr=f.issuer)
    if f.term:
        documents = documents.filter(term_code=f.term)
    if f.field:
        documents = documents.filter(fields__code=f.field)
    if f.status:
        documents = documents.filter(status=f.status)
    if f.date_from:
        documents = documents.filter(date__gte=f.date_from)
    if f.date_to:
        documents = documents.filter(date__lte=f.date_to)
    if f.unit:
        unit = Unit.objects.filter(pk=f.unit).only("path").first()
        documents = documents.filter(unit__path__startswith=unit.path) if unit else documents.none()
    if f.ids is not None and f.sort not in SORTS:
        # Best match first, as the search ranked them.
        rank = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(f.ids)], default=Value(len(f.ids)))
        return documents.order_by(rank, "-date", "-id") if f.ids else documents
    return documents.order_by(*SORTS.get(f.sort, SORTS["-date"]))


def with_fields(documents) -> QuerySet[Document]:
    return documents.prefetch_related(Prefetch("fields", queryset=Field.objects.order_by("sort_order")))


def filter_choices() -> dict:
    """The choices of the register's filters (catalogues: a fixed number of queries)."""
    return {
        "types": list(DocumentType.objects.all()),
        "issuers": [(f"i{i.pk}", i.name) for i in Issuer.objects.all()],
        "fields": list(Field.objects.all()),
        "terms": sorted(
            set(Term.objects.values_list("code", flat=True).distinct()), reverse=True
        ),
        "statuses": Document.Status.choices,
    }


# --- Catalogue look-ups (the same for everyone: not scoped) ------------------------------


def find_document_type(*, abbr: str, name: str = "") -> DocumentType | None:
    """The catalogue type written ``abbr`` (CT, NQ…), else the one named ``name``."""
    found = DocumentType.objects.filter(abbr=abbr).first() if abbr else None
    if found is None and name:
        found = DocumentType.objects.filter(name__iexact=name).first()
    return found


def find_issuer(*, name: str = "", abbr: str = "") -> Issuer | None:
    """The catalogue issuer named ``name``, else the only one written ``abbr`` (none when
    several share the abbreviation: TU is every province's committee)."""
    found = Issuer.objects.filter(name__iexact=name).first() if name else None
    if found is None and abbr:
        matches = list(Issuer.objects.filter(abbr=abbr)[:2])
        found = matches[0] if len(matches) == 1 else None
    return found


def find_duplicate(
    *, type_abbr: str, number: str, issuer_key: str, numbering: str, exclude_pk: int | None = None
) -> Document | None:
    return (
        Document.objects.filter(
            type_abbr=type_abbr, number=number, issuer_key=issuer_key, numbering=numbering
        )
        .exclude(pk=exclude_pk or 0)
        .select_related("unit")
        .first()
    )


def next_number(*, issuing_unit: Unit, type_abbr: str, term_code: str) -> str:
    """The next free number of a type in the issuing unit's term (``"133"`` after 132),
    counted over every document of that numbering, seen or not: a number is free or not."""
    numbers = Document.objects.filter(
        Q(issuing_unit=issuing_unit) | Q(issuer__unit=issuing_unit),
        type_abbr=type_abbr, numbering=f"t:{term_code}",
    ).values_list("number", flat=True)
    highest = max((int(n) for n in numbers if n.isdigit()), default=0)
    return normalize_number(str(highest + 1))


def document_files(*, document: Document) -> QuerySet[DocumentFile]:
    return document.files.defer("text").select_related("uploaded_by")


def get_document_file(user, *, document_pk: int, pk: int) -> DocumentFile:
    """One file of a document, fetched through the document's visibility (404 when the
    document is not visible or the file is another's)."""
    files = DocumentFile.objects.filter(document_id=document_pk).select_related("document__unit")
    return policy.get_for_user(user, files.defer("text"), pk)


def document_work_fields(*, document: Document) -> list[Field]:
    """The fields (lĩnh vực) a document is filed under."""
    return list(document.fields.all())


def get_document_relation(
    user, *, document_pk: int, pk: int, action: Action | str = Action.VIEW
) -> DocumentRelation:
    """One relation out of a document, fetched through the document's visibility (404 when
    the document is not visible or the relation is another's; 403 without ``action``)."""
    relations = DocumentRelation.objects.filter(from_document_id=document_pk).select_related(
        "from_document__unit", "to_document"
    )
    return policy.get_for_user(user, relations, pk, action)


def visible_document_ids(*, user, ids) -> set[int]:
    """Which of ``ids`` the user may open (one query)."""
    return set(policy.visible(user, Document).filter(pk__in=ids).values_list("pk", flat=True))


def document_relations(*, user, document: Document) -> dict[str, list[tuple[DocumentRelation, bool]]]:
    """Relations out of and into the document, each with whether the user may open the
    other document; three queries whatever the count."""
    outgoing = list(
        DocumentRelation.objects.filter(from_document=document).select_related(
            "to_document", "to_document__type"
        )
    )
    incoming = list(
        DocumentRelation.objects.filter(to_document=document).select_related(
            "from_document", "from_document__type"
        )
    )
    other_ids = {r.to_document_id for r in outgoing} | {r.from_document_id for r in incoming}
    visible = visible_document_ids(user=user, ids=other_ids)
    return {
        "outgoing": [(r, r.to_document_id in visible) for r in outgoing],
        "incoming": [(r, r.from_document_id in visible) for r in incoming],
    }


def document_citations(*, user, document: Document) -> list[tuple[DocumentCitation, bool]]:
    citations = list(document.citations.select_related("target"))
    targets = {c.target_id for c in citations if c.target_id}
    visible = visible_document_ids(user=user, ids=targets)
    return [(c, c.target_id in visible) for c in citations]



# --- Lineage ----------------------------------------------------------------------------


@dataclass
class LineageNode:
    document: Document
    depth: int
    children: list[LineageNode]


_CTE = """
WITH RECURSIVE walk(node, other, depth) AS (
    SELECT {near}, {far}, 1 FROM documents_documentrelation
     WHERE {far} = %s AND kind = %s
    UNION
    SELECT r.{near}, r.{far}, w.depth + 1 FROM documents_documentrelation r
      JOIN walk w ON r.{far} = w.node
     WHERE r.kind = %s AND w.depth < %s
)
SELECT node, other, MIN(depth) FROM walk GROUP BY node, other
"""


def _edges(root_pk: int, *, down: bool, depth: int) -> list[tuple[int, int, int]]:
    """Edges (node, its parent in the walk, depth) reachable from ``root_pk``: one query."""
    near, far = ("from_document_id", "to_document_id") if down else ("to_document_id", "from_document_id")
    sql = _CTE.format(near=near, far=far)
    kind = DocumentRelation.Kind.IMPLEMENTS
    with connection.cursor() as cursor:
        cursor.execute(sql, [root_pk, kind, kind, depth])
        return [(int(a), int(b), int(d)) for a, b, d in cursor.fetchall()]


def _tree(root: Document, edges, documents: dict[int, Document]) -> tuple[list[LineageNode], int]:
    children_of: dict[int, list[int]] = {}
    for node, parent, _depth in edges:
        children_of.setdefault(parent, []).append(node)
    hidden: set[int] = set()
    seen = {root.pk}

    def build(pk: int, depth: int) -> list[LineageNode]:
        nodes = []
        kids = sorted(
            children_of.get(pk, []),
            key=lambda k: (documents[k].date, documents[k].pk) if k in documents else (dt.date.min, k),
        )
        for kid in kids:
            if kid in seen:
                continue
            seen.add(kid)
            if kid not in documents:
                hidden.add(kid)
                continue
            nodes.append(LineageNode(documents[kid], depth, build(kid, depth + 1)))
        return nodes

    return build(root.pk, 1), len(hidden)


def document_lineage(*, user, document: Document, depth: int = MAX_LINEAGE_DEPTH) -> dict:
    """What the document implements (up) and what implements it (down), as trees.

    Three queries whatever the size: one recursive walk each way and one fetch of the
    visible documents. Documents the user may not see are left out with their branches."""
    up = _edges(document.pk, down=False, depth=depth)
    down = _edges(document.pk, down=True, depth=depth)
    ids = {n for n, _p, _d in up} | {n for n, _p, _d in down}
    documents = {
        d.pk: d
        for d in policy.visible(user, Document)
        .filter(pk__in=ids)
        .select_related("type", "unit", "issuer", "issuing_unit")
    }
    up_tree, up_hidden = _tree(document, up, documents)
    down_tree, down_hidden = _tree(document, down, documents)
    return {"up": up_tree, "down": down_tree, "hidden": up_hidden + down_hidden}


# --- Helpers of the forms and the search ------------------------------------------------


def search_ids(*, user, q: str, limit: int = search.MAX_LIMIT) -> list[int]:
    """Ids of the best matches for ``q`` (at most the search's page limit), best first.

    The shared search keeps the documents of the user's units and the ``shared_down`` ones
    of the units above them (the entries carry the flag; after upgrading, run
    ``rebuild_search_index`` once); the register's selector applies the full rule again."""
    if policy.is_everything(user):
        allowed, shared = None, None
    else:
        allowed = policy.visible(user, Unit).values("pk")
        above = policy.above_paths(user)
        shared = Unit.objects.filter(path__in=above).values("pk") if above else None
    hits = search.search(q, allowed_units=allowed, shared_units=shared, kinds=["document"], limit=limit)
    return [hit.object_id for hit in hits.items]


def issuing_unit_choices(*, user) -> QuerySet[Unit]:
    """Units that can be named as the issuer: the visible ones (but cells the user does not
    manage) and those above them."""
    units = Unit.objects.filter(
        (policy.scope(user, Unit) & ~Q(kind__holds_members=True))
        | Q(path__in=policy.above_paths(user))
        | policy.scope(user, Unit, Action.CHANGE)
    ).active()
    return units.select_related("kind")


def term_choices(*, user) -> QuerySet[Term]:
    """Terms of the units the user may name on a document."""
    return (
        Term.objects.filter(nameable_q(user, "unit__"))
        .select_related("unit")
        .order_by("-start", "unit__path")
    )


def find_by_symbol(*, user, text: str, year: int | None = None) -> Document | str:
    """The visible document written ``text`` (``05-CT/TW``), or a message saying why not."""
    from django.utils.translation import gettext as _

    from . import citing

    compact = "".join(text.split())
    documents = policy.visible(user, Document).select_related("unit")
    candidates = documents.filter(symbol__iexact=compact)
    if not candidates.exists():
        try:
            found = citing.find(text)
        except ImportError:
            found = []
        if found:
            c = found[0]
            candidates = documents.filter(number=c.number, type_abbr=c.type_abbr)
            if c.issuer_abbr:
                candidates = candidates.filter(issuer_abbr=c.issuer_abbr)
    if year:
        candidates = candidates.filter(year=year)
    rows = list(candidates.order_by("-date")[:5])
    if not rows:
        return _("No document you may see is registered as %(text)s.") % {"text": text}
    if len(rows) > 1:
        years = ", ".join(str(d.year) for d in rows)
        return _("Several documents are registered as %(text)s (%(years)s): give the year.") % {
            "text": text, "years": years,
        }
    return rows[0]


# --- Term statistics --------------------------------------------------------------------

TERM_CODE = re.compile(r"^(\d{4})-(\d{4})$")


def parse_term(code: str) -> tuple[int, int] | None:
    """``"2015-2020"`` → ``(2015, 2020)``; anything else (or an end before the start) → None."""
    match = TERM_CODE.match((code or "").strip())
    if not match:
        return None
    start, end = int(match.group(1)), int(match.group(2))
    if not 1900 <= start < end <= start + 10:
        return None
    return start, end


def get_issuer_unit_for_user(user, pk: int) -> Unit:
    """A unit whose issued documents the user may count: one the user may name (one the user
    sees, or one above the user's units: their documents reach the user when shared down).
    Otherwise 404."""
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None or not may_name(user, unit.path):
        raise Http404
    return unit


@dataclass
class TypeCount:
    type: DocumentType
    count: int


@dataclass
class TermStats:
    term: str
    issuer: Unit
    counts: list[TypeCount]
    total: int
    sentence: str


#: The report sentence. Vietnamese by nature (the counts read with the types' Vietnamese
#: report names, which are data); the wording follows the committee's own review.
SENTENCE = "Nhiệm kỳ {term}, BCH {issuer} đã ban hành {items}."
SENTENCE_NONE = "Nhiệm kỳ {term}, BCH {issuer} chưa có văn bản nào được đăng ký."


def stats_sentence(*, term: str, issuer: Unit, counts: list[TypeCount]) -> str:
    """``Nhiệm kỳ 2015 - 2020, BCH … đã ban hành 2 nghị quyết, 11 chỉ thị, …, 8 quy chế.``

    Types with no document are left out; the items are joined with commas, the last one
    too (as the review writes it: "…, 132 kế hoạch, 8 quy chế")."""
    shown_term = term.replace("-", " - ")
    items = [f"{c.count} {c.type.counted_name}" for c in counts if c.count]
    if not items:
        return SENTENCE_NONE.format(term=shown_term, issuer=issuer.name)
    return SENTENCE.format(term=shown_term, issuer=issuer.name, items=", ".join(items))


def term_stats(*, user, term: str, issuer: Unit) -> TermStats:
    """Counts by type of the documents ``issuer`` issued in ``term`` that the user may see.

    Two queries whatever the data: the counts (grouped in the database) and the types."""
    from django.db.models import Count

    rows = dict(
        policy.visible(user, Document).filter(issuing_unit=issuer, term_code=term)
        .order_by()
        .values("type_id")
        .annotate(n=Count("id"))
        .values_list("type_id", "n")
    )
    types = DocumentType.objects.filter(pk__in=list(rows)).order_by("sentence_order", "sort_order", "name")
    counts = [TypeCount(t, rows[t.pk]) for t in types]
    return TermStats(
        term=term, issuer=issuer, counts=counts, total=sum(c.count for c in counts),
        sentence=stats_sentence(term=term, issuer=issuer, counts=counts),
    )


def stats_choices(*, user) -> dict:
    """The term codes and issuing units the statistics page offers (two queries)."""
    units = list(issuing_unit_choices(user=user).order_by("depth", "path")[:500])
    terms = sorted(
        set(term_choices(user=user).values_list("code", flat=True)), reverse=True
    )
    return {"units": units, "terms": [t for t in terms if parse_term(t)]}


# --- Study and dissemination ------------------------------------------------------------


def get_study_for_user(user, pk: int, action: Action | str = Action.VIEW) -> StudySession:
    """Not visible → 404; visible but ``action`` not allowed on the organiser → 403."""
    return policy.get_for_user(user, StudySession.objects.select_related("unit"), pk, action)


def get_required_unit(*, session, pk: int) -> Unit:
    """One of the units a session requires (404 when it is not among them)."""
    return get_object_or_404(session.required_units.all(), pk=pk)


def study_documents(*, user, session) -> list[tuple[Document, bool]]:
    """The documents a session studied, oldest first, each with whether the user may open
    it (two queries)."""
    documents = list(session.documents.select_related("type").order_by("date", "pk"))
    visible = visible_document_ids(user=user, ids=[d.pk for d in documents])
    return [(d, d.pk in visible) for d in documents]


def study_materials(*, session):
    return session.materials.select_related("uploaded_by")


def get_study_material(user, *, session_pk: int, pk: int) -> StudyMaterial:
    """One material of a session, fetched through the session's visibility (404 when the
    session is not visible or the material is another's)."""
    materials = StudyMaterial.objects.filter(session_id=session_pk).select_related("session__unit")
    return policy.get_for_user(user, materials, pk)


def study_list(*, user, document: Document | None = None):
    """Visible sessions, newest first, with their attendance figures (fixed queries)."""
    from django.db.models import Count

    sessions = policy.visible(user, StudySession)
    if document is not None:
        sessions = sessions.filter(documents=document)
    return (
        sessions.select_related("unit")
        .annotate(
            expected=Count("attendance", distinct=True),
            present=Count("attendance", filter=Q(attendance__attended=True), distinct=True),
        )
        .prefetch_related(Prefetch("documents", queryset=Document.objects.only("id", "symbol", "title", "unit_id")))
        .order_by("-date", "-id")
    )


@dataclass
class Completion:
    label: str
    expected: int
    present: int
    unit: Unit | None = None
    document: Document | None = None
    visible: bool = True

    @property
    def percent(self) -> int:
        return round(100 * self.present / self.expected) if self.expected else 0


def session_completion(*, session) -> list[Completion]:
    """Per required unit: members expected and present (two queries)."""
    from django.db.models import Count

    from .models import StudyAttendance

    rows = (
        StudyAttendance.objects.filter(session=session).order_by().values("required_unit_id")
        .annotate(expected=Count("id"), present=Count("id", filter=Q(attended=True)))
    )
    figures = {r["required_unit_id"]: r for r in rows}
    out = []
    for unit in session.required_units.order_by("path"):
        r = figures.get(unit.pk, {"expected": 0, "present": 0})
        out.append(Completion(unit.name, r["expected"], r["present"], unit=unit))
    return out


def document_completion(*, user, document: Document) -> list[Completion]:
    """Per unit required to study ``document``: its members and how many attended at least
    one session on it (sessions the user may see). Two queries."""
    from django.db.models import Count

    from .models import StudyAttendance

    sessions = policy.visible(user, StudySession).filter(documents=document).values("pk")
    rows = (
        StudyAttendance.objects.filter(session__in=sessions).order_by().values("required_unit_id")
        .annotate(
            expected=Count("person", distinct=True),
            present=Count("person", filter=Q(attended=True), distinct=True),
        )
    )
    figures = {r["required_unit_id"]: r for r in rows}
    units = Unit.objects.filter(pk__in=list(figures)).order_by("path")
    return [
        Completion(u.name, figures[u.pk]["expected"], figures[u.pk]["present"], unit=u, visible=policy.may(user, Action.VIEW, u))
        for u in units
    ]


def unit_completion(*, user, unit: Unit) -> list[Completion]:
    """Per document the unit's members were asked to study: how many of them attended at
    least one session on it. Two queries."""
    from django.db.models import Count

    from .models import StudyAttendance

    rows = (
        StudyAttendance.objects.filter(unit__path__startswith=unit.path).order_by()
        .values("session__documents")
        .annotate(
            expected=Count("person", distinct=True),
            present=Count("person", filter=Q(attended=True), distinct=True),
        )
    )
    figures = {r["session__documents"]: r for r in rows if r["session__documents"]}
    documents = Document.objects.filter(pk__in=list(figures)).only("id", "symbol", "title", "date", "unit_id", "shared_down")
    visible = visible_document_ids(user=user, ids=list(figures))
    return [
        Completion(
            f"{d.symbol} · {d.title}", figures[d.pk]["expected"], figures[d.pk]["present"],
            document=d, visible=d.pk in visible,
        )
        for d in sorted(documents, key=lambda d: (d.date, d.pk), reverse=True)
    ]


def may_record(user, unit: Unit) -> bool:
    """May the user tick attendance for (some of) ``unit``'s members: manages it or a unit
    below it. No query beyond the cached grants."""
    return policy.covers(user, Action.CHANGE, unit.path) or policy.holds_below(user, Action.CHANGE, unit.path)


def study_checklist(*, user, session, required_unit: Unit):
    """The attendance rows of ``required_unit`` the user may tick: all of them for whoever
    manages the organiser or the required unit, else those of the units the user manages."""
    from .models import StudyAttendance

    rows = StudyAttendance.objects.filter(session=session, required_unit=required_unit).select_related(
        "person", "unit"
    )
    if not (policy.may(user, Action.CHANGE, session) or policy.may(user, Action.CHANGE, required_unit)):
        rows = rows.filter(policy.under_q(user, Action.CHANGE, "unit__"))
    return rows.order_by("unit__path", "person__search_name", "person_id")


# --- The home page ----------------------------------------------------------------------

#: How many documents and study sessions the home page lists.
HOME_LIMIT = 5


def home_summary(*, user, today: dt.date, limit: int = HOME_LIMIT) -> dict:
    """What the home page's documents panel shows, in two queries whatever the data size.

    * ``latest``: the newest documents of the register the user may read (the register's
      own order, so "all documents" continues the list);
    * ``sessions``: upcoming study sessions the user may see that the user's units must
      attend (a required unit the user sees, or one above the user's units) or that expect
      the user in person, soonest first; ``expects_me`` says whether the user is on the list.
    """
    from django.db.models import Exists, OuterRef

    from .models import StudyAttendance

    latest = list(document_list(user=user).defer("full_text", "summary")[:limit])
    person = policy.person_of(user)
    concerns = audience_q(user)
    sessions = policy.visible(user, StudySession).filter(date__gte=today)
    if person is not None:
        mine = StudyAttendance.objects.filter(person=person)
        concerns |= Q(pk__in=mine.values("session_id"))
        sessions = sessions.annotate(expects_me=Exists(mine.filter(session=OuterRef("pk"))))
    upcoming = list(
        sessions.filter(concerns).select_related("unit").only("pk", "title", "date", "place", "unit__name", "unit__label")
        .order_by("date", "id")[:limit]
    )
    return {"latest": latest, "sessions": upcoming}
