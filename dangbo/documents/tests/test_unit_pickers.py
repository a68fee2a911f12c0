"""The register's forms pick their units with a typed picker: the pages list no unit, whatever
the number of units, and the picker's lookup answers only with the units the field takes."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from dangbo.conftest import field_errors as _errors
from dangbo.documents import spreadsheets
from dangbo.documents.models import Document, DocumentType, StudySession
from dangbo.orgs import services as org_services
from dangbo.orgs.models import UnitKind

from .helpers import D, register


def _add_units(ward, n, start=0):
    kind = UnitKind.objects.get(code="chi-bo")
    for i in range(start, start + n):
        org_services.unit_create(actor=None, parent=ward, kind=kind, name=f"Chi bộ Mới {i}", code=f"moi-{ward.pk}-{i}")


def _workbook() -> io.BytesIO:
    book = Workbook()
    book.active.append([str(h) for _k, h in spreadsheets.COLUMNS])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "so.xlsx"
    return out


def _register_data(unit, issuing_unit, number="7"):
    return {
        "unit": unit.pk, "type": DocumentType.objects.get(abbr="KH").pk, "number": number,
        "issuing_unit": issuing_unit.pk, "issuer_abbr": "ĐU", "date": "2020-06-01",
        "title": "Kế hoạch phát triển đảng viên", "status": "in_force",
    }


@pytest.fixture
def edited(cast):
    return register(cast.ward1, actor=cast.ward_secretary, number="03", date=D(2016, 6, 1))


# The page (a path or a fixture's document to edit), the picker fields and their lookups.
PAGES = [
    ("document_create", {"unit": "", "issuing_unit": "?scope=issuing"}),
    ("document_edit", {"issuing_unit": "?scope=issuing"}),
    ("document_import", {"unit": ""}),
    ("study_create", {"unit": "", "required_units": ""}),
]


@pytest.mark.parametrize(("name", "fields"), PAGES)
def test_the_form_lists_no_unit_whatever_their_number(cast, login, edited, name, fields):
    client = login(cast.ward_secretary)
    url = reverse(f"documents:{name}", args=[edited.pk] if name == "document_edit" else [])
    _add_units(cast.ward1, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _add_units(cast.ward1, 30, start=3)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    for field, scope in fields.items():
        assert f'data-lookup-url="{reverse("documents:unit_lookup")}{scope}"' in body
        assert f'name="{field}_q"' in body
    for picker in body.split("data-unit-picker")[1:]:
        assert "<option" not in picker.split("</div>")[0]
    assert "Chi bộ Mới" not in body and 'name="required_units" value=' not in body


def test_the_edit_form_shows_the_issuing_unit_by_name(cast, login, edited):
    body = login(cast.ward_secretary).get(reverse("documents:document_edit", args=[edited.pk])).content.decode()
    assert f'name="issuing_unit" value="{cast.ward1.pk}"' in body
    assert f'name="issuing_unit_q" value="{cast.ward1.label}"' in body


@pytest.mark.parametrize("scope", ["", "issuing"])
def test_the_lookup_answers_with_the_units_the_field_takes(cast, login, scope):
    url = reverse("documents:unit_lookup")
    params = {"q": "phuong", **({"scope": scope} if scope else {})}
    found = [i["id"] for i in login(cast.ward_secretary).get(url, params).json()["items"]]
    assert cast.ward1.pk in found and cast.ward_dl.pk not in found
    found = [i["id"] for i in login(cast.outsider).get(url, params).json()["items"]]
    assert cast.ward_dl.pk in found and cast.ward1.pk not in found


def test_the_issuing_scope_adds_the_units_above(cast, login):
    """A ward names the city's documents as issued by the city; it registers none for it."""
    url = reverse("documents:unit_lookup")
    client = login(cast.ward_secretary)
    assert cast.city.pk in [i["id"] for i in client.get(url, {"q": "dong ha", "scope": "issuing"}).json()["items"]]
    assert cast.city.pk not in [i["id"] for i in client.get(url, {"q": "dong ha"}).json()["items"]]
    assert client.get(url, {"q": "dong ha", "scope": "everything"}).status_code == 404


def test_register_with_picked_units_and_refuse_units_out_of_scope(cast, login):
    client = login(cast.ward_secretary)
    url = reverse("documents:document_create")
    response = client.post(url, _register_data(cast.ward_dl, cast.ward_dl))
    assert response.status_code == 200
    assert _errors(response, "unit") == ["invalid_choice"] and _errors(response, "issuing_unit") == ["invalid_choice"]
    response = client.post(url, _register_data(cast.ward1, cast.ward1) | {"unit": "x", "issuing_unit": "99999999999999999999"})
    assert response.status_code == 200 and _errors(response, "unit") and _errors(response, "issuing_unit")
    assert not Document.objects.exists()
    response = client.post(url, _register_data(cast.ward1, cast.city))
    assert response.status_code == 302
    assert Document.objects.get().issuing_unit == cast.city


def test_typed_text_without_scripts_comes_back_with_the_units_found(cast, login):
    data = _register_data(cast.ward1, cast.ward1) | {"issuing_unit": "", "issuing_unit_q": "phuong"}
    response = login(cast.ward_secretary).post(reverse("documents:document_create"), data)
    body = response.content.decode()
    assert response.status_code == 200 and _errors(response, "issuing_unit") == ["search"]
    assert f'type="radio" name="issuing_unit" value="{cast.ward1.pk}"' in body
    assert f'type="radio" name="issuing_unit" value="{cast.ward_dl.pk}"' not in body


def test_edit_keeps_or_changes_the_issuing_unit(cast, login, edited):
    client = login(cast.ward_secretary)
    url = reverse("documents:document_edit", args=[edited.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "work_fields"}
    data |= {"type": edited.type_id, "issuing_unit": cast.ward_dl.pk, "date": "2016-06-01"}
    response = client.post(url, data)
    assert response.status_code == 200 and _errors(response, "issuing_unit") == ["invalid_choice"]
    response = client.post(url, data | {"issuing_unit": cast.city.pk})
    assert response.status_code == 302
    edited.refresh_from_db()
    assert edited.issuing_unit == cast.city


def test_import_into_a_picked_register_only(cast, login):
    client = login(cast.ward_secretary)
    url = reverse("documents:document_import")
    response = client.post(url, {"unit": cast.ward_dl.pk, "file": _workbook()})
    assert response.status_code == 200 and _errors(response, "unit") == ["invalid_choice"]
    response = client.post(url, {"unit": cast.ward1.pk, "file": _workbook()})
    assert response.status_code == 302 or not _errors(response, "unit")


def test_a_study_session_is_organised_by_a_picked_unit_only(cast, login, edited):
    client = login(cast.ward_secretary)
    url = reverse("documents:study_create")
    data = {"unit": cast.ward_dl.pk, "title": "Quán triệt", "date": "2021-03-01", "documents": "03-KH/ĐU, 2016",
            "required_units": [cast.cell1.pk]}
    response = client.post(url, data)
    assert response.status_code == 200 and _errors(response, "unit") == ["invalid_choice"]
    response = client.post(url, data | {"unit": cast.ward1.pk})
    assert response.status_code == 302, response.context["form"].errors
    assert StudySession.objects.get().unit == cast.ward1


def test_a_study_session_requires_the_picked_units_only(cast, login, edited):
    """"Units required to attend" is a units picker: the outsider's cell is refused and nothing
    saved; when the form comes back, the units chosen are still there."""
    client = login(cast.ward_secretary)
    url = reverse("documents:study_create")
    data = {"unit": cast.ward1.pk, "title": "Quán triệt", "date": "2021-03-01", "documents": "03-KH/ĐU, 2016",
            "required_units": [cast.cell1.pk, cast.cell_dl.pk]}
    response = client.post(url, data)
    assert response.status_code == 200 and _errors(response, "required_units") == ["invalid_choice"]
    assert not StudySession.objects.exists()
    response = client.post(url, data | {"required_units": [cast.cell1.pk], "title": ""})  # another field wrong
    assert f'name="required_units" value="{cast.cell1.pk}" checked' in response.content.decode()
    response = client.post(url, data | {"required_units": [cast.ward1.pk, cast.cell1.pk]})
    assert response.status_code == 302
    assert set(StudySession.objects.get().required_units.values_list("pk", flat=True)) == {cast.ward1.pk, cast.cell1.pk}
