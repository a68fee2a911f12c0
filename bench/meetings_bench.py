"""How fast are the meeting quality pages at province scale? ``.venv/bin/python bench/meetings_bench.py``

Runs against the database kind DANGBO_DATABASE_URL names, but never in that database:

* PostgreSQL: a database ``dangbo_bench_meetings`` on the same server (created if missing);
* SQLite: a file in the temporary directory (``--sqlite-path`` to choose another).

It builds a province (1 province → 10 cities → 100 wards → 1,200 cells, ~42 members each,
~50,000 people), then 24 months of regular meetings for every cell (28,800 meetings) with
their roll-call (~1.2 M attendance rows) and scores, fixed seed. Then it times, through the
real views (test client, permission policy applied):

* a ward's quality page (12 months) as that ward's secretary;
* a city's comparison of its wards as the city's secretary;
* the province's comparison of its cities as a province clerk;
* the meeting list of a ward (first page).

Prints: backend, page, runs, p50 ms, p95 ms, max ms, SQL queries per request. The data is
kept between runs; ``--fresh`` builds it again.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time

import _common as bench

SEED = 20261125
BENCH_DB = "dangbo_bench_meetings"
CITIES, WARDS, CELLS, MEMBERS, MONTHS = 10, 10, 12, 42, 24
TODAY = dt.date(2026, 11, 25)
BATCH = 5000


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--runs", type=int, default=30, help="requests per page (default 30)")
    args = parser.parse_args()

    bench.open_database(args, database=BENCH_DB, sqlite_file="dangbo_meetings_bench.sqlite3")
    province = build(fresh=args.fresh)
    bench.print_database()
    pages = pages_to_time(province)
    rows = []
    for label, user, url in pages:
        timing = time_page(user, url, args.runs)
        times = timing.times
        rows.append((bench.vendor(), label, len(times), statistics.median(times), bench.pct(times, 0.95), max(times),
                     timing.last_queries))
    bench.print_table([("backend", "<11"), ("page", "<34"), ("runs", ">5"), ("p50 ms", ">8"), ("p95 ms", ">8"),
                 ("max ms", ">8"), ("queries", ">8")], rows)


def build(*, fresh: bool):
    from django.db import transaction

    from dangbo.core.text import fold
    from dangbo.meetings.models import Attendance, Meeting, MeetingKind
    from dangbo.meetings.services import criteria_set_for, first_monday, month_range
    from dangbo.orgs.models import Membership, Person, Unit, UnitKind

    existing = Unit.objects.filter(code="mbench-province").first()
    if existing is not None and not fresh and Meeting.objects.filter(unit__path__startswith=existing.path).exists():
        return existing
    began = time.monotonic()
    rng = random.Random(SEED)
    with transaction.atomic():
        if existing is not None:
            Meeting.objects.filter(unit__path__startswith=existing.path).delete()
            Membership.objects.filter(unit__path__startswith=existing.path).delete()
            Person.objects.filter(party_card_number__startswith="MB").delete()
            Unit.objects.filter(code__startswith="mbench-").delete()
        kinds = {k.code: k for k in UnitKind.objects.all()}
        root_step = Unit.objects.filter(depth=1).count() + 1
        units: list[Unit] = []

        def unit(path, name, kind, code, numchild):
            u = Unit(path=path, depth=len(path) // Unit.steplen, numchild=numchild, name=name,
                     search_name=fold(name), kind=kinds[kind], code=code, valid_from=dt.date(2015, 1, 1))
            units.append(u)
            return u

        unit(bench.unit_step(root_step), "Đảng bộ tỉnh Bench", "dang-bo-tinh", "mbench-province", CITIES)
        for c in range(1, CITIES + 1):
            cpath = bench.unit_step(root_step) + bench.unit_step(c)
            unit(cpath, f"Đảng bộ thành phố {c}", "dang-bo-huyen", f"mbench-city-{c}", WARDS)
            for w in range(1, WARDS + 1):
                wpath = cpath + bench.unit_step(w)
                unit(wpath, f"Đảng bộ phường {w} thành phố {c}", "dang-bo-xa", f"mbench-ward-{c}-{w}", CELLS)
                for k in range(1, CELLS + 1):
                    unit(wpath + bench.unit_step(k), f"Chi bộ khu phố {k} phường {w} thành phố {c}", "chi-bo",
                         f"mbench-cell-{c}-{w}-{k}", 0)
        Unit.objects.bulk_create(units, batch_size=BATCH)
        cells = list(Unit.objects.filter(code__startswith="mbench-cell-").order_by("path"))
        people = [
            Person(full_name=f"Đảng viên {i}", search_name=f"dang vien {i}", gender="m" if i % 2 else "f",
                   party_card_number=f"MB{i:06d}")
            for i in range(len(cells) * MEMBERS)
        ]
        Person.objects.bulk_create(people, batch_size=BATCH)
        ids = list(Person.objects.filter(party_card_number__startswith="MB").order_by("party_card_number")
                   .values_list("pk", flat=True))
        Membership.objects.bulk_create(
            [Membership(person_id=ids[i], unit=cells[i // MEMBERS], start=dt.date(2015, 1, 1)) for i in range(len(ids))],
            batch_size=BATCH,
        )
        months = month_range(TODAY.replace(day=1) - dt.timedelta(days=1), MONTHS)
        meetings = []
        for cell in cells:
            quality = rng.gauss(86, 6)
            for month in months:
                if rng.random() < 0.02:
                    continue
                day = first_monday(month.year, month.month)
                score = max(30.0, min(100.0, quality + rng.gauss(0, 5)))
                grade, rank = (("tot", 1) if score >= 90 else ("kha", 2) if score >= 70
                               else ("trung-binh", 3) if score >= 50 else ("kem", 4))
                meetings.append(Meeting(
                    unit=cell, kind=MeetingKind.REGULAR, date=day, month=month, status=Meeting.Status.HELD,
                    duration_minutes=95, criteria_set=criteria_set_for(day), score=round(score, 1), grade=grade,
                    grade_rank=rank, title=f"Sinh hoạt thường kỳ tháng {month:%m/%Y}",
                ))
        Meeting.objects.bulk_create(meetings, batch_size=BATCH)
        by_cell: dict[int, list[int]] = {}
        for i, pk in enumerate(ids):
            by_cell.setdefault(cells[i // MEMBERS].pk, []).append(pk)
        rows: list[Attendance] = []
        written = 0
        for meeting in meetings:
            present = 0
            for person_id in by_cell[meeting.unit_id]:
                roll = rng.random()
                status = "present" if roll < 0.9 else "excused" if roll < 0.995 else "unexcused"
                present += status == "present"
                rows.append(Attendance(meeting=meeting, person_id=person_id, status=status,
                                       reason="Đi công tác" if status == "excused" else ""))
            meeting.expected_count, meeting.present_count = MEMBERS, present
            if len(rows) >= 50_000:
                Attendance.objects.bulk_create(rows, batch_size=BATCH)
                written += len(rows)
                rows = []
        Attendance.objects.bulk_create(rows, batch_size=BATCH)
        written += len(rows)
        Meeting.objects.bulk_update(meetings, ["expected_count", "present_count"], batch_size=BATCH)
    print(f"built {len(cells)} cells, {len(meetings)} meetings, {written} attendance rows "
          f"in {time.monotonic() - began:.0f} s", file=sys.stderr)
    return Unit.objects.get(code="mbench-province")


def pages_to_time(province):
    from django.contrib.auth import get_user_model

    from dangbo.orgs.models import Grant, Role, Unit

    User = get_user_model()
    city = Unit.objects.get(code="mbench-city-1")
    ward = Unit.objects.get(code="mbench-ward-1-1")
    who = {}
    for name, unit in [("mbench-ward", ward), ("mbench-city", city), ("mbench-province", province)]:
        user, _ = User.objects.get_or_create(username=name)
        Grant.objects.get_or_create(user=user, unit=unit, role=Role.MANAGE, start=dt.date(2015, 1, 1))
        who[name] = user
    return [
        ("ward quality page (12 months)", who["mbench-ward"], f"/sinh-hoat/chat-luong/{ward.pk}/?months=12"),
        ("city comparison of wards", who["mbench-city"], f"/sinh-hoat/chat-luong/{city.pk}/?months=12"),
        ("province comparison of cities", who["mbench-province"], f"/sinh-hoat/chat-luong/{province.pk}/?months=12"),
        ("meeting list of a ward", who["mbench-ward"], f"/sinh-hoat/?unit={ward.pk}"),
    ]


def time_page(user, url: str, runs: int):
    import time_machine

    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC), tick=True):
        return bench.time_urls(user, [url], runs)


if __name__ == "__main__":
    main()
