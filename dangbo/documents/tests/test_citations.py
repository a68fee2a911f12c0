"""Citation finder: unit tests per feature, the CLI, the real-text corpus, properties.

Plain pytest, no database: ``dangbo.documents.citations`` is framework-free.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangbo.documents.citations import Citation, find_citations, issuer_name_for, normalize_number
from dangbo.documents.tests.conftest import CORPUS_PROPERTY

CORPUS = Path(__file__).parent / "data" / "citations_corpus.jsonl"
FIELDS = [
    "raw",
    "start",
    "end",
    "number",
    "type_abbr",
    "issuer_abbr",
    "type_name",
    "date",
    "issuer_name",
]
REPO = Path(__file__).resolve().parents[3]


def load_corpus() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def one(text: str) -> Citation:
    found = find_citations(text)
    assert len(found) == 1, found
    return found[0]


def raws(text: str) -> list[str]:
    return [c.raw for c in find_citations(text)]


# --------------------------------------------------------------------------------------------
# The record
# --------------------------------------------------------------------------------------------


def test_citation_is_a_frozen_dataclass_with_the_interface_fields():
    c = one("Chỉ thị số 05-CT/TW")
    assert [f.name for f in dataclasses.fields(Citation)] == FIELDS
    assert list(c.as_dict()) == FIELDS
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.number = "06"  # type: ignore[misc]


def test_empty_text():
    assert find_citations("") == []


# --------------------------------------------------------------------------------------------
# Party symbols
# --------------------------------------------------------------------------------------------


def test_party_symbol_with_so():
    c = one("Thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị, các cấp ủy")
    assert c.as_dict() == {
        "raw": "Chỉ thị số 05-CT/TW của Bộ Chính trị",
        "start": 10,
        "end": 46,
        "number": "05",
        "type_abbr": "CT",
        "issuer_abbr": "TW",
        "type_name": "Chỉ thị",
        "date": None,
        "issuer_name": "Bộ Chính trị",
    }


def test_party_symbol_without_so_and_with_date_and_issuer():
    c = one(
        "điều chỉnh Quy chế làm việc theo Quy định 202-QĐ/TW, ngày 2/8/2019 của Ban Bí thư, bổ sung"
    )
    assert c.raw == "Quy định 202-QĐ/TW, ngày 2/8/2019 của Ban Bí thư"
    assert (c.number, c.type_abbr, c.type_name) == ("202", "QĐ", "Quy định")
    assert (c.date, c.issuer_abbr, c.issuer_name) == ("2019-08-02", "TW", "Ban Bí thư")


@pytest.mark.parametrize(
    ("text", "number", "type_abbr", "issuer_abbr", "type_name", "issuer_name"),
    [
        ("687-KH/TU", "687", "KH", "TU", "Kế hoạch", None),
        ("12-HD/BTCTW", "12", "HD", "BTCTW", "Hướng dẫn", "Ban Tổ chức Trung ương"),
        ("11-QĐi/TW", "11", "QĐi", "TW", "Quy định", None),
        ("35-NQ/TW", "35", "NQ", "TW", "Nghị quyết", None),
        ("08-QC/TW", "08", "QC", "TW", "Quy chế", None),
        ("366-QĐ/TW", "366", "QĐ", "TW", "Quyết định", None),
        ("01-HD/VPTW", "01", "HD", "VPTW", "Hướng dẫn", "Văn phòng Trung ương Đảng"),
        ("123-QĐ/ĐU", "123", "QĐ", "ĐU", "Quyết định", "Đảng ủy"),
        ("45-KL/HU", "45", "KL", "HU", "Kết luận", None),
        ("06-CTr/TU", "06", "CTr", "TU", "Chương trình", None),
        ("15671-CV/VPTW", "15671", "CV", "VPTW", "Công văn", "Văn phòng Trung ương Đảng"),
        ("70-TB/TW", "70", "TB", "TW", "Thông báo", None),
        ("01-TT/TW", "01", "TT", "TW", "Thông tri", None),
        ("06-ĐA/TU", "06", "ĐA", "TU", "Đề án", None),
        ("06-HD/UBKTTW", "06", "HD", "UBKTTW", "Hướng dẫn", "Ủy ban Kiểm tra Trung ương"),
    ],
)
def test_party_symbols(text, number, type_abbr, issuer_abbr, type_name, issuer_name):
    c = one(f"theo văn bản {text} đã ban hành")
    assert c.raw == text
    assert (c.number, c.type_abbr, c.issuer_abbr, c.type_name, c.issuer_name) == (
        number,
        type_abbr,
        issuer_abbr,
        type_name,
        issuer_name,
    )


def test_symbol_abbreviation_wins_words_give_the_name():
    c = one("BTV Thành ủy đã ban hành Quyết định số 687-KH/TU về thành lập Tổ công tác")
    assert (c.raw, c.type_abbr, c.type_name) == ("Quyết định số 687-KH/TU", "KH", "Quyết định")
    assert one("Quy định số 366-QĐ/TW").type_name == "Quy định"
    assert one("Quyết định số 366-QĐ/TW").type_name == "Quyết định"


def test_tw_alone_does_not_name_the_issuer():
    assert one("Chỉ thị 05-CT/TW đã").issuer_name is None
    assert one("Chỉ thị 05-CT/TW của Ban Bí thư").issuer_name == "Ban Bí thư"
    assert issuer_name_for("TW") is None
    assert issuer_name_for("TU") is None
    assert issuer_name_for("QH15") == "Quốc hội"


def test_spacing_variants_of_party_symbols():
    assert raws("Lãnh đạo thực hiện Chỉ thị số 05-CT/ TW chưa") == ["Chỉ thị số 05-CT/ TW"]
    assert raws("Kết luận số 100 - KL/TW ngày 18/8/2014") == [
        "Kết luận số 100 - KL/TW ngày 18/8/2014"
    ]
    assert raws("ký ban hành Chỉ thị 05- CT/TW về") == ["Chỉ thị 05- CT/TW"]
    assert raws("Quyết định số 84 QĐ/TWĐTN ngày") == ["Quyết định số 84 QĐ/TWĐTN"]


def test_text_issuer_with_place_and_term():
    c = one("Nghị quyết 13-NQ/TƯ của Tỉnh ủy (khóa XIV), hệ thống")
    assert (c.raw, c.issuer_abbr, c.issuer_name) == (
        "Nghị quyết 13-NQ/TƯ của Tỉnh ủy (khóa XIV)",
        "TƯ",
        "Tỉnh ủy",
    )
    c = one("Đề án số 06-ĐA/TU của Thành ủy Hà Nội về việc")
    assert (c.raw, c.issuer_name) == ("Đề án số 06-ĐA/TU của Thành ủy Hà Nội", "Thành ủy")


def test_youth_union_bodies_are_not_the_party_centre():
    c = one("Quyết định số 1836 QĐ/TWĐTN ngày 23/6/2006 của Ban Bí thư Trung ương Đoàn về")
    assert c.raw == "Quyết định số 1836 QĐ/TWĐTN ngày 23/6/2006"
    assert c.issuer_name is None


# --------------------------------------------------------------------------------------------
# State symbols
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number", "type_abbr", "issuer_abbr", "type_name", "issuer_name"),
    [
        ("Nghị định số 30/2020/NĐ-CP", "30/2020", "NĐ", "CP", "Nghị định", "Chính phủ"),
        ("Quyết định số 1234/QĐ-UBND", "1234", "QĐ", "UBND", "Quyết định", "Ủy ban nhân dân"),
        ("Thông tư số 15/2023/TT-BNV", "15/2023", "TT", "BNV", "Thông tư", "Bộ Nội vụ"),
        ("Nghị quyết số 202/2025/QH15", "202/2025", "NQ", "QH15", "Nghị quyết", "Quốc hội"),
        (
            "Nghị quyết số 01/2021/NQ-HĐND",
            "01/2021",
            "NQ",
            "HĐND",
            "Nghị quyết",
            "Hội đồng nhân dân",
        ),
        (
            "Quyết định số 09/2015/QĐ-TTg",
            "09/2015",
            "QĐ",
            "TTg",
            "Quyết định",
            "Thủ tướng Chính phủ",
        ),
        ("Chỉ thị số 35/CT-TTg", "35", "CT", "TTg", "Chỉ thị", "Thủ tướng Chính phủ"),
        ("Tờ trình số 4857/TTr-UBND", "4857", "TTr", "UBND", "Tờ trình", "Ủy ban nhân dân"),
        ("Nghị quyết số 30c/NQ-CP", "30c", "NQ", "CP", "Nghị quyết", "Chính phủ"),
        (
            "Nghị quyết số 76/2025/UBTVQH15",
            "76/2025",
            "NQ",
            "UBTVQH15",
            "Nghị quyết",
            "Ủy ban Thường vụ Quốc hội",
        ),
        ("Luật số 63/2020/QH14", "63/2020", "L", "QH14", "Luật", "Quốc hội"),
        (
            "Thông tư liên tịch số 01/2014/TTLT-BTP-BNV",
            "01/2014",
            "TTLT",
            "BTP-BNV",
            "Thông tư liên tịch",
            None,
        ),
        ("văn bản số 4912/UBND-NC", "4912", "CV", "UBND", "Công văn", "Ủy ban nhân dân"),
        ("Tờ trình số 126/SKHĐT", "126", "TTr", "SKHĐT", "Tờ trình", None),
    ],
)
def test_state_symbols(text, number, type_abbr, issuer_abbr, type_name, issuer_name):
    c = one(f"Căn cứ {text};")
    assert c.raw == text
    assert (c.number, c.type_abbr, c.issuer_abbr, c.type_name, c.issuer_name) == (
        number,
        type_abbr,
        issuer_abbr,
        type_name,
        issuer_name,
    )


def test_state_symbol_alone_takes_its_type_from_the_abbreviation():
    c = one("Số: 30/2020/NĐ-CP\nHà Nội")
    assert (c.raw, c.type_name, c.issuer_name) == ("30/2020/NĐ-CP", "Nghị định", "Chính phủ")


def test_a_law_by_title_and_date_and_by_number():
    c = one("Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;")
    assert (c.raw, c.number, c.type_abbr, c.date) == (
        "Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015",
        None,
        "L",
        "2015-06-19",
    )
    c = one("Luật Viên chức số 129/2025/QH15 đã được Quốc hội thông qua")
    assert (c.raw, c.number, c.issuer_abbr) == (
        "Luật Viên chức số 129/2025/QH15",
        "129/2025",
        "QH15",
    )
    assert find_citations("Căn cứ Luật Khoáng sản năm 2010;") == []
    assert find_citations("Luật sư Nguyễn Văn A cho biết ngày 5/6/2020 sẽ nộp đơn") == []


def test_symbols_whose_hyphen_was_lost_in_pdf_extraction():
    c = one("Căn cứ Nghị định số 61/2018/NĐCP ngày 23 tháng 4 năm 2018 Chính phủ về")
    assert (c.number, c.type_abbr, c.issuer_abbr, c.date) == ("61/2018", "NĐ", "CP", "2018-04-23")
    assert one("Số: 1961/QĐUBND").issuer_abbr == "UBND"


def test_issuer_before_number():
    c = one("Thi hành Điều 2 Quyết định của Bộ Chính trị số 31-QĐ/TW, ngày 01/10/1997 ban hành")
    assert c.raw == "Quyết định của Bộ Chính trị số 31-QĐ/TW, ngày 01/10/1997"
    assert (c.issuer_name, c.date) == ("Bộ Chính trị", "1997-10-01")


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "date_text",
    [
        "2/8/2019",
        "02/08/2019",
        "ngày 2/8/2019",
        "ngày 02 tháng 8 năm 2019",
        "ngày 2-8-2019",
        "ngày 2.8.2019",
        ", ngày 2/8/2019",
    ],
)
def test_date_formats(date_text):
    sep = "" if date_text.startswith(",") else " "
    c = one(f"Quy định 202-QĐ/TW{sep}{date_text} của Ban Bí thư")
    assert c.date == "2019-08-02"
    assert c.raw.endswith("của Ban Bí thư")


def test_date_after_issuer_and_glued_words():
    assert one("Chỉ thị số 05-CT/TW của Bộ Chính trị ngày 15/5/2016 về").date == "2016-05-15"
    assert one("Chỉ thị số 45-CT/TW ngày22 tháng 7 năm 2010 của Bộ Chính trị").date == "2010-07-22"
    assert one("Thông báo số 70-TB/TWngày 06 tháng 01 năm 2012 của Ban Bí thư").date == "2012-01-06"


def test_invalid_or_detached_dates_are_not_attached():
    c = one("Quy định 202-QĐ/TW ngày 31/2/2019 của Ban Bí thư")
    assert (c.raw, c.date) == ("Quy định 202-QĐ/TW", None)
    c = one("Quy định 11-QĐi/TW chính thức có hiệu lực từ ngày 18/02/2019.")
    assert (c.raw, c.date) == ("Quy định 11-QĐi/TW", None)


# --------------------------------------------------------------------------------------------
# Citations without a number
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "raw", "issuer_name"),
    [
        (
            "thực hiện Nghị quyết Trung ương 4 khóa XII; về",
            "Nghị quyết Trung ương 4 khóa XII",
            "Ban Chấp hành Trung ương",
        ),
        (
            "các kế hoạch về thực hiện Nghị quyết Hội nghị Trung ương 6 khóa XII; rà soát",
            "Nghị quyết Hội nghị Trung ương 6 khóa XII",
            "Ban Chấp hành Trung ương",
        ),
        (
            "theo tinh thần Nghị quyết Hội nghị Trung ương 6, khóa XII.",
            "Nghị quyết Hội nghị Trung ương 6, khóa XII",
            "Ban Chấp hành Trung ương",
        ),
        (
            "và Nghị quyết Trung ương 4 (khóa XI) “Một số vấn đề",
            "Nghị quyết Trung ương 4 (khóa XI)",
            "Ban Chấp hành Trung ương",
        ),
        (
            "Nghị quyết Hội nghị lần thứ tư Ban Chấp hành Trung ương Đảng khóa XII về",
            "Nghị quyết Hội nghị lần thứ tư Ban Chấp hành Trung ương Đảng khóa XII",
            "Ban Chấp hành Trung ương",
        ),
        ("thắng lợi Nghị quyết Đại hội XIII của Đảng.", "Nghị quyết Đại hội XIII của Đảng", None),
        ("Nghị quyết Đại hội XIII", "Nghị quyết Đại hội XIII", None),
        (
            "thực hiện Nghị quyết Đại hội đại biểu Đảng bộ thành phố khóa XII, Chương trình",
            "Nghị quyết Đại hội đại biểu Đảng bộ thành phố khóa XII",
            None,
        ),
        (
            "Nghị quyết Đại hội đại biểu Đảng bộ tỉnh Tiền Giang lần thứ XI, nhiệm kỳ 2020 - 2025 đã",
            "Nghị quyết Đại hội đại biểu Đảng bộ tỉnh Tiền Giang lần thứ XI, nhiệm kỳ 2020 - 2025",
            None,
        ),
        (
            "Kết luận Hội nghị lần thứ 4 Ban Chấp hành Trung ương Đảng khóa XIII",
            "Kết luận Hội nghị lần thứ 4 Ban Chấp hành Trung ương Đảng khóa XIII",
            "Ban Chấp hành Trung ương",
        ),
    ],
)
def test_numberless_citations(text, raw, issuer_name):
    c = one(text)
    assert (c.raw, c.number, c.issuer_name) == (raw, None, issuer_name)
    assert (c.type_abbr, c.type_name) in (("NQ", "Nghị quyết"), ("KL", "Kết luận"))
    assert text[c.start : c.end] == raw


def test_bare_numbers_after_a_type():
    assert [
        (c.raw, c.number) for c in find_citations("So với Quy định 124, Quy định 366 đã mở rộng")
    ] == [
        ("Quy định 124", "124"),
        ("Quy định 366", "366"),
    ]
    assert one("thực hiện Nghị quyết số 57.").number == "57"
    assert (
        one("Nghị quyết 18 ngày 25/10/2017 của Ban Chấp hành Trung ương Đảng").date == "2017-10-25"
    )
    assert one("Kế hoạch số 12 của Huyện ủy").issuer_abbr == "HU"


# --------------------------------------------------------------------------------------------
# Unicode
# --------------------------------------------------------------------------------------------


def test_decomposed_text_keeps_offsets_into_the_original():
    nfc = "Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị về đẩy mạnh"
    nfd = unicodedata.normalize("NFD", nfc)
    assert len(nfd) > len(nfc)
    c = one(nfd)
    assert nfd[c.start : c.end] == c.raw
    assert (
        unicodedata.normalize("NFC", c.raw) == "Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị"
    )
    assert (c.type_name, c.issuer_name, c.date) == ("Chỉ thị", "Bộ Chính trị", "2016-05-15")


def test_mixed_nfc_and_nfd_in_one_text():
    text = "Nghị định số 30/2020/NĐ-CP và " + unicodedata.normalize(
        "NFD", "Quyết định số 123-QĐ/ĐU của Đảng ủy phường"
    )
    first, second = find_citations(text)
    assert first.raw == "Nghị định số 30/2020/NĐ-CP"
    assert text[second.start : second.end] == second.raw
    assert (second.type_abbr, second.issuer_abbr, second.issuer_name) == ("QĐ", "ĐU", "Đảng ủy")


@pytest.mark.parametrize("d", ["Ð", "Ɖ"])
def test_d_lookalikes(d):
    c = one(f"Quy định 202-Q{d}/TW, ngày 2/8/2019 của Ban Bí thư")
    assert c.raw == f"Quy định 202-Q{d}/TW, ngày 2/8/2019 của Ban Bí thư"
    assert (c.type_abbr, c.issuer_name) == ("QĐ", "Ban Bí thư")
    c = one(f"Quyết định 77-Q{d}/{d}U của {d}ảng ủy")
    assert (c.type_abbr, c.issuer_abbr, c.issuer_name) == ("QĐ", "ĐU", "Đảng ủy")
    for low in ("ð", "ɖ"):
        assert one(f"Quy {low}ịnh số 366-QĐ/TW").type_name == "Quy định"


def test_old_tone_placement():
    c = one("Nghị quyết Trung ương 4 khoá XII")
    assert c.raw == "Nghị quyết Trung ương 4 khoá XII"
    assert (
        one("Kế hoạch số 25-KH/TU của Ban Thường vụ Tỉnh uỷ").issuer_name == "Ban Thường vụ Tỉnh ủy"
    )


# --------------------------------------------------------------------------------------------
# No false positives
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ngày cập nhật: 02/07/2020 14:28:39",
        "Điện thoại: (028) 3930 3279 (06 lines)",
        "Hotline 0913-123-456, fax 0233.3852.123",
        "Hội đồng nhân dân tỉnh Quảng Trị khóa VIII đã bế mạc",
        "khóa XII",
        "đạt 12,06%/năm, thu ngân sách 45.799/36.875 tỷ đồng",
        "ban hành 2 nghị quyết, 11 chỉ thị, 7 chương trình hành động, 132 kế hoạch, 8 quy chế",
        "triển khai thực hiện Nghị quyết Đại hội đến toàn thể cán bộ",
        "bổ sung Chương trình hành động thực hiện Nghị quyết Đại hội Đảng các cấp",
        "Kế hoạch 5 năm 2021-2025 và quý II/2024",
        "Quyết định số: /QĐ-STNMT ngày tháng năm 2021",
        "Bài đăng trên Tạp chí Lý luận chính trị số 529 (3-2022)",
        "Quốc lộ 1A, Điều 5, khoản 2, 05-2020, 12/2020, V/v",
        "Nghị quyết về việc sắp xếp đơn vị hành chính cấp tỉnh năm 2025",
        "quán triệt các nghị quyết Trung ương năm 2020 và Hội nghị Trung ương lần thứ 4",
    ],
)
def test_no_false_positives(text):
    assert find_citations(text) == []


def test_several_citations_in_one_sentence():
    text = (
        "Kết luận số 100 - KL/TW ngày 18/8/2014 của Ban Bí thư, Kế hoạch số 25-KH/TU ngày 30/11/2016 "
        "của Ban Thường vụ Tỉnh ủy thực hiện Kết luận số 100-KL/TW của Ban Bí thư và Kết luận số "
        "111-KL/TU ngày 14/8/2017 của Ban Thường vụ Tỉnh ủy về"
    )
    found = find_citations(text)
    assert [c.number for c in found] == ["100", "25", "100", "111"]
    assert [c.issuer_name for c in found] == [
        "Ban Bí thư",
        "Ban Thường vụ Tỉnh ủy",
        "Ban Bí thư",
        "Ban Thường vụ Tỉnh ủy",
    ]
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


def test_normalize_number():
    assert normalize_number("05") == "5"
    assert normalize_number("030/2020") == "30/2020"
    assert normalize_number("30C") == "30c"
    assert normalize_number("0") == "0"


# --------------------------------------------------------------------------------------------
# The CLI and the Django-free import
# --------------------------------------------------------------------------------------------


def _env_without_django() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(REPO)
    return env


def test_cli_prints_one_json_object_per_citation():
    text = "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ; thực hiện Nghị quyết Trung ương 4 khóa XII.\n"
    proc = subprocess.run(
        [sys.executable, "-m", "dangbo.documents.citations"],
        input=text.encode("utf-8"),
        capture_output=True,
        env=_env_without_django(),
        cwd=REPO,
        timeout=60,
        check=True,
    )
    out = proc.stdout.decode("utf-8")
    assert "\\u" not in out  # ensure_ascii=False
    rows = [json.loads(line) for line in out.splitlines()]
    assert [list(r) for r in rows] == [FIELDS, FIELDS]
    assert rows[0] == {
        "raw": "Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ",
        "start": 7,
        "end": 62,
        "number": "30/2020",
        "type_abbr": "NĐ",
        "issuer_abbr": "CP",
        "type_name": "Nghị định",
        "date": "2020-03-05",
        "issuer_name": "Chính phủ",
    }
    assert rows[1]["raw"] == "Nghị quyết Trung ương 4 khóa XII"
    for r in rows:
        assert text[r["start"] : r["end"]] == r["raw"]


def test_cli_on_empty_input():
    proc = subprocess.run(
        [sys.executable, "-m", "dangbo.documents.citations"],
        input=b"",
        capture_output=True,
        env=_env_without_django(),
        cwd=REPO,
        timeout=60,
        check=True,
    )
    assert proc.stdout == b""


def test_module_imports_without_django():
    code = "import sys, dangbo.documents.citations as c; c.find_citations('Chỉ thị 05-CT/TW'); print('django' in sys.modules)"
    proc = subprocess.run(  # noqa: S603 - our own interpreter and a literal snippet
        [sys.executable, "-c", code],
        capture_output=True,
        env=_env_without_django(),
        cwd=REPO,
        timeout=60,
        check=True,
    )
    assert proc.stdout.strip() == b"False"


# --------------------------------------------------------------------------------------------
# The corpus of real sentences
# --------------------------------------------------------------------------------------------


def test_corpus_is_well_formed_and_large_enough():
    corpus = load_corpus()
    assert len(corpus) >= 150
    for row in corpus:
        assert set(row) - {"parser_revision"} == {"text", "expected", "source"}
        assert row["source"]
        for exp in row["expected"]:
            assert list(exp) == FIELDS
            assert row["text"][exp["start"] : exp["end"]] == exp["raw"]
    expected = [e for row in corpus for e in row["expected"]]
    negatives = [row for row in corpus if not row["expected"]]
    numberless = [e for e in expected if e["number"] is None]
    state = [
        row
        for row in corpus
        if any(
            "/" in (e["number"] or "")
            or "-" in (e["issuer_abbr"] or "")
            or e["issuer_abbr"] in ("UBND", "CP", "TTg", "HĐND", "BNV", "SXD", "SCT", "SKHĐT", "UB")
            for e in row["expected"]
        )
    ]
    long_dates = [e for e in expected if e["date"] and "tháng" in e["raw"].lower()]
    unicode_variants = [
        row
        for row in corpus
        if row["text"] != unicodedata.normalize("NFC", row["text"])
        or any(ch in row["text"] for ch in "ÐƉðɖ")
    ]
    several = [row for row in corpus if len(row["expected"]) >= 2]
    assert len(negatives) >= 15
    assert len(numberless) >= 15
    assert len(state) >= 25
    assert len(long_dates) >= 10
    assert len(unicode_variants) >= 10
    assert len(several) >= 15


def test_corpus_exact_match_rate(record_property):
    corpus = load_corpus()
    misses = []
    for i, row in enumerate(corpus, 1):
        got = [c.as_dict() for c in find_citations(row["text"])]
        if got != row["expected"]:
            misses.append((i, row["text"][:80], got, row["expected"]))
    exact = len(corpus) - len(misses)
    rate = 100.0 * exact / len(corpus)
    line = f"citations corpus: {exact}/{len(corpus)} exact ({rate:.1f} %)"
    record_property(CORPUS_PROPERTY, line)
    print(line)
    for i, text, got, want in misses:
        print(f"  line {i}: {text!r}\n    got:  {got}\n    want: {want}")
    assert rate >= 95.0, line


def test_corpus_figure_on_sentences_added_since_the_parser_last_changed(record_property):
    """The honest figure: sentences added after the parser's last change (its
    ``PARSER_REVISION``), which no fix has seen. Revision 1 rows (72-NQ-TW, HD12-HD/BTCTW,
    "…; số 83/2015/QH13") scored 0/3 before revision 2 fixed them. Revision 2 rows (six
    sentences with numberless citations, issue 11) scored 4/6 before revision 3 read "Ban Chấp
    hành T.Ư"; the fifth ("Nghị quyết Đại hội Đại hội đại biểu…", a doubled word) is still missed.
    Revision 3 rows were added after that change."""
    from dangbo.documents.citations import PARSER_REVISION

    fresh = [row for row in load_corpus() if row.get("parser_revision") == PARSER_REVISION]
    exact = sum([c.as_dict() for c in find_citations(row["text"])] == row["expected"] for row in fresh)
    line = (
        f"citations corpus, sentences added since the parser last changed (revision {PARSER_REVISION}): "
        + (f"{exact}/{len(fresh)} exact" if fresh else "none yet")
    )
    record_property(CORPUS_PROPERTY, line)
    print(line)
    assert all(row.get("parser_revision", 0) <= PARSER_REVISION for row in load_corpus())


def test_every_corpus_citation_has_consistent_offsets():
    for row in load_corpus():
        for c in find_citations(row["text"]):
            assert row["text"][c.start : c.end] == c.raw
            assert c.raw == c.raw.strip() and c.raw


def test_nfd_copies_of_the_corpus_give_the_same_citations():
    for row in load_corpus():
        text = unicodedata.normalize("NFC", row["text"])
        decomposed = unicodedata.normalize("NFD", text)
        composed = find_citations(text)
        nfd = find_citations(decomposed)
        assert [dict(c.as_dict(), raw=None, start=None, end=None) for c in nfd] == [
            dict(c.as_dict(), raw=None, start=None, end=None) for c in composed
        ]
        for a, b in zip(composed, nfd, strict=True):
            assert unicodedata.normalize("NFC", b.raw) == a.raw


# --------------------------------------------------------------------------------------------
# Speed and robustness
# --------------------------------------------------------------------------------------------


def _cpu_seconds(text: str) -> float:
    t0 = time.process_time()
    find_citations(text)
    return time.process_time() - t0


def test_one_megabyte_of_real_text_is_fast():
    sentences = "\n".join(row["text"] for row in load_corpus())
    text = (sentences * (1_000_000 // len(sentences) + 1))[:1_000_000]
    assert _cpu_seconds(text) < 1.0


@pytest.mark.parametrize(
    "text",
    [
        "1" * 1_000_000,
        "1-" * 500_000,
        "1/" * 500_000,
        "05-CT/TW " * 110_000,
        "Nghị quyết " * 90_000,
        "Nghị quyết Trung ương " * 45_000,
        ("Luật " + "a " * 60) * 8_000,
        "Nghị quyết Đại hội đại biểu Đảng bộ tỉnh A B C D E F G " * 17_000,
        "05-CT/TW của Tỉnh ủy A B C D E F G H " * 25_000,
        "ngày 1/1/2000 " * 70_000,
        unicodedata.normalize("NFD", "Chỉ thị số 05-CT/TW của Bộ Chính trị khóa XII ") * 20_000,
        "\u0301" * 500_000,
    ],
)
def test_adversarial_megabyte_has_no_catastrophic_backtracking(text):
    assert _cpu_seconds(text) < 2.0


_ALPHABET = st.sampled_from(
    list("0123456789/-.,:;() \n")
    + list(
        "NghịquyếtChỉthịsốQĐiTWTUKHHDBTCTWCPUBNDHĐNDQHLuậtngàythángnămcủaBộChínhtrịBanBíthưkhóaXIVĐảngbộ"
    )
    + [
        "Ð",
        "Ɖ",
        "ð",
        "ɖ",
        "\u0301",
        "\u0323",
        "\u0309",
        "\u031b",
        "\u00a0",
        "–",
        "Ư",
        "ư",
        "ủ",
        "Ủ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.text(_ALPHABET, max_size=200) | st.text(max_size=200))
def test_find_citations_never_raises_and_offsets_are_consistent(text):
    found = find_citations(text)
    last_end = 0
    for c in found:
        assert 0 <= c.start < c.end <= len(text)
        assert text[c.start : c.end] == c.raw
        assert c.start >= last_end
        last_end = c.end
        assert c.type_abbr and c.type_name
        json.dumps(c.as_dict(), ensure_ascii=False)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Nghị quyết Trung ương 4 khóa XII", ("TW", False, 4, "XII")),
        ("Nghị quyết Hội nghị lần thứ tư Ban Chấp hành Trung ương Đảng khóa XII về xây dựng Đảng", ("TW", False, 4, "XII")),
        ("Nghị quyết TW 7 khoá 12", ("TW", False, 7, "XII")),
        ("Nghị quyết Đại hội XVI Đảng bộ thành phố", ("thành phố", True, None, "XVI")),
        ("Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XVII", ("tỉnh", True, None, "XVII")),
        ("Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng", ("TW", True, None, "XIII")),
        ("Nghị quyết Trung ương 4 (khóa XI, XII)", ("TW", False, 4, None)),  # two terms: no one document
        ("Nghị quyết Trung ương 4", ("TW", False, 4, None)),
    ],
)
def test_the_conference_a_numberless_citation_names(raw, key):
    from dangbo.documents.citations import conference_of

    found = conference_of(raw)
    assert found is not None
    assert (found.level, found.congress, found.plenum, found.ordinal) == key


def test_a_text_naming_no_conference_has_none():
    from dangbo.documents.citations import conference_of

    assert conference_of("Nghị quyết về tăng cường công tác dân vận") is None
