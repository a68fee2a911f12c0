"""How fast is the document register at scale? ``.venv/bin/python bench/documents_bench.py [--n 100000]``

Runs against the database kind DANGBO_DATABASE_URL names, but never in that database:

* PostgreSQL: a database ``dangbo_bench_documents`` on the same server (created if missing);
* SQLite: a file in the temporary directory (``--sqlite-path`` to choose another).

It builds a province-shaped tree (1 province → 10 districts → 90 wards → 900 cells, 1,001
units) and N documents registered across it (types, numbers restarting per type, issuer and
year, terms 2010-2015 / 2015-2020 / 2020-2025, realistic Vietnamese titles and summaries of
about 150 words), written in bulk, then indexed through the real search service
(``search.rebuild(["document"])``). It then times, through Django's test client as the
secretary of one ward (the permission policy applied inside the queries), the register's
first page, 30 searches from the register's search box, the documents-by-term page of the
ward's district and the same counts through the API. The data is kept between runs with
the same N; ``--fresh`` builds it again.

Prints a table: backend, N, page, runs, median ms, p95 ms, max ms, SQL queries.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from urllib.parse import urlencode

import _common as bench

SEED = 20261126
BENCH_DB = "dangbo_bench_documents"
TERMS = [("2010-2015", dt.date(2010, 8, 1)), ("2015-2020", dt.date(2015, 8, 1)), ("2020-2025", dt.date(2020, 8, 1))]
TYPE_WEIGHTS = {"NQ": 2, "CT": 3, "CTr": 3, "KL": 4, "KH": 40, "QC": 3, "QĐ": 15, "HD": 6, "TB": 10, "BC": 14}
SUBJECTS = [
    "tăng cường sự lãnh đạo của Đảng đối với", "nâng cao chất lượng", "đẩy mạnh",
    "tiếp tục thực hiện", "tổ chức quán triệt và triển khai", "sơ kết 5 năm thực hiện",
    "tổng kết công tác", "kiện toàn tổ chức bộ máy về", "đổi mới phương thức lãnh đạo về",
]
THEMES = [
    "phát triển kinh tế - xã hội", "công tác xây dựng Đảng và hệ thống chính trị",
    "cải cách hành chính, nâng cao chỉ số năng lực cạnh tranh", "công tác cán bộ và quy hoạch cán bộ",
    "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", "công tác dân vận, tiếp công dân và đối thoại",
    "công tác kiểm tra, giám sát và thi hành kỷ luật đảng", "quốc phòng, an ninh và trật tự an toàn xã hội",
    "văn hóa, giáo dục và y tế", "chỉnh trang đô thị, xây dựng nông thôn mới", "nông nghiệp đô thị, canh tác tự nhiên",
    "phát triển đảng viên ở khu dân cư", "chất lượng sinh hoạt chi bộ", "quy hoạch và giải phóng mặt bằng",
    "chuyển đổi số và ứng dụng công nghệ thông tin", "bảo vệ môi trường và ứng phó biến đổi khí hậu",
]
PARTS = [
    "Ban Thường vụ yêu cầu các cấp ủy, tổ chức đảng", "cán bộ, đảng viên", "quán triệt sâu sắc nội dung",
    "tổ chức thực hiện nghiêm túc", "đạt được nhiều kết quả quan trọng", "tuy nhiên vẫn còn một số hạn chế",
    "trong thời gian tới cần tập trung", "phát huy vai trò tiên phong, gương mẫu của người đứng đầu",
    "nâng cao năng lực lãnh đạo và sức chiến đấu của tổ chức cơ sở đảng", "chi bộ khu phố",
    "Ủy ban Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội", "giải quyết kịp thời kiến nghị của nhân dân",
    "tăng cường kiểm tra, giám sát việc thực hiện", "báo cáo kết quả về Thường trực cấp ủy",
    "theo đúng quy định của Điều lệ Đảng", "đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên",
    "xây dựng chính quyền điện tử", "đảm bảo an sinh xã hội", "trách nhiệm người đứng đầu cấp ủy",
]
QUERIES = [
    "nghi quyet", "chi thi", "ke hoach", "xay dung dang", "cai cach hanh chinh", "can bo dang vien",
    "hoc tap va lam theo tu tuong", "quan triet", "phat trien kinh te xa hoi", "chuyen doi so",
    "sinh hoat chi bo", "nguoi dung dau", "nông nghiệp đô thị", "giải phóng mặt bằng", "phát triển đảng viên",
    "05-CT/TW", "12-KH/HU", "07-kh", "25", "3-nq/hu", "101 kh", "30-QĐ/ĐU",
    "nghi quy", "ke hoa", "chi th", "cai ca", "chuyen do", "kiem tr", "quan tri", "sinh hoat chi",
]


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="documents (default 100000)")
    parser.add_argument("--runs", type=int, default=20, help="runs of each page (searches: each query once per run/10)")
    args = parser.parse_args()

    bench.open_database(args, database=BENCH_DB, sqlite_file="dangbo_documents_bench.sqlite3")
    district, ward = build(args.n, fresh=args.fresh)
    user = ward_user(ward)
    bench.print_database()

    from dangbo.documents.models import Document

    count = Document.objects.count()
    stats_query = urlencode({"term": "2015-2020", "issuer": district.pk})
    rows = [
        ("register, first page", bench.time_urls(user, ["/van-ban/"], args.runs)),
        ("register, filtered (KH, 2015-2020)", bench.time_urls(user, ["/van-ban/?type=KH&term=2015-2020"], args.runs)),
        ("register search (30 queries)", bench.time_urls(user, [f"/van-ban/?{urlencode({'q': q})}" for q in QUERIES],
                                                   max(1, args.runs // 10))),
        ("API search (30 queries)", bench.time_urls(user, [f"/api/v1/documents?{urlencode({'q': q})}" for q in QUERIES],
                                              max(1, args.runs // 10))),
        ("documents by term page", bench.time_urls(user, [f"/van-ban/thong-ke/?{stats_query}"], args.runs)),
        ("documents by term API", bench.time_urls(user, [f"/api/v1/documents/stats?{stats_query}"], args.runs)),
    ]
    bench.print_table(
        [("backend", "<11"), ("N", ">7"), ("page", "<36"), ("runs", ">5"), ("median ms", ">9"),
         ("p95 ms", ">7"), ("max ms", ">7"), ("queries", ">8")],
        [(bench.vendor(), count, label, len(t.times), statistics.median(t.times), bench.pct(t.times, 0.95), max(t.times),
          t.most_queries) for label, t in rows],
    )


def build(n: int, *, fresh: bool):
    """The tree and the N documents (with their search entries); kept when already there."""
    from django.db import connection, transaction

    from dangbo.core import search
    from dangbo.core.models import SearchEntry
    from dangbo.documents.models import Document, DocumentType
    from dangbo.orgs.models import Term, Unit

    if not fresh and Unit.objects.filter(code="dbench-province").exists():
        if Document.objects.filter(unit__code__startswith="dbench-").count() == n:
            return Unit.objects.get(code="dbench-district-1"), Unit.objects.get(code="dbench-ward-1-1")
    began = time.monotonic()
    rng = random.Random(SEED)
    with transaction.atomic():
        SearchEntry.objects.filter(kind="document").delete()
        Document.objects.filter(unit__code__startswith="dbench-").delete()
        Term.objects.filter(unit__code__startswith="dbench-").delete()
        Unit.objects.filter(code__startswith="dbench-").delete()
    rows, by_depth = bench.create_province("dbench")
    depth0 = min(by_depth)
    terms = [
        Term(unit_id=pk, code=code, start=start, end=start.replace(year=start.year + 5) - dt.timedelta(days=1))
        for pk, depth in rows if depth < depth0 + 3 for code, start in TERMS
    ]
    Term.objects.bulk_create(terms, batch_size=1000)
    # Who registers: the province 5 %, districts 25 %, wards 45 %, cells 25 %.
    levels = [(by_depth[depth0], 5, "TU"), (by_depth[depth0 + 1], 25, "HU"),
              (by_depth[depth0 + 2], 45, "ĐU"), (by_depth[depth0 + 3], 25, "CB")]
    types = {t.abbr: t for t in DocumentType.objects.filter(abbr__in=TYPE_WEIGHTS)}
    abbrs = list(TYPE_WEIGHTS)
    weights = list(TYPE_WEIGHTS.values())
    sentences = [", ".join(rng.sample(PARTS, 3)).capitalize() + "." for _ in range(500)]
    counters: dict[tuple[str, int, str], int] = {}
    batch: list[Document] = []
    print(f"writing {n} documents on {connection.vendor}…", file=sys.stderr)
    now = dt.datetime.now(dt.UTC)
    with transaction.atomic():
        for i in range(1, n + 1):
            pool, _w, issuer_abbr = rng.choices(levels, weights=[w for _p, w, _a in levels])[0]
            unit_id = rng.choice(pool)
            abbr = rng.choices(abbrs, weights=weights)[0]
            term_code, term_start = rng.choice(TERMS)
            date = term_start + dt.timedelta(days=rng.randrange(5 * 365 - 1))
            term_key = (abbr, unit_id, str(date.year))  # unique per type, issuer and year
            counters[term_key] = counters.get(term_key, 0) + 1
            number = f"{counters[term_key]:02d}"
            title = f"{types[abbr].name} {rng.choice(SUBJECTS)} {rng.choice(THEMES)}"
            summary = " ".join(rng.choice(sentences) for _ in range(8))
            summary += f" Căn cứ {rng.randint(1, 300):02d}-{rng.choice(abbrs)}/TW."
            batch.append(Document(
                unit_id=unit_id, type=types[abbr], number=number, type_abbr=abbr, issuer_abbr=issuer_abbr,
                symbol=f"{number}-{abbr}/{issuer_abbr}", issuing_unit_id=unit_id, issuer_key=f"u{unit_id}",
                date=date, year=date.year, title=title, summary=summary, term_code=term_code,
                shared_down=rng.random() < 0.8, created_at=now, updated_at=now,
            ))
            if len(batch) == 2000:
                Document.objects.bulk_create(batch)
                batch = []
                if i % 20000 == 0:
                    print(f"  {i} ({time.monotonic() - began:.0f} s)", file=sys.stderr)
        Document.objects.bulk_create(batch)
    print(f"indexing ({time.monotonic() - began:.0f} s)…", file=sys.stderr)
    search.rebuild(["document"])
    bench.analyze("documents_document", "core_searchentry", search_index=True)
    print(f"built in {time.monotonic() - began:.0f} s", file=sys.stderr)
    return Unit.objects.get(code="dbench-district-1"), Unit.objects.get(code="dbench-ward-1-1")


def ward_user(ward):
    from dangbo.orgs.models import Role

    return bench.account("dbench-ward", ward, Role.MANAGE)


if __name__ == "__main__":
    main()
