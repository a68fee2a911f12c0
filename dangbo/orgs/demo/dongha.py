"""The shape of the Đông Hà (Quảng Trị) demo: units, congress dates, titles.

Đông Hà as the seed article describes it: a city committee (district level) of Quảng Trị
province with its advisory boards and 9 ward committees, 2015–2030. Congress dates are
plausible approximations (wards in spring, the city in summer, before the province in
October), not historical record; the people are generated, except Hồ Sỹ Trung, the
article's author, with the two positions the article gives him.
"""

from __future__ import annotations

import datetime as dt

from dangbo.orgs.models import Person, Position, Role

D = dt.date

# The author of the seed article, Phó Bí thư Thường trực Thành ủy and Chủ tịch HĐND in 2020.
SEED_AUTHOR = "Hồ Sỹ Trung"

PROVINCE = ("quangtri", "Đảng bộ tỉnh Quảng Trị", "Tỉnh ủy Quảng Trị")
CITY = ("dongha", "Đảng bộ thành phố Đông Hà", "Thành ủy Đông Hà")

# code suffix, name, short name
BOARDS = [
    ("vanphong", "Văn phòng Thành ủy", "VPTU"),
    ("bantochuc", "Ban Tổ chức Thành ủy", "BTCTU"),
    ("ubkt", "Ủy ban Kiểm tra Thành ủy", "UBKTTU"),
    ("bantuyengiao", "Ban Tuyên giáo Thành ủy", "BTGTU"),
    ("bandanvan", "Ban Dân vận Thành ủy", "BDVTU"),
]

# code suffix, name, short name
WARDS = [
    ("phuong1", "Đảng bộ Phường 1", "Phường 1"),
    ("phuong2", "Đảng bộ Phường 2", "Phường 2"),
    ("phuong3", "Đảng bộ Phường 3", "Phường 3"),
    ("phuong4", "Đảng bộ Phường 4", "Phường 4"),
    ("phuong5", "Đảng bộ Phường 5", "Phường 5"),
    ("donggiang", "Đảng bộ phường Đông Giang", "Đông Giang"),
    ("dongthanh", "Đảng bộ phường Đông Thanh", "Đông Thanh"),
    ("dongle", "Đảng bộ phường Đông Lễ", "Đông Lễ"),
    ("dongluong", "Đảng bộ phường Đông Lương", "Đông Lương"),
]

# Agency party committees directly under the city (kind dang-bo-co-so) and their cells:
# code suffix, name, [(cell code suffix, cell name, cell category)].
AGENCIES = [
    (
        "cqdang",
        "Đảng bộ Các cơ quan Đảng – Đoàn thể thành phố",
        [
            ("vanphong", "Chi bộ Văn phòng Thành ủy", "party"),
            ("cacban", "Chi bộ Các ban xây dựng Đảng Thành ủy", "party"),
            ("mttq", "Chi bộ Mặt trận Tổ quốc – Đoàn thể thành phố", "party"),
        ],
    ),
    (
        "cqcq",
        "Đảng bộ Cơ quan Chính quyền thành phố",
        [
            ("vpubnd", "Chi bộ Văn phòng HĐND và UBND thành phố", "government"),
            ("taichinh", "Chi bộ Phòng Tài chính – Kế hoạch", "government"),
            ("quanlydothi", "Chi bộ Phòng Quản lý đô thị", "government"),
            ("giaoduc", "Chi bộ Phòng Giáo dục và Đào tạo", "government"),
        ],
    ),
    (
        "quansu",
        "Đảng bộ Quân sự thành phố",
        [
            ("chihuy", "Chi bộ Chỉ huy – Tham mưu", "military"),
            ("chinhtri", "Chi bộ Chính trị – Hậu cần", "military"),
        ],
    ),
    (
        "congan",
        "Đảng bộ Công an thành phố",
        [
            ("anninh", "Chi bộ An ninh", "police"),
            ("canhsat", "Chi bộ Cảnh sát hình sự – Kinh tế", "police"),
            ("trattu", "Chi bộ Cảnh sát trật tự – Giao thông", "police"),
        ],
    ),
]

# fmt: off
SCHOOL_PATRONS = [
    "Kim Đồng", "Lê Lợi", "Nguyễn Trãi", "Trần Hưng Đạo", "Lý Tự Trọng", "Hàm Nghi",
    "Võ Thị Sáu", "Phan Bội Châu", "Hùng Vương", "Lê Quý Đôn", "Nguyễn Du", "Trần Quốc Toản",
    "Tô Vĩnh Diện", "Nguyễn Bá Ngọc", "Lê Văn Tám", "Chu Văn An", "Trần Phú", "Hoàng Hoa Thám",
]
# fmt: on
SCHOOL_KINDS = [("Trường Tiểu học", 3), ("Trường Mầm non", 2), ("Trường THCS", 2)]

COMPANY_TRADES = [
    "Xây dựng",
    "Thương mại",
    "Vận tải",
    "Dịch vụ",
    "Thương mại và Dịch vụ",
    "Xây dựng và Thương mại",
    "Tư vấn Xây dựng",
    "Vật liệu xây dựng",
    "Chế biến gỗ",
]
COMPANY_BRANDS = [
    "Trường Sơn",
    "Hiếu Giang",
    "Thạch Hãn",
    "Cửa Việt",
    "Hoàng Long",
    "Minh Phát",
    "Thành Đạt",
    "Đại Thành",
    "An Phú",
    "Hưng Thịnh",
    "Phúc Lộc",
    "Bến Hải",
    "Đông Trường Sơn",
    "Tân Phát",
    "Việt Thắng",
    "Quảng Phát",
    "Nam Hà",
    "Thiên Phú",
]

# Share of women and the birth-year profile of each kind of cell.
# profile: [(first year, last year, weight)]
# fmt: off
CELL_PROFILES: dict[str, dict] = {
    "residential": {
        "female": 0.40,
        "years": [(1940, 1949, 20), (1950, 1959, 30), (1960, 1969, 22), (1970, 1979, 13),
                  (1980, 1989, 10), (1990, 2000, 5)],
        "size": (36, 60),
    },
    "office": {
        "female": 0.45,
        "years": [(1962, 1969, 15), (1970, 1979, 30), (1980, 1989, 38), (1990, 2000, 17)],
        "size": (15, 24),
    },
    "police": {
        "female": 0.12,
        "years": [(1965, 1974, 20), (1975, 1984, 30), (1985, 1994, 35), (1995, 2000, 15)],
        "size": (16, 30),
    },
    "military": {
        "female": 0.06,
        "years": [(1965, 1974, 25), (1975, 1984, 35), (1985, 1994, 30), (1995, 2000, 10)],
        "size": (15, 20),
    },
    "health": {
        "female": 0.65,
        "years": [(1965, 1974, 20), (1975, 1984, 35), (1985, 1994, 35), (1995, 2000, 10)],
        "size": (15, 18),
    },
    "school": {
        "female": 0.78,
        "years": [(1965, 1974, 25), (1975, 1984, 35), (1985, 1994, 30), (1995, 2000, 10)],
        "size": (15, 28),
    },
    "enterprise": {
        "female": 0.35,
        "years": [(1965, 1974, 15), (1975, 1984, 35), (1985, 1994, 35), (1995, 2000, 15)],
        "size": (15, 24),
    },
    "party": {
        "female": 0.45,
        "years": [(1962, 1969, 20), (1970, 1979, 35), (1980, 1989, 35), (1990, 2000, 10)],
        "size": (15, 30),
    },
    "government": {
        "female": 0.45,
        "years": [(1962, 1969, 15), (1970, 1979, 35), (1980, 1989, 35), (1990, 2000, 15)],
        "size": (15, 35),
    },
}
# fmt: on

TARGET_MEMBERS = 4000
PROBATION_SHARE = 0.025
# The demo describes the city up to mid-2025, before the district level was dissolved.
LAST_DAY = D(2025, 6, 30)

# Congresses (đại hội): the city's 12th, 13th and 14th; the 2025–2030 term is open.
# The real district level ended on 01/07/2025 (research/domain-vn.md A1); the demo keeps the
# city past that day, so its 2025 congress, like the two before it, is the demo's own date.
CITY_TERMS = [("2015-2020", D(2015, 7, 28)), ("2020-2025", D(2020, 7, 16)), ("2025-2030", D(2025, 6, 20))]
# The one founding date the sources give: Nghị quyết 33/NQ-CP of 11/08/2009 founded the city
# of Đông Hà on the whole of the former town (dantri.com.vn, 12/08/2009; research A2). The
# other units' founding dates are not known, so the demo leaves them empty.
CITY_FOUNDED = (D(2009, 8, 11), "33/NQ-CP")
# Ward congresses fall on a random day in these windows (before the city's).
WARD_TERM_WINDOWS = [
    ("2015-2020", D(2015, 4, 15), D(2015, 6, 10)),
    ("2020-2025", D(2020, 5, 5), D(2020, 6, 15)),
]
# Cell congresses for the current 2022–2025 cell term.
CELL_CONGRESS_WINDOW = (D(2022, 3, 1), D(2022, 5, 31))

BCH, BTV, TT, CHI_UY, GOV = (
    Position.Body.BCH,
    Position.Body.BTV,
    Position.Body.TT,
    Position.Body.CHI_UY,
    Position.Body.GOV,
)

# City standing committee slots: key, title, body, role, sort order, where the holder works.
CITY_TT = [
    ("bithu", "Bí thư Thành ủy", TT, Role.MANAGE, 10, "party"),
    ("pbt-tt", "Phó Bí thư Thường trực Thành ủy", TT, Role.MANAGE, 20, "party"),
    ("pbt-ubnd", "Phó Bí thư Thành ủy, Chủ tịch UBND thành phố", TT, Role.MANAGE, 30, "government"),
]
CITY_HDND = ("Chủ tịch HĐND thành phố", GOV, Role.VIEW, 35)
# key, BTV title, head title on a board (or None), board code suffix, where the holder works
# fmt: off
CITY_BTV = [
    ("vp", "Ủy viên Ban Thường vụ, Chánh Văn phòng Thành ủy", "Chánh Văn phòng Thành ủy", "vanphong", "party"),
    ("tc", "Ủy viên Ban Thường vụ, Trưởng Ban Tổ chức Thành ủy", "Trưởng Ban Tổ chức Thành ủy", "bantochuc", "party"),
    ("kt", "Ủy viên Ban Thường vụ, Chủ nhiệm Ủy ban Kiểm tra Thành ủy", "Chủ nhiệm Ủy ban Kiểm tra Thành ủy", "ubkt", "party"),
    ("tg", "Ủy viên Ban Thường vụ, Trưởng Ban Tuyên giáo Thành ủy", "Trưởng Ban Tuyên giáo Thành ủy", "bantuyengiao", "party"),
    ("dv", "Ủy viên Ban Thường vụ, Trưởng Ban Dân vận Thành ủy", "Trưởng Ban Dân vận Thành ủy", "bandanvan", "party"),
    ("pct", "Ủy viên Ban Thường vụ, Phó Chủ tịch Thường trực UBND thành phố", None, None, "government"),
    ("mt", "Ủy viên Ban Thường vụ, Chủ tịch Ủy ban MTTQ Việt Nam thành phố", None, None, "front"),
    ("qs", "Ủy viên Ban Thường vụ, Chỉ huy trưởng Ban Chỉ huy Quân sự thành phố", None, None, "military"),
    ("ca", "Ủy viên Ban Thường vụ, Trưởng Công an thành phố", None, None, "police"),
]
# fmt: on
CITY_BCH_TITLE = "Ủy viên Ban Chấp hành Đảng bộ thành phố"
CITY_BCH_SIZE = 33

# Ward committee slots: key, title, body, role, sort order, the ward cell the holder is in.
# fmt: off
WARD_SLOTS = [
    ("bithu", "Bí thư Đảng ủy phường", TT, Role.MANAGE, 10, "office"),
    ("pbt-tt", "Phó Bí thư Thường trực Đảng ủy phường", TT, Role.MANAGE, 20, "office"),
    ("pbt-ubnd", "Phó Bí thư Đảng ủy, Chủ tịch UBND phường", BTV, Role.MANAGE, 30, "office"),
    ("kt", "Ủy viên Ban Thường vụ, Chủ nhiệm Ủy ban Kiểm tra Đảng ủy phường", BTV, Role.VIEW, 40, "office"),
    ("mt", "Ủy viên Ban Thường vụ, Chủ tịch Ủy ban MTTQ Việt Nam phường", BTV, Role.VIEW, 41, "office"),
    ("ca", "Ủy viên Ban Thường vụ, Trưởng Công an phường", BTV, Role.VIEW, 42, "police"),
    ("qs", "Ủy viên Ban Thường vụ, Chỉ huy trưởng Ban Chỉ huy Quân sự phường", BTV, Role.VIEW, 43, "military"),
]
# fmt: on
WARD_BCH_TITLE = "Ủy viên Ban Chấp hành Đảng bộ phường"
WARD_BCH_SIZE = (13, 15)

CELL_SECRETARY = ("Bí thư Chi bộ", CHI_UY, Role.MANAGE, 10)
CELL_DEPUTY = ("Phó Bí thư Chi bộ", CHI_UY, Role.MANAGE, 20)
CELL_MEMBER = ("Chi ủy viên", CHI_UY, Role.VIEW, 30)

AGENCY_SECRETARY = ("Bí thư", BCH, Role.MANAGE, 10)
AGENCY_DEPUTY = ("Phó Bí thư", BCH, Role.MANAGE, 20)

CLERK_TITLE = "Chuyên viên Văn phòng Thành ủy"

OFFICIAL = Person.Status.OFFICIAL
PROBATION = Person.Status.PROBATION
