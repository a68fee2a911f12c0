"""The plans of the Đông Hà demo hold the seed's themes, commitments and indicators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dangbo.assignments import services as tasks
from dangbo.orgs import services as org_services
from dangbo.orgs.demo import dongha
from dangbo.orgs.models import UnitKind
from dangbo.plans import demo
from dangbo.plans.models import Commitment, Indicator, ItemStatus, Theme
from dangbo.plans.progress import item_progress
from dangbo.plans.selectors import indicator_rows

D = dt.date
pytestmark = pytest.mark.django_db
ROOT = type("Root", (), {"is_superuser": True, "is_active": True, "is_authenticated": True})()


@pytest.fixture
def dongha_units():
    kinds = {k.code: k for k in UnitKind.objects.all()}
    province = org_services.unit_create(
        actor=None, parent=None, kind=kinds["dang-bo-tinh"], name=dongha.PROVINCE[1], code=dongha.PROVINCE[0]
    )
    city = org_services.unit_create(
        actor=None, parent=province, kind=kinds["dang-bo-huyen"], name=dongha.CITY[1], code=dongha.CITY[0]
    )
    for (code, start), following in zip(dongha.CITY_TERMS, [*dongha.CITY_TERMS[1:], None], strict=True):
        end = following[1] - dt.timedelta(days=1) if following else None
        org_services.term_create(actor=None, unit=city, code=code, start=start, end=end)
    wards = [
        org_services.unit_create(actor=None, parent=city, kind=kinds["dang-bo-xa"], name=name, code=f"{dongha.CITY[0]}-{code}")
        for code, name, _short in dongha.WARDS
    ]
    for n, ward in enumerate(wards):
        tasks.task_assign(actor=None, title=f"Nhiệm vụ năm 2019 số {n}", unit=ward, assigning_unit=city,
                          start=D(2019, 2, 1), deadline=D(2019, 11, 30), notify=False)
    return city


def test_the_demo_holds_the_seed_and_loads_once(dongha_units):
    counts = demo.load(today=D(2026, 6, 1))
    assert counts["commitments"] == 3 * 10  # the province ↔ city and the city ↔ 9 wards, 2017–2019
    city = dongha_units
    assert [t.text for t in Theme.objects.filter(unit=city, year=2018).order_by("order")] == demo.THEMES_2018
    theme = Theme.objects.get(unit=city, year=2019)
    assert theme.text.startswith("Đề cao kỷ luật, kỷ cương, phát huy vai trò")
    kinds = sorted(theme.items.values_list("kind", flat=True))
    assert kinds == ["breakthrough"] * 2 + ["focus"] * 4
    progress = item_progress(theme.items.all(), D(2026, 6, 1))
    assert sum(p.tasks for p in progress.values()) == 9  # every demo task of 2019 delivers an item
    wards_2017 = Commitment.objects.filter(year=2017, upper_unit=city)
    assert wards_2017.count() == 9 and all(c.closed_on and c.grade for c in wards_2017)
    assert ItemStatus.objects.filter(item__commitment__in=wards_2017, quarter=4).count() == 27
    urban = Indicator.objects.get(code="do-thi-loai-2")
    assert [r.result for r in indicator_rows(user=ROOT, indicator=urban)] == ["missed", "missed"]  # 2020 and the term
    growth = Indicator.objects.get(code="tang-truong", term__code="2015-2020")
    term_row = next(r for r in indicator_rows(user=ROOT, indicator=growth) if r.year is None)
    assert round(term_row.actual, 2) == Decimal("12.06") and term_row.result == "exceeded"
    assert demo.load(today=D(2026, 6, 1)) == {}


def test_the_demo_rates_the_2019_items_every_month(dongha_units):
    from dangbo.core.models import AuditEntry
    from dangbo.orgs.models import Position

    # The owners: a head of each board (the fixture has none, so give the office one).
    board = org_services.unit_create(
        actor=None, parent=dongha_units, kind=UnitKind.objects.get(code="ban-tham-muu"), name="Văn phòng Thành ủy",
        code=f"{dongha.CITY[0]}-vanphong",
    )
    person = org_services.person_create(actor=None, full_name="Lê Văn Chánh", gender="m", birth_year=1970)
    org_services.position_create(actor=None, person=person, unit=board, title="Chánh Văn phòng", start=D(2015, 1, 1), role=30)
    assert Position.objects.filter(unit=board).exists()
    demo.load(today=D(2026, 6, 1))
    from dangbo.plans.models import ConfidenceRating

    rated = ConfidenceRating.objects.filter(item__theme__year=2019)
    assert rated.count() == 2 * 12 and set(rated.values_list("rater", flat=True)) == {person.pk}
    assert AuditEntry.objects.filter(action="theme_item.confidence").count() == 24  # through the service


def test_the_demo_plan_of_2026_proposes_its_tasks(dongha_units):
    from dangbo.documents.models import Document
    from dangbo.plans.selectors import document_proposals

    demo.load(today=D(2026, 6, 1))
    plan = Document.objects.get(type_abbr="KH", number="215", year=2026)
    rows = document_proposals(user=ROOT, document=plan)
    assert [r.proposal.units for r in rows] == [
        ["Văn phòng Thành ủy"], ["Ban Tuyên giáo Thành ủy"], ["Đảng ủy các phường"], ["Ủy ban Kiểm tra Thành ủy"],
        ["Đảng ủy phường Đông Lương", "Đảng ủy Phường 1"],
    ]
    assert [r.proposal.deadline for r in rows] == [D(2026, 3, 31), D(2026, 2, 28), D(2026, 12, 15), D(2026, 9, 30),
                                                  D(2026, 6, 30)]
    wards = rows[2].units
    assert len(wards) == 9 and all(u.kind.code == "dang-bo-xa" for u in wards)  # "các phường": all nine
    assert [u.code for u in rows[4].units] == [f"{dongha.CITY[0]}-dongluong", f"{dongha.CITY[0]}-phuong1"]


def test_the_demo_has_an_indicator_computed_from_the_tasks(dongha_units):
    from dangbo.plans.models import IndicatorActual

    tasks.task_assign(actor=None, title="Việc năm 2024", unit=dongha_units, assigning_unit=dongha_units,
                      start=D(2024, 1, 1), deadline=D(2024, 6, 30))
    demo.load(today=D(2026, 6, 15))
    on_time = Indicator.objects.get(code="nhiem-vu-dung-han")
    assert on_time.computed_from == "tasks_on_time"
    row = IndicatorActual.objects.get(indicator=on_time, unit=dongha_units, year=2024)
    assert row.computed and row.value == Decimal(0) and row.records_url
