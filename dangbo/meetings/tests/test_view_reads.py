"""Single rows the meeting pages open through selectors (criteria sets and criteria, the
quality page's unit, a roll-call row) and service errors landing on the forms' fields."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangbo.meetings import selectors, services
from dangbo.meetings.models import CriteriaSet, LeaderAssignment, MeetingScore

from .conftest import full_points

pytestmark = pytest.mark.django_db


def status(client, url, method="get", data=None):
    return getattr(client, method)(url, data or {}).status_code


@pytest.fixture
def ward_set(cast):
    """Phường 1's own version of the default criteria set."""
    base = CriteriaSet.objects.get(version=2)
    return services.criteria_set_new_version(
        actor=None, base=base, unit=cast.ward1, effective_from=dt.date(2026, 1, 1), source_document="Quyết định của Đảng ủy",
    )


def test_criteria_sets_and_criteria_by_role(cast, login, ward_set):
    default = CriteriaSet.objects.get(version=2)
    for criteria_set, editors, readers, strangers in (
        (default, ["clerk"], ["ward_secretary", "member", "outsider"], []),
        # a committee's set: seen in the committee's unit only (not from the cells below it)
        (ward_set, ["clerk", "ward_secretary"], [], ["outsider", "cell_secretary", "member"]),
    ):
        criterion = criteria_set.criteria.order_by("order").first()
        detail = reverse("meetings:criteria_detail", args=[criteria_set.pk])
        edit = reverse("meetings:criterion_edit", args=[criterion.pk])
        new_version = reverse("meetings:criteria_new_version", args=[criteria_set.pk])
        for name in editors:
            client = login(getattr(cast, name))
            assert [status(client, u) for u in (detail, edit, new_version)] == [200, 200, 200], name
            assert client.get(detail).context["can_edit"] is True
        for name in readers:
            client = login(getattr(cast, name))
            assert [status(client, u) for u in (detail, edit, new_version)] == [200, 403, 403], name
            assert status(client, edit, "post", {"title": "X", "max_points": "5"}) == 403
        for name in strangers:
            client = login(getattr(cast, name))
            assert [status(client, u) for u in (detail, edit, new_version)] == [404, 404, 404], name
    assert status(login(cast.clerk), reverse("meetings:criterion_edit", args=[999999])) == 404
    assert status(login(cast.clerk), reverse("meetings:criteria_detail", args=[999999])) == 404


def test_criterion_edit_saves_or_shows_the_services_refusal(cast, held, login):
    criterion = held.criteria_set.criteria.order_by("order").first()
    url = reverse("meetings:criterion_edit", args=[criterion.pk])
    data = {"title": "Chuẩn bị nội dung", "max_points": "10", "guidance": ""}
    services.meeting_score(actor=None, meeting=held, rater="self", points=full_points(held))
    response = login(cast.clerk).post(url, data)
    assert response.status_code == 200
    assert "Meetings have been scored with this version" in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.title != "Chuẩn bị nội dung"


def test_quality_page_of_an_unknown_or_invisible_unit_is_404(cast, held, leader, login):
    assert status(login(cast.clerk), reverse("meetings:quality", args=[999999])) == 404
    assert status(login(cast.outsider), reverse("meetings:quality", args=[cast.cell1.pk])) == 404
    # the leader rule: no grant in Phường 1, yet its quality page opens
    assert status(login(leader), reverse("meetings:quality", args=[cast.cell1.pk])) == 200
    assert selectors.get_quality_unit_for_user(leader, cast.ward1.pk) == cast.ward1


def test_roll_call_row_of_someone_not_expected_is_404(cast, meeting, members, login):
    url = reverse("meetings:roll_call_row", args=[meeting.pk, cast.outsider.person.pk])
    assert status(login(cast.cell_secretary), url, "post", {}) == 404
    assert selectors.attendance_row(meeting=meeting, person_id=members[0].pk).person == members[0]


def test_score_errors_land_on_their_fields(cast, meeting, held, login):
    client = login(cast.cell_secretary)
    data = {f"c_{c.pk}": str(c.max_points) for c in held.criteria_set.criteria.all()}
    services.meeting_close(actor=cast.cell_secretary, meeting=held)
    response = client.post(reverse("meetings:meeting_score", args=[held.pk, "self"]), data)
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not MeetingScore.objects.exists()
    response = client.post(reverse("meetings:meeting_score", args=[held.pk, "self"]), data | {"reason": "Bổ sung"})
    assert response.status_code == 302 and MeetingScore.objects.filter(meeting=held).count() == 1


def test_a_criterions_error_lands_on_its_field(cast, held):
    """The score service keys a criterion's error by its code; the view moves it to the field."""
    from django.core.exceptions import ValidationError

    from dangbo.core.forms import add_service_errors
    from dangbo.meetings.forms import ScoreForm
    from dangbo.meetings.views import _on_criterion_fields

    criteria_set, sections, _current = selectors.score_form_criteria(meeting=held, rater="self")
    form = ScoreForm({}, sections=sections)
    form.is_valid()
    first = criteria_set.criteria.order_by("order").first()
    error = ValidationError({f"points.{first.code}": ["Quá mức."], "points": ["Chưa họp."], "reason": ["Lý do?"]})
    add_service_errors(form, _on_criterion_fields(form, error))
    assert "Quá mức." in form.errors[f"c_{first.pk}"]
    assert "Chưa họp." in form.non_field_errors() and "Lý do?" in form.errors["reason"]


def test_leader_pages_refuse_a_post_without_a_unit_to_manage(cast, login):
    person = cast.ward_secretary.person
    data = {"person": person.pk, "unit": cast.cell1.pk, "start": "2025-03-01"}
    assert status(login(cast.member), reverse("meetings:leader_assignments"), "post", data) == 403
    assert status(login(cast.member), reverse("meetings:working_groups"), "post", data) == 403
    assert login(cast.member).get(reverse("meetings:leader_assignments")).context["form"] is None
    client = login(cast.clerk)
    assert status(client, reverse("meetings:leader_assignments"), "post", data) == 302
    response = client.post(reverse("meetings:leader_assignments"), data)
    assert response.status_code == 200 and "already follows" in str(response.context["form"].errors["unit"])
    assert LeaderAssignment.objects.filter(person=person).count() == 1
