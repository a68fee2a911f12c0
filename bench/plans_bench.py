"""How fast are the plans' pages at province scale? ``.venv/bin/python bench/plans_bench.py``

Runs against the database kind DANGBO_DATABASE_URL names, but never in that database:

* PostgreSQL: a database ``dangbo_bench_plans`` on the same server (created if missing);
* SQLite: a file in the temporary directory (``--sqlite-path`` to choose another).

It builds a province of 1,211 units (1 province → 10 cities → 100 wards → 1,100 cells), then,
fixed seed:

* 20 indicators for each of two terms (2016–2020, 2021–2025) with a yearly target and a yearly
  actual for every unit: 10 years × 20 indicators × 1,211 units (~242,000 actuals);
* ~1,000 responsibility commitments (the province with its 10 cities and every city with its
  10 wards, 2017–2025), 5 items each with weights summing to 100, four quarterly statuses;
* 200 theme items for 2026 (10 of the province's theme, 19 under each city's) linked to
  20,000 tasks, with a year of monthly confidence ratings.

Then it times, through the real views (test client, the permission policy applied), as a
ward's secretary and as the province's secretary: the board, the commitments register and
the indicator dashboard. ``--scale 0.1`` builds a tenth of the workload (a quick check).

Prints: backend, page, who, runs, p50 ms, p95 ms, max ms, SQL queries per request. The data
is kept between runs; ``--fresh`` builds it again. Not part of the test suite.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from decimal import Decimal

import _common as bench

SEED = 20261207
BENCH_DB = "dangbo_bench_plans"
CITIES, WARDS, CELLS = 10, 10, 11
INDICATORS, ITEMS, TASKS_PER_ITEM = 20, 200, 100
TODAY = dt.date(2026, 11, 25)
BATCH = 5000
TERMS = (("2016-2020", dt.date(2016, 1, 1), dt.date(2020, 12, 31)),
         ("2021-2025", dt.date(2021, 1, 1), dt.date(2025, 12, 31)))


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--runs", type=int, default=30, help="requests per page (default 30)")
    parser.add_argument("--scale", type=float, default=1.0, help="a share of the workload (default 1)")
    args = parser.parse_args()

    bench.open_database(args, database=BENCH_DB, sqlite_file="dangbo_plans_bench.sqlite3")
    province = build(fresh=args.fresh, scale=args.scale)
    bench.print_database()
    rows = []
    for label, who, user, url in pages_to_time(province):
        timing = time_page(user, url, args.runs)
        times = timing.times
        rows.append((bench.vendor(), label, who, len(times), statistics.median(times), bench.pct(times, 0.95),
                     max(times), timing.last_queries))
    bench.print_table([("backend", "<11"), ("page", "<24"), ("as", "<9"), ("runs", ">5"), ("p50 ms", ">8"),
                       ("p95 ms", ">8"), ("max ms", ">8"), ("queries", ">8")], rows)


def _units(scale: float):
    from dangbo.core.text import fold
    from dangbo.orgs.models import Unit, UnitKind

    kinds = {k.code: k for k in UnitKind.objects.all()}
    root_step = Unit.objects.filter(depth=1).count() + 1
    cities = max(1, round(CITIES * scale)) if scale < 1 else CITIES
    units: list[Unit] = []

    def unit(path, name, kind, code, numchild):
        units.append(Unit(path=path, depth=len(path) // Unit.steplen, numchild=numchild, name=name,
                          search_name=fold(name), kind=kinds[kind], code=code, valid_from=dt.date(2015, 1, 1)))

    unit(bench.unit_step(root_step), "Đảng bộ tỉnh Bench", "dang-bo-tinh", "pbench-province", cities)
    for c in range(1, cities + 1):
        cpath = bench.unit_step(root_step) + bench.unit_step(c)
        unit(cpath, f"Đảng bộ thành phố {c}", "dang-bo-huyen", f"pbench-city-{c}", WARDS)
        for w in range(1, WARDS + 1):
            wpath = cpath + bench.unit_step(w)
            unit(wpath, f"Đảng bộ phường {w} thành phố {c}", "dang-bo-xa", f"pbench-ward-{c}-{w}", CELLS)
            for k in range(1, CELLS + 1):
                unit(wpath + bench.unit_step(k), f"Chi bộ khu phố {k} phường {w} thành phố {c}", "chi-bo",
                     f"pbench-cell-{c}-{w}-{k}", 0)
    Unit.objects.bulk_create(units, batch_size=BATCH)
    return list(Unit.objects.filter(code__startswith="pbench-").order_by("path"))


def build(*, fresh: bool, scale: float):
    from django.db import transaction

    from dangbo.assignments.models import Task
    from dangbo.orgs.models import Person, Term, Unit
    from dangbo.plans.models import (
        Commitment,
        CommitmentItem,
        ConfidenceRating,
        EvaluationScale,
        Indicator,
        IndicatorActual,
        IndicatorTarget,
        ItemStatus,
        Theme,
        ThemeItem,
    )

    existing = Unit.objects.filter(code="pbench-province").first()
    if existing is not None and not fresh and ThemeItem.objects.filter(theme__unit=existing).exists():
        return existing
    began = time.monotonic()
    rng = random.Random(SEED)
    with transaction.atomic():
        if existing is not None:
            under = {"unit__path__startswith": existing.path}
            ConfidenceRating.objects.filter(item__theme__unit__path__startswith=existing.path).delete()
            ThemeItem.tasks.through.objects.filter(themeitem__theme__unit__path__startswith=existing.path).delete()
            ThemeItem.objects.filter(theme__unit__path__startswith=existing.path).delete()
            Theme.objects.filter(**under).delete()
            Task.objects.filter(unit_path__startswith=existing.path).update(parent=None, root=None)
            Task.objects.filter(unit_path__startswith=existing.path).delete()
            Commitment.objects.filter(upper_unit__path__startswith=existing.path).delete()
            IndicatorActual.objects.filter(indicator__unit=existing).delete()
            IndicatorTarget.objects.filter(indicator__unit=existing).delete()
            Indicator.objects.filter(unit=existing).delete()
            Term.objects.filter(unit=existing).delete()
            Person.objects.filter(party_card_number__startswith="PB").delete()
            Unit.objects.filter(code__startswith="pbench-").delete()
        units = _units(scale)
        province = units[0]
        cities = [u for u in units if u.depth == province.depth + 1]
        years = [y for _c, start, end in TERMS for y in range(start.year, end.year + 1)]
        # Indicators: targets and actuals for every unit and year.
        indicators = []
        for code, start, end in TERMS:
            term = Term.objects.create(unit=province, code=code, start=start, end=end)
            for n in range(1, INDICATORS + 1):
                indicators.append(Indicator.objects.create(
                    unit=province, term=term, code=f"ct-{n:02d}", name=f"Chỉ tiêu {n}", measure="%",
                    direction=Indicator.Direction.HIGHER if n % 4 else Indicator.Direction.LOWER,
                    aggregation=Indicator.Aggregation.AVERAGE,
                ))
        targets, actuals = [], []
        written = 0
        for indicator in indicators:
            first, last = indicator.term.start.year, indicator.term.end.year
            for unit in units:
                base = rng.uniform(40, 90)
                for year in range(first, last + 1):
                    targets.append(IndicatorTarget(indicator=indicator, unit=unit, year=year, value=Decimal(f"{base:.2f}")))
                    actuals.append(IndicatorActual(indicator=indicator, unit=unit, year=year, source="Báo cáo năm",
                                                   value=Decimal(f"{base + rng.gauss(0, 5):.2f}")))
            if len(actuals) >= 50_000:
                IndicatorTarget.objects.bulk_create(targets, batch_size=BATCH)
                IndicatorActual.objects.bulk_create(actuals, batch_size=BATCH)
                written += len(actuals)
                targets, actuals = [], []
        IndicatorTarget.objects.bulk_create(targets, batch_size=BATCH)
        IndicatorActual.objects.bulk_create(actuals, batch_size=BATCH)
        written += len(actuals)
        # Commitments: the province with its cities, every city with its wards, 2017–2025.
        scale_obj = EvaluationScale.objects.order_by("-effective_from").first()
        pairs = [(province, city) for city in cities]
        pairs += [(city, ward) for city in cities for ward in units
                  if ward.depth == city.depth + 1 and ward.path.startswith(city.path)]
        commitments = [
            Commitment(year=year, upper_unit=upper, lower_unit=lower, scale=scale_obj, signed_on=dt.date(year, 2, 1),
                       title=f"Bản cam kết năm {year} của {lower.name}")
            for year in range(2017, 2026) for upper, lower in pairs
        ]
        Commitment.objects.bulk_create(commitments, batch_size=BATCH)
        items = [CommitmentItem(commitment=c, order=n, title=f"Nội dung {n}", target="Hoàn thành", weight=20)
                 for c in commitments for n in range(1, 6)]
        CommitmentItem.objects.bulk_create(items, batch_size=BATCH)
        statuses = [ItemStatus(item=item, quarter=q, status=rng.choice(list(ItemStatus.Status.values)))
                    for item in items for q in range(1, 5)]
        ItemStatus.objects.bulk_create(statuses, batch_size=BATCH)
        # Themes of 2026: the province's (10 items), each city's (19 items), 100 tasks each.
        rater = Person.objects.create(full_name="Người đánh giá", search_name="nguoi danh gia", party_card_number="PB000001")
        themes = [Theme.objects.create(unit=u, year=2026, text=f"Chủ đề năm 2026 của {u.name}")
                  for u in [province, *cities]]
        theme_items = [ThemeItem(theme=themes[0], title=f"Nhiệm vụ trọng tâm {n}", order=n) for n in range(1, 11)]
        theme_items += [ThemeItem(theme=t, title=f"Khâu đột phá {n}", order=n,
                                  kind=ThemeItem.Kind.BREAKTHROUGH if n < 3 else ThemeItem.Kind.FOCUS)
                        for t in themes[1:] for n in range(1, 20)]
        theme_items = theme_items[: max(1, round(ITEMS * scale))]
        ThemeItem.objects.bulk_create(theme_items, batch_size=BATCH)
        cells = [u for u in units if u.kind.code == "chi-bo"]
        tasks = []
        for item in theme_items:
            assigning = item.theme.unit
            for n in range(TASKS_PER_ITEM):
                cell = cells[rng.randrange(len(cells))]
                deadline = dt.date(2026, rng.randint(3, 12), 28)
                status = rng.choice([Task.Status.DONE, Task.Status.IN_PROGRESS, Task.Status.IN_PROGRESS])
                task = Task(title=f"{item.title} – việc {n}", search_title=f"viec {n}", unit=cell, unit_path=cell.path,
                            assigning_unit=assigning, assigning_path=assigning.path, start=dt.date(2026, 1, 5),
                            deadline=deadline, status=status, progress=100 if status == Task.Status.DONE
                            else rng.randint(0, 90), depth=1)
                if task.is_active:
                    task.behind_from = task.compute_behind_from()
                tasks.append(task)
        Task.objects.bulk_create(tasks, batch_size=BATCH)
        for task in tasks:
            task.root_id, task.tree_path = task.pk, f"/{task.pk}/"
        Task.objects.bulk_update(tasks, ["root", "tree_path"], batch_size=BATCH)
        through = ThemeItem.tasks.through
        through.objects.bulk_create(
            [through(themeitem_id=item.pk, task_id=tasks[i * TASKS_PER_ITEM + n].pk)
             for i, item in enumerate(theme_items) for n in range(TASKS_PER_ITEM)],
            batch_size=BATCH,
        )
        ConfidenceRating.objects.bulk_create(
            [ConfidenceRating(item=item, month=dt.date(2026, m, 1), rater=rater, level=rng.randint(1, 4),
                              reason="Đánh giá hằng tháng") for item in theme_items for m in range(1, 12)],
            batch_size=BATCH,
        )
    bench.analyze()
    print(f"built {len(units)} units, {written} actuals over {len(years)} years, {len(commitments)} commitments, "
          f"{len(theme_items)} theme items, {len(tasks)} tasks in {time.monotonic() - began:.0f} s", file=sys.stderr)
    return Unit.objects.get(code="pbench-province")


def pages_to_time(province):
    from dangbo.orgs.models import Role, Unit
    from dangbo.plans.models import Indicator

    ward = Unit.objects.get(code="pbench-ward-1-1")
    city = Unit.objects.get(code="pbench-city-1")
    ward_user = bench.account("pbench-ward", ward, Role.MANAGE)
    province_user = bench.account("pbench-province", province, Role.MANAGE)
    indicator = Indicator.objects.filter(unit=province, term__code="2021-2025").order_by("code").first()
    pages = []
    for who, user in (("ward", ward_user), ("province", province_user)):
        board_unit = city if who == "ward" else province
        pages += [
            ("board", who, user, f"/chu-de-nam/bang/?year=2026&unit={board_unit.pk}"),
            ("commitments register", who, user, "/chu-de-nam/cam-ket/?year=2025"),
            ("indicator dashboard", who, user, f"/chu-de-nam/chi-tieu/{indicator.pk}/"),
        ]
    return pages


def time_page(user, url: str, runs: int):
    import time_machine

    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC), tick=True):
        return bench.time_urls(user, [url], runs)


if __name__ == "__main__":
    main()
