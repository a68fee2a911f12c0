"""Leadership documents for the Đông Hà demo: a chain from central documents to the wards.

The central and provincial documents the seed article names (Chỉ thị 05-CT/TW, Nghị quyết
Trung ương 4 and 6 khóa XII, Quy định 202-QĐ/TW, the city's 687-KH/TU) are registered by the
city, with a city plan implementing Chỉ thị 05 and a plan of each ward implementing the
city's. Dates and numbers other than those the article gives are plausible, not historical.

``load(today=...)`` is idempotent: documents already registered are left alone.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass
from dataclasses import field as dc_field

from django.db import transaction

from dangbo.orgs.demo import dongha
from dangbo.orgs.models import Term, Unit

from . import services
from .models import Document, DocumentRelation, DocumentType, Field, Issuer

D = dt.date
SEED = 20200702

# key, type, number, issuer (catalogue name or None: the city), date, title, fields, implements
CENTRAL = [
    ("nq4", "NQ", "04", "Ban Chấp hành Trung ương", D(2016, 10, 30),
     "Hội nghị lần thứ tư Ban Chấp hành Trung ương Đảng khóa XII về tăng cường xây dựng, chỉnh đốn "
     "Đảng; ngăn chặn, đẩy lùi sự suy thoái về tư tưởng chính "
     "trị, đạo đức, lối sống, những biểu hiện “tự diễn biến”, “tự chuyển hóa” trong nội bộ",
     ["xay-dung-dang"], None),
    ("ct05", "CT", "05", "Bộ Chính trị", D(2016, 5, 15),
     "Về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
     ["xay-dung-dang"], None),
    ("nq18", "NQ", "18", "Ban Chấp hành Trung ương", D(2017, 10, 25),
     "Hội nghị lần thứ sáu Ban Chấp hành Trung ương Đảng khóa XII một số vấn đề về tiếp tục đổi "
     "mới, sắp xếp tổ chức bộ máy của hệ thống chính trị tinh "
     "gọn, hoạt động hiệu lực, hiệu quả", ["xay-dung-dang", "to-chuc-can-bo"], None),
    ("nq19", "NQ", "19", "Ban Chấp hành Trung ương", D(2017, 10, 25),
     "Hội nghị lần thứ sáu Ban Chấp hành Trung ương Đảng khóa XII về tiếp tục đổi mới hệ thống "
     "tổ chức và quản lý, nâng cao chất lượng và hiệu quả hoạt "
     "động của các đơn vị sự nghiệp công lập", ["to-chuc-can-bo"], None),
    ("qd202", "QĐi", "202", "Ban Bí thư", D(2019, 8, 2),
     "Về chức năng, nhiệm vụ, quyền hạn, tổ chức bộ máy của cấp ủy, cơ quan tham mưu cấp ủy",
     ["xay-dung-dang"], None),
]
CITY = [
    ("qc01", "QC", "01", D(2015, 8, 20), "Quy chế làm việc của Ban Chấp hành Đảng bộ thành phố "
     "khóa XII, nhiệm kỳ 2015–2020", ["xay-dung-dang"], None),
    ("ctr01", "CTr", "01", D(2015, 9, 5), "Chương trình hành động thực hiện Nghị quyết Đại hội "
     "đại biểu Đảng bộ thành phố lần thứ XII", ["kinh-te", "xay-dung-dang"], None),
    ("kh-ct05", "KH", "18", D(2016, 7, 12), "Kế hoạch thực hiện Chỉ thị số 05-CT/TW ngày "
     "15/5/2016 của Bộ Chính trị", ["xay-dung-dang"], "ct05"),
    ("kh-nq4", "KH", "24", D(2016, 12, 20), "Kế hoạch thực hiện Nghị quyết Trung ương 4 khóa XII "
     "gắn với Chỉ thị số 05-CT/TW", ["xay-dung-dang"], "nq4"),
    ("kl-nndt", "KL", "07", D(2017, 4, 10), "Kết luận về định hướng phát triển nông nghiệp đô thị",
     ["kinh-te"], None),
    ("kh-nq18", "KH", "52", D(2018, 3, 1), "Kế hoạch thực hiện Nghị quyết Hội nghị Trung ương 6 "
     "khóa XII về sắp xếp tổ chức bộ máy", ["to-chuc-can-bo"], "nq18"),
    ("kh687", "KH", "687", D(2018, 6, 15), "Thành lập Tổ công tác của Thành ủy trực tiếp theo dõi, "
     "hướng dẫn Đảng bộ phường và dự sinh hoạt địa bàn dân cư", ["xay-dung-dang", "dan-van"], None),
    ("qc-202", "QC", "08", D(2019, 10, 1), "Quy chế làm việc của Ban Chấp hành Đảng bộ thành phố "
     "(điều chỉnh theo Quy định 202-QĐ/TW ngày 2/8/2019 của Ban Bí thư)", ["xay-dung-dang"], "qd202"),
]


# --- The 2015–2020 term of the city committee ------------------------------------------
#
# The article: "Nhiệm kỳ 2015 - 2020, BCH Đảng bộ thành phố đã ban hành 2 nghị quyết, 11 chỉ
# thị, 7 chương trình hành động, 11 kết luận chuyên đề, 132 kế hoạch, 8 quy chế". The named
# documents above (CITY) count among them; the rest are generated from the article's themes.
# Numbers restart at 01 for each type in the term and follow the dates; 687-KH/TU is the
# number the article gives and stays as it is.
TERM_CODE = "2015-2020"
TERM_COUNTS = {"NQ": 2, "CT": 11, "CTr": 7, "KL": 11, "KH": 132, "QC": 8}
# Titles the tasks demo looks documents up by: generated titles must not start like them.
PROTECTED_PREFIXES = (
    "Kế hoạch thực hiện Chỉ thị số 05-CT/TW",
    "Kế hoạch thực hiện Nghị quyết Hội nghị Trung ương 6",
    "Kết luận về định hướng phát triển nông nghiệp đô thị",
    "Thành lập Tổ công tác của Thành ủy",
)

# Documents tied to a base or a date: type, title, earliest date, fields, implements (keys).
PINNED: list[tuple[str, str, dt.date | None, list[str], list[str]]] = [
    ("NQ", "Nghị quyết về phát triển thương mại, dịch vụ, du lịch thành phố Đông Hà giai đoạn "
     "2016–2020, định hướng đến năm 2025", None, ["kinh-te"], []),
    ("NQ", "Nghị quyết về xây dựng, phát triển thành phố Đông Hà đạt tiêu chí đô thị loại II",
     D(2017, 1, 1), ["do-thi-quy-hoach"], []),
    ("CT", "Chỉ thị về lãnh đạo cuộc bầu cử đại biểu Quốc hội khóa XIV và đại biểu Hội đồng nhân "
     "dân các cấp nhiệm kỳ 2016–2021", None, ["xay-dung-dang"], []),
    ("CT", "Chỉ thị về lãnh đạo đại hội đảng bộ, chi bộ cơ sở tiến tới Đại hội đại biểu Đảng bộ "
     "thành phố lần thứ XIII", D(2019, 6, 1), ["xay-dung-dang"], []),
    ("CT", "Chỉ thị về tăng cường kỷ luật phát ngôn và trách nhiệm của cán bộ, đảng viên trong sử "
     "dụng mạng xã hội", D(2017, 1, 1), ["xay-dung-dang"], ["nq4"]),
    ("CTr", "Chương trình hành động thực hiện Nghị quyết Đại hội đại biểu Đảng bộ tỉnh Quảng Trị "
     "lần thứ XVI", None, ["kinh-te", "xay-dung-dang"], []),
    ("CTr", "Chương trình hành động thực hiện Nghị quyết Trung ương 4 khóa XII về tăng cường xây "
     "dựng, chỉnh đốn Đảng", D(2016, 11, 10), ["xay-dung-dang"], ["nq4"]),
    ("CTr", "Chương trình hành động thực hiện Nghị quyết số 18-NQ/TW và Nghị quyết số 19-NQ/TW "
     "ngày 25/10/2017 của Hội nghị Trung ương 6 khóa XII", D(2017, 12, 1), ["to-chuc-can-bo"],
     ["nq18", "nq19"]),
    ("CTr", "Chương trình hành động bổ sung thực hiện Nghị quyết Đại hội Đảng các cấp", D(2018, 6, 1),
     ["kinh-te", "xay-dung-dang"], []),
    ("KL", "Kết luận về định hướng phát triển hệ thống kết cấu hạ tầng vùng vành đai thành phố",
     None, ["do-thi-quy-hoach", "kinh-te"], []),
    ("KL", "Kết luận về phát triển giáo dục và đào tạo thành phố Đông Hà đến năm 2020", None,
     ["van-hoa-xa-hoi"], []),
    ("KL", "Kết luận về định hướng lộ trình nâng cấp và xây dựng thành phố Đông Hà lên đô thị "
     "loại II", None, ["do-thi-quy-hoach"], []),
    ("KL", "Kết luận về kiện toàn tổ chức bộ máy các cơ quan tham mưu, giúp việc Thành ủy theo "
     "Nghị quyết số 18-NQ/TW", D(2018, 1, 1), ["to-chuc-can-bo"], ["nq18"]),
    ("QC", "Quy chế làm việc của Ủy ban Kiểm tra Thành ủy khóa XII, nhiệm kỳ 2015–2020", None,
     ["kiem-tra-giam-sat"], []),
    ("QC", "Quy chế gặp gỡ, đối thoại đối với cán bộ, đảng viên khi có những nhận định, phát "
     "ngôn trái với quan điểm, đường lối của Đảng", D(2017, 1, 1), ["xay-dung-dang", "dan-van"],
     ["nq4"]),
    ("QC", "Quy chế về trách nhiệm của cán bộ, đảng viên, nhất là người đứng đầu trong thực hiện "
     "Chỉ thị số 05-CT/TW gắn với Nghị quyết Trung ương 4 khóa XII", D(2017, 1, 1),
     ["xay-dung-dang"], ["ct05", "nq4"]),
    ("KH", "Kế hoạch triển khai Nghị quyết số 19-NQ/TW ngày 25/10/2017 về đổi mới hệ thống tổ "
     "chức và quản lý các đơn vị sự nghiệp công lập", D(2018, 1, 1), ["to-chuc-can-bo"], ["nq19"]),
    ("KH", "Kế hoạch sắp xếp, kiện toàn các ban xây dựng Đảng và Văn phòng Thành ủy theo Nghị "
     "quyết số 18-NQ/TW", D(2018, 4, 1), ["to-chuc-can-bo"], ["nq18"]),
    ("KH", "Kế hoạch triển khai Quy định số 202-QĐ/TW ngày 2/8/2019 của Ban Bí thư về chức "
     "năng, nhiệm vụ của cấp ủy và cơ quan tham mưu", D(2019, 8, 10), ["xay-dung-dang"], ["qd202"]),
    ("KH", "Kế hoạch kiểm tra, giám sát việc thực hiện Nghị quyết Trung ương 4 khóa XII gắn với "
     "Chỉ thị số 05-CT/TW", D(2017, 3, 1), ["kiem-tra-giam-sat"], ["nq4", "ct05"]),
    ("KH", "Kế hoạch hoạt động của Tổ công tác Thành ủy dự sinh hoạt chi bộ địa bàn dân cư năm "
     "2019", D(2019, 1, 2), ["xay-dung-dang", "dan-van"], ["kh687"]),
    ("KH", "Kế hoạch hoạt động của Tổ công tác Thành ủy dự sinh hoạt chi bộ địa bàn dân cư năm "
     "2020", D(2020, 1, 2), ["xay-dung-dang", "dan-van"], ["kh687"]),
    ("KH", "Kế hoạch học tập chuyên đề năm 2017 về học tập và làm theo tư tưởng, đạo đức, phong "
     "cách Hồ Chí Minh", D(2017, 1, 2), ["xay-dung-dang"], ["ct05"]),
    ("KH", "Kế hoạch học tập chuyên đề năm 2018 về học tập và làm theo tư tưởng, đạo đức, phong "
     "cách Hồ Chí Minh", D(2018, 1, 2), ["xay-dung-dang"], ["ct05"]),
    ("KH", "Kế hoạch học tập chuyên đề năm 2019 về học tập và làm theo tư tưởng, đạo đức, phong "
     "cách Hồ Chí Minh", D(2019, 1, 2), ["xay-dung-dang"], ["ct05"]),
]

# Recurring subjects ({y}: the year of the document), drawn for the remaining numbers.
TOPICS: dict[str, list[tuple[str, list[str]]]] = {
    "NQ": [
        ("Nghị quyết về phát triển nông nghiệp đô thị theo hướng sạch, hữu cơ", ["kinh-te"]),
    ],
    "CTr": [
        ("Chương trình hành động thực hiện Nghị quyết Đại hội đại biểu toàn quốc lần thứ XII của Đảng", ["xay-dung-dang"]),
        ("Chương trình hành động thực hiện Nghị quyết Trung ương 5 khóa XII về hoàn thiện thể chế kinh tế thị trường", ["kinh-te"]),
        ("Chương trình hành động thực hiện Nghị quyết Trung ương 7 khóa XII về công tác cán bộ", ["to-chuc-can-bo"]),
    ],
    "CT": [
        ("Chỉ thị về tăng cường công tác phát triển đảng viên trên địa bàn dân cư", ["xay-dung-dang"]),
        ("Chỉ thị về nâng cao chất lượng sinh hoạt chi bộ", ["xay-dung-dang"]),
        ("Chỉ thị về tăng cường đối thoại của người đứng đầu cấp ủy, chính quyền với Nhân dân", ["dan-van"]),
        ("Chỉ thị về đẩy mạnh công tác quy hoạch và giải phóng mặt bằng", ["do-thi-quy-hoach"]),
        ("Chỉ thị về xây dựng phường văn minh đô thị", ["do-thi-quy-hoach", "van-hoa-xa-hoi"]),
        ("Chỉ thị về tăng cường công tác phòng, chống tham nhũng, lãng phí", ["kiem-tra-giam-sat"]),
        ("Chỉ thị về đẩy mạnh cải cách hành chính năm {y}", ["cai-cach-hanh-chinh"]),
        ("Chỉ thị về lãnh đạo đại hội chi bộ khu dân cư năm {y}", ["xay-dung-dang"]),
        ("Chỉ thị về tăng cường công tác quốc phòng, quân sự địa phương năm {y}", ["quoc-phong-an-ninh"]),
        ("Chỉ thị về tăng cường lãnh đạo công tác bảo vệ môi trường đô thị", ["do-thi-quy-hoach"]),
    ],
    "KL": [
        ("Kết luận về phát triển kinh tế tập thể, hợp tác xã trên địa bàn thành phố", ["kinh-te"]),
        ("Kết luận về công tác quy hoạch và giải phóng mặt bằng các dự án trọng điểm", ["do-thi-quy-hoach"]),
        ("Kết luận về xây dựng và nhân rộng mô hình sản xuất canh tác tự nhiên, nông nghiệp hữu cơ", ["kinh-te"]),
        ("Kết luận về phát triển đảng viên trên địa bàn dân cư và nâng cao chất lượng sinh hoạt chi bộ", ["xay-dung-dang"]),
        ("Kết luận về công tác đối thoại với cán bộ, đảng viên và Nhân dân", ["dan-van"]),
        ("Kết luận về rà soát, kiện toàn, sắp xếp, bố trí lại đội ngũ cán bộ, công chức", ["to-chuc-can-bo"]),
        ("Kết luận về phát triển thương mại, dịch vụ và du lịch", ["kinh-te"]),
        ("Kết luận về công tác bảo đảm an ninh trật tự đô thị năm {y}", ["quoc-phong-an-ninh"]),
    ],
    "QC": [
        ("Quy chế phối hợp giữa Thường trực Thành ủy với Hội đồng nhân dân, Ủy ban nhân dân thành phố", ["xay-dung-dang"]),
        ("Quy chế tiếp công dân, đối thoại trực tiếp của Bí thư Thành ủy với Nhân dân", ["dan-van"]),
        ("Quy chế quản lý, phân cấp quản lý cán bộ", ["to-chuc-can-bo"]),
        ("Quy chế hoạt động của Ban Chỉ đạo phòng, chống tham nhũng thành phố", ["kiem-tra-giam-sat"]),
        ("Quy chế văn hóa công sở trong các cơ quan Đảng, Mặt trận và đoàn thể thành phố", ["van-hoa-xa-hoi"]),
    ],
    "KH": [
        ("Kế hoạch tổ chức đối thoại giữa người đứng đầu cấp ủy, chính quyền với cán bộ, đảng viên và Nhân dân năm {y}", ["dan-van"]),
        ("Kế hoạch phát triển đảng viên trên địa bàn dân cư năm {y}", ["xay-dung-dang"]),
        ("Kế hoạch nâng cao chất lượng sinh hoạt chi bộ năm {y}", ["xay-dung-dang"]),
        ("Kế hoạch công tác quy hoạch và giải phóng mặt bằng năm {y}", ["do-thi-quy-hoach"]),
        ("Kế hoạch xây dựng và nhân rộng mô hình canh tác tự nhiên, nông nghiệp sạch, nông nghiệp hữu cơ năm {y}", ["kinh-te"]),
        ("Kế hoạch rà soát, kiện toàn, sắp xếp, bố trí lại đội ngũ cán bộ, công chức năm {y}", ["to-chuc-can-bo"]),
        ("Kế hoạch kiểm tra, giám sát năm {y} của Ban Thường vụ Thành ủy", ["kiem-tra-giam-sat"]),
        ("Kế hoạch đầu tư kết cấu hạ tầng vùng vành đai thành phố năm {y}", ["do-thi-quy-hoach", "kinh-te"]),
        ("Kế hoạch hoàn thiện các tiêu chí đô thị loại II năm {y}", ["do-thi-quy-hoach"]),
        ("Kế hoạch phát triển giáo dục và đào tạo năm học {y}–{y1}", ["van-hoa-xa-hoi"]),
        ("Kế hoạch ký cam kết trách nhiệm của người đứng đầu cấp ủy năm {y}", ["xay-dung-dang"]),
        ("Kế hoạch cải cách hành chính trong các cơ quan Đảng năm {y}", ["cai-cach-hanh-chinh"]),
        ("Kế hoạch kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên năm {y}", ["xay-dung-dang"]),
        ("Kế hoạch bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác các quan điểm sai trái năm {y}", ["xay-dung-dang"]),
        ("Kế hoạch công tác dân vận và thực hiện quy chế dân chủ ở cơ sở năm {y}", ["dan-van"]),
        ("Kế hoạch bồi dưỡng, cập nhật kiến thức cho cán bộ, đảng viên năm {y}", ["to-chuc-can-bo"]),
        ("Kế hoạch tiếp công dân của Bí thư Thành ủy năm {y}", ["dan-van"]),
        ("Kế hoạch tuyên truyền các ngày lễ lớn, sự kiện lịch sử năm {y}", ["van-hoa-xa-hoi"]),
        ("Kế hoạch thực hiện chủ đề năm {y} của Ban Thường vụ Thành ủy", ["xay-dung-dang"]),
        ("Kế hoạch phòng, chống tham nhũng, lãng phí năm {y}", ["kiem-tra-giam-sat"]),
        ("Kế hoạch diễn tập khu vực phòng thủ, bảo đảm quốc phòng – an ninh năm {y}", ["quoc-phong-an-ninh"]),
        ("Kế hoạch xây dựng phường văn minh đô thị năm {y}", ["do-thi-quy-hoach"]),
    ],
}


@dataclass
class Planned:
    abbr: str
    number: str
    date: dt.date
    title: str
    fields: list[str]
    implements: list[str] = dc_field(default_factory=list)


def _slot_dates(rng: random.Random, anchors: dict[int, dt.date], count: int, start: dt.date,
                end: dt.date) -> dict[int, dt.date]:
    """A date for each free number 1..count, between the named numbers' dates (in order)."""
    points = sorted({0: start, **anchors, count + 1: end}.items())
    dates: dict[int, dt.date] = {}
    for (lo_n, lo_d), (hi_n, hi_d) in itertools.pairwise(points):
        step = (hi_d - lo_d).days / (hi_n - lo_n)
        for n in range(lo_n + 1, hi_n):
            offset = step * (n - lo_n) + rng.uniform(-step / 3, step / 3) if step >= 3 else step * (n - lo_n)
            dates[n] = lo_d + dt.timedelta(days=max(1, min(int(offset), (hi_d - lo_d).days - 1)))
    return dates


def term_plan(*, start: dt.date, end: dt.date) -> list[Planned]:
    """The city's 2015–2020 documents not named in ``CITY``: the same list on every run."""
    rng = random.Random(SEED + 1)  # noqa: S311 - demo data, not secrets
    planned: list[Planned] = []
    for abbr, count in TERM_COUNTS.items():
        named = {int(n): d for _k, a, n, d, _t, _f, _p in CITY if a == abbr and int(n) <= count}
        outliers = sum(1 for _k, a, n, *_ in CITY if a == abbr and int(n) > count)
        free = [n for n in range(1, count + 1) if n not in named][: count - len(named) - outliers]
        dates = _slot_dates(rng, named, count, start, end)
        slots = sorted(free, key=lambda n: (dates[n], n))
        taken: dict[int, tuple[str, list[str], list[str]]] = {}
        for _a, title, after, fields, parents in sorted(
            (p for p in PINNED if p[0] == abbr), key=lambda p: p[2] or start
        ):
            options = [n for n in slots if n not in taken and dates[n] >= (after or start)]
            if not options:
                raise ValueError(f"no {abbr} number after {after} for “{title}”")
            taken[rng.choice(options[:3])] = (title, fields, parents)
        topics = list(TOPICS.get(abbr, []))
        rng.shuffle(topics)
        for i, n in enumerate(n for n in slots if n not in taken):
            text, fields = topics[i % len(topics)]
            y = dates[n].year
            taken[n] = (text.format(y=y, y1=y + 1), fields, [])
        for n in slots:
            title, fields, parents = taken[n]
            planned.append(Planned(abbr, f"{n:02d}", dates[n], title, fields, parents))
    for item in planned:
        assert not item.title.startswith(PROTECTED_PREFIXES), item.title  # noqa: S101
    return planned


def _field_objects(codes: list[str]) -> list[Field]:
    return list(Field.objects.filter(code__in=codes))


def _exists(symbol: str, year: int, unit: Unit) -> Document | None:
    return Document.objects.filter(symbol=symbol, year=year, unit=unit).first()


@transaction.atomic
def load(*, today: dt.date) -> int:
    """Register the demo documents (if the city is loaded); returns how many were added."""
    city = Unit.objects.filter(code=dongha.CITY[0]).first()
    if city is None:
        return 0
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    types = {t.abbr: t for t in DocumentType.objects.all()}
    city_issuer, _ = Issuer.objects.get_or_create(
        name=dongha.CITY[2], defaults={"abbr": "TU", "series": "TU-dongha", "unit": city, "sort_order": 300}
    )
    terms = {t.code: t for t in Term.objects.filter(unit=city)}
    added = 0
    made: dict[str, Document] = {}

    def term_for(date: dt.date) -> Term | None:
        return next((t for t in terms.values() if t.start <= date and (t.end is None or t.end >= date)), None)

    for key, abbr, number, issuer_name, date, title, fields, _parent in CENTRAL:
        issuer = Issuer.objects.get(name=issuer_name)
        type_abbr = "QĐ" if abbr == "QĐi" and date.year >= 2019 else ""
        symbol = f"{number}-{type_abbr or abbr}/{issuer.abbr}"
        existing = _exists(symbol, date.year, city)
        if existing is None and date <= today:
            existing = services.document_register(
                actor=None, unit=city, type=types[abbr], number=number, date=date, title=title,
                issuer=issuer, type_abbr=type_abbr, fields=_field_objects(fields), shared_down=True,
            )
            added += 1
        if existing is not None:
            made[key] = existing

    for key, abbr, number, date, title, fields, parent in CITY:
        existing = _exists(f"{number}-{abbr}/TU", date.year, city)
        if existing is None and date <= today:
            term = term_for(date)
            existing = services.document_register(
                actor=None, unit=city, type=types[abbr], number=number, date=date, title=title,
                issuer=city_issuer, term=term, fields=_field_objects(fields),
                signer="Hồ Sỹ Trung" if abbr in ("KH", "KL") else "", shared_down=True,
                summary=f"Căn cứ {made[parent].type.name} số {made[parent].symbol} ngày "
                f"{made[parent].date:%d/%m/%Y}." if parent and parent in made else "",
            )
            added += 1
        if existing is not None:
            made[key] = existing
            if parent and parent in made and not DocumentRelation.objects.filter(
                from_document=existing, to_document=made[parent]
            ).exists():
                services.document_relate(
                    actor=None, document=existing, target=made[parent], kind="implements"
                )

    term = terms.get(TERM_CODE)
    if term is not None:
        end = min(term.end or today, today)
        for item in term_plan(start=term.start, end=term.end or term.start + dt.timedelta(days=5 * 365)):
            if item.date > end:
                continue
            symbol = f"{item.number}-{item.abbr}/TU"
            doc = _exists(symbol, item.date.year, city)
            parents = [made[k] for k in item.implements if k in made]
            if doc is None:
                doc = services.document_register(
                    actor=None, unit=city, type=types[item.abbr], number=item.number, date=item.date,
                    title=item.title, issuer=city_issuer, term=term, fields=_field_objects(item.fields),
                    signer="Hồ Sỹ Trung", shared_down=True,
                    summary=" ".join(
                        f"Căn cứ {p.type.name} số {p.symbol} ngày {p.date:%d/%m/%Y} của {p.issuer_name}."
                        for p in parents
                    ),
                )
                added += 1
            for base in parents:
                if not DocumentRelation.objects.filter(from_document=doc, to_document=base).exists():
                    services.document_relate(actor=None, document=doc, target=base, kind="implements")

    added += _load_study(city=city, made=made, today=today)

    plan = made.get("kh-ct05")
    if plan is not None:
        for code, _name, _short in dongha.WARDS:
            ward = Unit.objects.filter(code=f"{dongha.CITY[0]}-{code}").first()
            date = plan.date + dt.timedelta(days=rng.randint(10, 45))
            number = f"{rng.randint(3, 40):02d}"
            if ward is None or date > today or Document.objects.filter(
                unit=ward, relations_from__to_document=plan
            ).exists():
                continue
            ward_term = Term.objects.filter(unit=ward, start__lte=date).order_by("-start").first()
            doc = services.document_register(
                actor=None, unit=ward, type=types["KH"], number=number, date=date,
                title=f"Kế hoạch thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị và Kế hoạch số "
                f"{plan.symbol} của Ban Thường vụ Thành ủy",
                issuing_unit=ward, issuer_abbr="ĐU", term=ward_term,
                fields=_field_objects(["xay-dung-dang"]),
                summary=f"Thực hiện Kế hoạch số {plan.symbol} ngày {plan.date:%d/%m/%Y} của Ban "
                f"Thường vụ Thành ủy Đông Hà về thực hiện Chỉ thị số 05-CT/TW.",
            )
            services.document_relate(actor=None, document=doc, target=plan, kind="implements")
            added += 1
    return added


# --- Study sessions (học tập, quán triệt) -------------------------------------------------

# key, organiser (ward code or None: the city), title, date, place, documents, required
# (ward codes; None: all wards), share present, make-up session for (key) or None
STUDY = [
    ("tw6", None, "Hội nghị học tập, quán triệt Nghị quyết Hội nghị Trung ương 6 khóa XII", D(2017, 12, 5),
     "Hội trường Thành ủy Đông Hà", ["nq18", "nq19"], None, 0.88, None),
    ("tw6-bu", "dongluong", "Học tập bổ sung Nghị quyết Trung ương 6 khóa XII cho đảng viên vắng mặt",
     D(2018, 1, 10), "Hội trường Đảng ủy phường Đông Lương", ["nq18", "nq19"], ["dongluong"], 0.7, "tw6"),
    ("ct05", "phuong1", "Học tập chuyên đề về đạo đức, phong cách Hồ Chí Minh năm 2016", D(2016, 8, 10),
     "Nhà văn hóa Phường 1", ["ct05", "kh-ct05"], ["phuong1"], 0.93, None),
    ("qd202", None, "Hội nghị quán triệt Quy định 202-QĐ/TW của Ban Bí thư", D(2019, 9, 10),
     "Hội trường Thành ủy Đông Hà", ["qd202"], ["phuong1", "phuong5", "dongluong"], 0.8, None),
]


def _load_study(*, city: Unit, made: dict[str, Document], today: dt.date) -> int:
    """A few study sessions with attendance (once each); returns how many were added."""
    from .models import StudyAttendance, StudySession

    rng = random.Random(SEED + 2)  # noqa: S311 - demo data, not secrets
    wards = {
        code: u for code, _n, _s in dongha.WARDS
        if (u := Unit.objects.filter(code=f"{dongha.CITY[0]}-{code}").first()) is not None
    }
    sessions: dict[str, StudySession] = {}
    added = 0
    for key, organiser, title, date, place, doc_keys, required, share, makeup in STUDY:
        unit = wards.get(organiser) if organiser else city
        documents = [made[k] for k in doc_keys if k in made]
        units = [wards[c] for c in required if c in wards] if required else list(wards.values())
        if unit is None or not documents or not units or date > today:
            continue
        session = StudySession.objects.filter(unit=unit, title=title, date=date).first()
        if session is not None:
            sessions[key] = session
            continue
        session = services.study_session_create(
            actor=None, unit=unit, title=title, date=date, place=place, documents=documents,
            required_units=units,
        )
        sessions[key] = session
        added += 1
        absent_before: set[int] | None = None
        if makeup and makeup in sessions:
            absent_before = set(
                StudyAttendance.objects.filter(session=sessions[makeup], attended=False).values_list("person_id", flat=True)
            )
        for required_unit in units:
            people = list(
                StudyAttendance.objects.filter(session=session, required_unit=required_unit)
                .order_by("person_id").values_list("person_id", flat=True)
            )
            if key == "qd202" and required_unit == units[-1]:
                continue  # this ward has not sent its attendance yet
            present = {
                p for p in people
                if (absent_before is None or p in absent_before) and rng.random() < share
            }
            services.study_attendance_record(
                actor=None, session=session, required_unit=required_unit, present=present
            )
    return added
