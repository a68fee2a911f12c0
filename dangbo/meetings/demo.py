"""The Đông Hà demo's meetings: 24 months of cell life, scores and leaders on the ground.

``load(today=…)`` adds, once, for every cell of the city (code ``dongha``):

* a regular meeting each month of the 24 whole months before ``today`` (a few cells skip
  a month now and then, so the "missing month" flags have something to show), a thematic
  meeting each quarter and the flag ceremony on the first Monday; the roll-call of each
  regular and thematic meeting (about 100,000 rows), minutes, conclusions, decisions;
* the cell's self-assessment against the criteria set in force on the day, the attending
  leader's score when a leader came, the ward's score now and then;
* leader assignments (city standing committee members → wards, ward committee members →
  cells), the 687-KH/TU working groups, and every attended meeting or visit;
* the current month's regular meeting: held when its day is past (so after the first week
  most cells have met), scheduled otherwise; nothing is held after ``today``.

Everything is bulk-inserted with a fixed seed; running it again changes nothing. The demo
account ``bithu.phuong1`` is also an assigned leader of three cells of Phường 1.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction

from dangbo.core.audit import audit_record
from dangbo.core.dates import first_monday, month_start, months_ending
from dangbo.orgs.models import Membership, Person, Position, Unit

from . import scoring
from .models import (
    Attendance,
    CriteriaSet,
    Criterion,
    GradeThreshold,
    LeaderAssignment,
    LeaderVisit,
    Meeting,
    MeetingDecision,
    MeetingGuest,
    MeetingKind,
    MeetingScore,
    ScoreItem,
    WorkingGroup,
    WorkingGroupMember,
)

SEED = 687
#: 687-KH/TU (15/06/2018) set up the city's working groups: they follow their wards from then
#: (the seed; ``documents.demo`` holds the plan).
WORKING_GROUPS_FROM = GROUPS_SET_UP = dt.date(2018, 6, 15)
MONTHS = 24
BATCH = 1000
CITY = "dongha"

TOPICS = [
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh (Chỉ thị 05-CT/TW)",
    "Xây dựng khu phố văn minh đô thị, vệ sinh môi trường",
    "Phòng, chống lụt bão và tìm kiếm cứu nạn",
    "Phát triển đảng viên ở khu dân cư",
    "Giải phóng mặt bằng các công trình trên địa bàn",
    "Bảo đảm an ninh trật tự, phòng chống tội phạm và tệ nạn xã hội",
    "Thu, nộp đảng phí và quản lý đảng viên",
    "Chuẩn bị và tổ chức Ngày hội Đại đoàn kết toàn dân tộc",
    "Cải cách hành chính, chuyển đổi số ở khu phố",
    "Chăm lo gia đình chính sách, hộ nghèo dịp Tết",
    "Học tập, quán triệt nghị quyết mới của cấp trên",
    "Kiểm điểm, đánh giá, xếp loại đảng viên cuối năm",
]
THEMES = [
    "Nêu gương của cán bộ, đảng viên trong thực hiện nếp sống văn minh đô thị",
    "Vai trò của đảng viên trong giữ gìn an ninh trật tự khu dân cư",
    "Đảng viên với công tác giải phóng mặt bằng",
    "Sinh hoạt diễn đàn: trách nhiệm của đảng viên nơi cư trú",
    "Chuyển đổi số và Sổ tay đảng viên điện tử",
]
EXCUSES = [
    "Đi công tác", "Ốm, nằm viện", "Việc gia đình", "Đi học tập trung", "Tuổi cao, sức yếu",
    "Trực cơ quan", "Chăm người thân ốm",
]
RAISED = [
    "Cử tri phản ánh đường kiệt xuống cấp, ngập úng khi mưa lớn.",
    "Một số hộ chưa chấp hành quy định đổ rác đúng giờ.",
    "Tiến độ bồi thường, giải phóng mặt bằng dự án còn chậm.",
    "Đảng viên cao tuổi đề nghị rút ngắn thời gian đọc văn bản, tăng thảo luận.",
    "Tình trạng lấn chiếm vỉa hè kinh doanh.",
    "Đề nghị lắp thêm đèn chiếu sáng ở kiệt.",
    "Thiếu sân sinh hoạt cộng đồng cho thanh thiếu niên.",
]
DECIDED = [
    "Giao chi ủy phối hợp Ban điều hành khu phố kiểm tra, báo cáo Đảng ủy phường.",
    "Đề nghị UBND phường khảo sát, đưa vào kế hoạch sửa chữa năm sau.",
    "Chi bộ ra nghị quyết chuyên đề, phân công đảng viên phụ trách từng tổ dân phố.",
    "Ghi nhận, chuyển Văn phòng Thành ủy theo dõi, đôn đốc.",
]
DECISIONS = [
    "Vận động 100% hộ gia đình ký cam kết giữ gìn vệ sinh môi trường",
    "Phân công đảng viên phụ trách hộ dân trong tổ dân phố",
    "Hoàn thành thu nộp đảng phí quý đúng hạn",
    "Đề xuất kết nạp quần chúng ưu tú vào Đảng",
    "Phối hợp Công an phường tuần tra bảo đảm an ninh trật tự dịp lễ, Tết",
    "Tổ chức tổng vệ sinh khu phố vào Chủ nhật cuối tháng",
]


def load(*, today: dt.date) -> dict[str, Any]:
    """Add the meetings demo (once). Returns counts of what it wrote (zeros when present)."""
    began = time.monotonic()
    city = Unit.objects.filter(code=CITY).first()
    if city is None:
        return {}
    if Meeting.objects.filter(unit__path__startswith=city.path).exists():
        return {"meetings": 0, "attendance": 0, "seconds": 0}
    with transaction.atomic():
        counts: dict[str, Any] = dict(_Loader(city, today).run())
        audit_record(actor=None, action="demo.load_meetings", obj=city, after=counts)
    counts["seconds"] = round(time.monotonic() - began, 1)
    return counts


class _Loader:
    def __init__(self, city: Unit, today: dt.date) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, not security
        self.city = city
        self.today = today
        self.months = months_ending(month_start(today, -1), MONTHS)
        self.sets = list(CriteriaSet.objects.filter(unit__isnull=True).order_by("effective_from"))
        self.criteria = {s.pk: list(Criterion.objects.filter(criteria_set=s).order_by("order")) for s in self.sets}
        self.thresholds = {s.pk: list(GradeThreshold.objects.filter(criteria_set=s)) for s in self.sets}
        self.cells = list(
            Unit.objects.filter(path__startswith=city.path, kind__holds_members=True).order_by("path")
        )
        self.wards = {
            u.path: u for u in Unit.objects.filter(path__startswith=city.path, depth=city.depth + 1)
        }
        members: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
        for unit_id, person_id, start, end in Membership.objects.filter(unit__in=self.cells).values_list(
            "unit_id", "person_id", "start", "end"
        ):
            members[unit_id].append((person_id, start, end))
        self.members = members
        self.secretaries = dict(
            Position.objects.filter(unit__in=self.cells, title="Bí thư Chi bộ", end__isnull=True).values_list(
                "unit_id", "person_id"
            )
        )
        self.names = dict(
            Person.objects.filter(pk__in=[p for rows in members.values() for p, _s, _e in rows]).values_list(
                "pk", "full_name"
            )
        )

    def criteria_set_on(self, day: dt.date) -> CriteriaSet:
        current = self.sets[0]
        for s in self.sets:
            if s.effective_from <= day:
                current = s
        return current

    # -- leaders ------------------------------------------------------------------------

    def leaders(self) -> tuple[dict[int, list[tuple[int, str]]], int]:
        """Assignments; returns cell id → [(person id, name)] of its followers."""
        rng = self.rng
        start = self.months[0]
        rows: list[LeaderAssignment] = []
        city_leaders = list(
            Position.objects.filter(unit=self.city, body__in=["tt", "btv"], end__isnull=True)
            .order_by("sort_order")
            .values_list("person_id", "person__full_name")
        )
        ward_list = [w for w in self.wards.values() if w.kind.code == "dang-bo-xa"]
        followers: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for i, ward in enumerate(sorted(ward_list, key=lambda w: w.path)):
            if not city_leaders:
                break
            person_id, name = city_leaders[i % len(city_leaders)]
            rows.append(LeaderAssignment(person_id=person_id, unit=ward, assigned_by=self.city, start=start,
                                         decision="Quyết định phân công của Ban Thường vụ Thành ủy"))
            for cell in self.cells:
                if cell.path.startswith(ward.path):
                    followers[cell.pk].append((person_id, name))
        ward_committees: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for path, person_id, name in Position.objects.filter(
            unit__in=ward_list, body__in=["tt", "btv"], end__isnull=True
        ).values_list("unit__path", "person_id", "person__full_name"):
            ward_committees[path].append((person_id, name))
        ward_secretary_p1 = Person.objects.filter(user__username="bithu.phuong1").values_list("pk", "full_name").first()
        for cell in self.cells:
            ward_path = cell.path[: (self.city.depth + 1) * Unit.steplen]
            pool = ward_committees.get(ward_path)
            if not pool:
                continue
            person_id, name = rng.choice(pool)
            if ward_secretary_p1 and cell.path.startswith(ward_path) and ward_secretary_p1[0] in [p for p, _n in pool] \
                    and cell.code.endswith(("-kp1", "-kp2", "-kp3")):
                person_id, name = ward_secretary_p1
            ward = self.wards[ward_path]
            rows.append(LeaderAssignment(person_id=person_id, unit=cell, assigned_by=ward, start=start,
                                         decision="Nghị quyết phân công của Ban Thường vụ Đảng ủy phường"))
            followers[cell.pk].append((person_id, name))
        LeaderAssignment.objects.bulk_create(rows, batch_size=BATCH)
        # The 687-KH/TU working groups: three groups of city leaders, three wards each.
        groups = 0
        for g in range(3):
            members = city_leaders[3 + g * 3 : 6 + g * 3] or city_leaders[:2]
            wards = sorted(ward_list, key=lambda w: w.path)[g * 3 : g * 3 + 3]
            if not wards:
                continue
            group = WorkingGroup.objects.create(
                unit=self.city, name=f"Tổ công tác số {g + 1} của Thành ủy", decision="687-KH/TU",
                start=WORKING_GROUPS_FROM,
            )
            group.followed_units.set(wards)
            WorkingGroupMember.objects.bulk_create([
                WorkingGroupMember(group=group, person_id=pid, role="Tổ trưởng" if k == 0 else "Thành viên")
                for k, (pid, _n) in enumerate(members)
            ])
            groups += 1
        return followers, len(rows)

    # -- meetings -----------------------------------------------------------------------

    def held_regular(self, cell: Unit, day: dt.date, residential: bool, place: str, rng: random.Random) -> Meeting:
        """A cell's regular meeting of ``day``'s month, held on ``day`` with its minutes."""
        month = day.replace(day=1)
        topic = TOPICS[(month.month + cell.pk) % len(TOPICS)]
        duration = rng.choice([90, 95, 100, 105, 120, 120]) if rng.random() > 0.1 else rng.choice([60, 70, 75, 85])
        return Meeting(
            unit=cell, kind=MeetingKind.REGULAR, date=day, month=month,
            title=f"Sinh hoạt thường kỳ tháng {month.month:02d}/{month.year}",
            start_time=dt.time(19, 30) if residential else dt.time(14, 0), place=place,
            duration_minutes=duration, status=Meeting.Status.HELD,
            agenda=f"1. Kiểm điểm kết quả thực hiện nghị quyết tháng trước.\n2. {topic}.\n"
                   f"3. Phương hướng, nhiệm vụ tháng tới.\n4. Thu đảng phí.",
            minutes=f"Đồng chí Bí thư chi bộ đánh giá kết quả tháng trước. Các đảng viên thảo luận về: {topic.lower()}. "
                    f"Chi bộ thống nhất nghị quyết tháng.",
            conclusions=f"Chi bộ thống nhất triển khai: {topic.lower()}; phân công đảng viên thực hiện.",
            chair_id=self.secretaries.get(cell.pk), secretary_id=self.secretaries.get(cell.pk),
            criteria_set=self.criteria_set_on(day),
            closed_at=dt.datetime.combine(day, dt.time(22, 0), tzinfo=dt.UTC),
        )

    def run(self) -> dict[str, int]:
        rng = self.rng
        followers, assignments = self.leaders()
        self.followers = followers
        meetings: list[Meeting] = []
        plans: list[tuple[Meeting, dict]] = []
        current: list[tuple[Meeting, dict]] = []  # this month's meetings already held
        for cell in self.cells:
            residential = "-kp" in cell.code
            quality = rng.gauss(93 if not residential else 90, 5)
            decline_from = rng.randint(MONTHS - 6, MONTHS - 4) if rng.random() < 0.06 else None
            skips = {rng.randrange(MONTHS) for _ in range(rng.choice([0, 0, 0, 0, 1, 1, 2]))}
            attend = rng.uniform(0.88, 0.98) if not residential else rng.uniform(0.84, 0.95)
            place = "Nhà văn hóa khu phố" if residential else "Hội trường cơ quan"
            for index, month in enumerate(self.months):
                if index in skips:
                    continue
                day = first_monday(month.year, month.month) if residential else month.replace(day=rng.randint(3, 10))
                if residential and day.month != month.month:
                    day = month.replace(day=5)
                target = quality + rng.gauss(0, 4)
                if decline_from is not None and index >= decline_from:
                    target -= 6 * (index - decline_from + 1)
                meeting = self.held_regular(cell, day, residential, place, rng)
                meetings.append(meeting)
                plans.append((meeting, {"target": target, "attend": attend, "followers": followers.get(cell.pk, []),
                                        "residential": residential}))
                if month.month in (2, 5, 8, 11):
                    theme = THEMES[(cell.pk + month.month) % len(THEMES)]
                    thematic = Meeting(
                        unit=cell, kind=MeetingKind.THEMATIC if "diễn đàn" not in theme else MeetingKind.FORUM,
                        date=day + dt.timedelta(days=14), month=(day + dt.timedelta(days=14)).replace(day=1),
                        title=theme, start_time=dt.time(19, 30) if residential else dt.time(14, 0), place=place,
                        duration_minutes=rng.choice([90, 100, 120]), status=Meeting.Status.HELD,
                        agenda=f"Chuyên đề: {theme}.", minutes="Đảng viên thảo luận sôi nổi, nêu nhiều ý kiến.",
                        conclusions="Chi bộ thống nhất các giải pháp thực hiện chuyên đề.",
                        criteria_set=self.criteria_set_on(day),
                        closed_at=dt.datetime.combine(day, dt.time(22, 0), tzinfo=dt.UTC),
                    )
                    meetings.append(thematic)
                    plans.append((thematic, {"target": None, "attend": attend, "followers": [], "residential": residential}))
                if residential:
                    flag_day = first_monday(month.year, month.month)
                    meetings.append(Meeting(
                        unit=cell, kind=MeetingKind.FLAG, date=flag_day, month=flag_day.replace(day=1),
                        title="Sinh hoạt dưới cờ", start_time=dt.time(7, 0), place=place, duration_minutes=30,
                        status=Meeting.Status.HELD,
                    ))
            # This month: held if its day is past (most cells meet in the first ten days, so
            # after the first week most have met), scheduled otherwise; never held after today.
            now = random.Random(f"{SEED}-{cell.pk}")  # noqa: S311 - its own draws: the months above stay as they were
            this_month = month_start(self.today)
            day = first_monday(this_month.year, this_month.month) if residential else this_month.replace(day=now.randint(3, 10))
            if day < self.today and now.random() < 0.9:
                meeting = self.held_regular(cell, day, residential, place, now)
                meetings.append(meeting)
                current.append((meeting, {"target": quality + now.gauss(0, 4), "attend": attend,
                                          "followers": followers.get(cell.pk, []), "residential": residential}))
                continue
            meetings.append(Meeting(
                unit=cell, kind=MeetingKind.REGULAR, date=day, month=this_month,
                title=f"Sinh hoạt thường kỳ tháng {day.month:02d}/{day.year}", place=place,
                start_time=dt.time(19, 30) if residential else dt.time(14, 0),
                agenda="1. Kiểm điểm nghị quyết tháng trước.\n2. Nhiệm vụ tháng tới.",
                criteria_set=self.criteria_set_on(day),
            ))
        plans += current
        Meeting.objects.bulk_create(meetings, batch_size=BATCH)
        attendance, guests, visits, scores, items, decisions = self.details(plans, meetings)
        past, past_visits, past_scores = self.history()
        return {
            "meetings": len(meetings) + past, "attendance": attendance, "guests": guests, "visits": visits + past_visits,
            "scores": scores + past_scores, "score_items": items, "decisions": decisions, "assignments": assignments,
        }

    def history(self) -> tuple[int, int, int]:
        """The 2015–2020 term's scored meetings (the seed: "chấm điểm từng phiên sinh hoạt chi bộ
        theo bộ tiêu chí"): since the criteria came into force, each residential cell's thematic
        meeting of every quarter to mid-2020, scored by the cell, some attended by a member of the
        687-KH/TU working group following its ward. No roll-call rows, only the counts. A rng of
        its own, so the 24 months above stay as they were."""
        rng = random.Random(SEED + 2018)  # noqa: S311 - demo data, not security
        first = min((s.effective_from for s in self.sets), default=None)
        if first is None:
            return 0, 0, 0
        quarters = [dt.date(y, m, 15) for y in (2018, 2019, 2020) for m in (2, 5, 8, 11)
                    if first <= dt.date(y, m, 15) <= dt.date(2020, 6, 30) and dt.date(y, m, 15) < self.months[0]]
        group_members: dict[str, list[int]] = defaultdict(list)
        for group in WorkingGroup.objects.filter(unit=self.city, decision="687-KH/TU").prefetch_related("followed_units"):
            people = list(group.members.values_list("person_id", flat=True))
            for unit in group.followed_units.all():
                group_members[unit.path] += people
        meetings: list[Meeting] = []
        visits: list[LeaderVisit] = []
        plans = []
        for cell in self.cells:
            if "-kp" not in cell.code:
                continue
            ward_people = next((p for path, p in group_members.items() if cell.path.startswith(path)), [])
            quality = rng.gauss(94, 4)
            for day in quarters:
                expected = len(self.expected(cell.pk, day))
                present = sum(1 for _i in range(expected) if rng.random() < 0.9)
                meeting = Meeting(
                    unit=cell, kind=MeetingKind.THEMATIC, date=day, month=day.replace(day=1),
                    title=THEMES[(cell.pk + day.month) % len(THEMES)], start_time=dt.time(19, 30),
                    place="Nhà văn hóa khu phố", duration_minutes=rng.choice([90, 100, 120]), status=Meeting.Status.HELD,
                    agenda="Sinh hoạt chuyên đề.", criteria_set=self.criteria_set_on(day),
                    chair_id=self.secretaries.get(cell.pk), secretary_id=self.secretaries.get(cell.pk),
                    expected_count=expected, present_count=present, excused_count=expected - present,
                    closed_at=dt.datetime.combine(day, dt.time(22, 0), tzinfo=dt.UTC),
                )
                meetings.append(meeting)
                plans.append((meeting, "self", None, quality + rng.gauss(0, 4)))
                if ward_people and rng.random() < 0.3:
                    visits.append(LeaderVisit(person_id=rng.choice(ward_people), unit_id=cell.pk,
                                              kind=LeaderVisit.Kind.MEETING, date=day, meeting=meeting,
                                              raised=rng.choice(RAISED), decided=rng.choice(DECIDED)))
        Meeting.objects.bulk_create(meetings, batch_size=BATCH)
        for visit in visits:
            visit.meeting_id = visit.meeting.pk  # type: ignore[union-attr]  # set just above, saved by now
        LeaderVisit.objects.bulk_create(visits, batch_size=BATCH)
        saved_rng, self.rng = self.rng, rng
        scores, _items = self.scores(plans)
        self.rng = saved_rng
        Meeting.objects.bulk_update(meetings, ["score", "grade", "grade_rank"], batch_size=BATCH)
        return len(meetings), len(visits), scores

    def expected(self, cell_id: int, day: dt.date) -> list[int]:
        return [p for p, start, end in self.members.get(cell_id, []) if start <= day and (end is None or end >= day)]

    def details(self, plans, meetings) -> tuple[int, int, int, int, int, int]:
        rng = self.rng
        rows: list[Attendance] = []
        guest_rows: list[MeetingGuest] = []
        visit_rows: list[LeaderVisit] = []
        score_plans: list[tuple[Meeting, str, int | None, float]] = []
        decision_rows: list[MeetingDecision] = []
        # The upcoming meetings have their expected members too.
        for meeting in meetings:
            if meeting.kind == MeetingKind.REGULAR and meeting.status == Meeting.Status.PLANNED:
                people = self.expected(meeting.unit_id, meeting.date)
                rows += [Attendance(meeting=meeting, person_id=p) for p in people]
                meeting.expected_count = len(people)
        for meeting, plan in plans:
            people = self.expected(meeting.unit_id, meeting.date)
            present = excused = unexcused = 0
            for person_id in people:
                roll = rng.random()
                if roll < plan["attend"]:
                    status, reason = Attendance.Status.PRESENT, ""
                    present += 1
                elif roll < 0.998:
                    status, reason = Attendance.Status.EXCUSED, rng.choice(EXCUSES)
                    excused += 1
                else:
                    status, reason = Attendance.Status.UNEXCUSED, ""
                    unexcused += 1
                rows.append(Attendance(meeting=meeting, person_id=person_id, status=status, reason=reason))
            meeting.expected_count, meeting.present_count = len(people), present
            meeting.excused_count, meeting.unexcused_count = excused, unexcused
            if plan["target"] is None:
                continue
            followers = plan["followers"]
            chance = 0.35 if plan["residential"] else 0.15
            leader = None
            if followers and rng.random() < chance:
                leader = rng.choice(followers)
                guest_rows.append(MeetingGuest(meeting=meeting, person_id=leader[0], name=leader[1],
                                               title="Lãnh đạo phụ trách địa bàn"))
                visit_rows.append(LeaderVisit(
                    person_id=leader[0], unit_id=meeting.unit_id, kind=LeaderVisit.Kind.MEETING, date=meeting.date,
                    meeting=meeting, raised=rng.choice(RAISED), decided=rng.choice(DECIDED),
                ))
            score_plans.append((meeting, "self", None, plan["target"] + rng.uniform(1, 5)))
            if leader:
                score_plans.append((meeting, "leader", leader[0], plan["target"]))
            elif rng.random() < 0.1:
                score_plans.append((meeting, "ward", None, plan["target"] - rng.uniform(0, 3)))
            if rng.random() < 0.5:
                decision_rows.append(MeetingDecision(
                    unit_id=meeting.unit_id, meeting=meeting, text=rng.choice(DECISIONS),
                    responsible_unit_id=meeting.unit_id, deadline=meeting.date + dt.timedelta(days=30),
                ))
        # Plain visits (not at a meeting) by the cells' leaders.
        for cell in self.cells:
            cell_leaders = self.followers.get(cell.pk, [])
            if not cell_leaders or rng.random() < 0.35:
                continue
            for _i in range(rng.randint(1, 3)):
                month = rng.choice(self.months)
                person_id, _name = rng.choice(cell_leaders)
                visit_rows.append(LeaderVisit(
                    person_id=person_id, unit=cell, kind=LeaderVisit.Kind.VISIT,
                    date=month.replace(day=rng.randint(10, 25)), raised=rng.choice(RAISED), decided=rng.choice(DECIDED),
                ))
        Attendance.objects.bulk_create(rows, batch_size=BATCH)
        MeetingGuest.objects.bulk_create(guest_rows, batch_size=BATCH)
        LeaderVisit.objects.bulk_create(visit_rows, batch_size=BATCH)
        MeetingDecision.objects.bulk_create(decision_rows, batch_size=BATCH)
        scores, items = self.scores(score_plans)
        Meeting.objects.bulk_update(
            meetings,
            ["expected_count", "present_count", "excused_count", "unexcused_count", "score", "grade", "grade_rank"],
            batch_size=BATCH,
        )
        return len(rows), len(guest_rows), len(visit_rows), scores, items, len(decision_rows)

    def scores(self, plans) -> tuple[int, int]:
        rng = self.rng
        score_rows: list[MeetingScore] = []
        item_rows: list[list[ScoreItem]] = []
        official: dict[int, tuple[int, MeetingScore]] = {}
        priority = {"ward": 3, "leader": 2, "self": 1}
        for meeting, rater, person_id, target in plans:
            criteria_set = meeting.criteria_set
            criteria = self.criteria[criteria_set.pk]
            points = self.points(meeting, criteria, target, rng)
            total = sum(points.values(), Decimal(0))
            grade = scoring.grade_for(total, self.thresholds[criteria_set.pk],
                                      full_marks_met=scoring.full_marks_met(criteria, points))
            score = MeetingScore(
                meeting=meeting, rater=rater, criteria_set=criteria_set, rater_person_id=person_id or meeting.chair_id,
                total=total, grade=grade.code, grade_name=grade.name, grade_rank=grade.rank,
                scored_at=meeting.closed_at,
            )
            score_rows.append(score)
            item_rows.append([ScoreItem(score=score, criterion_id=pk, points=v) for pk, v in points.items()])
            if priority[rater] > official.get(meeting.pk, (0, None))[0]:
                official[meeting.pk] = (priority[rater], score)
        MeetingScore.objects.bulk_create(score_rows, batch_size=BATCH)
        flat = [item for group in item_rows for item in group]
        for group, score in zip(item_rows, score_rows, strict=True):
            for item in group:
                item.score_id = score.pk
        ScoreItem.objects.bulk_create(flat, batch_size=BATCH)
        for meeting, _rater, _p, _t in plans:
            best = official[meeting.pk][1]
            meeting.score, meeting.grade, meeting.grade_rank = best.total, best.grade, best.grade_rank
        return len(score_rows), len(flat)

    @staticmethod
    def points(meeting: Meeting, criteria: list[Criterion], target: float, rng: random.Random) -> dict[int, Decimal]:
        """Marks per criterion: the roll-call and duration decide theirs, the rest lose
        points at random until the total comes near ``target``."""
        points: dict[int, Decimal] = {}
        for c in criteria:
            suggestion = scoring.suggest_points(
                c, expected=meeting.expected_count, present=meeting.present_count,
                unexcused=meeting.unexcused_count, duration=meeting.duration_minutes,
                min_duration=meeting.min_duration,
            )
            points[c.pk] = suggestion if suggestion is not None else Decimal(c.max_points)
        total = float(sum(points.values()))
        free = [c for c in criteria if not c.auto and not c.required_for_top]
        required = [c for c in criteria if not c.auto and c.required_for_top]
        guard = 0
        while total > max(target, 20) and guard < 200:
            guard += 1
            c = rng.choice(required if required and rng.random() < 0.15 else free)
            if points[c.pk] <= 0:
                continue
            step = Decimal("0.5") if rng.random() < 0.5 else Decimal(1)
            step = min(step, points[c.pk])
            points[c.pk] -= step
            total -= float(step)
        return points
