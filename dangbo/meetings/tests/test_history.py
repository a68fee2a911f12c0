"""The meeting page and the criteria version page show their history
(``includes/history.html``), names and labels instead of ids and codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.meetings import services
from dangbo.meetings.models import CriteriaSet

from .conftest import full_points

pytestmark = pytest.mark.django_db


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def history_of(body: str) -> str:
    return body.split('<section class="history-section"', 1)[1].split("</section>", 1)[0]


def entry(history: str, action: str) -> str:
    """The newest row of ``action`` in a history section."""
    return history.split(f'data-action="{action}"', 1)[1].split("</li>", 1)[0]


def test_the_meeting_page_shows_its_history(cast, login, held, members):
    services.meeting_score(actor=cast.cell_secretary, meeting=held, rater="self", points=full_points(held))
    services.decision_create(actor=cast.cell_secretary, meeting=held, text="Vận động đảng viên đóng đảng phí đúng hạn",
                             responsible_unit=cast.cell1, deadline=dt.date(2025, 4, 30))
    services.meeting_close(actor=cast.cell_secretary, meeting=held)
    url = reverse("meetings:meeting_detail", args=[held.pk])
    history = history_of(page(login(cast.member), url))  # a plain member of the cell reads it
    roll_call = entry(history, "meeting.roll_call")
    assert "Roll-call taken" in roll_call and "Phạm Thị Hoa" in roll_call
    # By name, with the label of the status, not "excused" under a person id.
    assert f"{members[3].full_name}: <del>—</del> → <ins>Excused absence (Đi công tác)</ins>" in roll_call
    assert str(members[3].pk) + ":" not in roll_call
    score = entry(history, "meeting.score")
    assert "Meeting scored" in score and "Cell&#x27;s self-assessment" in score  # the rater's label
    decision = entry(history, "meeting.decision")
    assert "Decision recorded" in decision and "Vận động đảng viên" in decision and "30/04/2025" in decision
    assert "Meeting closed" in entry(history, "meeting.close")
    assert "Minutes recorded" in history and "Meeting scheduled" in history
    assert history.index("meeting.close") < history.index("meeting.roll_call") < history.index("meeting.create")
    assert login(cast.outsider).get(url).status_code == 404


def test_a_correction_after_closing_shows_its_reason(cast, login, held, members):
    services.meeting_close(actor=cast.cell_secretary, meeting=held)
    services.meeting_roll_call(actor=cast.ward_secretary, meeting=held, reason="Đồng chí Hằng có mặt, ghi nhầm",
                               entries=[{"person_id": members[3].pk, "status": "present"}])
    history = history_of(page(login(cast.cell_secretary), reverse("meetings:meeting_detail", args=[held.pk])))
    correction = entry(history, "meeting.correction")
    assert "Correction after closing" in correction and "Trần Văn Phú" in correction
    assert "Đồng chí Hằng có mặt, ghi nhầm" in correction
    assert f"{members[3].full_name}: <del>Excused absence</del> → <ins>Present</ins>" in correction


def test_the_meeting_page_runs_a_fixed_number_of_queries_whatever_its_history(cast, login, meeting, members):
    url = reverse("meetings:meeting_detail", args=[meeting.pk])
    client = login(cast.clerk)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        page(client, url)
    for n in range(12):
        services.meeting_update(actor=[cast.clerk, cast.cell_secretary, None][n % 3], meeting=meeting,
                                date=meeting.date, title=f"Sinh hoạt thường kỳ ({n})", agenda=meeting.agenda)
        services.decision_create(actor=cast.cell_secretary, meeting=meeting, text=f"Quyết định {n}")
    with CaptureQueriesContext(connection) as many:
        body = page(client, url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "Show all" in body


# --- criteria versions -------------------------------------------------------------------------


@pytest.fixture
def ward_draft(cast) -> CriteriaSet:
    """Phường 1's own version, made from the city's default by the city (who keeps the default)."""
    return services.criteria_set_new_version(
        actor=cast.clerk, base=CriteriaSet.objects.get(code="khung-100", version=2), unit=cast.ward1,
        effective_from=dt.date(2026, 1, 1), source_document="Quyết định của Đảng ủy phường",
    )


def test_the_criteria_version_page_shows_changes_to_its_criteria(cast, login, ward_draft):
    criterion = ward_draft.criteria.get(code="5")
    services.criterion_update(actor=cast.ward_secretary, criterion=criterion, title=criterion.title,
                              max_points=criterion.max_points - Decimal(1), guidance=criterion.guidance)
    url = reverse("meetings:criteria_detail", args=[ward_draft.pk])
    history = history_of(page(login(cast.clerk), url))
    changed = entry(history, "criterion.update")
    assert "Criterion changed" in changed and "Trần Văn Phú" in changed
    assert criterion.title[:20] in changed  # which criterion
    assert "New version made" in history and "Quyết định của Đảng ủy phường" in history
    assert login(cast.outsider).get(url).status_code == 404


def test_the_criteria_version_page_runs_a_fixed_number_of_queries(cast, login, ward_draft):
    url = reverse("meetings:criteria_detail", args=[ward_draft.pk])
    client = login(cast.clerk)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        page(client, url)
    for criterion in list(ward_draft.criteria.all())[:6]:
        services.criterion_update(actor=cast.ward_secretary, criterion=criterion, title=criterion.title + ".",
                                  max_points=criterion.max_points, guidance=criterion.guidance)
    with CaptureQueriesContext(connection) as many:
        page(client, url)
    assert len(many.captured_queries) == len(few.captured_queries)
