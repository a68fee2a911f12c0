"""The rating rules installed with the system: data, not code.

Each rule version names its source document and the years it governs; its grade bands,
hard gates, quotas, pre-fill weights and rater levels are plain data that
``dangbo.people.ratings.rules`` reads. A new regulation is a new entry here and a data
migration that calls :func:`install` again (or an edit of the rows in the database).

Gate tests (``test``) are the few kinds of condition the engine knows:

* ``discipline`` — the subject was disciplined in the year;
* ``sub_discipline`` — a member or a sub-unit of the organisation was disciplined in the year;
* ``rate_below`` — the figure ``figure`` (done / on time / exceeded…) is under ``share`` of the
  tasks; ``missing_blocks`` says whether no evidence at all blocks too;
* ``members_below`` / ``subunits_below`` — under ``share`` of the organisation's members
  (sub-units) are rated ``grade`` or better.

A gate's ``subjects`` name whom it applies to: ``person`` (a member), ``unit`` (an
organisation) and ``leader`` (a person rated as the leader or manager of a unit: their
task-result figures are those of the unit they lead and every unit below it).

Sources: research notes in ``shared/research/domain-vn.md`` §1a.
"""

from __future__ import annotations

import datetime as dt

SOURCE_124 = "Quy định 124-QĐ/TW ngày 04/10/2023 của Bộ Chính trị"
SOURCE_366 = "Quy định 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị"
SOURCE_21HD = "Hướng dẫn 21-HD/BTCTW ngày 18/10/2019 (điều kiện với đảng viên và tổ chức trực thuộc)"

GRADES_124 = [
    {"code": "xuat_sac", "label": "Hoàn thành xuất sắc nhiệm vụ", "short": "Xuất sắc", "rank": 4, "min_points": None},
    {"code": "tot", "label": "Hoàn thành tốt nhiệm vụ", "short": "Tốt", "rank": 3, "min_points": None},
    {"code": "hoan_thanh", "label": "Hoàn thành nhiệm vụ", "short": "Hoàn thành", "rank": 2, "min_points": None},
    {"code": "khong_hoan_thanh", "label": "Không hoàn thành nhiệm vụ", "short": "Không hoàn thành", "rank": 1,
     "min_points": None},
]
GRADES_366 = [
    {"code": "xuat_sac", "label": "Hoàn thành xuất sắc nhiệm vụ", "short": "Xuất sắc", "rank": 4, "min_points": 90},
    {"code": "tot", "label": "Hoàn thành tốt nhiệm vụ", "short": "Tốt", "rank": 3, "min_points": 70},
    {"code": "hoan_thanh", "label": "Hoàn thành nhiệm vụ", "short": "Hoàn thành", "rank": 2, "min_points": 50},
    {"code": "khong_hoan_thanh", "label": "Không hoàn thành nhiệm vụ", "short": "Không hoàn thành", "rank": 1,
     "min_points": 0},
]

SOURCE_366_LEADERS = SOURCE_366 + ", Điều 11 (cán bộ lãnh đạo, quản lý các cấp)"

#: 366-QĐ/TW's conditions for leaders and managers at all levels (Điều 11): the units they
#: lead complete 100 % of their tasks and at least 30 % exceed the requirement (Xuất sắc);
#: 100 % of the tasks done on time (Tốt, and so Xuất sắc). Their other conditions (the
#: shortcomings noted before all fixed; who counts as "Hoàn thành") are not encoded: the
#: research could not confirm them.
LEADER_GATES_366 = [
    {"code": "leader-done", "test": "rate_below", "figure": "tasks_done", "share": 1.0, "missing_blocks": False,
     "subjects": ["leader"], "blocks": ["xuat_sac"],
     "message": "đơn vị lãnh đạo, quản lý chưa hoàn thành 100% nhiệm vụ", "source": SOURCE_366_LEADERS},
    {"code": "leader-exceeded-30", "test": "rate_below", "figure": "tasks_exceeded", "share": 0.3,
     "missing_blocks": True, "subjects": ["leader"], "blocks": ["xuat_sac"],
     "message": "dưới 30% nhiệm vụ của đơn vị lãnh đạo, quản lý vượt yêu cầu", "source": SOURCE_366_LEADERS},
    {"code": "leader-on-time", "test": "rate_below", "figure": "tasks_on_time", "share": 1.0,
     "missing_blocks": False, "subjects": ["leader"], "blocks": ["xuat_sac", "tot"],
     "message": "đơn vị lãnh đạo, quản lý chưa hoàn thành 100% nhiệm vụ đúng hạn", "source": SOURCE_366_LEADERS},
]

ORG_CONDITIONS = [
    {"code": "members-ht", "test": "members_below", "grade": "hoan_thanh", "share": 1.0, "subjects": ["unit"],
     "blocks": ["xuat_sac"], "message": "chưa đủ 100% đảng viên hoàn thành nhiệm vụ trở lên", "source": SOURCE_21HD},
    {"code": "members-tot", "test": "members_below", "grade": "tot", "share": 0.8, "subjects": ["unit"],
     "blocks": ["xuat_sac"], "message": "dưới 80% đảng viên hoàn thành tốt nhiệm vụ trở lên", "source": SOURCE_21HD},
    {"code": "subunits-ht", "test": "subunits_below", "grade": "hoan_thanh", "share": 1.0, "subjects": ["unit"],
     "blocks": ["xuat_sac"], "message": "chưa đủ 100% tổ chức trực thuộc hoàn thành nhiệm vụ trở lên",
     "source": SOURCE_21HD},
    {"code": "subunits-tot", "test": "subunits_below", "grade": "tot", "share": 0.8, "subjects": ["unit"],
     "blocks": ["xuat_sac"], "message": "dưới 80% tổ chức trực thuộc hoàn thành tốt nhiệm vụ trở lên",
     "source": SOURCE_21HD},
]

RULES = [
    {
        "code": "124-QD-TW",
        "name": "Kiểm điểm, đánh giá, xếp loại chất lượng hằng năm (124-QĐ/TW)",
        "source": SOURCE_124,
        "source_url": "https://xaydungchinhsach.chinhphu.vn/print/quy-dinh-124-qd-tw-cac-truong-hop-tap-the-"
        "ca-nhan-duoc-xep-loai-khong-hoan-thanh-nhiem-vu-119231009165620474.htm",
        "valid_from": dt.date(2023, 1, 1),
        "valid_to": dt.date(2024, 12, 31),
        "points_max": None,
        "general_max": None,
        "task_max": None,
        "grades": GRADES_124,
        "gates": [
            {"code": "discipline", "test": "discipline", "subjects": ["person", "unit"],
             "blocks": ["xuat_sac", "tot", "hoan_thanh"], "message": "bị kỷ luật năm {year}", "source": SOURCE_124},
            {"code": "targets", "test": "rate_below", "figure": "tasks_done", "share": 0.5, "missing_blocks": False,
             "subjects": ["person", "unit"], "blocks": ["xuat_sac", "tot", "hoan_thanh"],
             "message": "hoàn thành dưới 50% chỉ tiêu, nhiệm vụ", "source": SOURCE_124},
            {"code": "sub-discipline", "test": "sub_discipline", "subjects": ["unit"], "blocks": ["xuat_sac"],
             "message": "có đảng viên hoặc tổ chức trực thuộc bị kỷ luật năm {year}", "source": SOURCE_124},
            *ORG_CONDITIONS,
        ],
        "quotas": [
            {"code": "xs-20", "grade": "xuat_sac", "of": "tot", "share": 0.2, "subjects": ["person"], "hard": False,
             "message": "số Xuất sắc không vượt quá 20% số Tốt", "source": SOURCE_21HD},
        ],
        "prefill": {"task": []},
        "levels": {"person": ["self", "cell", "ward"], "unit": ["self", "ward", "city"]},
    },
    {
        "code": "366-QD-TW",
        "name": "Kiểm điểm, đánh giá, xếp loại chất lượng theo thang điểm 100 (366-QĐ/TW)",
        "source": SOURCE_366,
        "source_url": "https://news.laodong.vn/thoi-su/quy-dinh-moi-cua-bo-chinh-tri-ve-kiem-diem-danh-gia-"
        "xep-loai-tap-the-ca-nhan-1577427.ldo",
        "valid_from": dt.date(2025, 1, 1),
        "valid_to": None,
        "points_max": 100,
        "general_max": 30,
        "task_max": 70,
        "grades": GRADES_366,
        "gates": [
            {"code": "discipline", "test": "discipline", "subjects": ["person", "unit"], "blocks": ["xuat_sac"],
             "message": "bị kỷ luật năm {year}", "source": SOURCE_366},
            {"code": "exceeded-30", "test": "rate_below", "figure": "tasks_exceeded", "share": 0.3,
             "missing_blocks": True, "subjects": ["person", "unit"], "blocks": ["xuat_sac"],
             "message": "dưới 30% nhiệm vụ vượt yêu cầu", "source": SOURCE_366},
            {"code": "on-time", "test": "rate_below", "figure": "tasks_on_time", "share": 1.0,
             "missing_blocks": False, "subjects": ["person", "unit"], "blocks": ["xuat_sac", "tot"],
             "message": "chưa hoàn thành 100% nhiệm vụ đúng hạn", "source": SOURCE_366},
            {"code": "sub-discipline", "test": "sub_discipline", "subjects": ["unit"], "blocks": ["xuat_sac"],
             "message": "có đảng viên hoặc tổ chức trực thuộc bị kỷ luật năm {year}", "source": SOURCE_366},
            *ORG_CONDITIONS,
            *LEADER_GATES_366,
        ],
        "quotas": [
            {"code": "xs-20", "grade": "xuat_sac", "of": "tot", "share": 0.2, "subjects": ["person"], "hard": False,
             "message": "số Xuất sắc không vượt quá 20% số Tốt (chưa rõ có áp dụng với 366-QĐ/TW)",
             "source": "Nghị định 335/2025/NĐ-CP (công chức); " + SOURCE_21HD},
        ],
        # The task-results part (70 points) pre-filled from the evidence: each figure's rate times
        # its points; a figure without evidence passes its points to the others.
        "prefill": {"task": [
            {"figure": "tasks_done", "points": 25},
            {"figure": "tasks_on_time", "points": 20},
            {"figure": "attendance", "points": 15},
            {"figure": "commitments", "points": 10},
        ]},
        # A leader rates themselves, then the committee above the unit they lead (the nearest
        # of these levels above it) rates them: a cell's leaders by the ward, a ward's by the city.
        "levels": {"person": ["self", "cell", "ward"], "unit": ["self", "ward", "city"],
                   "leader": ["self", "ward", "city"]},
    },
]


def install(apps) -> None:
    """Create or update the rule versions (safe to run again)."""
    RuleVersion = apps.get_model("people", "RuleVersion")
    for rule in RULES:
        RuleVersion.objects.update_or_create(code=rule["code"], defaults={k: v for k, v in rule.items() if k != "code"})
