"""The starting catalogues of the registry: document types, outside issuers and fields.

They are data: a data migration installs them with ``install(apps)`` and the committee
office edits the rows afterwards. Sources: Hướng dẫn 36-HD/VPTW (3/4/2018) on the numbering
of party documents, the abbreviations observed in real numbers (see the research notes),
and Nghị định 30/2020/NĐ-CP for the state types.
"""

from __future__ import annotations

import datetime as dt

D = dt.date
PARTY_SOURCE = "Hướng dẫn 36-HD/VPTW, 03/04/2018"
STATE_SOURCE = "Nghị định 30/2020/NĐ-CP, 05/03/2020"

# abbr, name, kind, sort order, valid from, valid to, note
TYPES: list[tuple[str, str, str, int, dt.date | None, dt.date | None, str]] = [
    ("NQ", "Nghị quyết", "party", 10, None, None, ""),
    ("CT", "Chỉ thị", "party", 20, None, None, ""),
    ("KL", "Kết luận", "party", 30, None, None, ""),
    ("QĐ", "Quyết định", "party", 40, None, None, "Từ 2021 Quy định cũng mang ký hiệu QĐ."),
    ("QĐi", "Quy định", "party", 50, D(2018, 4, 3), D(2020, 12, 31),
     "Ký hiệu QĐi dùng 2018–2020; sau đó Quy định ghi QĐ."),
    ("QC", "Quy chế", "party", 60, None, None, ""),
    ("KH", "Kế hoạch", "party", 70, None, None, ""),
    ("CTr", "Chương trình (hành động)", "party", 80, None, None, ""),
    ("HD", "Hướng dẫn", "party", 90, None, None, ""),
    ("TB", "Thông báo", "party", 100, None, None, ""),
    ("BC", "Báo cáo", "party", 110, None, None, ""),
    ("TTr", "Tờ trình", "party", 120, None, None, ""),
    ("CV", "Công văn", "party", 130, None, None, ""),
    ("L", "Luật", "state", 200, None, None, ""),
    ("NĐ", "Nghị định", "state", 210, None, None, ""),
    ("TT", "Thông tư", "state", 220, None, None, ""),
]

# How counts of a type read in a report sentence, and in which order the types come
# ("… đã ban hành 2 nghị quyết, 11 chỉ thị, 7 chương trình hành động, 11 kết luận chuyên
# đề, 132 kế hoạch, 8 quy chế", the wording of the Đông Hà committee's 2015–2020 review).
# Types not listed read as their name in lower case, after these.
SENTENCE: dict[str, tuple[str, int]] = {
    "NQ": ("nghị quyết", 10),
    "CT": ("chỉ thị", 20),
    "CTr": ("chương trình hành động", 30),
    "KL": ("kết luận chuyên đề", 40),
    "KH": ("kế hoạch", 50),
    "QC": ("quy chế", 60),
    "QĐ": ("quyết định", 70),
    "QĐi": ("quy định", 80),
}

# name, abbreviation, numbering series (issuers of one series share one numbering), order
ISSUERS: list[tuple[str, str, str, int]] = [
    ("Ban Chấp hành Trung ương", "TW", "TW", 10),
    ("Bộ Chính trị", "TW", "TW", 20),
    ("Ban Bí thư", "TW", "TW", 30),
    ("Văn phòng Trung ương Đảng", "VPTW", "VPTW", 40),
    ("Ban Tổ chức Trung ương", "BTCTW", "BTCTW", 50),
    ("Ban Tuyên giáo Trung ương", "BTGTW", "BTGTW", 60),
    ("Ban Dân vận Trung ương", "BDVTW", "BDVTW", 70),
    ("Ủy ban Kiểm tra Trung ương", "UBKTTW", "UBKTTW", 80),
    ("Chính phủ", "CP", "CP", 100),
    ("Thủ tướng Chính phủ", "TTg", "TTg", 110),
    ("Quốc hội", "QH", "QH", 120),
    ("Tỉnh ủy Quảng Trị", "TU", "TU-quangtri", 200),
    ("Văn phòng Tỉnh ủy Quảng Trị", "VPTU", "VPTU-quangtri", 210),
    ("Ủy ban nhân dân tỉnh Quảng Trị", "UBND", "UBND-quangtri", 220),
]

# code, name, order
FIELDS: list[tuple[str, str, int]] = [
    ("xay-dung-dang", "Xây dựng Đảng", 10),
    ("kinh-te", "Kinh tế", 20),
    ("cai-cach-hanh-chinh", "Cải cách hành chính", 30),
    ("quoc-phong-an-ninh", "Quốc phòng – an ninh", 40),
    ("van-hoa-xa-hoi", "Văn hóa – xã hội", 50),
    ("dan-van", "Dân vận", 60),
    ("kiem-tra-giam-sat", "Kiểm tra, giám sát", 70),
    ("to-chuc-can-bo", "Tổ chức – cán bộ", 80),
    ("do-thi-quy-hoach", "Đô thị – quy hoạch", 90),
]


def install(apps) -> None:
    """Create or update the catalogue rows (idempotent; never deletes)."""
    DocumentType = apps.get_model("documents", "DocumentType")
    Issuer = apps.get_model("documents", "Issuer")
    Field = apps.get_model("documents", "Field")
    for abbr, name, kind, order, valid_from, valid_to, note in TYPES:
        DocumentType.objects.update_or_create(
            abbr=abbr,
            defaults={
                "name": name,
                "kind": kind,
                "sort_order": order,
                "valid_from": valid_from,
                "valid_to": valid_to,
                "note": note,
                "source": STATE_SOURCE if kind == "state" else PARTY_SOURCE,
            },
        )
    install_sentence_names(apps)
    for name, abbr, series, order in ISSUERS:
        Issuer.objects.update_or_create(
            name=name, defaults={"abbr": abbr, "series": series, "sort_order": order}
        )
    for code, name, order in FIELDS:
        Field.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})


def install_sentence_names(apps) -> None:
    """Fill the report-sentence wording of the types that have none yet (idempotent)."""
    DocumentType = apps.get_model("documents", "DocumentType")
    if not any(f.name == "sentence_name" for f in DocumentType._meta.get_fields()):
        return  # an older schema (the 0002 migration runs before the field exists)
    for abbr, (words, order) in SENTENCE.items():
        DocumentType.objects.filter(abbr=abbr, sentence_name="").update(
            sentence_name=words, sentence_order=order
        )
