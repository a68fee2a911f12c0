"""The members of the Đông Hà demo: transfers within, out of and into the city, leavings (xóa tên,
ra khỏi Đảng, từ trần), and the personal data of the demo cell's members — all through the
services, so that the rosters, the events and the history read as in real use.

Idempotent: once a transfer has been recorded in the demo, nothing more is added.
"""

from __future__ import annotations

import datetime as dt
import random

from dangbo.orgs.models import Membership, Person, Unit

from . import services
from .models import MemberEvent

SEED = 14
TRANSFERS, TRANSFERS_OUT, TRANSFERS_IN = 12, 6, 4
LEAVINGS = [("struck_off", 3), ("expelled", 2), ("deceased", 5)]
ELSEWHERE = [
    "Đảng bộ phường An Hòa, thành phố Huế", "Đảng bộ xã Gio Linh, tỉnh Quảng Trị",
    "Đảng bộ phường Hải Châu, thành phố Đà Nẵng", "Đảng bộ thị trấn Cam Lộ, tỉnh Quảng Trị",
]
REASONS = {
    "struck_off": "Bỏ sinh hoạt chi bộ ba tháng liền không có lý do chính đáng",
    "expelled": "Xin ra khỏi Đảng vì lý do cá nhân, chi bộ đã xem xét",
    "deceased": "Từ trần",
}
#: The demo cell whose members' personal data is filled in (the demo account bithu.chibo's cell).
DEMO_CELL = "dongha-phuong1-kp1"


def _day(rng: random.Random, start: dt.date, first: dt.date, last: dt.date) -> dt.date:
    low = max(first, start + dt.timedelta(days=30))
    if low >= last:
        return last
    return low + dt.timedelta(days=rng.randrange((last - low).days))


def load(*, today) -> dict[str, int]:
    city = Unit.objects.filter(code="dongha").first()
    if city is None:
        return {}
    if MemberEvent.objects.filter(kind=MemberEvent.Kind.TRANSFER).exists():
        return {}
    rng = random.Random(SEED)  # noqa: S311 - demo data, not security
    last = min(today, dt.date(2025, 6, 30))
    first = last - dt.timedelta(days=2 * 365)
    cells = list(
        Unit.objects.filter(path__startswith=city.path, kind__holds_members=True).active().order_by("path")
    )
    memberships = list(
        Membership.objects.filter(end__isnull=True, unit__in=cells, person__user__isnull=True, person__positions__isnull=True)
        .filter(person__status__in=services.MEMBER_STATUSES)
        .select_related("person", "unit")
        .order_by("pk")
    )
    rng.shuffle(memberships)
    picks = iter(memberships)
    counts = {"transfers": 0, "transfers out": 0, "transfers in": 0, "leavings": 0, "personal data": 0}
    for _i in range(TRANSFERS):
        m = next(picks)
        wards = [c for c in cells if c.pk != m.unit_id and c.path.startswith(m.unit.parent_path)]
        target = rng.choice(wards or [c for c in cells if c.pk != m.unit_id])
        services.member_transfer(
            actor=None, person=m.person, to_unit=target, date=_day(rng, m.start, first, last),
            decision=f"{rng.randint(10, 99)}-QĐ/ĐU", reason="Chuyển nơi cư trú",
        )
        counts["transfers"] += 1
    for i in range(TRANSFERS_OUT):
        m = next(picks)
        services.member_transfer_out(
            actor=None, person=m.person, date=_day(rng, m.start, first, last), destination=ELSEWHERE[i % len(ELSEWHERE)],
            letter_number=f"{rng.randint(10, 99)}-GGT/TU", reason="Chuyển công tác",
        )
        counts["transfers out"] += 1
    for i in range(TRANSFERS_IN):
        cell = rng.choice(cells)
        year = rng.randint(1965, 1995)
        services.member_transfer_in(
            actor=None, cell=cell, date=_day(rng, first, first, last), origin=ELSEWHERE[(i + 1) % len(ELSEWHERE)],
            letter_number=f"{rng.randint(10, 99)}-GGT/TU", full_name=f"{['Nguyễn', 'Trần', 'Lê', 'Phạm'][i]} Văn Đến",
            gender=Person.Gender.MALE, birth_date=dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
            joined_on=dt.date(year + 25, 5, 19), official_on=dt.date(year + 26, 5, 19),
            party_card_number=f"DEMO.IN.{i + 1:03d}",
        )
        counts["transfers in"] += 1
    for kind, n in LEAVINGS:
        for _i in range(n):
            m = next(picks)
            services.member_leave(
                actor=None, person=m.person, kind=kind, date=_day(rng, m.start, first, last), reason=REASONS[kind],
                decision="" if kind == "deceased" else f"{rng.randint(10, 99)}-QĐ/ĐU",
            )
            counts["leavings"] += 1
    for n, m in enumerate(
        Membership.objects.filter(unit__code=DEMO_CELL, end__isnull=True).select_related("person").order_by("pk"), start=1
    ):
        p = m.person
        if p.citizen_id:
            continue
        services.member_update(
            actor=None, person=p, citizen_id=f"0450{(p.birth_year or 1980) % 100:02d}{p.pk:06d}"[:12].ljust(12, "0"),
            phone=f"09{rng.randint(10000000, 99999999)}", address=f"{n} đường Lê Lợi, Phường 1, Đông Hà",
        )
        counts["personal data"] += 1
    return counts
