"""The admission targets page shows, beside each unit's own target, the target the term's
"members admitted" indicator (a computed indicator of the plans) sets it: people and plans
meet only through ``dangbo.core.evidence``."""

import datetime as dt

import pytest
from django.urls import reverse

from dangbo.orgs import services as orgs
from dangbo.people.admission import services as admission
from dangbo.plans import services as plans

pytestmark = pytest.mark.django_db


def test_the_targets_page_shows_the_terms_indicator_beside_the_units_target(cast, login):
    term = orgs.term_create(actor=None, unit=cast.ward1, code="2020-2025", start=dt.date(2020, 6, 1),
                            end=dt.date(2025, 6, 30))
    indicator = plans.indicator_create(
        actor=None, unit=cast.ward1, term=term, code="ket-nap", name="Kết nạp đảng viên mới", measure="người",
        direction="higher", computed_from="members_admitted",
    )
    plans.target_set(actor=None, indicator=indicator, unit=cast.ward1, year=None, value=30)
    plans.target_set(actor=None, indicator=indicator, unit=cast.ward1, year=2025, value=6)
    admission.target_set(actor=None, unit=cast.ward1, year=2025, total=4, residential=2, enterprise=1)
    admission.target_set(actor=None, unit=cast.ward_dl, year=2025, total=9)
    url = reverse("people:admission_targets")

    body = login(cast.ward_secretary).get(url, {"nam": 2025}).content.decode()
    assert "chỉ tiêu nhiệm kỳ: 6" in body  # the year's own target, not the term's 30
    assert indicator.get_absolute_url() in body
    body = login(cast.ward_secretary).get(url, {"nam": 2024}).content.decode()
    assert "chỉ tiêu nhiệm kỳ" not in body  # no admission target that year: no row at all

    admission.target_set(actor=None, unit=cast.ward1, year=2024, total=5)
    body = login(cast.ward_secretary).get(url, {"nam": 2024}).content.decode()
    assert "chỉ tiêu nhiệm kỳ: 30" in body  # the term's target when the year has none

    outsider = login(cast.outsider).get(url, {"nam": 2025}).content.decode()
    assert "chỉ tiêu nhiệm kỳ" not in outsider and indicator.get_absolute_url() not in outsider
