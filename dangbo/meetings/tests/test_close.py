"""Closing (locking) a meeting asks for confirmation and cannot happen before the meeting
starts; the minutes PDF uses one font family and writes scores with a decimal comma."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from dangbo.meetings import exports, services
from dangbo.meetings.models import MeetingKind

pytestmark = pytest.mark.django_db


def test_a_meeting_cannot_be_closed_before_it_starts(cast, members):
    later = services.meeting_create(
        actor=cast.cell_secretary, unit=cast.cell1, kind=MeetingKind.THEMATIC, date=dt.date(2025, 3, 20),
        start_time=dt.time(19, 30), title="Sinh hoạt chuyên đề",
    )
    services.meeting_record(actor=cast.cell_secretary, meeting=later, duration_minutes=90)
    services.meeting_roll_call(
        actor=cast.cell_secretary, meeting=later,
        entries=[{"person_id": p.pk, "status": "present"} for p in members],
    )
    with pytest.raises(ValidationError) as refused:
        services.meeting_close(actor=cast.cell_secretary, meeting=later)
    assert "19:30 20/03/2025" in refused.value.messages[0]  # today, later than now (16:00)
    later.refresh_from_db()
    assert not later.is_closed


def test_the_close_button_asks_for_confirmation(cast, held, login):
    html = login(cast.cell_secretary).get(reverse("meetings:meeting_detail", args=[held.pk])).content.decode()
    form = html.split(reverse("meetings:meeting_close", args=[held.pk]), 1)[1].split("</form>", 1)[0]
    assert "data-confirm=" in form


def test_the_minutes_pdf_uses_one_font_family_and_a_decimal_comma(cast, held):
    doc = exports.minutes_document(held)
    doc.paragraphs.append(("Điểm", f"{exports.decimal_comma(Decimal('92.5'))} điểm"))
    doc.signatures = [("THƯ KÝ", "Nguyễn Văn Ất"), ("CHỦ TRÌ", "Trần Thị Ư")]
    fonts = set()
    for page in PdfReader(io.BytesIO(exports.to_pdf(doc))).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert len(fonts) >= 2  # regular and bold at least
    assert len({f.replace("-Bold", "").replace("-Italic", "") for f in fonts}) == 1, fonts
    assert exports.decimal_comma(Decimal("92.5")) == "92,5"


def test_the_minutes_write_scores_with_a_decimal_comma(cast, held):
    from dangbo.meetings.tests.conftest import full_points

    score = services.meeting_score(actor=cast.cell_secretary, meeting=held, rater="self", points=full_points(held))
    text = " ".join(t for _label, t in exports.minutes_document(held).paragraphs)
    assert f"{exports.decimal_comma(score.total)} điểm" in text
    assert f"{score.total} điểm" not in text or "." not in str(score.total)
