"""A denouncer's identity, everywhere a petitioner's personal data can appear: pages, search,
exports, API, history, notifications. Only the head of the handling unit (and the staff they
name) reads it, and every reading is audited."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from dangbo.citizens import services
from dangbo.citizens.models import Case
from dangbo.core.models import AuditEntry, Notification
from dangbo.core.search import search_for_user

from .conftest import make_case

pytestmark = pytest.mark.django_db
NAME, ADDRESS, PHONE = "Hoàng Thị Tố Giác", "99 Ngõ Kín", "0987654321"
SECRETS = (NAME, ADDRESS, PHONE)
NOW = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _reads(case) -> int:
    return AuditEntry.objects.filter(action="case.identity_read", object_id=case.pk).count()


def _clean(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} appears in {where}"


@time_machine.travel(NOW, tick=False)
def test_a_denouncer_appears_nowhere_but_to_the_readers(cast, login, django_capture_on_commit_callbacks):
    from dangbo.citizens.scan import scan_cases

    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(cast.ward1, kind=Case.Kind.TO_CAO, content="Tố cáo cán bộ thu tiền sai.",
                         petitioners=[{"name": NAME, "address": ADDRESS, "phone": PHONE}])
        services.case_acknowledge(actor=None, case=case, outcome="accepted", on=dt.date(2026, 5, 4))
    scan_cases(today=dt.date(2026, 6, 20))  # answer overdue: the managers are notified
    query = {"unit": cast.city.pk, "year": 2026, "period": "year"}
    for who in ("clerk", "cell_secretary", "member", "outsider"):
        user = getattr(cast, who)
        client = login(user)
        api = login(user)
        pages = {
            "list": client.get(reverse("citizens:case_list")),
            "detail": client.get(case.get_absolute_url()),
            "search page": client.get(reverse("core:search"), {"q": "can bo thu tien"}),
            "home": client.get(reverse("core:home")),
            "response times xlsx": client.get(reverse("citizens:response_times"), query | {"format": "xlsx"}),
            "report docx": client.get(reverse("citizens:reception_report"), query | {"format": "docx"}),
            "report xlsx": client.get(reverse("citizens:reception_report"), query | {"format": "xlsx"}),
            "api list": api.get("/api/v1/cases"),
            "api detail": api.get(f"/api/v1/cases/{case.pk}"),
        }
        for where, response in pages.items():
            assert response.status_code in (200, 404), (who, where, response.status_code)
            body = response.content.decode("utf-8", "replace") if "x" not in where else ""
            _clean(body, f"{where} as {who}")
            if where.endswith(("docx", "xlsx")) and response.status_code == 200:
                _clean(_office_text(response.content, where), f"{where} as {who}")
        assert not search_for_user(user, "hoang thi to giac").items
        assert not search_for_user(user, "0987654321").items
        if pages["api detail"].status_code == 200:
            assert pages["api detail"].json()["petitioners"] is None
    assert _reads(case) == 0  # nobody above read it
    for entry in AuditEntry.objects.filter(object_id=case.pk):
        _clean(json.dumps([entry.before, entry.after, entry.object_repr, entry.reason], ensure_ascii=False), "history")
    for note in Notification.objects.all():
        _clean(f"{note.title} {note.body}", "notifications")
    assert Notification.objects.exists()
    # The head reads it on the page, through the API and in the letter: three readings, audited.
    head = login(cast.ward_secretary)
    assert NAME in head.get(case.get_absolute_url()).content.decode()
    assert head.get(f"/api/v1/cases/{case.pk}").json()["petitioners"][0]["phone"] == PHONE
    assert head.get(reverse("citizens:case_letter", args=[case.pk])).status_code == 200
    assert _reads(case) == 3
    assert all(e.actor == cast.ward_secretary for e in AuditEntry.objects.filter(action="case.identity_read"))
    # ... and in the list it stays confidential even to the head.
    _clean(head.get(reverse("citizens:case_list")).content.decode(), "list as the head")
    assert head.get("/api/v1/cases").json()["items"][0]["petitioners"] is None


@time_machine.travel(NOW, tick=False)
def test_a_denunciation_offered_as_a_duplicate_counts_as_a_reading(cast, login):
    case = make_case(cast.ward1, kind=Case.Kind.TO_CAO, content="Tố cáo cán bộ thu tiền sai của hộ nghèo",
                     petitioners=[{"name": NAME}])
    form = {
        "unit": cast.ward1.pk, "kind": "to_cao", "channel": "letter", "received_on": "2026-05-20",
        "content": "Tố cáo cán bộ thu tiền sai của hộ nghèo lần nữa", "name": NAME, "address": "", "phone": "",
    }
    page = login(cast.ward_secretary).post(reverse("citizens:case_create"), form)
    assert case.code_display in page.content.decode() and _reads(case) == 1
    body = {"unit_id": cast.ward1.pk, "kind": "to_cao", "channel": "online", "received_on": "2026-05-20",
            "content": form["content"], "petitioners": [{"name": NAME}]}
    response = login(cast.ward_secretary).post("/api/v1/cases", body, content_type="application/json")
    assert response.status_code == 409 and _reads(case) == 2
    # Someone who may not read the denouncer is not offered the match (nor is a reading recorded).
    response = login(cast.clerk).post("/api/v1/cases", body, content_type="application/json")
    assert response.status_code == 201 and _reads(case) == 2


def _office_text(data: bytes, where: str) -> str:
    import io

    if where.endswith("docx"):
        from docx import Document as Docx

        doc = Docx(io.BytesIO(data))
        return "\n".join([p.text for p in doc.paragraphs]
                         + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row)
