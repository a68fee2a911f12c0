"""The criteria sets installed with the system (data, not code).

The local 100-point frame for scoring each cell meeting, built on the quality criteria of
Hướng dẫn 12-HD/BTCTW (06/7/2018) and the point weights of a local frame (Đảng ủy Khối
Bình Thuận): Tốt ≥ 90 with full marks on attendance, duration, members speaking and the
minutes; Khá 70–<90; Trung bình 50–<70; Kém < 50. Version 2 follows Hướng dẫn
42-HD/BTCTW (28/10/2025): at least 120 minutes when the regular and thematic meetings are
combined, documents posted on the Sổ tay đảng viên điện tử a day before.

Installed by a data migration; a committee changes it by adding a new version (the pages
under ``/sinh-hoat/tieu-chi/``), never by editing a version that scores already use.
"""

from __future__ import annotations

import datetime as dt

CODE = "khung-100"
NAME = "Khung điểm đánh giá chất lượng buổi sinh hoạt chi bộ (100 điểm)"

# section title, [(code, title, max points, required for Tốt, auto, guidance)]
_SECTIONS_V1 = [
    (
        "I. Duy trì sinh hoạt và tỷ lệ đảng viên dự",
        [
            ("1", "Tỷ lệ đảng viên dự sinh hoạt trên 85%, không có đảng viên vắng mặt không lý do", 10, True, "attendance",
             "Đủ 10 điểm khi tỷ lệ dự trên 85% và không có ai vắng không lý do; trừ 5 điểm mỗi trường hợp vắng không lý do."),
            ("2", "Không có đảng viên vắng mặt có lý do quá 3 lần liên tiếp trong năm", 5, False, "",
             "Không tính đảng viên được miễn sinh hoạt và đảng viên làm nhiệm vụ đặc biệt."),
            ("3", "Sinh hoạt đúng kỳ, đúng thời gian, địa điểm đã thông báo", 5, False, "",
             "Trừ 2 điểm nếu khai mạc muộn quá 15 phút."),
        ],
    ),
    (
        "II. Công tác chuẩn bị",
        [
            ("4", "Bí thư hoặc phó bí thư chuẩn bị nội dung; chi ủy họp trước để thống nhất nội dung", 8, False, "",
             "Có biên bản họp chi ủy hoặc ghi nhận trong sổ biên bản."),
            ("5", "Nội dung đúng, đủ theo hướng dẫn của cấp ủy cấp trên; có dự thảo nghị quyết", 7, False, "", ""),
            ("6", "Thông báo thời gian, địa điểm, nội dung đến đảng viên và cấp ủy viên cấp trên theo dõi chi bộ", 5, False, "", ""),
        ],
    ),
    (
        "III. Tổ chức sinh hoạt",
        [
            ("7", "Thời lượng sinh hoạt ít nhất 90 phút", 10, True, "duration",
             "Không đủ 90 phút: 0 điểm."),
            ("8", "Tiến hành đúng trình tự, đủ nội dung; gắn với sinh hoạt dưới cờ, chuyên đề, diễn đàn", 8, False, "", ""),
            ("9", "Nhiều đảng viên phát biểu, đóng góp ý kiến xây dựng nghị quyết", 10, True, "",
             "Đủ 10 điểm khi từ một phần ba số đảng viên dự trở lên phát biểu."),
            ("10", "Biểu dương, nhắc nhở, phê bình đảng viên; thực hiện tự phê bình và phê bình", 6, False, "", ""),
            ("11", "Biên bản ghi đầy đủ, rõ ràng diễn biến và kết luận; sổ biên bản được lưu giữ", 6, True, "", ""),
        ],
    ),
    (
        "IV. Nguyên tắc và kết quả thực hiện",
        [
            ("12", "Thực hiện đúng nguyên tắc tổ chức và sinh hoạt Đảng, nhất là tập trung dân chủ", 10, False, "", ""),
            ("13", "Kết luận, nghị quyết của chi bộ được triển khai và thực hiện có kết quả", 10, False, "",
             "Đánh giá qua việc thực hiện nghị quyết tháng trước."),
        ],
    ),
]

_V2_CHANGES = {
    "6": ("Thông báo thời gian, địa điểm, nội dung đến đảng viên và cấp ủy viên cấp trên theo dõi chi bộ; "
          "tài liệu đăng trên Sổ tay đảng viên điện tử trước ít nhất 1 ngày", None),
    "7": ("Thời lượng sinh hoạt ít nhất 90 phút (ít nhất 120 phút khi kết hợp sinh hoạt thường kỳ và chuyên đề)",
          "Không đủ thời lượng tối thiểu: 0 điểm."),
}

THRESHOLDS = [
    # code, name, from points, needs full marks, rank
    ("tot", "Tốt", 90, True, 1),
    ("kha", "Khá", 70, False, 2),
    ("trung-binh", "Trung bình", 50, False, 3),
    ("kem", "Kém", 0, False, 4),
]

VERSIONS = [
    # version, effective from, effective to, source document
    (1, dt.date(2018, 7, 6), dt.date(2025, 10, 27),
     "Hướng dẫn 12-HD/BTCTW ngày 06/7/2018 của Ban Tổ chức Trung ương; khung điểm địa phương"),
    (2, dt.date(2025, 10, 28), None,
     "Hướng dẫn 42-HD/BTCTW ngày 28/10/2025 của Ban Tổ chức Trung ương; khung điểm địa phương"),
]


def sections(version: int) -> list[tuple[str, list[tuple]]]:
    result = []
    for title, criteria in _SECTIONS_V1:
        rows = []
        for code, text, points, required, auto, guidance in criteria:
            if version >= 2 and code in _V2_CHANGES:
                new_text, new_guidance = _V2_CHANGES[code]
                text, guidance = new_text, new_guidance if new_guidance is not None else guidance
            rows.append((code, text, points, required, auto, guidance))
        result.append((title, rows))
    return result


def install(apps) -> None:
    """Create the versions that are missing (safe to run again; never edits a version)."""
    CriteriaSet = apps.get_model("meetings", "CriteriaSet")
    CriteriaSection = apps.get_model("meetings", "CriteriaSection")
    Criterion = apps.get_model("meetings", "Criterion")
    GradeThreshold = apps.get_model("meetings", "GradeThreshold")
    for version, start, end, source in VERSIONS:
        if CriteriaSet.objects.filter(code=CODE, version=version).exists():
            continue
        criteria_set = CriteriaSet.objects.create(
            code=CODE, version=version, name=NAME, source_document=source, effective_from=start, effective_to=end
        )
        order = 0
        for s_order, (title, rows) in enumerate(sections(version), start=1):
            section = CriteriaSection.objects.create(criteria_set=criteria_set, order=s_order, title=title)
            for code, text, points, required, auto, guidance in rows:
                order += 1
                Criterion.objects.create(
                    criteria_set=criteria_set, section=section, order=order, code=code, title=text,
                    guidance=guidance, max_points=points, required_for_top=required, auto=auto,
                )
        for code, name, points, full, rank in THRESHOLDS:
            GradeThreshold.objects.create(
                criteria_set=criteria_set, code=code, name=name, min_points=points,
                requires_full_marks=full, rank=rank,
            )
