"""How fast are the party members' pages at province scale? ``.venv/bin/python bench/people_bench.py``

Runs against the database kind DANGBO_DATABASE_URL names, but never in that database:

* PostgreSQL: a database ``dangbo_bench_people`` on the same server (created if missing);
* SQLite: a file in the temporary directory (``--sqlite-path`` to choose another).

It builds a province (1 province → 10 cities → 100 wards → 1,200 cells: 1,311 units, the shape
of ``cases_bench.py``) and, fixed seed, with bulk inserts (no service is called, but the rows
are the ones the services write):

* 60,000 members (50 a cell; about 3 % probationary), each on their cell's roll since before
  2023, and 600 former members (transferred out or gone), off the roll in 2025;
* 6,000 admission candidates (5 a cell) at every stage, the due date of the step awaited
  computed from the admission rules as the services do (about a quarter of them late);
* a secretary and a deputy secretary (leading posts) in every party unit, from its members;
* three years of ratings with their campaign on the province: 2023 and 2024 under 124-QĐ/TW,
  2025 under 366-QĐ/TW (points), every member at the levels self, cell and ward, every
  organisation at self, ward and city where a unit of that level is above it (the rater unit
  found by ``services.rater_unit``): about 183,000 ratings a year; in 2025 also every leader at
  self and the level of the committee above their unit.

Then it times, through the real views (test client, the permission policy applied, "today"
25/11/2026):

* the member list (first page) of a ward as its secretary, and of the province as the
  province's secretary;
* a cell's rating page: the province's 2025 campaign narrowed to one cell, as the province's
  secretary;
* the province's admission pipeline (counts per stage and per city, the candidates' first page);
* for information (no target in the issue), the 2025 campaign of the whole province.

And, with ``--prefill`` (the default), the pre-fill job of the province for a year (the
``prefill_campaign_task`` body, ``services.campaign_prefill``) on a new campaign of 2026: every
rating row created, then once more on the same campaign (the figures refreshed).

Targets (issue 14): p95 under 150 ms for the pages, the pre-fill under 2 minutes. Prints:
backend, page, runs, p50 ms, p95 ms, max ms, SQL queries per request, and the load average.
The data is kept between runs; ``--fresh`` builds it again.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time

import _common as bench

SEED = 20261207
BENCH_DB = "dangbo_bench_people"
PREFIX = "mbench"
MEMBERS_PER_CELL = 50
FORMER_PER_CELL = 0.5  # 600 former members in all
CANDIDATES_PER_CELL = 5
TODAY = dt.date(2026, 11, 25)
BATCH = 5000
YEARS = (2023, 2024, 2025)
STAGE_MIX = [("awareness", 20), ("file", 20), ("decision", 12), ("ceremony", 8), ("probation", 18),
             ("recognition", 6), ("official", 10), ("stopped", 6)]


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--runs", type=int, default=30, help="requests per page (default 30)")
    parser.add_argument("--no-prefill", action="store_true", help="do not time the pre-fill job")
    args = parser.parse_args()

    bench.open_database(args, database=BENCH_DB, sqlite_file="dangbo_people_bench.sqlite3")
    province = build(fresh=args.fresh)
    bench.print_database()
    rows = []
    for label, user, url in pages_to_time(province):
        timing = time_page(user, url, args.runs)
        times = timing.times
        rows.append((bench.vendor(), label, len(times), statistics.median(times), bench.pct(times, 0.95), max(times),
                     timing.most_queries))
    bench.print_table([("backend", "<11"), ("page", "<38"), ("runs", ">5"), ("p50 ms", ">8"), ("p95 ms", ">8"),
                       ("max ms", ">8"), ("queries", ">8")], rows)
    if not args.no_prefill:
        time_prefill(province)
    print(f"\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


# --- The data ----------------------------------------------------------------------------------


SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Xuân", "Hồng"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Lan", "Linh", "Long",
         "Mai", "Nam", "Nga", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn", "Vân", "Yến"]


def _person(rng: random.Random, n: int, **fields):
    from dangbo.core.text import fold
    from dangbo.orgs.models import Person

    gender = "f" if rng.random() < 0.4 else "m"
    full = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(50 * 365))
    return Person(full_name=full, search_name=fold(full), gender=gender, birth_date=born, birth_year=born.year,
                  party_card_number=f"MB{n:08d}", **fields)


def _clear(province) -> None:
    from dangbo.orgs.models import Membership, Person, Position, Unit
    from dangbo.people.admission.models import Candidate
    from dangbo.people.members.models import MemberEvent
    from dangbo.people.ratings.models import Rating, RatingCampaign

    under = {"unit__path__startswith": province.path}
    Rating.objects.filter(**under).delete()
    RatingCampaign.objects.filter(**under).delete()
    Candidate.objects.filter(**under).delete()
    MemberEvent.objects.filter(person__party_card_number__startswith="MB").delete()
    Membership.objects.filter(**under).delete()
    Position.objects.filter(**under).delete()
    Person.objects.filter(party_card_number__startswith="MB").delete()
    Unit.objects.filter(code__startswith=f"{PREFIX}-").delete()


def build(*, fresh: bool):
    """The province, its members, candidates and ratings (kept between runs)."""
    from django.db import transaction

    from dangbo.orgs.models import Membership, Person, Unit
    from dangbo.people.members.models import MemberEvent
    from dangbo.people.ratings.models import RatingCampaign

    existing = Unit.objects.filter(code=f"{PREFIX}-province").first()
    if existing is not None and not fresh and RatingCampaign.objects.filter(unit=existing, year=YEARS[-1]).exists():
        return existing
    began = time.monotonic()
    rng = random.Random(SEED)
    with transaction.atomic():
        if existing is not None:
            _clear(existing)
        bench.create_province(PREFIX, bench.CITIES)
        units = list(Unit.objects.filter(code__startswith=f"{PREFIX}-").select_related("kind__level").order_by("path"))
        cells = [u for u in units if u.kind.code == "chi-bo"]
        # Members: 50 a cell on the roll, and a few former members.
        people, homes, n = [], [], 0
        for cell in cells:
            for _ in range(MEMBERS_PER_CELL):
                n += 1
                joined = dt.date(rng.randint(1980, 2021), rng.randint(1, 12), rng.randint(1, 28))
                probation = rng.random() < 0.03
                if probation:
                    joined = TODAY - dt.timedelta(days=rng.randint(30, 330))
                people.append(_person(rng, n, joined_on=joined, official_on=None if probation else joined.replace(
                    year=joined.year + 1), status=Person.Status.PROBATION if probation else Person.Status.OFFICIAL))
                homes.append((cell, min(joined, dt.date(2022, 6, 1)) if not probation else joined, None))
        former = int(len(cells) * FORMER_PER_CELL)
        for i in range(former):
            n += 1
            gone = rng.choice([Person.Status.OFFICIAL, Person.Status.LEFT, Person.Status.DECEASED])
            people.append(_person(rng, n, joined_on=dt.date(1990, 3, 3), official_on=dt.date(1991, 3, 3), status=gone))
            homes.append((cells[(i * 7) % len(cells)], dt.date(2015, 1, 1), dt.date(2025, rng.randint(1, 12), 15)))
        Person.objects.bulk_create(people, batch_size=BATCH)
        Membership.objects.bulk_create(
            [Membership(person=p, unit=cell, start=start, end=end) for p, (cell, start, end) in zip(people, homes,
                                                                                                  strict=True)],
            batch_size=BATCH,
        )
        events = []
        for p, (cell, _start, end) in zip(people, homes, strict=True):
            if end is not None:
                kind = {Person.Status.OFFICIAL: MemberEvent.Kind.TRANSFER_OUT, Person.Status.LEFT: MemberEvent.Kind.EXPELLED,
                        Person.Status.DECEASED: MemberEvent.Kind.DECEASED}[p.status]
                events.append(MemberEvent(person=p, kind=kind, date=end, from_unit=cell,
                                          other_organisation="Đảng bộ tỉnh khác" if kind == "transfer_out" else ""))
        MemberEvent.objects.bulk_create(events, batch_size=BATCH)
        candidates = _candidates(rng, cells, people[: len(cells) * MEMBERS_PER_CELL], n)
        leaders = _leaders(units, cells, people)
        ratings = _ratings(rng, units, people[: len(cells) * MEMBERS_PER_CELL], homes, leaders)
    bench.analyze("orgs_unit", "orgs_person", "orgs_membership", "people_candidate", "people_rating")
    print(f"built {len(units)} units, {len(people)} people, {candidates} candidates, {ratings} ratings in "
          f"{time.monotonic() - began:.0f} s", file=sys.stderr)
    return Unit.objects.get(code=f"{PREFIX}-province")


def _candidates(rng: random.Random, cells, members, n: int) -> int:
    """Candidates at every stage, dated back from today as ``admission/demo.py`` does, their
    due date the one the services compute."""
    from dangbo.core import workdays
    from dangbo.orgs.models import Person
    from dangbo.people.admission.models import AdmissionRules, Candidate, Sector, Stage
    from dangbo.people.admission.rules import add_months

    cal = workdays.WorkCalendar()
    rules_in_force: dict[dt.date, AdmissionRules] = {}

    def rules(day: dt.date) -> AdmissionRules:
        key = day.replace(day=1)
        if key not in rules_in_force:
            found = AdmissionRules.in_force(day)
            rules_in_force[key] = AdmissionRules.objects.prefetch_related("stages").get(pk=found.pk)
        return rules_in_force[key]

    stages = [code for code, weight in STAGE_MIX for _ in range(weight)]
    rows, new_people = [], []
    by_cell_probation = {}
    for i, m in enumerate(members):
        if m.status == Person.Status.PROBATION:
            by_cell_probation.setdefault(i // MEMBERS_PER_CELL, []).append(m)
    for ci, cell in enumerate(cells):
        for k in range(CANDIDATES_PER_CELL):
            stage = stages[(ci * CANDIDATES_PER_CELL + k) % len(stages)]
            late = rng.random() < 0.25
            c = Candidate(unit=cell, stage=stage, sector=rng.choice(list(Sector.values)))
            if stage == Stage.AWARENESS:
                c.added_on = TODAY - dt.timedelta(days=rng.randint(5, 150))
            elif stage == Stage.STOPPED:
                c.added_on = TODAY - dt.timedelta(days=rng.randint(60, 500))
                c.stopped_on, c.stop_reason = c.added_on + dt.timedelta(days=40), "Chuyển nơi cư trú"
            else:
                c.added_on = TODAY - dt.timedelta(days=rng.randint(400, 800))
                c.certificate_on = c.added_on + dt.timedelta(days=30)
                c.certificate_number = f"{rng.randint(100, 999)}/CN-TTCT"
                c.certificate_valid_to = add_months(c.certificate_on, rules(c.certificate_on).certificate_months)
                c.due_date = c.certificate_valid_to
            if stage in ("decision", "ceremony", "probation", "recognition", "official"):
                c.forms_done = ["1-KNĐ", "2-KNĐ", "3-KNĐ", "5-KNĐ", "tham-tra"]
                resolution = cal.add(TODAY, -(rng.randint(62, 80) if late else rng.randint(5, 55)))
                if stage != "decision":
                    resolution = cal.add(TODAY, -rng.randint(80, 500))
                c.resolution_on = resolution
                c.due_date = rules(resolution).stage(Stage.DECISION).deadline(resolution, calendar=cal)
            if stage in ("ceremony", "probation", "recognition", "official"):
                decision = cal.add(TODAY, -(rng.randint(32, 45) if late else rng.randint(3, 28)))
                if stage != "ceremony":
                    decision = cal.add(c.resolution_on, 20)
                c.decision_on, c.decision_number = decision, f"{rng.randint(10, 480)}-QĐ/ĐU"
                c.due_date = rules(decision).stage(Stage.CEREMONY).deadline(decision, calendar=cal)
            if stage in ("probation", "recognition", "official"):
                probationers = by_cell_probation.get(ci) or []
                if stage == "probation" and probationers:
                    c.person = probationers.pop()
                    c.ceremony_on = c.person.joined_on
                else:
                    c.ceremony_on = add_months(TODAY, -rng.randint(13, 24))
                c.decision_on = min(c.decision_on, c.ceremony_on - dt.timedelta(days=7))
                c.probation_end = add_months(c.ceremony_on, rules(c.ceremony_on).probation_months)
                c.due_date = rules(c.ceremony_on).stage(Stage.PROBATION).deadline(c.probation_end, calendar=cal)
            if stage in ("recognition", "official"):
                c.review_on = cal.add(c.probation_end, rng.randint(3, 25))
                c.due_date = rules(c.review_on).stage(Stage.RECOGNITION).deadline(c.review_on, calendar=cal)
            if stage == "official":
                c.recognition_on = cal.add(c.review_on, 10)
                c.recognition_number, c.official_on, c.due_date = "12-QĐ/ĐU", c.probation_end, None
            if stage == "stopped":
                c.due_date = None
            if c.person_id is None:
                n += 1
                person = _person(rng, n, status=Person.Status.NON_MEMBER)
                person.party_card_number = None
                person.birth_date = dt.date(rng.randint(1985, 2004), rng.randint(1, 12), rng.randint(1, 28))
                person.birth_year = person.birth_date.year
                new_people.append(person)
                c.person = person
            rows.append(c)
    Person.objects.bulk_create(new_people, batch_size=BATCH)
    for c in rows:
        c.person = c.person  # the primary keys bulk_create has just given
    Candidate.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


GRADE_MIX = [("xuat_sac", 12), ("tot", 70), ("hoan_thanh", 16), ("khong_hoan_thanh", 2)]
POINTS = {"xuat_sac": (90, 98), "tot": (70, 89), "hoan_thanh": (50, 69), "khong_hoan_thanh": (30, 49)}


def _leaders(units, cells, people) -> list[tuple[int, object, str]]:
    """A secretary and a deputy in every party unit, members of its first cell (two other
    members of that cell for each level up), as the posts the orgs services write."""
    from dangbo.orgs.models import Position, Role, Unit
    from dangbo.people.ratings.services import NOT_RATED_LEVELS

    by_cell = {cell.pk: people[i * MEMBERS_PER_CELL:(i + 1) * MEMBERS_PER_CELL] for i, cell in enumerate(cells)}
    first_cell: dict[str, object] = {}
    for cell in cells:  # in path order: the first cell under each ancestor
        for depth in range(1, cell.depth + 1):
            first_cell.setdefault(cell.path[: depth * Unit.steplen], cell)
    posts, leaders = [], []
    for unit in units:
        cell = first_cell.get(unit.path)
        if cell is None or not unit.kind.is_party or unit.kind.level.code in NOT_RATED_LEVELS:
            continue
        offset = 2 * (cell.depth - unit.depth)  # type: ignore[attr-defined]
        for j, title in enumerate(("Bí thư", "Phó Bí thư")):
            person = by_cell[cell.pk][offset + j]  # type: ignore[attr-defined]
            posts.append(Position(person=person, unit=unit, title=title, start=dt.date(2020, 10, 1),
                                  role=Role.MANAGE, sort_order=10 * (j + 1)))
            leaders.append((person.pk, unit, title))
    Position.objects.bulk_create(posts, batch_size=BATCH)
    return leaders


def _ratings(rng: random.Random, units, members, homes, leaders) -> int:
    """Every member and organisation rated at the levels of the year's rule, graded, with a
    campaign of the province for each year."""
    from decimal import Decimal

    from dangbo.people.ratings.models import Rating, RatingCampaign
    from dangbo.people.ratings.services import rater_unit, rule_for_year

    province = units[0]
    by_path = {u.path: u for u in units}
    grades = [g for g, weight in GRADE_MIX for _ in range(weight)]
    written = 0
    for year in YEARS:
        rule = rule_for_year(year)
        RatingCampaign.objects.create(unit=province, year=year, rule=rule, state=RatingCampaign.State.DONE,
                                      done=len(members) + len(units), total=len(members) + len(units))
        rated_at = dt.datetime(year + 1, 1, 20, 2, tzinfo=dt.UTC)
        subjects = [("person", m.pk, homes[i][0], "") for i, m in enumerate(members)]
        subjects += [("unit", u.pk, u, "") for u in units]
        subjects += [("leader", pk, u, title) for pk, u, title in leaders]
        batch: list[Rating] = []
        for kind, pk, home, title in subjects:
            raters = {}
            for level in rule.levels.get(kind, []):
                rater = rater_unit(kind, home, level, by_path)
                if rater is not None:
                    raters[level] = rater
            final = rng.choice(grades)
            for level, rater in raters.items():
                grade = final if level != "self" else rng.choice(["tot", final])
                row = Rating(rule=rule, year=year, level=level, unit=home, rater_unit=rater, grade=grade,
                             capacity={"person": "member", "unit": "organisation", "leader": "leader"}[kind],
                             post_title=title, prefilled={}, prefilled_at=rated_at, rated_at=rated_at,
                             **({"subject_unit_id": pk} if kind == "unit" else {"person_id": pk}))
                if rule.uses_points:
                    low, high = POINTS[grade]
                    total = rng.randint(low, high)
                    row.general_points = Decimal(min(30, round(total * 0.3)))
                    row.task_points = Decimal(total) - row.general_points
                    row.points = Decimal(total)
                batch.append(row)
            if len(batch) >= BATCH * 4:
                Rating.objects.bulk_create(batch, batch_size=BATCH)
                written += len(batch)
                batch = []
        Rating.objects.bulk_create(batch, batch_size=BATCH)
        written += len(batch)
    return written


# --- Timing ------------------------------------------------------------------------------------


def pages_to_time(province):
    from dangbo.orgs.models import Role, Unit
    from dangbo.people.ratings.models import RatingCampaign

    ward = Unit.objects.get(code=f"{PREFIX}-ward-1-1")
    cell = Unit.objects.get(code=f"{PREFIX}-cell-1-1-1")
    ward_user = bench.account(f"{PREFIX}-ward", ward, Role.MANAGE)
    province_user = bench.account(f"{PREFIX}-province", province, Role.MANAGE)
    campaign = RatingCampaign.objects.get(unit=province, year=YEARS[-1])
    return [
        ("member list of a ward (50)", ward_user, "/dang-vien/"),
        ("member list of the province (50)", province_user, "/dang-vien/"),
        ("rating page of a cell (2025 campaign)", province_user, f"/danh-gia/dot/{campaign.pk}/?unit={cell.pk}"),
        ("admission pipeline of the province", province_user, "/ket-nap/"),
        ("rating campaign of the whole province", province_user, f"/danh-gia/dot/{campaign.pk}/"),
    ]


def time_page(user, url: str, runs: int):
    import time_machine

    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC), tick=True):
        return bench.time_urls(user, [url], runs)


def time_prefill(province) -> None:
    """The pre-fill job of the province for 2026: a new campaign (every row created), then the
    same job again (every row's figures counted again)."""
    from dangbo.people.ratings.models import Rating, RatingCampaign
    from dangbo.people.ratings.services import campaign_prefill, rule_for_year

    year = YEARS[-1] + 1
    Rating.objects.filter(year=year, unit__path__startswith=province.path).delete()
    RatingCampaign.objects.filter(unit=province, year=year).delete()
    campaign = RatingCampaign.objects.create(unit=province, year=year, rule=rule_for_year(year))
    rows = []
    for label in ("pre-fill, new campaign", "pre-fill, again"):
        seen: list[tuple[int, int]] = []
        began = time.monotonic()
        subjects = campaign_prefill(campaign_id=campaign.pk, progress=lambda done, total, seen=seen: seen.append(
            (done, total)))
        seconds = time.monotonic() - began
        made = Rating.objects.filter(year=year, unit__path__startswith=province.path).count()
        rows.append((bench.vendor(), label, subjects, made, len(seen), seconds))
    bench.print_table([("backend", "<11"), ("job", "<24"), ("subjects", ">9"), ("ratings", ">8"),
                       ("progress", ">9"), ("seconds", ">8")], rows)


if __name__ == "__main__":
    main()
