"""The register's pages, each tried by the cast: allowed, read-only and outsider."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dangbo.documents import services, spreadsheets
from dangbo.documents.models import Document, DocumentFile

from .helpers import DOCX, PDF, D, build_docs, docx_bytes, pdf_bytes, register, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs(cast):
    return build_docs(cast)


def status_of(client, url, method="get", data=None):
    return getattr(client, method)(url, data or {}).status_code


def test_anonymous_is_sent_to_login(client, cast):
    response = client.get(reverse("documents:document_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_list_shows_only_visible_documents(cast, login, docs):
    url = reverse("documents:document_list")
    outsider = login(cast.outsider).get(url).content.decode()
    assert "05-CT/TW" in outsider and "12-KH/TU" in outsider  # shared down from the city
    assert "07-KH/ĐU" in outsider
    assert "03-KH/ĐU" not in outsider and "01-KH/CB" not in outsider
    member = login(cast.member).get(url).content.decode()
    assert "01-KH/CB" in member and "03-KH/ĐU" in member and "05-CT/TW" in member
    assert "07-KH/ĐU" not in member


@pytest.mark.parametrize("name", ["document_detail", "document_lineage"])
def test_read_pages_by_role(cast, login, docs, name):
    url = reverse(f"documents:{name}", args=[docs["ward"].pk])
    assert status_of(login(cast.clerk), url) == 200
    assert status_of(login(cast.ward_secretary), url) == 200
    assert status_of(login(cast.member), url) == 200  # a ward document is shared down
    assert status_of(login(cast.outsider), url) == 404


def test_unshared_documents_stay_in_their_unit(cast, login):
    doc = register(cast.ward1, number="09", shared_down=False)
    url = reverse("documents:document_detail", args=[doc.pk])
    assert status_of(login(cast.ward_secretary), url) == 200
    assert status_of(login(cast.member), url) == 404


@pytest.mark.parametrize("name", ["document_edit"])
def test_change_pages_need_manage(cast, login, docs, name):
    url = reverse(f"documents:{name}", args=[docs["ward"].pk])
    assert status_of(login(cast.member), url) == 403
    assert status_of(login(cast.cell_secretary), url) == 403
    assert status_of(login(cast.outsider), url) == 404
    assert status_of(login(cast.ward_secretary), url) == 200
    assert status_of(login(cast.clerk), url) == 200


def test_edit_through_the_form_keeps_the_history(cast, login, docs):
    doc = docs["ward"]
    client = login(cast.ward_secretary)
    url = reverse("documents:document_edit", args=[doc.pk])
    data = {
        "type": doc.type_id, "number": "04", "issuing_unit": cast.ward1.pk, "issuer_abbr": "ĐU",
        "date": "2016-09-01", "title": "Kế hoạch của Phường 1 (sửa)", "status": "in_force",
        "shared_down": "on", "summary": "Thực hiện Kế hoạch 12-KH/TU.",
    }
    assert client.post(url, data).status_code == 302
    doc.refresh_from_db()
    assert doc.symbol == "04-KH/ĐU" and doc.title.endswith("(sửa)")
    assert doc.citations.get().target == docs["city"]
    body = client.get(reverse("documents:document_detail", args=[doc.pk])).content.decode()
    assert "document.update" in body and "03" in body


@pytest.mark.parametrize("name", ["document_relate", "document_attach"])
def test_writes_need_manage(cast, login, docs, name):
    url = reverse(f"documents:{name}", args=[docs["ward"].pk])
    assert status_of(login(cast.member), url, "post") == 403
    assert status_of(login(cast.outsider), url, "post") == 404


def test_create_and_import_need_a_unit_to_manage(cast, login):
    for name in ("document_create", "document_import"):
        url = reverse(f"documents:{name}")
        assert status_of(login(cast.member), url) == 403
        assert status_of(login(cast.ward_secretary), url) == 200


def test_register_through_the_form(cast, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(cast.ward_secretary)
    data = {
        "unit": cast.ward1.pk, "type": Document._meta.get_field("type").related_model.objects.get(abbr="NQ").pk,
        "number": "2", "issuing_unit": cast.ward1.pk, "issuer_abbr": "ĐU", "date": "2020-06-01",
        "title": "Nghị quyết về phát triển đảng viên", "status": "in_force", "shared_down": "on",
        "file": upload("nq.docx", docx_bytes("Căn cứ Chỉ thị số 05-CT/TW"), DOCX),
    }
    response = client.post(reverse("documents:document_create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    doc = Document.objects.get()
    assert doc.symbol == "02-NQ/ĐU" and doc.unit == cast.ward1
    assert "05-CT/TW" in doc.full_text and doc.files.count() == 1
    # the registering unit must be one the user manages
    data["unit"] = cast.ward_dl.pk
    data["number"] = "3"
    data.pop("file")
    response = client.post(reverse("documents:document_create"), data)
    assert response.status_code == 200 and Document.objects.count() == 1


def test_form_shows_the_duplicate_and_a_fake_pdf(cast, login, docs, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(cast.clerk)
    data = {
        "unit": cast.city.pk, "type": docs["city"].type_id, "number": "12", "issuing_unit": cast.city.pk,
        "issuer_abbr": "TU", "date": "2016-12-01", "title": "x", "status": "in_force",
    }
    body = client.post(reverse("documents:document_create"), data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "12-KH/TU of 2016 is already registered" in body and "Kế hoạch thực hiện Chỉ thị 05" in body
    data |= {"number": "13", "file": upload("fake.pdf", b"GIF89a not a pdf", PDF)}
    body = client.post(reverse("documents:document_create"), data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The file is not a PDF document." in body
    assert Document.objects.count() == 5 and not DocumentFile.objects.exists()


def test_file_download_is_permission_checked(cast, login, docs, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    attached = services.document_attach_file(actor=None, document=docs["ward"], upload=upload("kh.pdf", pdf_bytes(), PDF))
    url = reverse("documents:document_file", args=[docs["ward"].pk, attached.pk])
    response = login(cast.ward_secretary).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Disposition"] == 'attachment; filename="kh.pdf"'
    assert response["Content-Type"] == PDF and response["X-Content-Type-Options"] == "nosniff"
    assert status_of(login(cast.outsider), url) == 404
    wrong = reverse("documents:document_file", args=[docs["city"].pk, attached.pk])
    assert status_of(login(cast.clerk), wrong) == 404


def test_relate_through_the_form(cast, login, docs):
    client = login(cast.clerk)
    url = reverse("documents:document_relate", args=[docs["other"].pk])
    response = client.post(url, {"kind": "implements", "target": "05-CT/TW"})
    assert response.status_code == 302
    assert docs["other"].relations_from.filter(to_document=docs["central"]).exists()
    response = client.post(url, {"kind": "implements", "target": "99-CT/TW"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "No document you may see" in response.content.decode()


def test_lineage_walks_up_and_down(cast, login, docs):
    client = login(cast.clerk)
    body = client.get(reverse("documents:document_lineage", args=[docs["central"].pk])).content.decode()
    for symbol in ("12-KH/TU", "03-KH/ĐU", "01-KH/CB", "07-KH/ĐU"):
        assert symbol in body
    body = client.get(reverse("documents:document_lineage", args=[docs["cell"].pk])).content.decode()
    for symbol in ("03-KH/ĐU", "12-KH/TU", "05-CT/TW"):
        assert symbol in body
    # the outsider sees the central chain and its own ward, not Phường 1's branch
    body = login(cast.outsider).get(reverse("documents:document_lineage", args=[docs["central"].pk])).content.decode()
    assert "07-KH/ĐU" in body and "03-KH/ĐU" not in body and "01-KH/CB" not in body


def _chain(cast, length: int, start: int):
    parent = Document.objects.get(symbol="05-CT/TW")
    for n in range(start, start + length):
        doc = register(cast.ward1, number=str(n), date=D(2017, 1, 1))
        services.document_relate(actor=None, document=doc, target=parent, kind="implements")
        parent = doc


def test_lineage_runs_a_fixed_number_of_queries(cast, login, docs, django_assert_num_queries):
    client = login(cast.clerk)
    url = reverse("documents:document_lineage", args=[docs["central"].pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _chain(cast, 6, start=20)
    with django_assert_num_queries(len(small.captured_queries)):
        assert "25-KH/ĐU" in client.get(url).content.decode()


def _many(cast, n: int, start: int):
    from dangbo.documents.models import Field

    fields = list(Field.objects.all()[:2])
    for i in range(start, start + n):
        register(cast.ward1, number=str(i), date=D(2018, 1, 1), fields=fields)


@pytest.mark.parametrize("query", ["", "?type=KH&sort=title", "?status=in_force&term=&date_from=2016-01-01"])
def test_list_runs_a_fixed_number_of_queries(cast, login, docs, django_assert_num_queries, query):
    client = login(cast.ward_secretary)
    url = reverse("documents:document_list") + query
    _many(cast, 2, start=100)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _many(cast, 30, start=200)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_list_search_uses_the_search_index(cast, login, docs):
    from dangbo.core import search

    search.index(Document.objects.all())
    body = login(cast.outsider).get(reverse("documents:document_list") + "?q=ke+hoach").content.decode()
    assert ">12-KH/TU<" in body and ">07-KH/ĐU<" in body
    assert ">03-KH/ĐU<" not in body and ">05-CT/TW<" not in body
    body = login(cast.clerk).get(reverse("documents:document_list") + "?q=05-ct").content.decode()
    assert ">05-CT/TW<" in body and ">12-KH/TU<" not in body


def test_export_contains_only_visible_documents(cast, login, docs):
    response = login(cast.outsider).get(reverse("documents:document_export") + "?type=KH")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    symbols = {row[11] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert symbols == {"12-KH/TU", "07-KH/ĐU"}


def _workbook(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append([str(h) for _k, h in spreadsheets.COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "so.xlsx"
    return out


def test_import_with_two_bad_rows_imports_nothing_and_lists_both(cast, login):
    rows = [
        ["15", "KH", "t-phuong1", "ĐU", "01/02/2020", "Kế hoạch tốt", "", "", "", "", ""],
        ["16", "XX", "t-phuong1", "ĐU", "01/02/2020", "Loại sai", "", "", "", "", ""],
        ["17", "KH", "t-phuong1", "ĐU", "31/02/2020", "Ngày sai", "", "", "", "", ""],
        ["18", "KH", "t-phuong1", "ĐU", "05/02/2020", "Cũng tốt", "", "", "xay-dung-dang", "", ""],
    ]
    client = login(cast.ward_secretary)
    response = client.post(
        reverse("documents:document_import"), {"unit": cast.ward1.pk, "file": _workbook(rows)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in body
    assert "“XX” is not a known document type." in body and "is not a date" in body
    assert ">3<" in body and ">4<" in body
    assert not Document.objects.exists()


def test_import_registers_every_row_and_refuses_in_file_duplicates(cast, login):
    good = [
        ["15", "KH", "t-phuong1", "ĐU", "01/02/2020", "Kế hoạch A", "Trần Văn Phú", "2020-2025", "kinh-te, dan-van", "", "Tóm tắt"],
        ["16", "NQ", "t-phuong1", "ĐU", "02/02/2020", "Nghị quyết B", "", "", "", "in_force", ""],
    ]
    client = login(cast.ward_secretary)
    response = client.post(reverse("documents:document_import"), {"unit": cast.ward1.pk, "file": _workbook(good)})
    assert response.status_code == 302
    assert set(Document.objects.values_list("symbol", flat=True)) == {"15-KH/ĐU", "16-NQ/ĐU"}
    assert set(Document.objects.get(number="15").fields.values_list("code", flat=True)) == {"kinh-te", "dan-van"}
    dup = [good[0], good[0]]
    response = client.post(reverse("documents:document_import"), {"unit": cast.ward1.pk, "file": _workbook(dup)}, HTTP_ACCEPT_LANGUAGE="en")
    assert "already registered" in response.content.decode()
    assert Document.objects.count() == 2


def test_import_names_an_issuing_unit_by_a_code_the_importer_may_name(cast, login):
    """The city above Phường 1 (its plans are copied into the ward's register), not the sibling."""
    rows = [["20", "KH", "t-dongha", "TU", "01/02/2020", "Kế hoạch của Thành ủy", "", "", "", "", ""]]
    client = login(cast.ward_secretary)
    sibling = [["21", "KH", "t-dongluong", "ĐU", "01/02/2020", "Kế hoạch của Đông Lương", "", "", "", "", ""]]
    response = client.post(
        reverse("documents:document_import"), {"unit": cast.ward1.pk, "file": _workbook(sibling)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "is neither a known issuer nor the code of a unit you may see" in response.content.decode()
    assert not Document.objects.exists()
    response = client.post(reverse("documents:document_import"), {"unit": cast.ward1.pk, "file": _workbook(rows)})
    assert response.status_code == 302
    assert Document.objects.get().issuing_unit == cast.city


def test_import_refuses_a_file_that_is_not_a_workbook(cast, login):
    fake = io.BytesIO(b"not a zip")
    fake.name = "so.xlsx"
    response = login(cast.clerk).post(
        reverse("documents:document_import"), {"unit": cast.city.pk, "file": fake}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "not an Excel (XLSX) workbook" in response.content.decode()


def test_template_downloads(cast, login):
    response = login(cast.member).get(reverse("documents:document_import_template"))
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.worksheets[0][1]] == [str(h) for _k, h in spreadsheets.COLUMNS]
    assert len(book.worksheets) == 2


def test_the_history_names_the_term_once_per_change(cast, login):
    """The term is kept twice (the term and its code, both "Nhiệm kỳ"): the history shows it
    once, by its code, at registration and when it changes."""
    import re

    from dangbo.orgs import services as orgs

    old = orgs.term_create(actor=None, unit=cast.ward1, code="2015-2020", start=D(2015, 10, 1), end=D(2020, 9, 30))
    new = orgs.term_create(actor=None, unit=cast.ward1, code="2020-2025", start=D(2020, 10, 1))
    doc = register(cast.ward1, number="05", date=D(2021, 3, 1), term=new)
    client = login(cast.ward_secretary)
    data = {
        "type": doc.type_id, "number": "05", "issuing_unit": cast.ward1.pk, "issuer_abbr": "ĐU",
        "date": "01/05/2019", "title": doc.title, "status": "in_force", "shared_down": "on", "term": old.pk,
    }
    response = client.post(reverse("documents:document_edit", args=[doc.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    url = reverse("documents:document_detail", args=[doc.pk])
    body = client.get(url).content.decode()
    rows = dict(re.findall(r'<li data-action="(document\.\w+)">(.*?)</li>', body, re.S))
    assert rows["document.update"].count("Nhiệm kỳ:") == 1
    assert "<del>2020-2025</del> → <ins>2015-2020</ins>" in rows["document.update"]
    assert rows["document.register"].count("Nhiệm kỳ:") == 1 and "2020-2025" in rows["document.register"]
    assert status_of(login(cast.outsider), url) == 404
