"""Pages of the document register: list, export/import, detail, forms, files, lineage."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangbo.core import policy, uploads, versions
from dangbo.core.audit import history
from dangbo.core.forms import submit
from dangbo.core.pagination import paginate
from dangbo.core.policy import Action
from dangbo.core.xlsx import XLSX
from dangbo.orgs.selectors import manageable_units
from dangbo.orgs.views import unit_lookup_response

from . import panels, selectors, services, spreadsheets
from .files import MAX_TEXT, text_cut
from .forms import (
    DocumentForm,
    FileForm,
    FilterForm,
    ImportForm,
    MaterialForm,
    RegisterForm,
    RelationForm,
    StudySessionForm,
)
from .models import Document


def _section(request: HttpRequest) -> None:
    request.nav_section = "documents"  # type: ignore[attr-defined]


def _filters(request: HttpRequest) -> tuple[selectors.DocumentFilters, dict]:
    form = FilterForm(request.GET)
    values = form.values()
    q = values.get("q") or ""
    filters = selectors.DocumentFilters(
        type=values.get("type") or "",
        issuer=values.get("issuer") or "",
        term=values.get("term") or "",
        field=values.get("field") or "",
        status=values.get("status") or "",
        date_from=values.get("date_from"),
        date_to=values.get("date_to"),
        sort=values.get("sort") or ("" if q else "-date"),
        q=q,
    )
    if q:
        filters.ids = selectors.search_ids(user=request.user, q=q)
    return filters, values


@login_required
@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    """The register: filters, sorting, pages, and the export of what is shown."""
    _section(request)
    filters, values = _filters(request)
    documents = selectors.with_fields(selectors.document_list(user=request.user, filters=filters))
    page_obj, querystring_base = paginate(request, documents)
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("sort", None)
    context = {
        "page_obj": page_obj,
        "querystring_base": querystring_base,
        "sort_base": (params.urlencode() + "&") if params else "",
        "export_query": request.GET.urlencode(),
        "values": values,
        "sort": filters.sort,
        "choices": selectors.filter_choices(),
        "can_register": manageable_units(user=request.user).exists(),
    }
    return render(request, "documents/document_list.html", context)


@login_required
@require_GET
def document_export(request: HttpRequest) -> HttpResponse:
    """Every document of the register that matches the filters (up to the export cap)."""
    filters, _values = _filters(request)
    return spreadsheets.export_response(selectors.document_list(user=request.user, filters=filters))


@login_required
@require_GET
@never_cache
def unit_lookup(request: HttpRequest) -> JsonResponse:
    """The suggestions of the register's unit pickers, the units whose name matches ``q``
    among those the form takes: the units whose register the user keeps (registering,
    importing, a study session's organiser), or (``?scope=issuing``) those a document may
    name as its issuer."""
    scope = request.GET.get("scope", "")
    if scope == "issuing":
        units = selectors.issuing_unit_choices(user=request.user)
    elif scope == "":
        units = manageable_units(user=request.user)
    else:
        raise Http404
    return unit_lookup_response(request, units)


@login_required
@require_GET
def document_import_template(request: HttpRequest) -> HttpResponse:
    return uploads.attachment(spreadsheets.template(), name="mau-so-van-ban.xlsx", content_type=XLSX)


@login_required
@require_http_methods(["GET", "POST"])
def document_import(request: HttpRequest) -> HttpResponse:
    _section(request)
    units = manageable_units(user=request.user)
    if not units.exists():
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, units=units)
    errors: list[spreadsheets.RowError] = []
    result = submit(
        request, form,
        lambda data: spreadsheets.import_register(actor=request.user, unit=data["unit"], upload=data["file"]),
    )
    if result is not None and result.errors:
        errors = result.errors
        form.add_error(None, _("Nothing was imported: %(n)s problem(s) in the rows below.") % {"n": len(errors)})
    elif result is not None:
        messages.success(request, _("%(n)s document(s) were registered.") % {"n": len(result.created)})
        return redirect("documents:document_list")
    return render(request, "documents/document_import.html", {"form": form, "row_errors": errors})


def _form_choices(request: HttpRequest) -> dict:
    return {
        "units": manageable_units(user=request.user),
        "issuing_units": selectors.issuing_unit_choices(user=request.user),
        "terms": selectors.term_choices(user=request.user),
    }


def _prefill(request: HttpRequest) -> dict:
    """Initial values from the query string (the "register this document" link)."""
    initial: dict = {}
    get = request.GET
    if get.get("type"):
        doc_type = selectors.find_document_type(abbr=get["type"], name=get.get("type_name", ""))
        if doc_type is not None:
            initial["type"] = doc_type
            if doc_type.abbr != get["type"]:
                initial["type_abbr"] = get["type"]
    for key in ("number", "issuer_abbr", "title"):
        if get.get(key):
            initial[key] = get[key][:500]
    if get.get("date"):
        initial["date"] = get["date"][:10]
    issuer = selectors.find_issuer(name=get.get("issuer_name", ""), abbr=get.get("issuer_abbr", ""))
    if issuer is not None:
        initial["issuer"] = issuer
    for key in ("issuing_unit", "term"):
        if get.get(key, "").isdigit():
            initial[key] = int(get[key])
    return initial


def _propose_number(form: DocumentForm, initial: dict) -> None:
    """Fill the number with the next free one of the issuer, type and term when the three
    are known and no number was given; the page's script does the same as they change."""
    field = form.fields["number"]
    field.widget.attrs["data-next-number"] = reverse("api:documents_next_number")
    if initial.get("number"):
        return
    issuing_unit = form.fields["issuing_unit"].queryset.filter(pk=initial.get("issuing_unit") or 0).first()  # type: ignore[attr-defined]
    term = form.fields["term"].queryset.filter(pk=initial.get("term") or 0).first()  # type: ignore[attr-defined]
    doc_type = initial.get("type")
    if issuing_unit is None or term is None or doc_type is None:
        return
    form.initial["number"] = selectors.next_number(
        issuing_unit=issuing_unit, type_abbr=initial.get("type_abbr") or doc_type.abbr, term_code=term.code
    )


def _numbering_choices(form: DocumentForm) -> dict:
    """What the page's script needs to ask for the next number: type → abbreviation, term →
    code."""
    return {
        "types": {str(t.pk): t.abbr for t in form.fields["type"].queryset},  # type: ignore[attr-defined]
        "terms": {str(t.pk): t.code for t in form.fields["term"].queryset},  # type: ignore[attr-defined]
    }


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest) -> HttpResponse:
    _section(request)
    choices = _form_choices(request)
    if not choices["units"].exists():
        raise PermissionDenied
    initial = {"status": Document.Status.IN_FORCE, "shared_down": True} | _prefill(request)
    if choices["units"].count() == 1:
        initial["unit"] = choices["units"].first()
    form = RegisterForm(request.POST or None, request.FILES or None, initial=initial, **choices)
    _propose_number(form, initial)
    document = submit(request, form, lambda data: services.document_register(
        actor=request.user, uploads=[data["file"]] if data.get("file") else [], **form.service_data()
    ))
    if document is not None:
        messages.success(request, _("%(symbol)s was registered.") % {"symbol": document.symbol})
        if text_cut(document.full_text):
            _text_cut_note(request)
        return redirect(document.get_absolute_url())
    return render(
        request, "documents/document_form.html",
        {"form": form, "document": None, "numbering": _numbering_choices(form)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    document = selectors.get_document_for_user(request.user, pk, Action.CHANGE)
    initial = {
        name: getattr(document, name)
        for name in (
            "type", "number", "issuer", "issuing_unit", "issuer_abbr", "type_abbr", "date",
            "title", "summary", "full_text", "signer", "term", "status", "shared_down",
        )
    } | {
        "work_fields": selectors.document_work_fields(document=document),
        "expected_version": versions.token(document, services.EDIT_FIELDS),
    }
    form = DocumentForm(request.POST or None, initial=initial, editing=True, **_form_choices(request))
    updated = submit(
        request, form,
        lambda data: services.document_update(actor=request.user, document=document, **form.service_data()),
    )
    if updated is not None:
        messages.success(request, _("The changes were saved."))
        return redirect(document.get_absolute_url())
    return render(request, "documents/document_form.html", {"form": form, "document": document})


@login_required
@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    document = selectors.get_document_for_user(request.user, pk)
    can_change = policy.may(request.user, Action.CHANGE, document)
    citations = selectors.document_citations(user=request.user, document=document)
    register_links = {}
    for citation, _visible in citations:
        if citation.target_id is None and citation.number and citation.type_abbr:
            params = {
                "type": citation.type_abbr, "type_name": citation.type_name,
                "number": citation.number, "issuer_abbr": citation.issuer_abbr,
                "issuer_name": citation.issuer_name,
            }
            if citation.date:
                params["date"] = citation.date.isoformat()
            register_links[citation.pk] = urlencode({k: v for k, v in params.items() if v})
    context = {
        "document": document,
        "fields": selectors.document_work_fields(document=document),
        "files": selectors.document_files(document=document),
        "relations": selectors.document_relations(user=request.user, document=document),
        "citations": [(c, v, register_links.get(c.pk)) for c, v in citations],
        "history": history(document),
        "can_change": can_change,
        "can_register": can_change or manageable_units(user=request.user).exists(),
        "relation_form": RelationForm() if can_change else None,
        "file_form": FileForm() if can_change else None,
        "document_actions": panels.templates("actions"),
        "document_panels": panels.templates("panels"),
    }
    return render(request, "documents/document_detail.html", context)


@login_required
@require_POST
def document_relate(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.get_document_for_user(request.user, pk, Action.CHANGE)
    form = RelationForm(request.POST)

    def relate(data):
        target = selectors.find_by_symbol(user=request.user, text=data["target"], year=data["year"])
        if isinstance(target, str):
            raise ValidationError({"target": target})
        return services.document_relate(
            actor=request.user, document=document, target=target, kind=data["kind"], note=data["note"]
        )

    if submit(request, form, relate) is not None:
        messages.success(request, _("The relation was recorded."))
        return redirect(document.get_absolute_url())
    _section(request)
    return render(request, "documents/relation_form.html", {"form": form, "document": document}, status=400)


@login_required
@require_POST
def document_unrelate(request: HttpRequest, pk: int, relation_pk: int) -> HttpResponse:
    relation = selectors.get_document_relation(request.user, document_pk=pk, pk=relation_pk, action=Action.CHANGE)
    services.document_unrelate(actor=request.user, relation=relation)
    messages.success(request, _("The relation was removed."))
    return redirect(relation.from_document.get_absolute_url())


@login_required
@require_POST
def document_attach(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.get_document_for_user(request.user, pk, Action.CHANGE)
    form = FileForm(request.POST, request.FILES)
    attached = submit(
        request, form,
        lambda data: services.document_attach_file(actor=request.user, document=document, upload=data["file"]),
    )
    if attached is not None:
        messages.success(request, _("%(name)s was attached.") % {"name": attached.name})
        if text_cut(attached.text):
            _text_cut_note(request)
        return redirect(document.get_absolute_url())
    _section(request)
    return render(request, "documents/file_form.html", {"form": form, "document": document}, status=400)


@login_required
@require_GET
def document_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """Download an attached file, after the same check as the document's page."""
    return _download(selectors.get_document_file(request.user, document_pk=pk, pk=file_pk))


def _download(stored) -> FileResponse:
    """A stored file (document file or study material) as an attachment, never shown inline."""
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return uploads.serve(handle, name=stored.name, content_type=stored.content_type)


def _text_cut_note(request: HttpRequest) -> None:
    messages.warning(
        request,
        _("Only the first %(n)s characters of its text are searched.")
        % {"n": number_format(MAX_TEXT, force_grouping=True)},
    )


@login_required
@require_GET
def document_lineage(request: HttpRequest, pk: int) -> HttpResponse:
    """The chain of implementation: what this document implements, and what implements it."""
    _section(request)
    document = selectors.get_document_for_user(request.user, pk)
    lineage = selectors.document_lineage(user=request.user, document=document)
    # What it cites (its "căn cứ"), registered and visible, beside what it implements.
    cited = [c.target for c, visible in selectors.document_citations(user=request.user, document=document) if visible]
    return render(
        request, "documents/document_lineage.html", {"document": document, "cited": cited, **lineage}
    )


# --- Term statistics --------------------------------------------------------------------


@login_required
@require_GET
def document_stats(request: HttpRequest) -> HttpResponse:
    """How many documents of each type a unit issued in a term, as a chart and a sentence."""
    _section(request)
    choices = selectors.stats_choices(user=request.user)
    term = (request.GET.get("term") or "").strip()[:20]
    issuer_raw = (request.GET.get("issuer") or "").strip()
    errors: dict[str, str] = {}
    issuer = None
    if issuer_raw:
        if not issuer_raw.isdigit() or len(issuer_raw) > 10:
            errors["issuer"] = _("Choose a unit from the list.")
        else:
            issuer = selectors.get_issuer_unit_for_user(request.user, int(issuer_raw))
    elif choices["units"]:
        # The user's own top unit rather than a unit above it whose documents they can read.
        own = {path for path, _role in policy.grants(request.user)}
        issuer = next((u for u in choices["units"] if u.path in own), choices["units"][0])
    if term and selectors.parse_term(term) is None:
        errors["term"] = _("Give a term such as 2015-2020.")
    elif not term and choices["terms"]:
        term = choices["terms"][0]
    stats = None
    if issuer is not None and term and not errors:
        stats = selectors.term_stats(user=request.user, term=term, issuer=issuer)
    chart = {
        "labels": [c.type.name for c in stats.counts] if stats else [],
        "values": [c.count for c in stats.counts] if stats else [],
        "label": _("Documents"),
    }
    context = {
        "choices": choices, "term": term, "issuer": issuer, "stats": stats, "errors": errors,
        "chart": chart,
    }
    return render(request, "documents/document_stats.html", context, status=400 if errors else 200)


# --- Study and dissemination (học tập, quán triệt) ---------------------------------------


@login_required
@require_GET
def study_list(request: HttpRequest) -> HttpResponse:
    """The study sessions the user may see, newest first, with their attendance."""
    _section(request)
    sessions = selectors.study_list(user=request.user)
    page_obj, querystring_base = paginate(request, sessions)
    context = {
        "page_obj": page_obj,
        "querystring_base": querystring_base,
        "can_create": manageable_units(user=request.user).exists(),
    }
    return render(request, "documents/study_list.html", context)


def _study_form_choices(request: HttpRequest) -> dict:
    units = manageable_units(user=request.user).order_by("path")
    return {"units": units, "required_units": units}


@login_required
@require_http_methods(["GET", "POST"])
def study_create(request: HttpRequest) -> HttpResponse:
    _section(request)
    choices = _study_form_choices(request)
    if not choices["units"].exists():
        raise PermissionDenied
    initial: dict = {"date": timezone.localdate()}
    document_pk = request.GET.get("document", "")
    if document_pk.isdigit() and len(document_pk) < 12:
        document = selectors.get_document_for_user(request.user, int(document_pk))
        initial["documents"] = f"{document.symbol}, {document.year}"
        initial["title"] = _("Study of %(type)s %(symbol)s") % {
            "type": document.type.name, "symbol": document.symbol,
        }
    if choices["units"].count() == 1:
        initial["unit"] = choices["units"].first()
    form = StudySessionForm(request.POST or None, request.FILES or None, initial=initial, **choices)
    documents = _studied_documents(request, form) if request.method == "POST" else []
    session = submit(request, form, lambda data: services.study_session_create(
        actor=request.user, unit=data["unit"], title=data["title"], date=data["date"],
        place=data["place"], documents=documents, required_units=list(data["required_units"]),
        note=data["note"], uploads=[data["file"]] if data.get("file") else [],
    ))
    if session is not None:
        messages.success(request, _("The study session was recorded."))
        return redirect(session.get_absolute_url())
    return render(request, "documents/study_form.html", {"form": form})


def _studied_documents(request: HttpRequest, form: StudySessionForm) -> list[Document]:
    """The documents the form names; each one not found is an error on the field, named
    even when another field is wrong (so the whole form is checked before ``submit``)."""
    form.is_valid()
    documents = []
    for text, year in form.document_lines():
        found = selectors.find_by_symbol(user=request.user, text=text, year=year)
        if isinstance(found, str):
            form.add_error("documents", found)
        else:
            documents.append(found)
    return documents


@login_required
@require_GET
def study_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    session = selectors.get_study_for_user(request.user, pk)
    can_change = policy.may(request.user, Action.CHANGE, session)
    completion = selectors.session_completion(session=session)
    for row in completion:  # "visible" here: the user may tick (some of) the unit's checklist
        row.visible = can_change or (row.unit is not None and selectors.may_record(request.user, row.unit))
    context = {
        "session": session,
        "documents": selectors.study_documents(user=request.user, session=session),
        "completion": completion,
        "materials": selectors.study_materials(session=session),
        "can_change": can_change,
        "material_form": MaterialForm() if can_change else None,
        "history": history(session),
    }
    return render(request, "documents/study_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def study_attendance(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """The attendance checklist of one required unit: a box per member."""
    _section(request)
    session = selectors.get_study_for_user(request.user, pk)
    required_unit = selectors.get_required_unit(session=session, pk=unit_pk)
    rows = list(selectors.study_checklist(user=request.user, session=session, required_unit=required_unit))
    if not rows and not policy.may(request.user, Action.CHANGE, required_unit):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        allowed = {r.person_id for r in rows}
        raw = request.POST.getlist("present")
        if not all(v.isdigit() and len(v) < 12 for v in raw):
            error = _("The list of people ticked is not valid; reload the page and try again.")
        else:
            try:
                n = services.study_attendance_record(
                    actor=request.user, session=session, required_unit=required_unit,
                    present={int(v) for v in raw}, among=allowed,
                )
            except ValidationError as exc:
                error = " ".join(m for ms in exc.message_dict.values() for m in ms)
            else:
                messages.success(
                    request, _("Attendance saved: %(n)s of %(total)s present.") % {"n": n, "total": len(rows)}
                )
                return redirect(session.get_absolute_url())
    context = {"session": session, "required_unit": required_unit, "rows": rows, "error": error}
    return render(request, "documents/study_attendance.html", context, status=400 if error else 200)


@login_required
@require_POST
def study_material_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.get_study_for_user(request.user, pk, Action.CHANGE)
    form = MaterialForm(request.POST, request.FILES)
    material = submit(
        request, form,
        lambda data: services.study_material_add(actor=request.user, session=session, upload=data["file"]),
    )
    if material is not None:
        messages.success(request, _("%(name)s was attached.") % {"name": material.name})
        return redirect(session.get_absolute_url())
    _section(request)
    return render(request, "documents/study_material_form.html", {"form": form, "session": session}, status=400)


@login_required
@require_GET
def study_material(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    return _download(selectors.get_study_material(request.user, session_pk=pk, pk=file_pk))
