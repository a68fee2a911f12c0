"""No lost updates: two people with change rights rename the same unit from stale forms."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from dangbo.core.tests.forms import form_data, session
from dangbo.orgs.models import UnitChange

pytestmark = pytest.mark.django_db
STALE = "đã lưu thay đổi sau khi bạn mở biểu mẫu này"


def test_a_stale_unit_rename_is_refused_and_shows_what_changed(cast):
    url = reverse("orgs:unit_edit", args=[cast.cell1.pk])
    ward, cell = session(cast.ward_secretary), session(cast.cell_secretary)
    assert session(cast.outsider).get(url).status_code == 404
    page_ward, page_cell = ward.get(url), cell.get(url)

    assert ward.post(url, form_data(page_ward.content, name="Chi bộ Khu phố 1A")).status_code == 302

    refused = cell.post(url, form_data(page_cell.content, short_name="KP1"))
    assert refused.status_code == 200
    page = html.unescape(refused.content.decode())
    assert STALE in page and "Trần Văn Phú" in page
    assert "Chi bộ Khu phố 1A" in page
    cast.cell1.refresh_from_db()
    assert (cast.cell1.name, cast.cell1.short_name) == ("Chi bộ Khu phố 1A", "")
    assert UnitChange.objects.filter(kind="rename").count() == 1
