"""Every change to the document register goes through one of these functions.

Each takes keyword-only arguments, runs in a transaction, validates with ``full_clean``,
writes an audit entry and raises ``ValidationError`` (keyed by field) on bad input, leaving
nothing changed. The search index is updated once the transaction commits.

Each also asks the one policy first, whoever calls it (page, import, API, command): the
actor changes only the documents and sessions of units they manage (403 when they see them,
404 when they do not), and names only what they may see — issuing unit, term, signer, the
documents it relates to or studies, the units required to attend — else 404, the same answer
as a missing id. ``actor=None`` is the system itself (the demo loader), which is trusted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dangbo.core import policy, search, versions
from dangbo.core.audit import audit_record, snapshot
from dangbo.core.policy import Action, require
from dangbo.core.text import normalize
from dangbo.orgs.models import Membership, Person, Term, Unit

from . import citing, selectors
from .citations import conference_of
from .files import check_upload
from .models import (
    PARTY_NUMBER,
    Document,
    DocumentCitation,
    DocumentFile,
    DocumentRelation,
    DocumentType,
    Field,
    Issuer,
    StoredFile,
    StudyAttendance,
    StudyMaterial,
    StudySession,
    make_symbol,
)
from .policy import may_name

S = TypeVar("S", bound=StoredFile)
M = TypeVar("M", bound=models.Model)

DOCUMENT_FIELDS = [
    "unit", "type", "number", "type_abbr", "issuer_abbr", "symbol", "issuer", "issuing_unit",
    "date", "title", "summary", "signer", "signer_person", "term", "term_code", "status",
    "shared_down",
]
TEXT_FIELDS = [c for c in DOCUMENT_FIELDS if c not in ("unit",)]
#: What the edit form changes; its version (``dangbo.core.versions``) is taken over these.
EDIT_FIELDS = [
    "type", "number", "issuer", "issuing_unit", "issuer_abbr", "type_abbr", "date", "title",
    "summary", "full_text", "signer", "term", "fields", "status", "shared_down",
]
CITED_SOURCES = (
    (DocumentCitation.Source.TITLE, "title"),
    (DocumentCitation.Source.SUMMARY, "summary"),
    (DocumentCitation.Source.FULL_TEXT, "full_text"),
)


# --- search -----------------------------------------------------------------------------


def _index_on_commit(document: Document) -> None:
    """Rewrite the document's search entry once the transaction commits."""
    pk = document.pk
    transaction.on_commit(lambda: search.index(Document.objects.filter(pk=pk)))


def search_document(document: Document):
    """The search service's view of a document (registered in ``DocumentsConfig.ready``)."""
    fields: list[str | int] = [f.code for f in document.fields.all()]
    body = "\n".join(part for part in (document.summary, document.full_text) if part)
    return search.SearchDocument(
        kind="document",
        object_id=document.pk,
        unit_id=document.unit_id,
        title=document.title,
        number=document.symbol,
        body=body,
        date=document.date,
        url=document.get_absolute_url(),
        shared_down=document.shared_down,
        facets={
            "type": document.type_abbr,
            "issuer": document.issuer_id or "",
            "issuing_unit": document.issuing_unit_id or "",
            "term": document.term_code,
            "field": fields,
            "status": document.status,
        },
    )


# --- citations --------------------------------------------------------------------------


def _refresh_citations(document: Document) -> None:
    """Find the citations in the document's texts again and resolve each one."""
    document.citations.all().delete()
    rows = []
    seen_raw: set[tuple[str, int]] = set()
    seen: set[tuple[str, ...]] = set()  # a document cited in the title and the text is listed once
    for source, attr in CITED_SOURCES:
        for found in citing.find(getattr(document, attr) or ""):
            if (source, found.start) in seen_raw:
                continue
            seen_raw.add((source, found.start))
            key = (
                (found.number, found.type_abbr, found.issuer_abbr)
                if found.number else ("", found.type_abbr, normalize(found.raw).lower())
            )
            if key in seen:
                continue
            seen.add(key)
            target = citing.resolve(found, citing=document)
            rows.append(
                DocumentCitation(
                    document=document, source=source, raw=found.raw, start=found.start,
                    end=found.end, number=found.number, type_abbr=found.type_abbr,
                    issuer_abbr=found.issuer_abbr, type_name=found.type_name,
                    issuer_name=found.issuer_name, date=found.date, target=target,
                )
            )
    DocumentCitation.objects.bulk_create(rows)


def _link_waiting_citations(document: Document) -> int:
    """Citations elsewhere that name this (new) document and were not resolved yet: by its
    number, or without a number by the conference its title names ("Trung ương 4 khóa XII")."""
    waiting = DocumentCitation.objects.filter(
        target__isnull=True, number=document.number, type_abbr=document.type_abbr
    ).exclude(document=document)
    waiting = waiting.filter(issuer_abbr__in=[document.issuer_abbr, ""])
    conference = conference_of(f"{document.type.name} {document.title}")
    if conference is not None and conference.ordinal:
        waiting = waiting | DocumentCitation.objects.filter(
            target__isnull=True, number="", type_abbr=document.type_abbr, raw__icontains=conference.ordinal,
        ).exclude(document=document)
    linked = 0
    for citation in waiting.select_related("document__unit"):
        if citation.date and citation.date.year != document.year:
            continue
        found = citing.Found(
            raw=citation.raw, start=citation.start, end=citation.end, number=citation.number,
            type_abbr=citation.type_abbr, issuer_abbr=citation.issuer_abbr,
            type_name=citation.type_name, issuer_name=citation.issuer_name, date=citation.date,
        )
        if citing.resolve(found, citing=citation.document) == document:
            citation.target = document
            citation.save(update_fields=["target"])
            linked += 1
    return linked


# --- documents --------------------------------------------------------------------------


def _duplicate_error(existing: Document) -> ValidationError:
    values = {
        "symbol": existing.symbol,
        "year": existing.year,
        "term": existing.term_code,
        "title": existing.title,
        "unit": existing.unit.name,
        "pk": existing.pk,
    }
    if existing.numbering.startswith("t:"):
        message = _(
            "%(symbol)s is already registered in the %(term)s term: “%(title)s” (register of "
            "%(unit)s, no. %(pk)s). Numbers restart for each type in each term."
        ) % values
    else:
        message = _(
            "%(symbol)s of %(year)s is already registered: “%(title)s” (register of "
            "%(unit)s, no. %(pk)s)."
        ) % values
    return ValidationError({"number": message})


def _term_bounds(document: Document) -> tuple[dt.date, dt.date | None] | None:
    """The first and last day of the document's term (its term's dates, or the years of a
    term code such as 2020-2025)."""
    if document.term_id:
        return document.term.start, document.term.end  # type: ignore[union-attr]
    years = selectors.parse_term(document.term_code)
    if years is None:
        return None
    return dt.date(years[0], 1, 1), dt.date(years[1], 12, 31)


def _validate(document: Document, *, require_issuer: bool = True) -> None:
    errors: dict[str, list[str]] = {}
    if require_issuer and not (document.issuer_id or document.issuing_unit_id):
        errors.setdefault("issuer", []).append(_("Choose the issuer or the issuing unit."))
    if not document.issuer_abbr:
        errors.setdefault("issuer_abbr", []).append(
            _("Give the issuer's abbreviation as it appears in the number, e.g. TW or TU.")
        )
    if document.date and document.date > timezone.localdate():
        errors.setdefault("date", []).append(_("The date cannot be in the future."))
    if document.is_party and document.number and not PARTY_NUMBER.match(document.number):
        errors.setdefault("number", []).append(
            _("A party document's number is digits only, e.g. 05 or 687 (the number of "
              "%(symbol)s). A number such as 30/2020 is how state documents are numbered "
              "(30/2020/NĐ-CP): choose a state document type for those.")
            % {"symbol": make_symbol("05", document.type_abbr or "KH", document.issuer_abbr or "TU")}
        )
    bounds = _term_bounds(document) if document.date else None
    if bounds is not None and (
        document.date < bounds[0] or (bounds[1] is not None and document.date > bounds[1])
    ):
        errors.setdefault("date", []).append(
            _("The date lies outside the %(term)s term (%(start)s – %(end)s): choose the term "
              "the document was issued in.")
            % {
                "term": document.term_code,
                "start": date_format(bounds[0], "d/m/Y"),
                "end": date_format(bounds[1], "d/m/Y") if bounds[1] else "…",
            }
        )
    if document.type_id and document.type.valid_to and document.date and (
        document.date > document.type.valid_to
        and document.type_abbr == document.type.abbr
    ):
        errors.setdefault("type_abbr", []).append(
            _("%(abbr)s was used until %(date)s; give the abbreviation used on the document.")
            % {"abbr": document.type.abbr, "date": date_format(document.type.valid_to, "d/m/Y")}
        )
    try:
        document.full_clean(exclude=["fields", "issuer_key", "year", "symbol", "numbering"])
    except ValidationError as refused:
        for name, messages in refused.message_dict.items():
            if name not in errors:  # ours say more (a party number's digits) than the model's
                errors[name] = messages
    if errors:
        raise ValidationError(errors)


def _save_checked(document: Document, **save_kwargs: Any) -> None:
    existing = selectors.find_duplicate(
        type_abbr=document.type_abbr, number=document.number, issuer_key=document.issuer_key,
        numbering=document.numbering, exclude_pk=document.pk,
    )
    if existing is not None:
        raise _duplicate_error(existing)
    try:
        with transaction.atomic():
            document.save(**save_kwargs)
    except IntegrityError as error:  # registered by someone else a moment ago
        existing = selectors.find_duplicate(
            type_abbr=document.type_abbr, number=document.number,
            issuer_key=document.issuer_key, numbering=document.numbering, exclude_pk=document.pk,
        )
        if existing is not None:
            raise _duplicate_error(existing) from error
        raise


def _require_named(
    actor, *, issuing_unit: Unit | None, term: Term | None, signer_person: Person | None
) -> None:
    """What a document names must be what the actor may see (404 otherwise): the issuing
    unit and the term's unit (seen, or above the actor's units), the signer."""
    if actor is None:
        return
    for unit in (issuing_unit, term.unit if term is not None else None):
        if unit is not None and not may_name(actor, unit.path):
            require(actor, None)
    if signer_person is not None:
        require(actor, signer_person, Action.VIEW)


def _if_changed(new: M | None, old_id: int | None) -> M | None:
    """``new`` when it replaces what a document named (``old_id``), else None."""
    return new if new is not None and new.pk != old_id else None


def _snapshot(document: Document) -> dict[str, Any]:
    data = snapshot(document, DOCUMENT_FIELDS)
    data["fields"] = sorted(f.name for f in document.fields.all()) if document.pk else []
    return data


@transaction.atomic
def document_register(
    *,
    actor,
    unit: Unit,
    type: DocumentType,
    number: str,
    date: dt.date,
    title: str,
    issuer: Issuer | None = None,
    issuing_unit: Unit | None = None,
    issuer_abbr: str = "",
    type_abbr: str = "",
    summary: str = "",
    full_text: str = "",
    signer: str = "",
    signer_person: Person | None = None,
    term: Term | None = None,
    term_code: str = "",
    fields: Iterable[Field] = (),
    status: str = Document.Status.IN_FORCE,
    shared_down: bool = True,
    uploads: Sequence[Any] = (),
) -> Document:
    """Register a document in ``unit``'s register (with its files, if any)."""
    require(actor, unit, Action.CHANGE)
    _require_named(actor, issuing_unit=issuing_unit, term=term, signer_person=signer_person)
    checked = [check_upload(upload) for upload in uploads]
    now = timezone.now()
    document = Document(
        unit=unit, type=type, number=normalize(number), date=date, title=normalize(title),
        issuer=issuer, issuing_unit=issuing_unit, issuer_abbr=normalize(issuer_abbr),
        type_abbr=normalize(type_abbr), summary=(summary or "").strip(),
        full_text=(full_text or "").strip(), signer=normalize(signer),
        signer_person=signer_person, term=term, term_code=normalize(term_code),
        status=status, shared_down=shared_down,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now, updated_at=now,
    )
    if not document.full_text:
        document.full_text = "\n\n".join(c.text for c in checked if c.text)
    document.compute_derived()
    _validate(document)
    _save_checked(document)
    document.fields.set(list(fields))
    for item in checked:
        _store(DocumentFile, actor=actor, checked=item, document=document, text=item.text)
    _refresh_citations(document)
    _link_waiting_citations(document)
    audit_record(actor=actor, action="document.register", obj=document, after=_snapshot(document))
    _index_on_commit(document)
    return document


@transaction.atomic
def document_update(
    *,
    actor,
    document: Document,
    type: DocumentType,
    number: str,
    date: dt.date,
    title: str,
    issuer: Issuer | None = None,
    issuing_unit: Unit | None = None,
    issuer_abbr: str = "",
    type_abbr: str = "",
    summary: str = "",
    full_text: str = "",
    signer: str = "",
    signer_person: Person | None = None,
    term: Term | None = None,
    term_code: str = "",
    fields: Iterable[Field] = (),
    status: str = Document.Status.IN_FORCE,
    shared_down: bool = True,
    reason: str = "",
    expected_version: str | None = None,
) -> Document:
    """Correct a registered document. The registering unit does not change. A stale
    ``expected_version`` (the edit form's) is refused: ``versions.StaleEdit``."""
    document = require(
        actor, Document.objects.select_for_update(of=("self",)).select_related("unit").filter(pk=document.pk).first(), Action.CHANGE
    )
    versions.check(document, EDIT_FIELDS, expected_version)
    _require_named(
        actor,
        issuing_unit=_if_changed(issuing_unit, document.issuing_unit_id),
        term=_if_changed(term, document.term_id),
        signer_person=_if_changed(signer_person, document.signer_person_id),
    )
    before = _snapshot(document)
    document.type = type
    document.number = normalize(number)
    document.date = date
    document.title = normalize(title)
    document.issuer = issuer
    document.issuing_unit = issuing_unit
    document.issuer_abbr = normalize(issuer_abbr)
    document.type_abbr = normalize(type_abbr)
    document.summary = (summary or "").strip()
    document.full_text = (full_text or "").strip()
    document.signer = normalize(signer)
    document.signer_person = signer_person
    document.term = term
    document.term_code = normalize(term_code)
    document.status = status
    document.shared_down = shared_down
    document.updated_at = timezone.now()
    document.compute_derived()
    _validate(document)
    _save_checked(document, update_fields=[*TEXT_FIELDS, "full_text", "issuer_key", "year", "numbering", "updated_at"])
    document.fields.set(list(fields))
    _refresh_citations(document)
    _link_waiting_citations(document)
    audit_record(
        actor=actor, action="document.update", obj=document, before=before,
        after=_snapshot(document), reason=reason,
    )
    _index_on_commit(document)
    return document


def _would_cycle(document: Document, target: Document) -> bool:
    """Would ``document`` implementing ``target`` close a loop (target already below it)?"""
    below = selectors._edges(document.pk, down=True, depth=selectors.MAX_LINEAGE_DEPTH * 4)
    return target.pk in {node for node, _p, _d in below}


@transaction.atomic
def document_relate(
    *, actor, document: Document, target: Document, kind: str, note: str = ""
) -> DocumentRelation:
    """Record that ``document`` implements, amends or replaces ``target``.

    Amending or replacing also marks ``target`` as amended or replaced."""
    require(actor, document, Action.CHANGE)
    require(actor, target, Action.VIEW)
    if target.pk == document.pk:
        raise ValidationError({"target": _("A document cannot refer to itself.")})
    if DocumentRelation.objects.filter(from_document=document, to_document=target, kind=kind).exists():
        raise ValidationError({"target": _("This relation is already recorded.")})
    if kind == DocumentRelation.Kind.IMPLEMENTS and _would_cycle(document, target):
        raise ValidationError(
            {"target": _("%(target)s already implements this document, directly or through others.")
             % {"target": target.symbol}}
        )
    relation = DocumentRelation(
        from_document=document, to_document=target, kind=kind, note=normalize(note)
    )
    relation.full_clean()
    relation.save()
    new_status = {
        DocumentRelation.Kind.AMENDS: Document.Status.AMENDED,
        DocumentRelation.Kind.REPLACES: Document.Status.REPLACED,
    }.get(DocumentRelation.Kind(kind))
    if new_status and target.status != new_status and target.status != Document.Status.REPLACED:
        before = {"status": target.status}
        Document.objects.filter(pk=target.pk).update(status=new_status, updated_at=timezone.now())
        target.status = new_status
        audit_record(
            actor=actor, action="document.status", obj=target, before=before,
            after={"status": new_status}, reason=document.symbol,
        )
        _index_on_commit(target)
    audit_record(
        actor=actor, action="document.relate", obj=document,
        after={"kind": kind, "target": target.symbol, "note": relation.note},
    )
    return relation


@transaction.atomic
def document_unrelate(*, actor, relation: DocumentRelation) -> None:
    require(actor, relation, Action.CHANGE)
    document = relation.from_document
    audit_record(
        actor=actor, action="document.unrelate", obj=document,
        before={"kind": relation.kind, "target": relation.to_document.symbol},
    )
    relation.delete()


def _store(model: type[S], *, actor, checked, **owner: Any) -> S:
    """Save a checked upload as a row of ``model`` (a ``StoredFile``) belonging to ``owner``;
    the file is removed again when the row is refused."""
    stored = model(
        name=checked.name, content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None, **owner,
    )
    stored.file.save(checked.name, ContentFile(checked.data), save=False)
    try:
        stored.full_clean(exclude=["file"])
        stored.save()
    except Exception:
        stored.file.delete(save=False)
        raise
    return stored


@transaction.atomic
def document_attach_file(*, actor, document: Document, upload) -> DocumentFile:
    """Attach a PDF or DOCX file; its text fills the full text when that is empty."""
    require(actor, document, Action.CHANGE)
    checked = check_upload(upload)
    attached = _store(DocumentFile, actor=actor, checked=checked, document=document, text=checked.text)
    if not document.full_text and checked.text:
        document.full_text = checked.text
        document.updated_at = timezone.now()
        document.save(update_fields=["full_text", "updated_at"])
        _refresh_citations(document)
    audit_record(
        actor=actor, action="document.attach", obj=document,
        after={"file": attached.name, "size": attached.size, "sha256": attached.sha256},
    )
    _index_on_commit(document)
    return attached


# --- Study and dissemination (học tập, quán triệt) ---------------------------------------


def _roster(required_units: Sequence[Unit], day: dt.date) -> list[tuple[int, Unit, int]]:
    """(person, required unit, member's own unit) for every member of the required units on
    ``day`` (a member under two of them counts once, for the first). One query."""
    paths = {u.path: u for u in required_units}
    q = Q()
    for path in paths:
        q |= Q(unit__path__startswith=path)
    rows: list[tuple[int, Unit, int]] = []
    seen: set[int] = set()
    memberships = (
        Membership.objects.current(day).filter(q).values_list("person_id", "unit_id", "unit__path")
        .order_by("unit__path", "person_id")
    )
    for person_id, unit_id, unit_path in memberships:
        if person_id in seen:
            continue
        required = next(
            (u for path, u in sorted(paths.items(), key=lambda kv: -len(kv[0])) if unit_path.startswith(path)),
            None,
        )
        if required is None:
            continue
        seen.add(person_id)
        rows.append((person_id, required, unit_id))
    return rows


@transaction.atomic
def study_session_create(
    *,
    actor,
    unit: Unit,
    title: str,
    date: dt.date,
    documents: Sequence[Document],
    required_units: Sequence[Unit],
    place: str = "",
    note: str = "",
    uploads: Sequence[Any] = (),
) -> StudySession:
    """Plan (or record) a study session; every member of the required units on ``date``
    gets an attendance row, not yet marked present."""
    require(actor, unit, Action.CHANGE)
    documents = list(dict.fromkeys(documents))
    required_units = list(dict.fromkeys(required_units))
    for required in required_units:
        require(actor, required, Action.VIEW)
    for document in documents:
        require(actor, document, Action.VIEW)
    errors: dict[str, list[str]] = {}
    if not documents:
        errors.setdefault("documents", []).append(_("Name at least one document to study."))
    if not required_units:
        errors.setdefault("required_units", []).append(_("Choose the units that must attend."))
    outside = [u.name for u in required_units if not u.path.startswith(unit.path)]
    if outside:
        errors.setdefault("required_units", []).append(
            _("These units are not under %(unit)s: %(names)s.") % {"unit": unit.name, "names": ", ".join(outside)}
        )
    checked = [check_upload(upload) for upload in uploads]
    session = StudySession(
        unit=unit, title=normalize(title), date=date, place=normalize(place), note=(note or "").strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        session.full_clean()
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    session.save()
    session.documents.set(documents)
    session.required_units.set(required_units)
    StudyAttendance.objects.bulk_create(
        [
            StudyAttendance(session=session, person_id=person_id, required_unit=required, unit_id=unit_id)
            for person_id, required, unit_id in _roster(required_units, date)
        ],
        batch_size=1000,
    )
    for item in checked:
        _store(StudyMaterial, actor=actor, checked=item, session=session)
    audit_record(
        actor=actor, action="study.create", obj=session,
        after={
            "title": session.title, "date": session.date.isoformat(), "place": session.place,
            "documents": [d.symbol for d in documents], "required_units": [u.name for u in required_units],
        },
    )
    return session


@transaction.atomic
def study_attendance_record(
    *, actor, session: StudySession, required_unit: Unit, present: Iterable[int], among: Iterable[int] | None = None
) -> int:
    """Mark who of ``required_unit``'s members attended: the people in ``present``, and
    nobody else among ``among`` (the rows the recorder could tick; all rows when None).
    Returns how many are marked present. The actor ticks only the rows they may: every row
    when they manage the organiser or the required unit, else their own units' members."""
    require(actor, session, Action.VIEW)
    if not session.required_units.filter(pk=required_unit.pk).exists():
        require(actor, None)
    rows = StudyAttendance.objects.select_for_update().filter(session=session, required_unit=required_unit)
    if actor is not None:
        allowed = selectors.study_checklist(user=actor, session=session, required_unit=required_unit)
        manages = policy.may(actor, Action.CHANGE, session) or policy.may(actor, Action.CHANGE, required_unit)
        if not manages and not allowed.exists():
            raise PermissionDenied
        rows = rows.filter(pk__in=allowed.values("pk"))
    if among is not None:
        rows = rows.filter(person_id__in=list(among))
    present_ids = set(present)
    known = set(rows.values_list("person_id", flat=True))
    unknown = present_ids - known
    if unknown:
        raise ValidationError({"present": _("Some of the people ticked are not expected at this session.")})
    now = timezone.now()
    recorder = actor if getattr(actor, "is_authenticated", False) else None
    before = rows.filter(attended=True).count()
    rows.filter(person_id__in=present_ids).update(attended=True, recorded_by=recorder, recorded_at=now)
    rows.exclude(person_id__in=present_ids).update(attended=False, recorded_by=recorder, recorded_at=now)
    audit_record(
        actor=actor, action="study.attendance", obj=session,
        before={"unit": required_unit.name, "present": before},
        after={"unit": required_unit.name, "present": len(present_ids), "expected": len(known)},
    )
    return len(present_ids)


@transaction.atomic
def study_material_add(*, actor, session: StudySession, upload) -> StudyMaterial:
    """Attach a material (PDF or DOCX) to a session."""
    require(actor, session, Action.CHANGE)
    material = _store(StudyMaterial, actor=actor, checked=check_upload(upload), session=session)
    audit_record(
        actor=actor, action="study.material", obj=session,
        after={"file": material.name, "size": material.size, "sha256": material.sha256},
    )
    return material
