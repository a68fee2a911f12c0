"""Abbreviations of Vietnamese Party and State document types and issuers (pure data).

Used by :mod:`dangbo.documents.citations`; free of Django so it can be read anywhere.

Sources for the conventions: Hướng dẫn 36-HD/VPTW (3/4/2018) on Party document numbers
("Số 05-CT/TW": number, type abbreviation, issuer) and Nghị định 30/2020/NĐ-CP, Phụ lục III
(State documents: "Số: 1234/QĐ-UBND", "30/2020/NĐ-CP"). Keys are canonical spellings; the
parser also accepts them case-insensitively and with Đ look-alikes.
"""

from __future__ import annotations

# Type abbreviation → full Vietnamese type name (State meaning where the two systems differ).
TYPE_NAMES: dict[str, str] = {
    "NQ": "Nghị quyết",
    "NQLT": "Nghị quyết liên tịch",
    "CT": "Chỉ thị",
    "KL": "Kết luận",
    "QĐ": "Quyết định",
    "QĐi": "Quy định",  # Party, 2018–2020 (11-QĐi/TW); since 2021 Party "Quy định" use QĐ
    "QyĐ": "Quy định",  # State
    "QC": "Quy chế",
    "KH": "Kế hoạch",
    "CTr": "Chương trình",
    "HD": "Hướng dẫn",
    "TB": "Thông báo",
    "BC": "Báo cáo",
    "TTr": "Tờ trình",
    "CV": "Công văn",
    "CĐ": "Công điện",
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "PL": "Pháp lệnh",
    "L": "Luật",  # as a type of a citation by name; in a State symbol "L-CTN" is a Lệnh
    "BL": "Bộ luật",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "PA": "Phương án",
    "TC": "Thông cáo",
    "BB": "Biên bản",
    "GM": "Giấy mời",
    "VBHN": "Văn bản hợp nhất",
}

# In a Party symbol (NN-XX/ISSUER) some abbreviations mean something else.
PARTY_TYPE_NAMES: dict[str, str] = {
    "TT": "Thông tri",
    "QH": "Quy hoạch",
}

# Full type name as written before a number (lower case, single spaces) → (type name, abbr).
TYPE_WORDS: dict[str, tuple[str, str]] = {
    "nghị quyết liên tịch": ("Nghị quyết liên tịch", "NQLT"),
    "thông tư liên tịch": ("Thông tư liên tịch", "TTLT"),
    "thông báo kết luận": ("Thông báo", "TB"),
    "chương trình hành động": ("Chương trình", "CTr"),
    "kế hoạch hành động": ("Kế hoạch", "KH"),
    "nghị quyết": ("Nghị quyết", "NQ"),
    "chỉ thị": ("Chỉ thị", "CT"),
    "kết luận": ("Kết luận", "KL"),
    "quyết định": ("Quyết định", "QĐ"),
    "quy định": ("Quy định", "QĐ"),
    "quy chế": ("Quy chế", "QC"),
    "kế hoạch": ("Kế hoạch", "KH"),
    "chương trình": ("Chương trình", "CTr"),
    "hướng dẫn": ("Hướng dẫn", "HD"),
    "thông báo": ("Thông báo", "TB"),
    "báo cáo": ("Báo cáo", "BC"),
    "tờ trình": ("Tờ trình", "TTr"),
    "công văn": ("Công văn", "CV"),
    "công điện": ("Công điện", "CĐ"),
    "nghị định": ("Nghị định", "NĐ"),
    "thông tư": ("Thông tư", "TT"),
    "thông tri": ("Thông tri", "TT"),
    "pháp lệnh": ("Pháp lệnh", "PL"),
    "đề án": ("Đề án", "ĐA"),
    "bộ luật": ("Bộ luật", "BL"),
    "luật": ("Luật", "L"),
}

# Types that are cited by a bare number without "số" ("Chỉ thị 05", "Nghị định 100").
BARE_NUMBER_TYPES: frozenset[str] = frozenset(
    {"Nghị quyết", "Chỉ thị", "Kết luận", "Quyết định", "Quy định", "Nghị định", "Thông tư"}
)

# Issuer part of a symbol → issuer name when the abbreviation alone determines it; None when
# it is ambiguous (TW: Ban Chấp hành Trung ương, Bộ Chính trị or Ban Bí thư; TU: Tỉnh ủy or a
# Thành ủy directly under the Centre; HU: Huyện ủy, Quận ủy, Thị ủy or a provincial Thành ủy).
ISSUER_NAMES: dict[str, str | None] = {
    "TW": None,
    "TƯ": None,
    "TU": None,
    "HU": None,
    "ĐU": "Đảng ủy",
    "ĐUK": "Đảng ủy Khối",
    "BCSĐ": "Ban cán sự đảng",
    "ĐĐ": "Đảng đoàn",
    "BTCTW": "Ban Tổ chức Trung ương",
    "BTGTW": "Ban Tuyên giáo Trung ương",
    "BTGDVTW": "Ban Tuyên giáo và Dân vận Trung ương",
    "BDVTW": "Ban Dân vận Trung ương",
    "BKTTW": "Ban Kinh tế Trung ương",
    "BNCTW": "Ban Nội chính Trung ương",
    "BĐNTW": "Ban Đối ngoại Trung ương",
    "UBKTTW": "Ủy ban Kiểm tra Trung ương",
    "VPTW": "Văn phòng Trung ương Đảng",
    "QUTW": "Quân ủy Trung ương",
    "CP": "Chính phủ",
    "TTg": "Thủ tướng Chính phủ",
    "VPCP": "Văn phòng Chính phủ",
    "TTCP": "Thanh tra Chính phủ",
    "QH": "Quốc hội",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "CTN": "Chủ tịch nước",
    "HĐBT": "Hội đồng Bộ trưởng",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "BNV": "Bộ Nội vụ",
    "BTC": "Bộ Tài chính",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "BYT": "Bộ Y tế",
    "BCA": "Bộ Công an",
    "BQP": "Bộ Quốc phòng",
    "BTTTT": "Bộ Thông tin và Truyền thông",
    "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội",
    "BKHĐT": "Bộ Kế hoạch và Đầu tư",
    "BTP": "Bộ Tư pháp",
    "BTNMT": "Bộ Tài nguyên và Môi trường",
    "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn",
    "BNNMT": "Bộ Nông nghiệp và Môi trường",
    "BXD": "Bộ Xây dựng",
    "BGTVT": "Bộ Giao thông vận tải",
    "BCT": "Bộ Công Thương",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "BKHCN": "Bộ Khoa học và Công nghệ",
    "BNG": "Bộ Ngoại giao",
    "NHNN": "Ngân hàng Nhà nước Việt Nam",
}

# Issuing bodies named in running text ("… của Ban Bí thư"): (words as written, canonical
# name, issuer abbreviation or None). Matched case-insensitively, longest first; a place
# name may follow the local ones ("Tỉnh ủy Quảng Trị", "Ủy ban nhân dân tỉnh Quảng Trị").
CENTRAL_BODIES: tuple[tuple[str, str, str | None], ...] = (
    ("Ban Chấp hành Trung ương", "Ban Chấp hành Trung ương", "TW"),
    ("BCH Trung ương", "Ban Chấp hành Trung ương", "TW"),
    ("BCH TW", "Ban Chấp hành Trung ương", "TW"),
    ("Bộ Chính trị", "Bộ Chính trị", "TW"),
    ("Ban Bí thư", "Ban Bí thư", "TW"),
    ("Ban Tổ chức Trung ương", "Ban Tổ chức Trung ương", "BTCTW"),
    ("Ban Tuyên giáo và Dân vận Trung ương", "Ban Tuyên giáo và Dân vận Trung ương", "BTGDVTW"),
    ("Ban Tuyên giáo Trung ương", "Ban Tuyên giáo Trung ương", "BTGTW"),
    ("Ban Dân vận Trung ương", "Ban Dân vận Trung ương", "BDVTW"),
    ("Ban Kinh tế Trung ương", "Ban Kinh tế Trung ương", "BKTTW"),
    ("Ban Nội chính Trung ương", "Ban Nội chính Trung ương", "BNCTW"),
    ("Ban Đối ngoại Trung ương", "Ban Đối ngoại Trung ương", "BĐNTW"),
    ("Ủy ban Kiểm tra Trung ương", "Ủy ban Kiểm tra Trung ương", "UBKTTW"),
    ("Văn phòng Trung ương Đảng", "Văn phòng Trung ương Đảng", "VPTW"),
    ("Quân ủy Trung ương", "Quân ủy Trung ương", "QUTW"),
    ("Thủ tướng Chính phủ", "Thủ tướng Chính phủ", "TTg"),
    ("Văn phòng Chính phủ", "Văn phòng Chính phủ", "VPCP"),
    ("Thanh tra Chính phủ", "Thanh tra Chính phủ", "TTCP"),
    ("Chính phủ", "Chính phủ", "CP"),
    ("Ủy ban Thường vụ Quốc hội", "Ủy ban Thường vụ Quốc hội", "UBTVQH"),
    ("Quốc hội", "Quốc hội", "QH"),
    ("Chủ tịch nước", "Chủ tịch nước", "CTN"),
    ("Hội đồng Bộ trưởng", "Hội đồng Bộ trưởng", "HĐBT"),
    ("Ngân hàng Nhà nước Việt Nam", "Ngân hàng Nhà nước Việt Nam", "NHNN"),
)

# Ministries: "Bộ Nội vụ", also "Bộ trưởng Bộ Nội vụ".
MINISTRIES: tuple[tuple[str, str], ...] = tuple(
    (name, abbr) for abbr, name in ISSUER_NAMES.items() if name and name.startswith("Bộ ")
)

# Local bodies that take a level and place after them: (words, canonical name, abbr).
LOCAL_BODIES: tuple[tuple[str, str, str | None], ...] = (
    ("Ban Thường vụ Tỉnh ủy", "Ban Thường vụ Tỉnh ủy", "TU"),
    ("Ban Thường vụ Thành ủy", "Ban Thường vụ Thành ủy", None),
    ("Ban Thường vụ Huyện ủy", "Ban Thường vụ Huyện ủy", "HU"),
    ("Ban Thường vụ Quận ủy", "Ban Thường vụ Quận ủy", "HU"),
    ("Ban Thường vụ Thị ủy", "Ban Thường vụ Thị ủy", "HU"),
    ("Ban Thường vụ Đảng ủy", "Ban Thường vụ Đảng ủy", "ĐU"),
    ("BTV Tỉnh ủy", "Ban Thường vụ Tỉnh ủy", "TU"),
    ("BTV Thành ủy", "Ban Thường vụ Thành ủy", None),
    ("BTV Huyện ủy", "Ban Thường vụ Huyện ủy", "HU"),
    ("BTV Đảng ủy", "Ban Thường vụ Đảng ủy", "ĐU"),
    ("Ban Chấp hành Đảng bộ", "Ban Chấp hành Đảng bộ", None),
    ("Tỉnh ủy", "Tỉnh ủy", "TU"),
    ("Thành ủy", "Thành ủy", None),
    ("Huyện ủy", "Huyện ủy", "HU"),
    ("Quận ủy", "Quận ủy", "HU"),
    ("Thị ủy", "Thị ủy", "HU"),
    ("Đảng ủy", "Đảng ủy", "ĐU"),
    ("Chủ tịch Ủy ban nhân dân", "Chủ tịch Ủy ban nhân dân", "UBND"),
    ("Chủ tịch UBND", "Chủ tịch Ủy ban nhân dân", "UBND"),
    ("Ủy ban nhân dân", "Ủy ban nhân dân", "UBND"),
    ("UBND", "Ủy ban nhân dân", "UBND"),
    ("Hội đồng nhân dân", "Hội đồng nhân dân", "HĐND"),
    ("HĐND", "Hội đồng nhân dân", "HĐND"),
)
