"""Citizens' cases for the Đông Hà demo: a modest set received by the city and its wards from
2024 to today, of every kind and channel; most acknowledged and answered, some acknowledged
late, some still open (a few overdue), a few denunciations with protected denouncers, and
some made tasks of the wards.

Everything goes through the services with historical dates. ``load(today=...)`` is
idempotent: once the city's units have cases, nothing is added.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from dangbo.core import workdays
from dangbo.orgs.demo import dongha
from dangbo.orgs.models import Unit

from . import services
from .models import Case

SEED = 20191118
PER_WARD = 12
START = dt.date(2024, 1, 8)

SUBJECTS = [
    ("phan_anh", "Đèn chiếu sáng trên đường {street} hỏng nhiều tuần, đề nghị sửa chữa."),
    ("phan_anh", "Rác thải tập kết không đúng nơi quy định tại khu phố {kp}, gây ô nhiễm."),
    ("kien_nghi", "Đề nghị nâng cấp mương thoát nước khu phố {kp} trước mùa mưa bão."),
    ("kien_nghi", "Kiến nghị bố trí thêm thời gian tiếp nhận hồ sơ một cửa vào sáng thứ Bảy."),
    ("y_kien", "Ý kiến về việc tổ chức sinh hoạt chi bộ khu phố {kp} vào buổi tối để đảng viên tham dự đông đủ."),
    ("khieu_nai", "Khiếu nại việc xác định ranh giới thửa đất tại khu phố {kp} khi làm đường {street}."),
    ("khieu_nai", "Khiếu nại mức hỗ trợ giải phóng mặt bằng dự án mở rộng đường {street}."),
    ("to_cao", "Tố cáo cán bộ khu phố {kp} có dấu hiệu vụ lợi trong xét duyệt hộ cận nghèo."),
]
STREETS = ["Lê Lợi", "Hùng Vương", "Trần Hưng Đạo", "Nguyễn Trãi", "Lê Duẩn", "Quốc lộ 9"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Hồ", "Đặng"]
GIVEN = ["Văn Hùng", "Thị Lan", "Văn Nam", "Thị Hoa", "Đình Phúc", "Thị Mai", "Quang Vinh", "Thị Thu"]
ANSWERS = [
    "Đã phối hợp với UBND phường khắc phục xong; kết quả đã thông báo tới công dân.",
    "Đã kiểm tra thực tế, giao khu phố và tổ dân phố thực hiện; dự kiến hoàn thành trong quý.",
    "Qua xác minh, nội dung phản ánh đúng một phần; đã chấn chỉnh và báo cáo cấp ủy.",
]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"


def load(*, today: dt.date) -> dict[str, int]:
    """Add the demo cases (once, if the city is loaded); returns what was created."""
    city = Unit.objects.filter(code=dongha.CITY[0]).first()
    if city is None or Case.objects.filter(unit__path__startswith=city.path).exists():
        return {}
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    units = [city] + [
        u for code, _n, _s in dongha.WARDS
        if (u := Unit.objects.filter(code=f"{dongha.CITY[0]}-{code}").first()) is not None
    ]
    counts = {"cases": 0, "answered": 0, "late": 0, "open": 0, "tasks": 0}
    span = (today - START).days
    calendar = workdays.WorkCalendar()
    with transaction.atomic():
        for unit in units:
            for i in range(PER_WARD):
                kind, text = rng.choice(SUBJECTS)
                received = START + dt.timedelta(days=rng.randint(0, max(span - 1, 0)))
                if not calendar.is_working_day(received):
                    received = calendar.add(received, 1)
                if received > today:
                    continue
                people = [{"name": _name(rng), "address": f"Khu phố {rng.randint(1, 9)}, {unit.name}",
                           "phone": f"09{rng.randint(10_000_000, 99_999_999)}"}]
                if kind == "kien_nghi" and i % 4 == 0:  # a collective case
                    people += [{"name": _name(rng), "address": people[0]["address"]} for _ in range(3)]
                case = services.case_create(
                    actor=None, unit=unit, kind=kind, received_on=received, petitioners=people,
                    channel=rng.choice(Case.Channel.values),
                    content=text.format(street=rng.choice(STREETS), kp=rng.randint(1, 9)),
                )
                counts["cases"] += 1
                age = calendar.between(received, today)
                if age < 4 or rng.random() < 0.08:  # fresh, or left open (soon overdue)
                    counts["open"] += 1
                    continue
                late = rng.random() < 0.2
                ack_on = calendar.add(received, rng.randint(11, 16) if late else rng.randint(1, 9))
                if ack_on > today:
                    counts["open"] += 1
                    continue
                counts["late"] += late
                outcome = "accepted" if rng.random() < 0.85 else "transferred"
                note = "" if outcome == "accepted" else "Chuyển UBND thành phố Đông Hà giải quyết theo thẩm quyền."
                case = services.case_acknowledge(actor=None, case=case, outcome=outcome, note=note, on=ack_on)
                if outcome != "accepted":
                    services.case_close(actor=None, case=case, on=ack_on)
                    continue
                if unit != city and i % 5 == 1:  # the ward makes it a task of itself
                    services.case_make_task(
                        actor=None, case=case, title=f"Giải quyết {case.get_kind_display().lower()} {case.code_display}",
                        start=ack_on, deadline=case.answer_by,
                    )
                    counts["tasks"] += 1
                answer_on = calendar.add(ack_on, rng.randint(5, 25))
                if answer_on > today or rng.random() < 0.12:  # still being handled
                    continue
                case = services.case_answer(actor=None, case=case, answer=rng.choice(ANSWERS), on=answer_on)
                counts["answered"] += 1
                close_on = calendar.add(answer_on, 2)
                if close_on <= today:
                    services.case_close(actor=None, case=case, on=close_on)
    return counts
