"""No lost updates: two people with change rights edit the same document from stale forms."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from dangbo.core.tests.forms import form_data, session

from .helpers import build_docs

pytestmark = pytest.mark.django_db
STALE = "đã lưu thay đổi sau khi bạn mở biểu mẫu này"


def test_a_stale_document_edit_is_refused_and_shows_what_changed(cast):
    doc = build_docs(cast)["ward"]
    url = reverse("documents:document_edit", args=[doc.pk])
    clerk, secretary = session(cast.clerk), session(cast.ward_secretary)
    assert session(cast.outsider).get(url).status_code == 404
    page_clerk, page_secretary = clerk.get(url), secretary.get(url)

    assert clerk.post(url, form_data(page_clerk.content, title="Kế hoạch thực hiện Chỉ thị 05")).status_code == 302

    refused = secretary.post(url, form_data(page_secretary.content, summary="Tóm tắt của Phường 1."))
    assert refused.status_code == 200
    page = html.unescape(refused.content.decode())
    assert STALE in page
    assert "Trích yếu: “Kế hoạch thực hiện Chỉ thị 05”" in page  # the form's label, the new value
    assert "Tóm tắt của Phường 1." in page  # the secretary's input is kept
    doc.refresh_from_db()
    assert doc.title == "Kế hoạch thực hiện Chỉ thị 05"
    assert doc.summary == ""
