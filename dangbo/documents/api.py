"""API of the document register: ``/documents`` and ``/citations/parse``.

Every read goes through the selectors, so the permission policy filters inside the query.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from dangbo.core.api import ERRORS, DateIn, Flag, Id, caller, refusal_body

from . import citing, selectors, services
from .models import Document, DocumentType, Issuer
from .models import Field as WorkField

documents_router = Router(tags=["documents"])
citations_router = Router(tags=["citations"])

MAX_LIMIT = 500
MAX_PARSE_CHARS = 200_000


class DocumentOut(Schema):
    id: int
    symbol: str = Field(description="Number and symbol as written, e.g. 05-CT/TW.")
    number: str
    type: str = Field(description="The type's abbreviation as used in the number.")
    type_name: str
    issuer_abbr: str
    issuer: str = Field(description="The issuer's or issuing unit's name.")
    date: dt.date
    title: str
    term: str
    status: str
    unit_id: int = Field(description="The registering unit.")
    url: str

    @staticmethod
    def resolve_type(obj: Document) -> str:
        return obj.type_abbr

    @staticmethod
    def resolve_type_name(obj: Document) -> str:
        return obj.type.name

    @staticmethod
    def resolve_issuer(obj: Document) -> str:
        return obj.issuer_name

    @staticmethod
    def resolve_term(obj: Document) -> str:
        return obj.term_code

    @staticmethod
    def resolve_url(obj: Document) -> str:
        return obj.get_absolute_url()


class RelationOut(Schema):
    kind: str
    document_id: int
    symbol: str


class CitationOut(Schema):
    raw: str
    number: str
    type_abbr: str
    issuer_abbr: str
    date: dt.date | None
    document_id: int | None = Field(description="The registered document it names, if visible.")


class DocumentDetailOut(DocumentOut):
    summary: str
    signer: str
    fields: list[str]
    implements: list[RelationOut]
    implemented_by: list[RelationOut]
    citations: list[CitationOut]

    @staticmethod
    def resolve_fields(obj: Document) -> list[str]:
        return [f.code for f in obj.fields.all()]

    @staticmethod
    def resolve_implements(obj: Any) -> list[dict]:
        return obj.api_implements

    @staticmethod
    def resolve_implemented_by(obj: Any) -> list[dict]:
        return obj.api_implemented_by

    @staticmethod
    def resolve_citations(obj: Any) -> list[dict]:
        return obj.api_citations


class DocumentPage(Schema):
    items: list[DocumentOut]
    count: int


class DocumentFilterIn(Schema):
    q: str = Field("", max_length=200, description="Words of the title or text, or a number.")
    type: str = Field("", max_length=10, description="A type abbreviation, e.g. CT.")
    issuer: str = Field(
        "", max_length=40, description="i<id> (catalogue issuer), u<id> (unit) or an abbreviation."
    )
    term: str = Field("", max_length=20, description="A term code, e.g. 2015-2020.")
    status: str = Field("", max_length=10)
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000_000)

    @field_validator("q", "type", "issuer", "term", "status")
    @classmethod
    def _no_nul(cls, value: str) -> str:
        return value.replace("\x00", "")


@documents_router.get(
    "", response={200: DocumentPage, **ERRORS}, operation_id="documents_list", summary="List documents"
)
def documents_list(request: HttpRequest, filters: Query[DocumentFilterIn]):
    """The registered documents the caller may see, newest first."""
    user = caller(request)
    f = selectors.DocumentFilters(
        type=filters.type, issuer=filters.issuer, term=filters.term, status=filters.status,
        q=filters.q,
    )
    if filters.q.strip():
        f.ids = selectors.search_ids(user=user, q=filters.q)
    documents = selectors.document_list(user=user, filters=f)
    count = documents.count()
    return {"items": list(documents[filters.offset : filters.offset + filters.limit]), "count": count}


class StatsIn(Schema):
    term: str = Field(..., max_length=20, pattern=r"^\d{4}-\d{4}$", description="A term code, e.g. 2015-2020.")
    issuer: int = Field(..., ge=1, le=2_147_483_647, description="The issuing unit's id.")


class StatsIssuerOut(Schema):
    id: int
    name: str


class StatsCountOut(Schema):
    type_abbr: str
    type_name: str
    count: int


class StatsOut(Schema):
    term: str
    issuer: StatsIssuerOut
    counts: list[StatsCountOut]
    total: int
    sentence: str = Field(description="The report sentence, e.g. “Nhiệm kỳ 2015 - 2020, BCH … đã ban hành 2 nghị quyết, …”.")


class DocumentIn(Schema):
    number: str = Field(..., max_length=20, description="Digits only for a party document, e.g. 05 or 133.")
    type: str = Field(..., max_length=10, description="The type's abbreviation, e.g. KH.")
    issuer_id: Id = Field(..., description="The issuing unit's id.")
    date: DateIn
    title: str = Field(..., max_length=500)
    term: str = Field("", max_length=20, description="The issuing unit's term code, e.g. 2025-2030.")
    unit_id: Id | None = Field(None, description="The registering unit; the issuing unit when absent.")
    issuer_abbr: str = Field("", max_length=20, description="As written in the number, e.g. TU.")
    type_abbr: str = Field("", max_length=10)
    summary: str = Field("", max_length=20_000)
    full_text: str = Field("", max_length=MAX_PARSE_CHARS)
    signer: str = Field("", max_length=120)
    fields: list[str] = Field(default_factory=list, max_length=50, description="Field codes.")
    status: str = Field(Document.Status.IN_FORCE, max_length=10)
    shared_down: Flag = True


def _document_in(user, payload: DocumentIn) -> dict[str, Any]:
    """The service's keyword arguments from the API body; unknown names are 422 by field."""
    from django.core.exceptions import ValidationError as DjangoValidationError

    from dangbo.core import policy
    from dangbo.core.policy import Action
    from dangbo.orgs.models import Term, Unit

    issuing_unit = selectors.get_issuer_unit_for_user(user, payload.issuer_id)
    unit = policy.get_for_user(user, Unit, payload.unit_id or issuing_unit.pk, Action.CHANGE)
    errors: dict[str, list[str]] = {}
    doc_type = DocumentType.objects.filter(abbr=payload.type.strip()).first()
    if doc_type is None:
        errors["type"] = [_("No document type has the abbreviation %(abbr)s.") % {"abbr": payload.type}]
    term = None
    term_code = payload.term.strip()
    if term_code:
        term = Term.objects.filter(unit=issuing_unit, code=term_code).first()
        if term is None and selectors.parse_term(term_code) is None:
            errors["term"] = [_("Give a term such as 2015-2020.")]
    known = {f.code: f for f in WorkField.objects.filter(code__in=payload.fields)}
    unknown = [code for code in payload.fields if code not in known]
    if unknown:
        errors["fields"] = [_("Unknown field: %(codes)s.") % {"codes": ", ".join(unknown)}]
    if payload.status not in Document.Status.values:
        errors["status"] = [_("Choose one of: %(values)s.") % {"values": ", ".join(Document.Status.values)}]
    if errors:
        raise DjangoValidationError(errors)
    issuer_abbr = payload.issuer_abbr.strip()
    if not issuer_abbr:
        named = Issuer.objects.filter(unit=issuing_unit).first()
        issuer_abbr = named.abbr if named is not None else ""
    return {
        "unit": unit, "type": doc_type, "number": payload.number, "date": payload.date,
        "title": payload.title, "issuing_unit": issuing_unit, "issuer_abbr": issuer_abbr,
        "type_abbr": payload.type_abbr, "summary": payload.summary, "full_text": payload.full_text,
        "signer": payload.signer, "term": term, "term_code": "" if term else term_code,
        "fields": list(known.values()), "status": payload.status, "shared_down": payload.shared_down,
    }


@documents_router.post(
    "", response={201: DocumentOut, **ERRORS}, operation_id="documents_create",
    summary="Register a document",
)
def documents_create(request: HttpRequest, payload: DocumentIn):
    """Register a document in a unit's register, by the same rules as the register form:
    a party document's number is digits only and unique for its issuer, type and term, its
    date lies in the term."""
    from django.core.exceptions import ValidationError as DjangoValidationError

    user = caller(request)
    try:
        document = services.document_register(actor=user, **_document_in(user, payload))
    except DjangoValidationError as refused:
        return 422, refusal_body(refused)
    return 201, selectors.get_document_for_user(user, document.pk)


class NextNumberIn(Schema):
    issuer: int = Field(..., ge=1, le=2_147_483_647, description="The issuing unit's id.")
    type: str = Field(..., max_length=10, description="A type abbreviation, e.g. KH.")
    term: str = Field(..., max_length=20, pattern=r"^\d{4}-\d{4}$", description="A term code, e.g. 2025-2030.")


class NextNumberOut(Schema):
    number: str


# Declared before "/{id}" so that "next-number" is never read as an id.
@documents_router.get(
    "/next-number", response={200: NextNumberOut, **ERRORS}, operation_id="documents_next_number",
    summary="The next free number",
)
def documents_next_number(request: HttpRequest, params: Query[NextNumberIn]):
    """The next free number of the type in the issuing unit's term (numbers restart for
    each type in each term)."""
    user = caller(request)
    issuing_unit = selectors.get_issuer_unit_for_user(user, params.issuer)
    number = selectors.next_number(
        issuing_unit=issuing_unit, type_abbr=params.type.strip(), term_code=params.term
    )
    return {"number": number}


# Declared before "/{id}" so that "stats" is never read as an id.
@documents_router.get(
    "/stats", response={200: StatsOut, **ERRORS}, operation_id="documents_stats",
    summary="Documents of a term by type",
)
def documents_stats(request: HttpRequest, params: Query[StatsIn]):
    """How many documents of each type the issuing unit issued in the term (those the
    caller may see), and the sentence that reports them."""
    from django.core.exceptions import ValidationError as DjangoValidationError

    user = caller(request)
    if selectors.parse_term(params.term) is None:
        raise DjangoValidationError({"term": _("Give a term such as 2015-2020.")})
    issuer = selectors.get_issuer_unit_for_user(user, params.issuer)
    stats = selectors.term_stats(user=user, term=params.term, issuer=issuer)
    return {
        "term": stats.term,
        "issuer": {"id": issuer.pk, "name": issuer.name},
        "counts": [
            {"type_abbr": c.type.abbr, "type_name": c.type.name, "count": c.count} for c in stats.counts
        ],
        "total": stats.total,
        "sentence": stats.sentence,
    }


@documents_router.get(
    "/{id}", response={200: DocumentDetailOut, **ERRORS}, operation_id="documents_detail",
    summary="One document",
)
def documents_detail(request: HttpRequest, id: int):
    user = caller(request)
    document = selectors.get_document_for_user(user, id)
    relations = selectors.document_relations(user=user, document=document)
    citations = selectors.document_citations(user=user, document=document)
    implements = [
        {"kind": r.kind, "document_id": r.to_document_id, "symbol": r.to_document.symbol}
        for r, visible in relations["outgoing"] if visible
    ]
    implemented_by = [
        {"kind": r.kind, "document_id": r.from_document_id, "symbol": r.from_document.symbol}
        for r, visible in relations["incoming"] if visible
    ]
    document.api_implements = implements  # type: ignore[attr-defined]
    document.api_implemented_by = implemented_by  # type: ignore[attr-defined]
    document.api_citations = [  # type: ignore[attr-defined]
        {
            "raw": c.raw, "number": c.number, "type_abbr": c.type_abbr,
            "issuer_abbr": c.issuer_abbr, "date": c.date,
            "document_id": c.target_id if visible else None,
        }
        for c, visible in citations
    ]
    return document


class ParseIn(Schema):
    text: str = Field(..., max_length=MAX_PARSE_CHARS)


class ParseOut(Schema):
    citations: list[dict[str, Any]]


@citations_router.post(
    "/parse", response={200: ParseOut, **ERRORS}, operation_id="citations_parse",
    summary="Find the document citations in a text",
)
def citations_parse(request: HttpRequest, payload: ParseIn):
    """Each citation as the parser describes it (raw text, offsets, number, type, issuer…),
    with the ``document_id`` it resolves to among the documents the caller may see (null
    when none or several match)."""
    from dangbo.core import policy

    visible = policy.visible(caller(request), Document)
    citations = []
    for c in citing.parse(payload.text):
        target = citing.resolve(citing.as_found(c), among=visible)
        citations.append(citing.as_dict(c) | {"document_id": target.pk if target else None})
    return {"citations": citations}


#: Both routers under one, so the API adds this app with one line.
router = Router()
router.add_router("/documents", documents_router)
router.add_router("/citations", citations_router)
