"""How fast are the citizens' case pages at province scale? ``.venv/bin/python bench/cases_bench.py``

Runs against the database kind DANGBO_DATABASE_URL names, but never in that database:

* PostgreSQL: a database ``dangbo_bench_cases`` on the same server (created if missing);
* SQLite: a file in the temporary directory (``--sqlite-path`` to choose another).

It builds a province (1 province → 10 cities → 100 wards → 1,200 cells: 1,311 units) and
300,000 cases (``--n``) received from 2022 to "today" (25/11/2026), fixed seed: 70 % received
by the wards, 15 % by the cities, 5 % by the province, 10 % by cells; every kind and channel;
most acknowledged and answered, some late, some still open; one petitioner each (a few
collective cases). Then it times, through the real views (test client, permission policy
applied):

* the case list of a ward (first page) as that ward's secretary;
* the case list of the province (first page) as a province clerk;
* the response-time page of the province (the year, its cities compared) as the clerk;
* a public lookup by code, without logging in (``/cong-dan/tra-cuu/?code=…``) and through the
  API (``/api/v1/public/cases/{code}``).

Targets (the issue): p95 under 150 ms for the pages, under 50 ms for the lookup, on
PostgreSQL. Prints: backend, page, runs, p50 ms, p95 ms, max ms, SQL queries per request. The
data is kept between runs; ``--fresh`` builds it again.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time

import _common as bench

SEED = 20261207
BENCH_DB = "dangbo_bench_cases"
TODAY = dt.date(2026, 11, 25)
FIRST = dt.date(2022, 1, 1)
BATCH = 5000
KINDS = ["y_kien", "phan_anh", "kien_nghi", "khieu_nai", "to_cao"]
KIND_WEIGHTS = [15, 40, 30, 10, 5]
CHANNELS = ["reception", "dialogue", "letter", "online"]


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--n", type=int, default=300_000, help="cases to build (default 300,000)")
    parser.add_argument("--runs", type=int, default=30, help="requests per page (default 30)")
    args = parser.parse_args()

    bench.open_database(args, database=BENCH_DB, sqlite_file="dangbo_cases_bench.sqlite3")
    province, codes = build(n=args.n, fresh=args.fresh)
    bench.print_database()
    rows = []
    for label, user, urls in pages_to_time(province, codes):
        timing = time_pages(user, urls, args.runs)
        times = timing.times
        rows.append((bench.vendor(), label, len(times), statistics.median(times), bench.pct(times, 0.95), max(times),
                     timing.most_queries))
    bench.print_table([("backend", "<11"), ("page", "<34"), ("runs", ">5"), ("p50 ms", ">8"), ("p95 ms", ">8"),
                       ("max ms", ">8"), ("queries", ">8")], rows)


def build(*, n: int, fresh: bool):
    """The province and its cases (kept between runs); returns the province and some codes."""
    from django.db import transaction

    from dangbo.citizens.models import Case, Petitioner, new_code
    from dangbo.core.text import fold
    from dangbo.core.workdays import WorkCalendar
    from dangbo.orgs.models import Unit

    existing = Unit.objects.filter(code="cbench-province").first()
    if existing is not None and not fresh:
        codes = list(Case.objects.filter(unit__path__startswith=existing.path).values_list("code", flat=True)[:50])
        if len(codes) == 50:
            return existing, codes
    began = time.monotonic()
    rng = random.Random(SEED)
    calendar = WorkCalendar()
    days = (TODAY - FIRST).days
    with transaction.atomic():
        if existing is not None:
            Petitioner.objects.filter(case__unit__path__startswith=existing.path).delete()
            Case.objects.filter(unit__path__startswith=existing.path).delete()
            Unit.objects.filter(code__startswith="cbench-").delete()
        bench.create_province("cbench", bench.CITIES)
        units = list(Unit.objects.filter(code__startswith="cbench-").values_list("pk", "code"))
        by_level = {
            level: [pk for pk, code in units if code.startswith(f"cbench-{level}")]
            for level in ("province", "city", "ward", "cell")
        }
        levels, weights = ["ward", "city", "province", "cell"], [70, 15, 5, 10]
        written = 0
        while written < n:
            cases = []
            for _ in range(min(BATCH, n - written)):
                received = FIRST + dt.timedelta(days=rng.randrange(days))
                ack_by = calendar.add(received, 10)
                answer_by = ack_by + dt.timedelta(days=30)
                case = Case(
                    code=new_code(), unit_id=rng.choice(by_level[rng.choices(levels, weights)[0]]),
                    kind=rng.choices(KINDS, KIND_WEIGHTS)[0], channel=rng.choice(CHANNELS),
                    content=f"Phản ánh số {written + len(cases)} về đường giao thông, chiếu sáng, môi trường",
                    received_on=received, acknowledge_by=ack_by, answer_by=answer_by,
                )
                age = (TODAY - received).days
                if age > 20 or rng.random() < 0.6:
                    ack_on = calendar.add(received, rng.choice([2, 4, 6, 8, 9, 12, 15]))
                    if ack_on <= TODAY:
                        case.state, case.acknowledged_on, case.ack_outcome = "acknowledged", ack_on, "accepted"
                        case.ack_days = calendar.between(received, ack_on)
                        case.answer_by = ack_on + dt.timedelta(days=30)
                        answered = ack_on + dt.timedelta(days=rng.choice([5, 12, 20, 28, 35, 45]))
                        if answered <= TODAY and rng.random() < 0.9:
                            case.state, case.answered_on, case.answer = "answered", answered, "Đã giải quyết"
                            case.answer_days = calendar.between(received, answered)
                            if rng.random() < 0.8:
                                case.state, case.closed_on = "closed", answered
                cases.append(case)
            Case.objects.bulk_create(cases, batch_size=BATCH)
            people = []
            for case in cases:
                for i in range(3 if rng.random() < 0.02 else 1):
                    name = f"Người gửi {rng.randrange(200_000)}"
                    people.append(Petitioner(case=case, name=name, name_key=fold(name),
                                             address=f"Số {rng.randrange(1, 300)} đường {rng.randrange(1, 80)}",
                                             phone=f"09{rng.randrange(10**8):08d}", order=i))
            Petitioner.objects.bulk_create(people, batch_size=BATCH)
            written += len(cases)
    bench.analyze("citizens_case", "citizens_petitioner", "orgs_unit")
    print(f"built {len(units)} units, {written} cases in {time.monotonic() - began:.0f} s", file=sys.stderr)
    province = Unit.objects.get(code="cbench-province")
    codes = list(Case.objects.filter(unit__path__startswith=province.path).values_list("code", flat=True)[:50])
    return province, codes


def pages_to_time(province, codes: list[str]):
    from dangbo.orgs.models import Role, Unit

    ward = Unit.objects.get(code="cbench-ward-1-1")
    ward_user = bench.account("cbench-ward", ward, Role.MANAGE)
    clerk = bench.account("cbench-province", province, Role.ADMIN)
    return [
        ("case list of a ward", ward_user, ["/cong-dan/"]),
        ("case list of the province", clerk, ["/cong-dan/"]),
        ("response times of the province", clerk,
         [f"/cong-dan/thoi-gian-tra-loi/?unit={province.pk}&year={TODAY.year}&period=year"]),
        ("public lookup by code (page)", None, [f"/cong-dan/tra-cuu/?code={code}" for code in codes[:10]]),
        ("public lookup by code (API)", None, [f"/api/v1/public/cases/{code}" for code in codes[10:20]]),
    ]


def time_pages(user, urls: list[str], runs: int):
    import time_machine
    from django.conf import settings
    from django.core.cache import cache

    settings.DANGBO_CASE_LOOKUPS_PER_IP = 10**9  # time the lookup, not the throttle
    cache.clear()
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC), tick=True):
        if user is not None:
            return bench.time_urls(user, urls, runs)
        return _anonymous(urls, runs)


def _anonymous(urls: list[str], runs: int):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    for url in urls:
        client.get(url)
    timing = bench.Timing()
    for _ in range(runs):
        for url in urls:
            ms, queries, response = bench.time_get(client, url)
            timing.times.append(ms)
            timing.queries.append(queries)
            timing.body = response.content
    return timing


if __name__ == "__main__":
    main()
