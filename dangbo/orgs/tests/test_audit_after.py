"""Creating a person, a membership or a position records what was created; the person's page
shows it all in its history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangbo.core.models import AuditEntry
from dangbo.orgs import services
from dangbo.orgs.models import Role

pytestmark = pytest.mark.django_db


def test_a_new_person_member_and_position_carry_their_fields(cast, login):
    person = services.person_create(actor=cast.ward_secretary, full_name="Lê Văn Tám", gender="m",
                                    birth_date=dt.date(1985, 5, 2), hometown="Quảng Trị", joined_on=dt.date(2010, 3, 26))
    created = AuditEntry.objects.get(action="person.create", object_id=person.pk).after
    assert created["full_name"] == "Lê Văn Tám" and created["birth_date"] == "1985-05-02"
    assert created["hometown"] == "Quảng Trị" and created["joined_on"] == "2010-03-26" and created["gender"] == "m"
    membership = services.membership_create(actor=cast.ward_secretary, person=person, unit=cast.cell1,
                                            start=dt.date(2024, 1, 1))
    assert AuditEntry.objects.get(action="membership.create", object_id=membership.pk).after == {
        "person": "Lê Văn Tám", "unit": cast.cell1.name, "start": "2024-01-01"}
    services.position_create(actor=cast.ward_secretary, person=person, unit=cast.cell1, title="Phó Bí thư chi bộ",
                             start=dt.date(2024, 2, 1), role=Role.CONTRIBUTE)

    response = login(cast.ward_secretary).get(reverse("orgs:person_detail", args=[person.pk]), HTTP_ACCEPT_LANGUAGE="en")
    history = response.content.decode().split('<section class="history-section"', 1)[1].split("</section>", 1)[0]
    added = history.split('data-action="person.create"', 1)[1].split("</li>", 1)[0]
    assert "Person added" in added and "02/05/1985" in added and "Quảng Trị" in added
    member = history.split('data-action="membership.create"', 1)[1].split("</li>", 1)[0]
    assert "Membership recorded" in member and cast.cell1.name in member and "01/01/2024" in member
    position = history.split('data-action="position.create"', 1)[1].split("</li>", 1)[0]
    assert "Position given" in position and "Phó Bí thư chi bộ" in position
    assert login(cast.outsider).get(reverse("orgs:person_detail", args=[person.pk])).status_code == 404
