"""Pages of the document register: list, export/import, detail, forms, files, lineage."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangbo.core.forms import add_service_errors
from dangbo.core.pagination import paginate
from dangbo.orgs.policy import Action, can, grant_paths
from dangbo.orgs.selectors import manageable_units

from . import selectors, services, spreadsheets
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
from .models import Document, DocumentRelation, DocumentType, Issuer

EXPORT_LIMIT = 20_000


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
    filters, _values = _filters(request)
    documents = selectors.with_fields(selectors.document_list(user=request.user, filters=filters))
    data = spreadsheets.export_register(documents[:EXPORT_LIMIT])
    response = HttpResponse(data, content_type=spreadsheets.XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="so-van-ban-{stamp}.xlsx"'
    return response


@login_required
@require_GET
def document_import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(spreadsheets.template(), content_type=spreadsheets.XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-so-van-ban.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def document_import(request: HttpRequest) -> HttpResponse:
    _section(request)
    units = manageable_units(user=request.user)
    if not units.exists():
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, units=units)
    errors: list[spreadsheets.RowError] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = spreadsheets.import_register(
                actor=request.user, unit=form.cleaned_data["unit"], upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if result.errors:
                errors = result.errors
                form.add_error(None, _("Nothing was imported: %(n)s problem(s) in the rows below.") % {"n": len(errors)})
            else:
                messages.success(
                    request, _("%(n)s document(s) were registered.") % {"n": len(result.created)}
                )
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
        doc_type = DocumentType.objects.filter(abbr=get["type"]).first()
        if doc_type is None:
            doc_type = DocumentType.objects.filter(name__iexact=get.get("type_name", "")).first()
        if doc_type is not None:
            initial["type"] = doc_type
            if doc_type.abbr != get["type"]:
                initial["type_abbr"] = get["type"]
    for key in ("number", "issuer_abbr", "title"):
        if get.get(key):
            initial[key] = get[key][:500]
    if get.get("date"):
        initial["date"] = get["date"][:10]
    issuer = None
    if get.get("issuer_name"):
        issuer = Issuer.objects.filter(name__iexact=get["issuer_name"]).first()
    if issuer is None and get.get("issuer_abbr"):
        matches = list(Issuer.objects.filter(abbr=get["issuer_abbr"])[:2])
        issuer = matches[0] if len(matches) == 1 else None
    if issuer is not None:
        initial["issuer"] = issuer
    return initial


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
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            document = services.document_register(
                actor=request.user, uploads=[upload] if upload else [], **form.service_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(symbol)s was registered.") % {"symbol": document.symbol})
            return redirect(document.get_absolute_url())
    return render(request, "documents/document_form.html", {"form": form, "document": None})


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
    } | {"work_fields": list(document.fields.all())}
    form = DocumentForm(request.POST or None, initial=initial, editing=True, **_form_choices(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(actor=request.user, document=document, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(document.get_absolute_url())
    return render(request, "documents/document_form.html", {"form": form, "document": document})


@login_required
@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    document = selectors.get_document_for_user(request.user, pk)
    can_change = can(request.user, Action.CHANGE, document.unit)
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
        "fields": list(document.fields.all()),
        "files": selectors.document_files(document=document),
        "relations": selectors.document_relations(user=request.user, document=document),
        "citations": [(c, v, register_links.get(c.pk)) for c, v in citations],
        "entries": selectors.document_audit(document=document)[:30],
        "can_change": can_change,
        "can_register": can_change or manageable_units(user=request.user).exists(),
        "relation_form": RelationForm() if can_change else None,
        "file_form": FileForm() if can_change else None,
    }
    return render(request, "documents/document_detail.html", context)


@login_required
@require_POST
def document_relate(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.get_document_for_user(request.user, pk, Action.CHANGE)
    form = RelationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        target = selectors.find_by_symbol(user=request.user, text=data["target"], year=data["year"])
        try:
            if isinstance(target, str):
                raise ValidationError({"target": target})
            services.document_relate(
                actor=request.user, document=document, target=target, kind=data["kind"], note=data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The relation was recorded."))
            return redirect(document.get_absolute_url())
    _section(request)
    return render(request, "documents/relation_form.html", {"form": form, "document": document}, status=400)


@login_required
@require_POST
def document_unrelate(request: HttpRequest, pk: int, relation_pk: int) -> HttpResponse:
    document = selectors.get_document_for_user(request.user, pk, Action.CHANGE)
    relation = get_object_or_404(DocumentRelation, pk=relation_pk, from_document=document)
    services.document_unrelate(actor=request.user, relation=relation)
    messages.success(request, _("The relation was removed."))
    return redirect(document.get_absolute_url())


@login_required
@require_POST
def document_attach(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.get_document_for_user(request.user, pk, Action.CHANGE)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attached = services.document_attach_file(
                actor=request.user, document=document, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was attached.") % {"name": attached.name})
            return redirect(document.get_absolute_url())
    _section(request)
    return render(request, "documents/file_form.html", {"form": form, "document": document}, status=400)


@login_required
@require_GET
def document_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """Download an attached file, after the same check as the document's page."""
    document = selectors.get_document_for_user(request.user, pk)
    attached = get_object_or_404(document.files.all(), pk=file_pk)
    try:
        handle = attached.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=attached.name, content_type=attached.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def document_lineage(request: HttpRequest, pk: int) -> HttpResponse:
    """The chain of implementation: what this document implements, and what implements it."""
    _section(request)
    document = selectors.get_document_for_user(request.user, pk)
    lineage = selectors.document_lineage(user=request.user, document=document)
    return render(request, "documents/document_lineage.html", {"document": document, **lineage})


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
        own = {path for path, _role in grant_paths(request.user)}
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
    if request.method == "POST":
        form.is_valid()
        data = form.cleaned_data
        documents = []
        for text, year in form.document_lines():  # named even when another field is wrong
            found = selectors.find_by_symbol(user=request.user, text=text, year=year)
            if isinstance(found, str):
                form.add_error("documents", found)
            else:
                documents.append(found)
        if form.is_valid():
            try:
                session = services.study_session_create(
                    actor=request.user, unit=data["unit"], title=data["title"], date=data["date"],
                    place=data["place"], documents=documents, required_units=list(data["required_units"]),
                    note=data["note"], uploads=[data["file"]] if data.get("file") else [],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The study session was recorded."))
                return redirect(session.get_absolute_url())
    return render(request, "documents/study_form.html", {"form": form})


@login_required
@require_GET
def study_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _section(request)
    session = selectors.get_study_for_user(request.user, pk)
    can_change = can(request.user, Action.CHANGE, session.unit)
    documents = list(session.documents.select_related("type").order_by("date", "pk"))
    visible = set(
        Document.objects.filter(selectors.document_scope_q(request.user), pk__in=[d.pk for d in documents])
        .values_list("pk", flat=True)
    )
    completion = selectors.session_completion(session=session)
    for row in completion:  # "visible" here: the user may tick (some of) the unit's checklist
        row.visible = can_change or (row.unit is not None and selectors.may_record(request.user, row.unit))
    context = {
        "session": session,
        "documents": [(d, d.pk in visible) for d in documents],
        "completion": completion,
        "materials": session.materials.select_related("uploaded_by"),
        "can_change": can_change,
        "material_form": MaterialForm() if can_change else None,
        "entries": selectors.document_audit(document=session)[:30],
    }
    return render(request, "documents/study_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def study_attendance(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """The attendance checklist of one required unit: a box per member."""
    _section(request)
    session = selectors.get_study_for_user(request.user, pk)
    required_unit = get_object_or_404(session.required_units.all(), pk=unit_pk)
    rows = list(selectors.study_checklist(user=request.user, session=session, required_unit=required_unit))
    if not rows and not can(request.user, Action.CHANGE, required_unit):
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
    if form.is_valid():
        try:
            material = services.study_material_add(actor=request.user, session=session, upload=form.cleaned_data["file"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was attached.") % {"name": material.name})
            return redirect(session.get_absolute_url())
    _section(request)
    return render(request, "documents/study_material_form.html", {"form": form, "session": session}, status=400)


@login_required
@require_GET
def study_material(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    session = selectors.get_study_for_user(request.user, pk)
    material = get_object_or_404(session.materials.all(), pk=file_pk)
    try:
        handle = material.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=material.name, content_type=material.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
