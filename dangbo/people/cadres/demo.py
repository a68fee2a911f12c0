"""Cadres of the Đông Hà demo: records of the city's and the nine wards' committee members
(education, political theory, training, awards), the 2025–2030 planning of the city and every
ward with each candidate checked against the criteria in force, a few rotations and
appointments at each step, and staff streamlining per unit and year.

All figures are illustrative (the seed gives none) and everything goes through the services.
``load`` is idempotent: once the city's 2025–2030 planning exists it adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from dangbo.orgs.demo import dongha
from dangbo.orgs.models import Person, Position, Unit

from . import services
from .models import CadreProfile, EducationLevel, Move, Plan, Training

D = dt.date
SEED = 20252030
TERM = ("2025-2030", 2025, 2030)
#: The day the planning's pool is read: the posts held when the 2025–2030 planning was decided.
PLANNING_DAY = D(2024, 3, 1)

CITY_POSTS = ["Bí thư Thành ủy", "Phó Bí thư Thường trực Thành ủy", "Chủ tịch UBND thành phố"]
WARD_POSTS = ["Bí thư Đảng ủy phường", "Phó Bí thư Thường trực Đảng ủy phường", "Chủ tịch UBND phường"]
FIELDS = ["Luật", "Kinh tế", "Quản lý nhà nước", "Xây dựng Đảng và chính quyền nhà nước", "Quản trị kinh doanh", "Sư phạm"]
THEORY_COURSES = {
    2: ("Trung cấp lý luận chính trị – hành chính", "Trường Chính trị Lê Duẩn tỉnh Quảng Trị"),
    3: ("Cao cấp lý luận chính trị", "Học viện Chính trị khu vực III"),
}
OTHER_COURSES = [
    ("Bồi dưỡng kiến thức quản lý nhà nước ngạch chuyên viên chính", Training.Kind.STATE, "Học viện Hành chính Quốc gia"),
    ("Bồi dưỡng cán bộ diện Ban Thường vụ Tỉnh ủy quản lý", Training.Kind.OTHER, "Trường Chính trị Lê Duẩn tỉnh Quảng Trị"),
    ("Chuyển đổi số trong hoạt động của hệ thống chính trị", Training.Kind.PROFESSIONAL, "Sở Thông tin và Truyền thông"),
]
AWARDS = [
    ("Bằng khen của Chủ tịch UBND tỉnh", "UBND tỉnh Quảng Trị"),
    ("Giấy khen của Ban Thường vụ Thành ủy", "Ban Thường vụ Thành ủy Đông Hà"),
    ("Chiến sĩ thi đua cơ sở", "UBND thành phố Đông Hà"),
]


def _units() -> tuple[Unit | None, list[Unit]]:
    city = Unit.objects.filter(code=dongha.CITY[0]).select_related("kind__level").first()
    wards = [
        u for code, _n, _s in dongha.WARDS
        if (u := Unit.objects.filter(code=f"{dongha.CITY[0]}-{code}").select_related("kind__level").first()) is not None
    ]
    return city, wards


def _holders(unit: Unit, day: dt.date) -> list[Person]:
    """The people holding a post in ``unit`` itself on ``day``, in their posts' order."""
    seen: dict[int, Person] = {}
    for position in Position.objects.current(day).filter(unit=unit).select_related("person").order_by("sort_order", "id"):
        seen.setdefault(position.person_id, position.person)
    return list(seen.values())


def load(*, today: dt.date) -> dict[str, int]:
    city, wards = _units()
    if city is None or Plan.objects.filter(unit=city, term_code=TERM[0]).exists():
        return {}
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    counts = {"cadre records": 0, "cadre plans": 0, "planned candidates": 0, "not meeting a criterion": 0,
              "rotations and appointments": 0, "streamlining rows": 0}
    day = min(today, dongha.LAST_DAY)
    with transaction.atomic():
        holders: dict[int, list[Person]] = {}
        pools: dict[int, list[Person]] = {}
        for unit in [city, *wards]:
            holders[unit.pk] = _holders(unit, day)
            # The planning for 2025–2030 is decided in 2024, from the posts held then: not from
            # the committee the 2025 congress elects.
            pools[unit.pk] = _holders(unit, PLANNING_DAY)
            for person in dict.fromkeys([*holders[unit.pk], *pools[unit.pk]]):
                if CadreProfile.objects.filter(person=person).exists():
                    continue
                _record(rng, unit, person)
                counts["cadre records"] += 1
        for unit in [city, *wards]:
            suffix = "QĐ/TU" if unit == city else "QĐ/ĐU"
            plan = services.plan_create(
                actor=None, unit=unit, term_code=TERM[0], start_year=TERM[1], end_year=TERM[2],
                decision=f"{rng.randint(100, 999)}-{suffix}", decided_on=D(2024, rng.randint(3, 9), rng.randint(1, 28)),  # after PLANNING_DAY
            )
            counts["cadre plans"] += 1
            pool = pools[unit.pk]
            # The young come first in a share of the slots ("chú trọng cán bộ trẻ"): one of the
            # youngest third, then others at random.
            youngest = sorted(pool, key=lambda p: -(p.birth_year or 0))[: max(1, len(pool) // 3)]
            for title in CITY_POSTS if unit == city else WARD_POSTS:
                first = rng.choice(youngest) if youngest else None
                others = [p for p in pool if p != first]
                chosen = ([first] if first else []) + rng.sample(others, min(len(others), rng.randint(1, 2)))
                for person in chosen:
                    candidate = services.candidate_add(actor=None, plan=plan, person=person, title=title)
                    counts["planned candidates"] += 1
                    counts["not meeting a criterion"] += not candidate.all_met
        counts["rotations and appointments"] = _moves(rng, city, wards, holders)
        for unit in [city, *wards]:
            staff = rng.randint(35, 60) if unit == city else rng.randint(18, 26)
            for year in range(2021, min(today.year, 2025) + 1):
                reduced = rng.randint(0, max(1, staff // 10))
                services.streamlining_record(
                    actor=None, unit=unit, year=year, staff=staff, reduced=reduced,
                    note="Theo Nghị quyết 39-NQ/TW; số liệu minh họa.",
                )
                staff -= reduced
                counts["streamlining rows"] += 1
    return counts


def _record(rng: random.Random, unit: Unit, person: Person) -> CadreProfile:
    theory = rng.choices([1, 2, 3, 4], weights=[1, 5, 5, 1])[0]
    profile = services.profile_create(
        actor=None, person=person, unit=unit, education=rng.choices(
            [EducationLevel.UNIVERSITY, EducationLevel.MASTER, EducationLevel.COLLEGE], weights=[7, 3, 1]
        )[0], field_of_study=rng.choice(FIELDS), theory=theory,
    )
    if theory in THEORY_COURSES:
        name, school = THEORY_COURSES[theory]
        start = D(rng.randint(2008, 2021), 9, 1)
        services.training_add(
            actor=None, profile=profile, name=name, kind=Training.Kind.THEORY, institution=school, start=start,
            end=start + dt.timedelta(days=rng.choice([365, 540])), certificate="Bằng tốt nghiệp",
        )
    if rng.random() < 0.6:
        name, kind, school = rng.choice(OTHER_COURSES)
        start = D(rng.randint(2018, 2024), rng.randint(3, 10), 1)
        services.training_add(
            actor=None, profile=profile, name=name, kind=kind, institution=school, start=start,
            end=start + dt.timedelta(days=rng.randint(10, 60)), certificate="Chứng chỉ",
        )
    if rng.random() < 0.4:
        title, issuer = rng.choice(AWARDS)
        services.award_add(
            actor=None, profile=profile, title=title, date=D(rng.randint(2016, 2024), 12, rng.randint(1, 28)),
            decision=f"{rng.randint(100, 3999)}/QĐ-KT", issuer=issuer,
        )
    return profile


def _moves(rng: random.Random, city: Unit, wards: list[Unit], holders: dict[int, list[Person]]) -> int:
    """Four rotations between wards (one at each step) and three appointments in the city.
    People with a demo account keep their posts, so the demo's logins see what they expect."""
    made = 0
    movable = {
        w.pk: [p for p in holders[w.pk] if p.user_id is None] for w in wards
    }
    plans = [
        (Move.Status.COMPLETED, D(2022, 3, 1), D(2024, 2, 29)),
        (Move.Status.IN_POST, D(2024, 6, 1), D(2027, 5, 31)),
        (Move.Status.DECIDED, D(2025, 8, 1), D(2028, 7, 31)),
        (Move.Status.PROPOSED, D(2025, 10, 1), D(2028, 9, 30)),
    ]
    for i, (status, start, end) in enumerate(plans):
        source, target = wards[(2 * i) % len(wards)], wards[(2 * i + 1) % len(wards)]
        if not movable[source.pk]:
            continue
        person = movable[source.pk].pop()
        leaving = Position.objects.filter(person=person, unit=source, end__isnull=True).order_by("sort_order").first()
        if leaving is not None and leaving.start >= start:
            leaving = None
        move = services.move_propose(
            actor=None, kind=Move.Kind.ROTATION, person=person, unit=target,
            title="Phó Bí thư Thường trực Đảng ủy phường (luân chuyển)", proposed_on=start - dt.timedelta(days=60),
            start=start, end=end, from_position=leaving, note="Luân chuyển để đào tạo, rèn luyện thực tiễn.",
        )
        made += 1
        _advance(move, status, start, rng, suffix="QĐ/TU", completed=end)
    city_people = [p for p in holders[city.pk] if p.user_id is None]
    appointments = [
        (Move.Kind.REAPPOINTMENT, "Trưởng Ban Tổ chức Thành ủy", D(2025, 3, 1), Move.Status.IN_POST),
        (Move.Kind.APPOINTMENT, "Phó Chánh Văn phòng Thành ủy", D(2025, 9, 15), Move.Status.DECIDED),
        (Move.Kind.APPOINTMENT, "Phó Trưởng Ban Tuyên giáo Thành ủy", D(2025, 11, 1), Move.Status.PROPOSED),
    ]
    for kind, title, start, status in appointments:
        if not city_people:
            break
        person = city_people.pop(rng.randrange(len(city_people)))
        move = services.move_propose(
            actor=None, kind=kind, person=person, unit=city, title=title, proposed_on=start - dt.timedelta(days=45),
            start=start, end=D(start.year + 5, start.month, start.day) - dt.timedelta(days=1),
        )
        made += 1
        _advance(move, status, start, rng, suffix="QĐ/TU")
    return made


def _advance(move: Move, status: str, start: dt.date, rng: random.Random, *, suffix: str, completed: dt.date | None = None) -> None:
    if status == Move.Status.PROPOSED:
        return
    move = services.move_decide(
        actor=None, move=move, decision=f"{rng.randint(100, 999)}-{suffix}", decided_on=start - dt.timedelta(days=20)
    )
    if status == Move.Status.DECIDED:
        return
    move = services.move_take_up(actor=None, move=move)
    if status == Move.Status.COMPLETED and completed is not None:
        services.move_complete(actor=None, move=move, completed_on=completed)
