"""Citizens' cases for the Đông Hà demo: about 400 received by the city and its wards from
2024 to today, of every kind and channel; most acknowledged and answered, some acknowledged
late, some still open (a few overdue), a few denunciations with protected denouncers, and
some made tasks of the wards, one letter sent twice and merged. Also the heads' reception days of 2019–2020 and 2024 to today
(some months short of the quota) and the city's dialogues with the members and residents of
several wards, whose opinions are cases.

Everything goes through the services with historical dates. ``load(today=...)`` is
idempotent: once the city's units have cases, nothing is added.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from dangbo.core import dates, workdays
from dangbo.orgs.demo import dongha
from dangbo.orgs.models import Person, Position, Unit

from . import services
from .models import Case, ReceptionDay

SEED = 20191118
PER_WARD = 38
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
                _follow(case, unit=unit, city=city, index=i, today=today, rng=rng, calendar=calendar, counts=counts)
        _duplicate(units, today, calendar, counts)
        _reception_days(units, today, rng, counts)
        _dialogues(city, units[1:], today, rng, calendar, counts)
    return counts


def _follow(case: Case, *, unit: Unit, city: Unit, index: int, today: dt.date, rng: random.Random,
            calendar: workdays.WorkCalendar, counts: dict[str, int]) -> None:
    """Take a received case along its path as far as ``today`` allows."""
    received = case.received_on
    age = calendar.between(received, today)
    if age < 4 or rng.random() < 0.08:  # fresh, or left open (soon overdue)
        counts["open"] += 1
        return
    late = rng.random() < 0.2
    ack_on = calendar.add(received, rng.randint(11, 16) if late else rng.randint(1, 9))
    if ack_on > today:
        counts["open"] += 1
        return
    counts["late"] += late
    outcome = "accepted" if rng.random() < 0.85 else "transferred"
    note = "" if outcome == "accepted" else "Chuyển UBND thành phố Đông Hà giải quyết theo thẩm quyền."
    case = services.case_acknowledge(actor=None, case=case, outcome=outcome, note=note, on=ack_on)
    if outcome != "accepted":
        services.case_close(actor=None, case=case, on=ack_on)
        return
    if unit != city and index % 5 == 1:  # the ward makes it a task of itself
        services.case_make_task(
            actor=None, case=case, title=f"Giải quyết {case.get_kind_display().lower()} {case.code_display}",
            start=ack_on, deadline=case.answer_by,
        )
        counts["tasks"] += 1
    answer_on = calendar.add(ack_on, rng.randint(5, 25))
    if answer_on > today or (age < 120 and rng.random() < 0.12):  # still being handled
        return
    case = services.case_answer(actor=None, case=case, answer=rng.choice(ANSWERS), on=answer_on)
    counts["answered"] += 1
    close_on = calendar.add(answer_on, 2)
    if close_on <= today and (age > 80 or rng.random() < 0.5):  # recent answers may wait
        services.case_close(actor=None, case=case, on=close_on)


def _duplicate(units: list[Unit], today: dt.date, calendar: workdays.WorkCalendar, counts: dict[str, int]) -> None:
    """A petitioner who wrote twice about the same thing: the second letter is merged into the
    first case (both histories keep it)."""
    counts["merged"] = 0
    first = (
        Case.objects.filter(unit__in=units[1:], kind__in=["phan_anh", "kien_nghi"])
        .exclude(state=Case.State.CLOSED).order_by("received_on", "pk").first()
    )
    if first is None:
        return
    received = calendar.add(first.received_on, 3)
    if received > today:
        return
    person = first.petitioners.order_by("order").first()
    again = services.case_create(
        actor=None, unit=first.unit, kind=first.kind, channel=Case.Channel.LETTER, received_on=received,
        content=f"Gửi lại lần hai: {first.content}",
        petitioners=[{"name": person.name if person else "Nguyễn Văn Hùng", "address": person.address if person else ""}],
    )
    services.case_merge(actor=None, case=again, into=first, on=received)
    counts["cases"] += 1
    counts["merged"] += 1


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = dates.month_start(day, 1)
    return months


def _head(unit: Unit, day: dt.date) -> Person | None:
    position = (
        Position.objects.current(day).filter(unit=unit, role__gte=30)
        .select_related("person").order_by("sort_order", "start").first()
    )
    return position.person if position else None


def _reception_days(units: list[Unit], today: dt.date, rng: random.Random, counts: dict[str, int]) -> None:
    """2019–2020 and 2024 to today: the heads receive citizens once a month (twice for the
    wards from December 2025, 215-KL/TW); some months fall short, a few ad hoc days."""
    months = _months(dt.date(2019, 3, 1), dt.date(2020, 12, 31)) + _months(dt.date(2024, 1, 1), today)
    counts["reception_days"] = 0
    for unit in units:
        for month in months:
            host = _head(unit, month + dt.timedelta(days=14))
            if host is None:
                continue
            wanted = 2 if unit.depth > 1 and month >= dt.date(2025, 12, 1) else 1
            if rng.random() < 0.12:  # a month short of the quota
                wanted -= 1
            for n in range(wanted):
                day = month + dt.timedelta(days=rng.randint(2, 12) + 14 * n)
                while day.weekday() >= 5:
                    day += dt.timedelta(days=1)
                status = ReceptionDay.Status.HELD if day < today else ReceptionDay.Status.PLANNED
                services.reception_day_create(
                    actor=None, unit=unit, host=host, date=day, status=status,
                    place="Trụ sở Thành ủy" if unit.depth == 1 else "Trụ sở Đảng ủy phường",
                )
                counts["reception_days"] += 1
            if rng.random() < 0.05:
                day = month + dt.timedelta(days=20)
                if day < today and day.weekday() < 5:
                    services.reception_day_create(
                        actor=None, unit=unit, host=host, date=day, status=ReceptionDay.Status.HELD,
                        kind=ReceptionDay.Kind.AD_HOC, note="Tiếp đột xuất đoàn công dân đông người.",
                    )
                    counts["reception_days"] += 1


DIALOGUES = [
    (dt.date(2019, 9, 12), "Phường 1", "Chỉnh trang đô thị, vệ sinh môi trường khu dân cư"),
    (dt.date(2020, 6, 18), "Đông Lương", "Giải phóng mặt bằng dự án đường tránh phía Đông"),
    (dt.date(2024, 5, 16), "Phường 3", "Thực hiện chính sách đối với người có công"),
    (dt.date(2025, 4, 10), "Đông Lương", "Sắp xếp tổ chức bộ máy, sáp nhập khu phố"),
    (dt.date(2026, 3, 19), "Phường 1", "Phát triển kinh tế đô thị và an ninh trật tự"),
]
OPINIONS = [
    ("kien_nghi", "Đề nghị sớm lát lại vỉa hè và bổ sung cây xanh trên tuyến phố."),
    ("y_kien", "Đề nghị công khai tiến độ các dự án trên địa bàn tại nhà văn hóa khu phố."),
    ("phan_anh", "Phản ánh tình trạng lấn chiếm lòng đường để kinh doanh."),
]


def _dialogues(city: Unit, wards: list[Unit], today: dt.date, rng: random.Random,
               calendar: workdays.WorkCalendar, counts: dict[str, int]) -> None:
    """The city's standing committee in dialogue with the members and residents of wards."""
    counts["dialogues"] = 0
    for date, ward_name, topics in DIALOGUES:
        ward = next((w for w in wards if w.name.endswith(ward_name)), None)
        host = _head(city, date)
        if ward is None or host is None or date > today:
            continue
        dialogue = services.dialogue_create(
            actor=None, unit=ward, host=host, date=date, topics=topics, place=f"Hội trường {ward.name}",
            participants="Thường trực Thành ủy, Đảng ủy phường, đảng viên và Nhân dân các khu phố",
            minutes="Các ý kiến đã được ghi nhận và giao cơ quan chức năng xem xét, trả lời.",
        )
        counts["dialogues"] += 1
        for i, (kind, content) in enumerate(OPINIONS):
            case = services.dialogue_record_opinion(
                actor=None, dialogue=dialogue, kind=kind, content=content,
                petitioners=[{"name": _name(rng), "address": f"Khu phố {rng.randint(1, 9)}, {ward.name}"}],
            )
            counts["cases"] += 1
            _follow(case, unit=ward, city=city, index=i, today=today, rng=rng, calendar=calendar, counts=counts)
