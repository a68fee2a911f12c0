"""A document leads to its tasks: its page links to the implementation page and offers
"Giao nhiệm vụ"; the implementation page and its DOCX report count the same tasks."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse

from dangbo.assignments import services
from dangbo.documents import services as document_services
from dangbo.documents.models import DocumentRelation

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 2, 3, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def plan(cast, make_document, make_task):
    """A city plan with three tasks (one cancelled, one done) and a ward plan implementing it
    with a task of its own and a sub-task."""
    city = make_document(number="12", abbr="KH", title="Kế hoạch thực hiện Nghị quyết")
    ward = make_document(number="03", abbr="KH", unit=cast.ward1, issuer_abbr="ĐU", title="Kế hoạch của Phường 1")
    document_services.document_relate(actor=None, document=ward, target=city, kind=DocumentRelation.Kind.IMPLEMENTS)
    first = make_task(title="Tuyên truyền", document=city)
    services.report_submit(actor=None, task=first, percent=40)
    cancelled = make_task(title="Hội thảo", document=city)
    services.task_transition(actor=None, task=cancelled, to="cancelled", reason="Gộp vào việc khác")
    done = make_task(title="Phổ biến", document=city, start=D(2026, 1, 1), deadline=D(2026, 2, 1))
    services.task_transition(actor=None, task=done, to="awaiting")
    services.task_transition(actor=None, task=done, to="done")
    own = make_task(title="Phường triển khai", document=ward, assigning_unit=cast.ward1, unit=cast.cell1)
    services.subtask_create(actor=None, parent=first, unit=cast.cell1, title="Chi bộ tuyên truyền", deadline=D(2026, 6, 1))
    return city, own


def test_the_document_page_leads_to_its_tasks(cast, login, plan):
    city, _own = plan
    url = reverse("documents:document_detail", args=[city.pk])
    tasks_url = reverse("assignments:document_tasks", args=[city.pk])
    assign_url = reverse("assignments:task_create") + f"?document={city.pk}"
    body = login(cast.clerk).get(url).content.decode()
    assert f'href="{tasks_url}"' in body
    assert f'href="{assign_url}"' in body and "Giao nhiệm vụ" in body
    body = login(cast.ward_secretary).get(url).content.decode()  # a ward implements a city plan too
    assert f'href="{tasks_url}"' in body and f'href="{assign_url}"' in body
    body = login(cast.member).get(url).content.decode()
    assert "Giao nhiệm vụ" not in body
    assert login(cast.outsider).get(reverse("documents:document_detail", args=[_own.document.pk])).status_code == 404


def test_the_page_and_the_docx_count_the_same_tasks(cast, login, plan):
    from docx import Document as Docx

    city, _own = plan
    client = login(cast.clerk)
    url = reverse("assignments:document_tasks", args=[city.pk])
    body = client.get(url).content.decode()
    rows = body.split("All tasks" if "All tasks" in body else "Tất cả nhiệm vụ", 1)[1].count('<tr class="')
    headline = re.search(r"<strong>(\d+) nhiệm vụ</strong>", body)
    assert headline, body
    docx = Docx(BytesIO(client.get(url, {"format": "docx"}).content))
    text = "\n".join(p.text for p in docx.paragraphs)
    table = docx.tables[-2]
    said = re.search(r"(\d+) nhiệm vụ", text)
    assert said, text
    assert int(headline.group(1)) == int(said.group(1)) == len(table.rows) - 1 == 5
    assert rows in (0, 5)  # the page's table lists them too (when it marks its rows)
    assert "1 đã hủy" in body and "1 đã hủy" in text
    assert re.search(r"Hoàn thành: 1\b", body) and "1 nhiệm vụ đã hoàn thành" in text
