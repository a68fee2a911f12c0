"""Scoring a meeting records each criterion's points, old and new; the meeting page shows them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from dangbo.core.models import AuditEntry
from dangbo.meetings import services

from .conftest import full_points

pytestmark = pytest.mark.django_db


def history_of(client, url) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode().split('<section class="history-section"', 1)[1].split("</section>", 1)[0]


def test_the_first_score_records_every_criterion(cast, held):
    services.meeting_score(actor=cast.cell_secretary, meeting=held, rater="self", points=full_points(held))
    entry = AuditEntry.objects.get(action="meeting.score")
    points = {k: v for k, v in entry.after.items() if k.startswith("criterion.")}
    assert len(points) == 13 and points["criterion.7"] == "10.0"
    assert entry.before is None


def test_a_new_score_records_the_old_and_new_points_of_each_criterion(cast, login, held):
    services.meeting_score(actor=cast.cell_secretary, meeting=held, rater="self", points=full_points(held))
    services.meeting_score(actor=cast.cell_secretary, meeting=held, rater="self",
                           points=full_points(held, {"7": Decimal("8"), "1": Decimal("4.5")}))
    entry = AuditEntry.objects.filter(action="meeting.score").order_by("-id").first()
    assert (entry.before["criterion.7"], entry.after["criterion.7"]) == ("10.0", "8.0")
    assert (entry.before["criterion.1"], entry.after["criterion.1"]) == ("10.0", "4.5")
    assert entry.before["criterion.2"] == entry.after["criterion.2"]
    history = history_of(login(cast.member), reverse("meetings:meeting_detail", args=[held.pk]))
    rescored = history.split('data-action="meeting.score"', 1)[1].split("</li>", 1)[0]
    assert "Criterion 7: <del>10,0</del> → <ins>8,0</ins>" in rescored
    assert "Criterion 1: <del>10,0</del> → <ins>4,5</ins>" in rescored
    assert "Criterion 2:" not in rescored  # unchanged points are not repeated
    assert login(cast.outsider).get(reverse("meetings:meeting_detail", args=[held.pk])).status_code == 404


def test_a_correction_after_closing_records_the_points_too(cast, held):
    services.meeting_score(actor=cast.cell_secretary, meeting=held, rater="self", points=full_points(held))
    services.meeting_close(actor=cast.cell_secretary, meeting=held)
    services.meeting_score(actor=cast.cell_secretary, meeting=held, rater="self",
                           points=full_points(held, {"3": Decimal("0")}), reason="Chấm lại tiêu chí 3")
    entry = AuditEntry.objects.get(action="meeting.correction")
    assert entry.after["criterion.3"] == "0.0" and entry.before["criterion.3"] != "0.0"
