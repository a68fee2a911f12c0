"""The catalogue of levels and unit kinds installed with the system (data, not code).

It is loaded by a data migration and can be edited afterwards; the 2025 reorganisation
closed the district level (``valid_to`` 30/06/2025) and let ward committees sit directly
under the province.
"""

from __future__ import annotations

import datetime as dt

LEVELS = [
    # code, name, rank, valid_from, valid_to, note
    ("trung-uong", "Trung ương", 0, None, None, ""),
    ("tinh", "Tỉnh, thành phố trực thuộc Trung ương", 1, None, None, ""),
    (
        "huyen",
        "Huyện, thị xã, thành phố thuộc tỉnh",
        2,
        None,
        dt.date(2025, 6, 30),
        "Cấp huyện kết thúc hoạt động từ 01/07/2025 (Nghị quyết 202/2025/QH15).",
    ),
    ("xa", "Xã, phường, thị trấn", 3, None, None, ""),
    ("co-so", "Tổ chức cơ sở đảng", 4, None, None, ""),
    ("chi-bo", "Chi bộ trực thuộc", 5, None, None, ""),
    ("tham-muu", "Cơ quan tham mưu, giúp việc", 6, None, None, ""),
    ("chinh-quyen", "Chính quyền", 7, None, None, ""),
    ("mttq-doan-the", "Mặt trận Tổ quốc, đoàn thể", 8, None, None, ""),
]

KINDS = [
    # code, name, level, is_party, holds_members, allowed parents
    ("trung-uong", "Ban Chấp hành Trung ương", "trung-uong", True, False, []),
    ("dang-bo-tinh", "Đảng bộ tỉnh", "tinh", True, False, ["trung-uong"]),
    ("dang-bo-huyen", "Đảng bộ huyện, thị xã, thành phố", "huyen", True, False, ["dang-bo-tinh"]),
    ("dang-bo-xa", "Đảng bộ xã, phường, thị trấn", "xa", True, False, ["dang-bo-huyen", "dang-bo-tinh"]),
    ("dang-bo-co-so", "Đảng bộ cơ sở", "co-so", True, False, ["dang-bo-huyen", "dang-bo-tinh", "dang-bo-xa"]),
    ("chi-bo-co-so", "Chi bộ cơ sở", "co-so", True, True, ["dang-bo-huyen", "dang-bo-tinh", "dang-bo-xa"]),
    ("chi-bo", "Chi bộ trực thuộc", "chi-bo", True, True, ["dang-bo-xa", "dang-bo-co-so"]),
    (
        "ban-tham-muu",
        "Ban tham mưu, giúp việc",
        "tham-muu",
        True,
        False,
        ["trung-uong", "dang-bo-tinh", "dang-bo-huyen", "dang-bo-xa"],
    ),
    ("chinh-quyen", "Cơ quan chính quyền", "chinh-quyen", False, False, ["dang-bo-tinh", "dang-bo-huyen", "dang-bo-xa"]),
    ("mttq-doan-the", "Mặt trận Tổ quốc, đoàn thể", "mttq-doan-the", False, False, ["dang-bo-tinh", "dang-bo-huyen", "dang-bo-xa"]),
]


def install(apps) -> None:
    """Create or update the catalogue (safe to run again)."""
    UnitLevel = apps.get_model("orgs", "UnitLevel")
    UnitKind = apps.get_model("orgs", "UnitKind")
    levels = {}
    for code, name, rank, valid_from, valid_to, note in LEVELS:
        levels[code], _ = UnitLevel.objects.update_or_create(
            code=code, defaults={"name": name, "rank": rank, "valid_from": valid_from, "valid_to": valid_to, "note": note}
        )
    kinds = {}
    for code, name, level, is_party, holds_members, _parents in KINDS:
        kinds[code], _ = UnitKind.objects.update_or_create(
            code=code,
            defaults={"name": name, "level": levels[level], "is_party": is_party, "holds_members": holds_members},
        )
    for code, *_rest, parents in KINDS:
        kinds[code].allowed_parents.set([kinds[p] for p in parents])
