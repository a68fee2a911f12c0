"""How fast is the one search? ``.venv/bin/python bench/search_bench.py [--n 100000]``

Runs against the database kind DANGBO_DATABASE_URL names, but never in that database:

* PostgreSQL: a database ``dangbo_bench`` on the same server (created if missing);
* SQLite: a file in the temporary directory (``--sqlite-path`` to choose another).

It builds a province-shaped tree (1 province → 10 districts → 90 wards → 900 cells, 1,001
units), writes N synthetic documents straight into the index (realistic Vietnamese titles,
numbers such as ``123-KH/TU``, bodies of about 200 words, dates 2010–2025; 10 % of them
belong to the province, 20 % to the districts, 30 % to the wards, 40 % to the cells, and 70 %
of the committees' documents are shared down), then times 50 searches (words, numbers,
unfinished words) as the secretary of one ward (who sees the ward, its cells and what the
district and the province sent down: the permission policy applied inside the query) and,
for comparison, as a province-wide clerk. The data is kept between runs with the same N;
``--fresh`` builds it again.

Prints a table, one row per user (the ward secretary, the secretary of its district and the
province-wide clerk): backend, N, who, entries visible, median ms, p95 ms, max ms, SQL
queries per search (most), hits (median of the counts shown, which stop at
``search.COUNT_CAP``) and the share of searches whose count was capped. ``--rounds`` runs
each search more times (the machines are noisy).

Scale (PostgreSQL, 100,000 documents, 2 cores): the clerk's search costs about 0.4 µs per
hit of the words in the whole table (the full-text index hands them over, a hash of the
scope's unit ids keeps those in scope, the count reads them again up to its cap) plus
0.4 µs per hit in scope to rank it; a ward's
costs about 5 µs per entry of its scope (walked entry by entry, ``search.NARROW_SCOPE``).
The district secretary shows the first limit: they see 16 % of the documents but pay most
of the clerk's time, because the full-text index knows no units. With the country in one
table (63 provinces, ~6 M entries) a common word has ~6 M hits, ~2 s for any scope wider
than ``NARROW_SCOPE``, however small its share. What moves it:

* partition ``core_searchentry`` by province (a ``province_id`` column, LIST partitions, one
  GIN index each): a provincial scope prunes to its partition and keeps these figures;
  Citus, distributing by the same column, does the same and runs a national search on every
  shard in parallel;
* or put the scope into the index: the entry's unit path prefixes (and, for shared-down
  entries, the unit that shares) as words of the vector, ANDed into the query, so that the
  index intersects the postings and never hands over a hit out of scope, at any level;
* a national user still ranks millions of hits: bound the candidates there (the newest
  first through an index on the date, or a RUM index ordered inside the index);
* read replicas multiply the searches served at once (search only reads), not the speed
  of one.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from dataclasses import dataclass, field

import _common as bench

SEED = 20261125
SHARED_DOWN = 0.7  # share of the province's, districts' and wards' documents sent down
BENCH_DB = "dangbo_bench"

TYPES = [
    ("NQ", "Nghị quyết"), ("CT", "Chỉ thị"), ("KL", "Kết luận"), ("CTr", "Chương trình hành động"),
    ("KH", "Kế hoạch"), ("QC", "Quy chế"), ("QĐ", "Quy định"), ("QĐ", "Quyết định"),
    ("HD", "Hướng dẫn"), ("TB", "Thông báo"), ("BC", "Báo cáo"), ("CV", "Công văn"),
]
ISSUERS = ["TW", "TU", "HU", "ĐU", "BTCTW", "VPTU", "BTGTU", "UBKTTU"]
TERMS = ["2010-2015", "2015-2020", "2020-2025"]
FIELDS = {
    "kinh-te": "phát triển kinh tế - xã hội",
    "xay-dung-dang": "công tác xây dựng Đảng và hệ thống chính trị",
    "cai-cach-hanh-chinh": "cải cách hành chính, nâng cao chỉ số năng lực cạnh tranh",
    "can-bo": "công tác cán bộ và quy hoạch cán bộ",
    "tu-tuong": "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "dan-van": "công tác dân vận, tiếp công dân và đối thoại",
    "kiem-tra": "công tác kiểm tra, giám sát và thi hành kỷ luật đảng",
    "quoc-phong": "quốc phòng, an ninh và trật tự an toàn xã hội",
    "van-hoa": "văn hóa, giáo dục và y tế",
    "do-thi": "chỉnh trang đô thị, xây dựng nông thôn mới",
    "moi-truong": "bảo vệ môi trường và ứng phó biến đổi khí hậu",
    "chuyen-doi-so": "chuyển đổi số và ứng dụng công nghệ thông tin",
}
SUBJECTS = [
    "tăng cường sự lãnh đạo của Đảng đối với", "nâng cao chất lượng", "đẩy mạnh",
    "tiếp tục thực hiện", "tổ chức quán triệt và triển khai", "sơ kết 5 năm thực hiện",
    "tổng kết công tác", "kiện toàn tổ chức bộ máy về", "đổi mới phương thức lãnh đạo về",
]
SENTENCE_PARTS = [
    "Ban Thường vụ Thành ủy yêu cầu các cấp ủy, tổ chức đảng", "cán bộ, đảng viên",
    "quán triệt sâu sắc nội dung", "tổ chức thực hiện nghiêm túc", "đạt được nhiều kết quả quan trọng",
    "tuy nhiên vẫn còn một số hạn chế, khuyết điểm", "nguyên nhân chủ yếu là do",
    "trong thời gian tới cần tập trung", "phát huy vai trò tiên phong, gương mẫu của người đứng đầu",
    "nâng cao năng lực lãnh đạo và sức chiến đấu của tổ chức cơ sở đảng",
    "Đảng bộ phường", "chi bộ khu phố", "Ủy ban Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội",
    "thực hiện có hiệu quả các chỉ tiêu kinh tế - xã hội", "giải quyết kịp thời kiến nghị của nhân dân",
    "tăng cường kiểm tra, giám sát việc thực hiện", "báo cáo kết quả về Thường trực Thành ủy",
    "trước ngày 15 hằng tháng", "theo đúng quy định của Điều lệ Đảng", "sinh hoạt chi bộ định kỳ",
    "đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên", "phân công cán bộ phụ trách địa bàn",
    "chương trình hành động của Thành ủy", "kế hoạch của Ban Thường vụ", "công tác phát triển đảng viên",
    "xây dựng chính quyền điện tử", "cải thiện môi trường đầu tư kinh doanh", "đảm bảo an sinh xã hội",
    "nhân dân đồng tình, ủng hộ", "các cơ quan tham mưu, giúp việc", "Ủy ban Kiểm tra Thành ủy",
    "Văn phòng Thành ủy theo dõi, đôn đốc", "trách nhiệm người đứng đầu cấp ủy", "năm 2019 và những năm tiếp theo",
]

QUERIES = [
    # words
    "nghi quyet", "chi thi", "ke hoach", "xay dung dang", "cai cach hanh chinh", "can bo dang vien",
    "hoc tap va lam theo tu tuong", "quan triet", "thuc hien", "phat trien kinh te xa hoi",
    "chuyen doi so", "moi truong", "dan van", "kiem tra giam sat", "sinh hoat chi bo",
    "nguoi dung dau", "an sinh xa hoi", "quoc phong an ninh", "nong thon moi", "to chuc co so dang",
    "Nghị quyết về công tác cán bộ", "Đảng bộ phường", "ủy ban kiểm tra", "tiếp công dân",
    "phát triển đảng viên",
    # numbers
    "05-CT/TW", "123-KH/TU", "12 hd btctw", "687-kh", "45", "05-ct", "30-NQ/TU", "7-kl",
    "101 kh tu", "250-QĐ/TW", "15", "9-tb/vptu", "2-qc/tu",
    # unfinished words
    "nghi quy", "ke hoa", "chi th", "cai ca", "dan v", "chuyen do", "kiem tr", "sinh hoat chi",
    "xay dung d", "quan tri", "phat trien kinh t", "bao ca",
]
if len(QUERIES) != 50:
    raise SystemExit(f"the bench times 50 searches, not {len(QUERIES)}")


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="documents to index (default 100000)")
    parser.add_argument("--rounds", type=int, default=1, help="times each of the 50 searches runs")
    args = parser.parse_args()

    bench.open_database(args, database=BENCH_DB, sqlite_file="dangbo_search_bench.sqlite3")
    province, ward = build(args.n, fresh=args.fresh)
    ward_secretary, district_secretary, clerk = users(province, ward)
    bench.print_database()

    who = [(ward_secretary, "ward secretary"), (district_secretary, "district secr."), (clerk, "province clerk")]
    rows = [time_searches(user, label, args.rounds) for user, label in who]
    from dangbo.core.models import SearchEntry

    count = SearchEntry.objects.count()
    bench.print_table(
        [("backend", "<11"), ("N", ">8"), ("who", "<15"), ("visible", ">8"), ("median ms", ">9"),
         ("p95 ms", ">8"), ("max ms", ">8"), ("queries", ">7"), ("hits", ">6"), ("capped", ">6")],
        [(bench.vendor(), count, label, visible(user), statistics.median(t.times), bench.pct(t.times, 0.95),
          max(t.times), t.most_queries, f"{statistics.median(t.hits):.0f}", f"{t.capped / len(t.hits):.0%}")
         for t, (user, label) in zip(rows, who, strict=True)],
    )


def build(n: int, *, fresh: bool):
    """The tree and the N documents; kept when already there with the same N."""
    from django.db import connection, transaction

    from dangbo.core import search
    from dangbo.core.models import SearchEntry
    from dangbo.orgs.models import Unit

    if not fresh and Unit.objects.filter(code="bench-province").exists():
        if SearchEntry.objects.filter(kind="document").count() == n:
            province = Unit.objects.get(code="bench-province")
            return province, Unit.objects.get(code="bench-ward-1-1")
    began = time.monotonic()
    rng = random.Random(SEED)
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        Unit.objects.filter(code__startswith="bench-").delete()
    _units, by_depth = bench.create_province("bench")
    levels = [(by_depth[1], 0.10), (by_depth[2], 0.20), (by_depth[3], 0.30), (by_depth[4], 0.40)]

    sentences = []
    for _ in range(600):
        words = rng.sample(SENTENCE_PARTS, 3)
        sentences.append(", ".join(words).capitalize() + ".")
    counters: dict[tuple[str, str], int] = {}
    field_items = list(FIELDS.items())
    batch: list[SearchEntry] = []
    vendor = connection.vendor
    print(f"writing {n} documents on {vendor}…", file=sys.stderr)
    with transaction.atomic():
        for i in range(1, n + 1):
            abbr, type_name = rng.choice(TYPES)
            issuer = rng.choice(ISSUERS)
            counters[abbr, issuer] = counters.get((abbr, issuer), 0) % 999 + 1
            number = f"{counters[abbr, issuer]:02d}-{abbr}/{issuer}"
            field_code, field_name = rng.choice(field_items)
            title = f"{type_name} {rng.choice(SUBJECTS)} {field_name}"
            cited_abbr, cited_issuer = rng.choice(TYPES)[0], rng.choice(ISSUERS)
            body = " ".join(rng.choice(sentences) for _ in range(13))
            body += f" Căn cứ {rng.randint(1, 300):02d}-{cited_abbr}/{cited_issuer}."
            level = rng.choices(range(len(levels)), weights=[w for _p, w in levels])[0]
            pool = levels[level][0]
            date = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(16 * 365))
            doc = search.SearchDocument(
                kind="document", object_id=i, unit_id=rng.choice(pool), title=title,
                number=number, body=body, date=date, url=f"/van-ban/{i}/",
                facets={"type": abbr, "issuer": rng.choice(ISSUERS), "term": rng.choice(TERMS),
                        "field": [field_code]},
                # Most documents of the committees are sent down to the units below them.
                shared_down=level < 3 and rng.random() < SHARED_DOWN,
            )
            batch.append(search.entry_for(doc))
            if len(batch) == 2000:
                SearchEntry.objects.bulk_create(batch)
                batch = []
                if i % 20000 == 0:
                    print(f"  {i} ({time.monotonic() - began:.0f} s)", file=sys.stderr)
        SearchEntry.objects.bulk_create(batch)
    bench.analyze("core_searchentry", search_index=True)
    print(f"built in {time.monotonic() - began:.0f} s", file=sys.stderr)
    return Unit.objects.get(code="bench-province"), Unit.objects.get(code="bench-ward-1-1")


def users(province, ward):
    """The secretaries of the ward and of its district, and the province-wide clerk."""
    from dangbo.orgs.models import Role, Unit

    district = Unit.objects.get(code="bench-district-1")
    return [
        bench.account("bench-ward", ward, Role.MANAGE),
        bench.account("bench-district", district, Role.MANAGE),
        bench.account("bench-clerk", province, Role.ADMIN),
    ]


def visible(user) -> int:
    """How many entries the user may see."""
    from django.db.models import Q

    from dangbo.core.models import SearchEntry
    from dangbo.orgs.search import allowed_units, units_above

    mine, above = allowed_units(user), units_above(user)
    if mine is None:
        return SearchEntry.objects.count()
    scope = Q(unit_id__in=mine)
    if above is not None:
        scope |= Q(shared_down=True, unit_id__in=above)
    return SearchEntry.objects.filter(scope).count()


@dataclass
class Timed:
    """What ``time_searches`` measured for one user."""

    times: list[float] = field(default_factory=list)
    hits: list[int] = field(default_factory=list)
    capped: int = 0  # searches whose count stopped at the cap
    most_queries: int = 0  # SQL queries of one search, at most


def time_searches(user, label: str, rounds: int) -> Timed:
    """The 50 searches as ``user``, ``rounds`` times, after one untimed round that warms the
    caches and counts each search's SQL queries (outside the timings)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangbo.core.search import search_for_user

    out = Timed()
    for q in QUERIES:
        with CaptureQueriesContext(connection) as captured:
            search_for_user(user, q)
        out.most_queries = max(out.most_queries, len(captured.captured_queries))
    for _ in range(rounds):
        for q in QUERIES:
            began = time.perf_counter()
            results = search_for_user(user, q)
            out.times.append((time.perf_counter() - began) * 1000)
            out.hits.append(results.count)
            out.capped += bool(results.count_capped)
    print(f"{label}: {len(out.times)} searches timed", file=sys.stderr)
    return out


if __name__ == "__main__":
    main()
