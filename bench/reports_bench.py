"""How fast are the reports at province scale? ``.venv/bin/python bench/reports_bench.py``

Runs against the database kind DANGBO_DATABASE_URL names, but never in that database:

* PostgreSQL: a database ``dangbo_bench_reports`` on the same server (created if missing);
* SQLite: a file in the temporary directory (``--sqlite-path`` to choose another).

It builds the plans bench's province (``plans_bench.build``: 1,211 units, 1 province → 10
cities → 100 wards → 1,100 cells; 40 indicators over two terms with a target and an actual for
every unit and year, ~1,000 commitments, the 2026 themes with 20,000 tasks), then, fixed seed,
over the term 2021–2025 and 2026:

* 10 members in every cell (11,000 people and memberships) and an admission target for every
  ward each year; one member admitted in every cell each year (6,600 candidates decided);
* a regular meeting in every cell every month from 01/2021 to 10/2026, scored and graded the
  way the meetings bench does (~77,000 meetings);
* ``--cases`` citizens' cases (default 60,000) received 2021–2026 by wards and cells, most
  answered, some late;
* the term 2021–2025 of the first city (the city's review).

Then it times:

* the daily scan drafting October 2026's monthly report of every party unit, once;
* the term review drafted from the data (``review.compose``) of the first city and of the
  province for 2021–2025 (``--review-runs`` each), with its SQL queries;
* the reports page of the province (``/bao-cao/don-vi/<pk>/``) as the province's secretary
  through the real view (test client, permission policy applied), ``--runs`` requests.

Targets (the issue): the city's review under 5 s, the province's under 30 s, the page's p95
under 150 ms with a fixed number of queries, on PostgreSQL. Prints: backend, what, runs, p50
ms, p95 ms, max ms, SQL queries. The data is kept between runs; ``--fresh`` builds it again.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time

import _common as bench
import plans_bench

SEED = 20261207
BENCH_DB = "dangbo_bench_reports"
TODAY = dt.date(2026, 11, 25)
MEMBERS = 10
FIRST = dt.date(2021, 1, 1)
BATCH = 5000
TERM = ("2021-2025", dt.date(2021, 1, 1), dt.date(2025, 12, 31))


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--runs", type=int, default=30, help="requests of the reports page (default 30)")
    parser.add_argument("--review-runs", type=int, default=3, help="drafts of each term review (default 3)")
    parser.add_argument("--cases", type=int, default=60_000, help="citizens' cases (default 60,000)")
    parser.add_argument("--scale", type=float, default=1.0, help="the plans bench's share of its workload")
    args = parser.parse_args()

    bench.open_database(args, database=BENCH_DB, sqlite_file="dangbo_reports_bench.sqlite3")
    province = build(fresh=args.fresh, scale=args.scale, n_cases=args.cases)
    bench.print_database()
    rows = []
    from django.urls import reverse

    reverse("reports:index")  # the URLconf (and every view it imports) loads once per process, not per draft
    rows.append((bench.vendor(), *time_schedule(province)))
    for label, unit, term in reviews_to_time(province):
        times, queries = time_review(unit, term, args.review_runs)
        rows.append((bench.vendor(), label, len(times), statistics.median(times), bench.pct(times, 0.95),
                     max(times), queries))
    for label, user, url in pages_to_time(province):
        timing = time_page(user, url, args.runs)
        rows.append((bench.vendor(), label, len(timing.times), statistics.median(timing.times),
                     bench.pct(timing.times, 0.95), max(timing.times),
                     f"{min(timing.queries)}–{timing.most_queries}" if min(timing.queries) != timing.most_queries
                     else timing.most_queries))
    bench.print_table([("backend", "<11"), ("what", "<30"), ("runs", ">5"), ("p50 ms", ">9"), ("p95 ms", ">9"),
                       ("max ms", ">9"), ("queries", ">8")], rows)


def build(*, fresh: bool, scale: float, n_cases: int):
    """The plans bench's province, then members, admissions, meetings and cases under it."""
    from django.db import transaction

    from dangbo.citizens.models import Case, new_code
    from dangbo.core.dates import first_monday
    from dangbo.meetings.models import Meeting, MeetingKind
    from dangbo.meetings.services import criteria_set_for
    from dangbo.orgs.models import Membership, Person, Term, Unit
    from dangbo.people.admission.models import AdmissionTarget, Candidate

    existing = Unit.objects.filter(code="pbench-province").first()
    if existing is not None and not fresh and Meeting.objects.filter(unit__path__startswith=existing.path).exists():
        return existing
    if existing is not None:
        with transaction.atomic():
            Case.objects.filter(unit__path__startswith=existing.path).delete()
            Meeting.objects.filter(unit__path__startswith=existing.path).delete()
            Candidate.objects.filter(unit__path__startswith=existing.path).delete()
            AdmissionTarget.objects.filter(unit__path__startswith=existing.path).delete()
            Membership.objects.filter(unit__path__startswith=existing.path).delete()
            Person.objects.filter(party_card_number__startswith="RB").delete()
            Term.objects.filter(unit__path__startswith=existing.path).exclude(unit=existing).delete()
    province = plans_bench.build(fresh=True, scale=scale)
    began = time.monotonic()
    rng = random.Random(SEED)
    with transaction.atomic():
        units = list(Unit.objects.filter(code__startswith="pbench-").select_related("kind").order_by("path"))
        cells = [u for u in units if u.kind.holds_members]
        wards = [u for u in units if u.depth == province.depth + 2]
        city = next(u for u in units if u.code == "pbench-city-1")
        Term.objects.create(unit=city, code=TERM[0], start=TERM[1], end=TERM[2])
        # Members: ten in every cell, one of them admitted each year of 2021–2026.
        people = [Person(full_name=f"Đảng viên {i}", search_name=f"dang vien {i}", gender="m" if i % 2 else "f",
                         party_card_number=f"RB{i:07d}") for i in range(len(cells) * MEMBERS)]
        Person.objects.bulk_create(people, batch_size=BATCH)
        ids = list(Person.objects.filter(party_card_number__startswith="RB").order_by("party_card_number")
                   .values_list("pk", flat=True))
        Membership.objects.bulk_create(
            [Membership(person_id=pk, unit=cells[i // MEMBERS], start=dt.date(2015, 1, 1)) for i, pk in enumerate(ids)],
            batch_size=BATCH,
        )
        years = range(FIRST.year, TODAY.year + 1)
        AdmissionTarget.objects.bulk_create(
            [AdmissionTarget(unit=w, year=y, total=rng.randint(8, 12)) for w in wards for y in years], batch_size=BATCH)
        candidates = []
        for n, cell in enumerate(cells):
            for k, year in enumerate(years):
                decided = dt.date(year, rng.randint(1, 10 if year == TODAY.year else 12), rng.randint(1, 28))
                candidates.append(Candidate(person_id=ids[n * MEMBERS + k], unit=cell, added_on=decided.replace(day=1)
                                            - dt.timedelta(days=300), stage="probation", decision_on=decided,
                                            decision_number=f"{n}-{year}-QĐ/ĐU"))
        Candidate.objects.bulk_create(candidates, batch_size=BATCH)
        # Meetings: a regular one in every cell every month, 01/2021–10/2026.
        months = [dt.date(y, m, 1) for y in years for m in range(1, 13) if dt.date(y, m, 1) < TODAY.replace(day=1)]
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
                    expected_count=MEMBERS, present_count=MEMBERS - rng.randint(0, 2),
                ))
                if len(meetings) >= 20_000:
                    Meeting.objects.bulk_create(meetings, batch_size=BATCH)
                    meetings = []
        Meeting.objects.bulk_create(meetings, batch_size=BATCH)
        # Cases received by the wards (80 %) and the cells, most answered, some late.
        days = (TODAY - FIRST).days
        written = 0
        while written < n_cases:
            batch = []
            for _ in range(min(BATCH, n_cases - written)):
                received = FIRST + dt.timedelta(days=rng.randrange(days))
                answer_by = received + dt.timedelta(days=40)
                unit = rng.choice(wards) if rng.random() < 0.8 else rng.choice(cells)
                case = Case(code=new_code(), unit=unit, kind="phan_anh", channel="reception",
                            content=f"Phản ánh số {written + len(batch)} về đường giao thông",
                            received_on=received, acknowledge_by=received + dt.timedelta(days=10), answer_by=answer_by)
                answered = received + dt.timedelta(days=rng.choice([12, 20, 28, 35, 45]))
                if answered <= TODAY and rng.random() < 0.9:
                    case.state, case.answered_on, case.answer = "answered", answered, "Đã giải quyết"
                batch.append(case)
            Case.objects.bulk_create(batch, batch_size=BATCH)
            written += len(batch)
    bench.analyze()
    print(f"built {len(cells) * MEMBERS} members, {len(candidates)} admitted, {len(months)} months of meetings in "
          f"{len(cells)} cells, {written} cases in {time.monotonic() - began:.0f} s", file=sys.stderr)
    return province


def time_schedule(province) -> tuple:
    """The daily scan drafting October 2026's monthly report of every party unit (once: the
    reports are kept with the data, a later run reads the same figures)."""
    from django.db import connection

    from dangbo.reports import scan
    from dangbo.reports.models import PeriodicReport

    PeriodicReport.objects.filter(unit__path__startswith=province.path, period="month", start=dt.date(2026, 10, 1)).delete()
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        began = time.perf_counter()
        drafted = scan.draft_due_reports(dt.date(2026, 11, 2))
        ms = (time.perf_counter() - began) * 1000
    return f"scan drafts {drafted} monthly reports", 1, ms, ms, ms, count[0]


def reviews_to_time(province):
    from dangbo.orgs.models import Term, Unit

    city = Unit.objects.get(code="pbench-city-1")
    return [
        ("term review, city (draft)", city, Term.objects.get(unit=city, code=TERM[0])),
        ("term review, province (draft)", province, Term.objects.get(unit=province, code=TERM[0])),
    ]


def time_review(unit, term, runs: int) -> tuple[list[float], int]:
    """Draft the review ``runs`` times: ms each and the SQL queries of the last."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangbo.reports import review

    times, queries = [], 0
    for _ in range(runs):
        connection.queries_log.clear()  # the build filled it: a full log counts nothing
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            review.compose(review.Ctx(unit=unit, term=term, today=TODAY))
            times.append((time.perf_counter() - began) * 1000)
        queries = len(captured.captured_queries)
    return times, queries


def pages_to_time(province):
    from dangbo.orgs.models import Role

    user = bench.account("rbench-province", province, Role.MANAGE)
    return [
        ("reports page, province", user, f"/bao-cao/don-vi/{province.pk}/?year=2026"),
        ("periodic reports, province", user, "/bao-cao/dinh-ky/"),
    ]


def time_page(user, url: str, runs: int):
    import time_machine

    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC), tick=True):
        return bench.time_urls(user, [url], runs)


if __name__ == "__main__":
    main()
