"""Vietnamese personal names for the demo, with rough real-world frequencies.

Family names follow the usual national shares, nudged towards the central provinces
(more Hồ, Lê, Võ, Phan; Hoàng rather than Huỳnh). Middle names depend on gender, as they
do in practice: most men are "Văn", most women "Thị".
"""

from __future__ import annotations

import random

# (family name, weight in ‰-ish units)
FAMILY_NAMES: list[tuple[str, int]] = [
    ("Nguyễn", 330),
    ("Trần", 110),
    ("Lê", 105),
    ("Phạm", 55),
    ("Hoàng", 45),
    ("Huỳnh", 8),
    ("Phan", 50),
    ("Võ", 48),
    ("Đặng", 20),
    ("Bùi", 18),
    ("Đỗ", 14),
    ("Hồ", 35),
    ("Ngô", 14),
    ("Dương", 10),
    ("Lý", 5),
    ("Trương", 12),
    ("Đoàn", 10),
    ("Hà", 8),
    ("Mai", 8),
    ("Cao", 7),
    ("Thái", 6),
    ("Lương", 6),
    ("Đinh", 6),
    ("Lưu", 4),
    ("Tôn", 2),
    ("Châu", 3),
]

MIDDLE_NAMES: dict[str, list[tuple[str, int]]] = {
    "m": [
        ("Văn", 40),
        ("Đức", 8),
        ("Minh", 7),
        ("Quang", 7),
        ("Hữu", 6),
        ("Công", 5),
        ("Đình", 6),
        ("Xuân", 4),
        ("Thanh", 4),
        ("Ngọc", 3),
        ("Viết", 3),
        ("Sỹ", 2),
        ("Tiến", 2),
        ("Trọng", 2),
        ("Quốc", 3),
        ("Anh", 2),
        ("Hồng", 1),
    ],
    "f": [
        ("Thị", 50),
        ("Thị Thu", 7),
        ("Thị Thanh", 6),
        ("Thị Kim", 4),
        ("Thị Minh", 3),
        ("Thị Hồng", 4),
        ("Thị Ngọc", 3),
        ("Thị Mỹ", 2),
        ("Thị Lệ", 2),
        ("Ngọc", 4),
        ("Thu", 3),
        ("Thanh", 3),
        ("Hoài", 2),
        ("Kim", 2),
        ("Diệu", 1),
        ("Bảo", 1),
        ("Khánh", 1),
    ],
}

# fmt: off
GIVEN_NAMES: dict[str, list[str]] = {
    "m": [
        "Anh", "Bình", "Cường", "Chiến", "Dũng", "Đức", "Đạt", "Định", "Hải", "Hùng",
        "Huy", "Hưng", "Hòa", "Hiếu", "Hậu", "Khánh", "Khoa", "Lâm", "Long", "Lợi",
        "Lực", "Minh", "Nam", "Nghĩa", "Nhân", "Phong", "Phúc", "Phước", "Quang", "Quý",
        "Sơn", "Sang", "Tài", "Tâm", "Tân", "Thắng", "Thành", "Thanh", "Thọ", "Thông",
        "Toàn", "Trung", "Tuấn", "Tú", "Việt", "Vinh", "Vũ", "Hoàng", "Lộc", "Kiên",
        "Bảo", "Châu", "Duy", "Hạnh", "Hiển", "Khải", "Lai", "Lượng", "Mạnh", "Ninh",
    ],
    "f": [
        "Anh", "Cúc", "Diệp", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa",
        "Hồng", "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Ly", "Mai", "Nga",
        "Ngọc", "Nguyệt", "Nhàn", "Nhung", "Oanh", "Phương", "Phượng", "Quyên", "Sương", "Tâm",
        "Thảo", "Thắm", "Thơ", "Thủy", "Trang", "Tuyết", "Uyên", "Vân", "Xuân", "Yến",
        "Hậu", "Lý", "Na", "Ngân", "Nhi", "Quỳnh", "Thoa", "Thương", "Trinh", "Vy",
    ],
}
# fmt: on

# Where members come from: mostly Quảng Trị, some from the neighbouring provinces.
HOMETOWNS: list[tuple[str, int]] = [
    ("Đông Hà, Quảng Trị", 30),
    ("Triệu Phong, Quảng Trị", 16),
    ("Gio Linh, Quảng Trị", 12),
    ("Hải Lăng, Quảng Trị", 12),
    ("Cam Lộ, Quảng Trị", 12),
    ("Vĩnh Linh, Quảng Trị", 9),
    ("Thị xã Quảng Trị, Quảng Trị", 6),
    ("Hướng Hóa, Quảng Trị", 3),
    ("Đakrông, Quảng Trị", 2),
    ("Lệ Thủy, Quảng Bình", 3),
    ("Quảng Ninh, Quảng Bình", 2),
    ("Phong Điền, Thừa Thiên Huế", 3),
    ("Quảng Điền, Thừa Thiên Huế", 2),
    ("Nghi Lộc, Nghệ An", 1),
    ("Can Lộc, Hà Tĩnh", 1),
]

# Quảng Trị's two main ethnic minorities are the Vân Kiều (Bru) and the Pa Kô.
ETHNICITIES: list[tuple[str, int]] = [("Kinh", 980), ("Vân Kiều", 12), ("Pa Kô", 8)]


def weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights=weights)[0]


def make_name(rng: random.Random, gender: str) -> str:
    """A full name "Family Middle Given" for ``gender`` ("m" or "f")."""
    family = weighted(rng, FAMILY_NAMES)
    while True:
        middle = weighted(rng, MIDDLE_NAMES[gender])
        given = rng.choice(GIVEN_NAMES[gender])
        if given not in middle.split():
            return f"{family} {middle} {given}"
