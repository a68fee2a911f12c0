"""Plans for the Đông Hà demo: the seed's themes, the responsibility commitments from 2017 on,
and the term's indicators.

From the seed, in its words: the 2018 themes ("Quy hoạch, giải phóng mặt bằng, xây dựng văn
minh đô thị" and, for party building, "Nâng cao chất lượng hoạt động của hệ thống chính trị. Đề
cao kỷ luật, kỷ cương của đội ngũ cán bộ, đảng viên"); the 2019 theme with its 4 focus tasks and
2 breakthroughs (their titles are illustrative: the seed does not list them); the 2017
commitments of the city's standing committee with the province's and with the 9 wards; average
growth of 12,06 %/year (reached) and urban class II by the end of 2020 (not reached). The other
figures (targets, ward actuals, the 2020–2025 targets, the 2024–2026 themes) are illustrative
and say so. Everything goes through the services; ``load`` is idempotent.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from dangbo.assignments.models import Task
from dangbo.orgs.demo import dongha
from dangbo.orgs.models import Person, Position, Term, Unit

from . import services
from .models import Commitment, EvaluationGrade, Indicator, Theme, ThemeItem

D = dt.date
SEED = 20170210
DEMO_NOTE = "Số liệu minh họa của bản demo."

THEMES_2018 = [
    "Quy hoạch, giải phóng mặt bằng, xây dựng văn minh đô thị",
    "Nâng cao chất lượng hoạt động của hệ thống chính trị. Đề cao kỷ luật, kỷ cương của đội ngũ cán bộ, đảng viên",
]
THEME_2019 = (
    "Đề cao kỷ luật, kỷ cương, phát huy vai trò, trách nhiệm của người đứng đầu; nâng cao ý thức, "
    "tính tiền phong, gương mẫu của cán bộ, đảng viên"
)
# kind, title, target, owner board (code suffix) — illustrative titles for the seed's 4 + 2.
ITEMS_2019 = [
    ("focus", "Siết chặt kỷ luật, kỷ cương hành chính; nâng cao trách nhiệm người đứng đầu",
     "100% cơ quan, đơn vị ký cam kết; không có cán bộ vi phạm kỷ luật công vụ", "bantochuc"),
    ("focus", "Nâng cao chất lượng sinh hoạt chi bộ", "Trên 80% chi bộ sinh hoạt đạt loại Tốt", "bantochuc"),
    ("focus", "Đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
     "Mỗi cán bộ, đảng viên đăng ký và thực hiện một việc làm theo", "bantuyengiao"),
    ("focus", "Phát triển kinh tế, thu ngân sách, huy động nguồn lực đầu tư đô thị",
     "Tăng trưởng trên 12%; thu ngân sách vượt dự toán", "vanphong"),
    ("breakthrough", "Cải cách thủ tục hành chính, nâng cao chỉ số hài lòng của người dân",
     "100% thủ tục giải quyết đúng hạn tại bộ phận một cửa", "vanphong"),
    ("breakthrough", "Giải phóng mặt bằng, chỉnh trang đô thị, xây dựng phường văn minh",
     "Bàn giao mặt bằng đúng hạn các dự án trọng điểm", "bandanvan"),
]
PRESENT_THEMES = {
    2024: "Nâng cao chất lượng tổ chức cơ sở đảng; chuẩn bị tốt đại hội đảng bộ các cấp",
    2025: "Sắp xếp tổ chức bộ máy tinh gọn, hoạt động hiệu lực, hiệu quả; tổ chức thành công đại hội đảng bộ các cấp",
    2026: "Thực hiện nghị quyết đại hội; chuyển đổi số trong công tác xây dựng Đảng",
}
# Commitment items of the wards (title, target, weight, evidence) per year.
WARD_ITEMS = {
    2017: [
        ("Lãnh đạo giải phóng mặt bằng các dự án trên địa bàn", "Bàn giao mặt bằng đúng tiến độ", 40, "Nhiệm vụ được giao"),
        ("Nâng cao chất lượng sinh hoạt chi bộ", "Trên 70% chi bộ sinh hoạt đạt loại Tốt", 30, "Điểm sinh hoạt chi bộ"),
        ("Xây dựng đảng bộ trong sạch, vững mạnh", "Đảng bộ hoàn thành tốt nhiệm vụ trở lên", 30, "Kết quả xếp loại"),
    ],
    2018: [
        ("Quy hoạch, giải phóng mặt bằng, xây dựng văn minh đô thị", "Không phát sinh lấn chiếm mới", 40, "Nhiệm vụ được giao"),
        ("Nâng cao chất lượng hoạt động của hệ thống chính trị ở phường", "Mặt trận, đoàn thể xếp loại vững mạnh", 30, "Báo cáo"),
        ("Đề cao kỷ luật, kỷ cương của cán bộ, đảng viên", "Không có đảng viên vi phạm phải xử lý", 30, "Báo cáo kiểm tra"),
    ],
    2019: [
        ("Phát huy vai trò, trách nhiệm của người đứng đầu cấp ủy phường", "Giải quyết dứt điểm các vụ việc tồn đọng", 40, "Nhiệm vụ được giao"),
        ("Nâng cao tính tiền phong, gương mẫu của cán bộ, đảng viên", "100% đảng viên đăng ký việc làm theo", 30, "Sổ đăng ký"),
        ("Cải cách hành chính, nâng cao sự hài lòng của người dân", "100% hồ sơ đúng hạn", 30, "Bộ phận một cửa"),
    ],
}
CITY_ITEMS = [
    ("Lãnh đạo thực hiện thắng lợi nhiệm vụ phát triển kinh tế – xã hội năm", "Tăng trưởng trên 12%", 50, "Báo cáo"),
    ("Lãnh đạo công tác xây dựng Đảng, hệ thống chính trị", "Đảng bộ hoàn thành tốt nhiệm vụ", 30, "Kết quả xếp loại"),
    ("Ký và tổ chức thực hiện cam kết trách nhiệm với 9 phường", "100% phường ký cam kết", 20, "Bản cam kết"),
]


# A plan of 2026 registered with its text, so the office sees the tasks it proposes
# (illustrative, in the form of the city's plans).
PLAN_2026 = ("KH", "215", D(2026, 1, 20), "Kế hoạch thực hiện chủ đề năm 2026 “Thực hiện nghị quyết đại hội; "
             "chuyển đổi số trong công tác xây dựng Đảng”")
PLAN_2026_TEXT = """I. MỤC ĐÍCH, YÊU CẦU
Cụ thể hóa chủ đề năm 2026 thành các nhiệm vụ, giải pháp; xác định rõ trách nhiệm của từng cơ quan, đơn vị.
II. NHIỆM VỤ, GIẢI PHÁP
1. Đẩy mạnh chuyển đổi số trong công tác xây dựng Đảng; 100% chi bộ sử dụng sổ tay đảng viên điện tử.
III. TỔ CHỨC THỰC HIỆN
1. Giao Văn phòng Thành ủy chủ trì, phối hợp với Ban Tổ chức Thành ủy xây dựng Đề án chuyển đổi số trong công tác xây dựng Đảng, trình Ban Thường vụ Thành ủy trước ngày 31/3/2026.
2. Ban Tuyên giáo Thành ủy chịu trách nhiệm hướng dẫn tuyên truyền chủ đề năm đến cán bộ, đảng viên và Nhân dân; thời gian: tháng 2/2026.
3. Đảng ủy các phường căn cứ Kế hoạch này xây dựng kế hoạch thực hiện, hoàn thành trong quý I/2026; báo cáo kết quả về Ban Thường vụ Thành ủy (qua Văn phòng Thành ủy) trước ngày 15/12/2026.
4. Ủy ban Kiểm tra Thành ủy chủ trì, phối hợp với Ban Tổ chức Thành ủy kiểm tra, giám sát việc thực hiện tại 03 đảng bộ phường, hoàn thành trong quý III/2026.
5. Đảng ủy phường Đông Lương và Đảng ủy Phường 1 thực hiện thí điểm sinh hoạt chi bộ có ứng dụng công nghệ số, hoàn thành trước ngày 30/6/2026.
"""


class _Loader:
    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
        self.city = Unit.objects.get(code=dongha.CITY[0])
        self.province = Unit.objects.filter(code=dongha.PROVINCE[0]).first()
        self.wards = [
            u for code, _n, _s in dongha.WARDS
            if (u := Unit.objects.filter(code=f"{dongha.CITY[0]}-{code}").first()) is not None
        ]
        self.counts = {"themes": 0, "items": 0, "commitments": 0, "indicators": 0}

    def head(self, unit: Unit, day: dt.date) -> Person | None:
        position = (
            Position.objects.current(day).filter(unit=unit, role__gte=30).select_related("person")
            .order_by("sort_order", "start").first()
        )
        return position.person if position else None

    def board(self, suffix: str) -> Unit:
        return Unit.objects.filter(code=f"{dongha.CITY[0]}-{suffix}").first() or self.city

    def tasks_of_year(self, year: int) -> list[Task]:
        return list(
            Task.objects.filter(assigning_path=self.city.path, start__lte=D(year, 12, 31), deadline__gte=D(year, 1, 1))
            .order_by("start", "id")[:60]
        )

    # --- themes ----------------------------------------------------------------------------

    def theme(self, year: int, text: str, order: int = 1) -> Theme:
        self.counts["themes"] += 1
        return services.theme_create(actor=None, unit=self.city, year=year, text=text, order=order)

    def themes(self) -> None:
        for order, text in enumerate(THEMES_2018, start=1):
            theme = self.theme(2018, text, order)
            title = "Chỉnh trang đô thị, xây dựng phường văn minh" if order == 1 else "Siết chặt kỷ luật, kỷ cương"
            self.item(theme, "focus", title, "", "bandanvan" if order == 1 else "bantochuc")
        theme = self.theme(2019, THEME_2019)
        tasks = self.tasks_of_year(2019)
        items = [self.item(theme, kind, title, target, board) for kind, title, target, board in ITEMS_2019]
        for n, item in enumerate(items):
            share = tasks[n::len(items)][:4]
            if share:
                services.item_link_tasks(actor=None, item=item, tasks=share)
            for quarter, pct in ((1, 20), (2, 45), (3, 70), (4, 100)):
                services.milestone_add(actor=None, item=item, period="quarter", number=quarter,
                                       text=f"Hoàn thành {pct}% kế hoạch", expected_progress=pct)
        self.ratings(items, 2019)
        # Two wards take up the 2019 theme and serve the breakthroughs.
        for ward in self.wards[:2]:
            ward_theme = services.theme_create(actor=None, unit=ward, year=2019, text="", adopted_from=theme)
            self.counts["themes"] += 1
            for upper in items[4:]:
                self.counts["items"] += 1
                services.item_create(actor=None, theme=ward_theme, kind=upper.kind, title=f"{upper.title} ({ward.short_name or ward.name})",
                                     owner_unit=ward, owner_person=self.head(ward, D(2019, 6, 30)), upper=upper)
        for year, text in PRESENT_THEMES.items():
            if year <= self.today.year:
                present = self.theme(year, text)
                item = self.item(present, "focus", "Nâng cao chất lượng sinh hoạt chi bộ", DEMO_NOTE, "bantochuc")
                share = self.tasks_of_year(year)[:3]
                if share:
                    services.item_link_tasks(actor=None, item=item, tasks=share)

    def ratings(self, items: list[ThemeItem], year: int) -> None:
        """A year of monthly delivery-confidence ratings: the owner, and the city's secretary on
        the breakthroughs (who, some months, sees them two steps lower)."""
        secretary = self.head(self.city, D(year, 6, 30))
        reasons = {4: "Tiến độ vượt kế hoạch", 3: "Cơ bản đúng kế hoạch", 2: "Vướng mặt bằng, kinh phí",
                   1: "Khó hoàn thành trong năm"}
        for item in items:
            level = 3
            for month in range(1, 13):
                day = D(year, month, 1)
                if day > self.today:
                    return
                level = max(1, min(4, level + self.rng.choice([-1, 0, 0, 1])))
                if item.owner_person is not None:
                    services.rating_record(actor=None, item=item, level=level, reason=reasons[level], month=day,
                                           rater=item.owner_person)
                if item.kind == ThemeItem.Kind.BREAKTHROUGH and secretary is not None and secretary != item.owner_person:
                    other = max(1, level - self.rng.choice([0, 1, 2]))
                    services.rating_record(actor=None, item=item, level=other, reason=reasons[other], month=day,
                                           rater=secretary)

    def item(self, theme: Theme, kind: str, title: str, target: str, board: str) -> ThemeItem:
        self.counts["items"] += 1
        unit = self.board(board)
        return services.item_create(
            actor=None, theme=theme, kind=kind, title=title, target=target, owner_unit=unit,
            owner_person=self.head(unit, D(theme.year, 6, 30)),
        )

    # --- commitments -------------------------------------------------------------------------

    def commitments(self) -> None:
        grades = {g.code: g for g in EvaluationGrade.objects.filter(scale__code="cam-ket-quang-tri")}
        for year in (2017, 2018, 2019):
            if year > self.today.year:
                break
            upper_items = []
            if self.province is not None:
                city_commitment = self.commit(year, self.province, self.city, CITY_ITEMS, grades)
                upper_items = list(city_commitment.items.all())
            for ward in self.wards:
                specs = WARD_ITEMS[year]
                items = [{"title": t, "target": g, "weight": w, "evidence": e,
                          "cascades_from": upper_items[1] if upper_items and n == 1 else None}
                         for n, (t, g, w, e) in enumerate(specs)]
                self.commit(year, self.city, ward, items, grades)

    def commit(self, year: int, upper: Unit, lower: Unit, items, grades) -> Commitment:
        specs = [
            spec if isinstance(spec, dict) else {"title": spec[0], "target": spec[1], "weight": spec[2], "evidence": spec[3]}
            for spec in items
        ]
        signed = D(year, 2, 10)
        commitment = services.commitment_create(
            actor=None, year=year, upper_unit=upper, lower_unit=lower,
            title=f"Bản cam kết trách nhiệm năm {year} của {lower.name}", items=specs,
            upper_signer=self.head(upper, signed), lower_signer=self.head(lower, signed), signed_on=signed,
        )
        self.counts["commitments"] += 1
        items_saved = list(commitment.items.all())
        for item in items_saved:
            level = 0
            for quarter in (1, 2, 3, 4):
                if D(year, quarter * 3, 28) > self.today:
                    break
                level = min(4, level + self.rng.choice([0, 1, 1, 2]))
                status = ["not_started", "partly", "in_progress", "mostly", "done"][level]
                services.commitment_status_set(actor=None, item=item, quarter=quarter, status=status,
                                               reason="Theo báo cáo của đơn vị")
        if D(year + 1, 1, 20) <= self.today:
            item_grades = {
                item.pk: grades["hoan-thanh" if self.rng.random() < 0.75 else "dang-thuc-hien"] for item in items_saved
            }
            overall = grades["hoan-thanh"] if list(item_grades.values()).count(grades["hoan-thanh"]) >= 2 else grades["dang-thuc-hien"]
            services.commitment_self_evaluate(actor=None, commitment=commitment,
                                              self_evaluation="Cơ bản hoàn thành các nội dung đã cam kết.",
                                              next_year="Tiếp tục chỉnh trang đô thị; nâng cao chất lượng sinh hoạt chi bộ.")
            services.commitment_evaluate(actor=None, commitment=commitment, grades=item_grades, grade=overall,
                                         conclusion="Ban Thường vụ ghi nhận kết quả thực hiện cam kết.",
                                         close=True, today=D(year + 1, 1, 20))
        return commitment

    # --- indicators ------------------------------------------------------------------------

    def indicators(self) -> None:
        terms = {t.code: t for t in Term.objects.filter(unit=self.city)}
        old, new = terms.get("2015-2020"), terms.get("2020-2025")
        if old is not None:
            growth = self.indicator(old, "tang-truong", "Tốc độ tăng trưởng kinh tế bình quân", "%/năm", "higher",
                                    "Seed: “tốc độ tăng trưởng kinh tế bình quân của thành phố đạt 12,06%/năm”; "
                                    "mục tiêu nhiệm kỳ là " + DEMO_NOTE.lower())
            services.target_set(actor=None, indicator=growth, unit=self.city, year=None, value=Decimal("12"))
            for year, value in ((2016, "11.8"), (2017, "12.1"), (2018, "12.3"), (2019, "12.5"), (2020, "11.6")):
                services.actual_record(actor=None, indicator=growth, unit=self.city, year=year, value=Decimal(value),
                                       source=DEMO_NOTE + " Bình quân nhiệm kỳ 12,06%.")
            urban = self.indicator(old, "do-thi-loai-2", "Xây dựng Đông Hà trở thành đô thị loại II", "", "milestone",
                                   "Seed: “Lãnh đạo xây dựng Đông Hà trở thành đô thị loại II … chưa đạt yêu cầu”.",
                                   due=D(2020, 12, 31))
            services.target_set(actor=None, indicator=urban, unit=self.city, year=None, value=Decimal("1"))
            services.actual_record(actor=None, indicator=urban, unit=self.city, year=2020, value=Decimal("0"),
                                   source="Báo cáo chính trị Đại hội XIII Đảng bộ thành phố")
        if new is not None:
            cells = self.indicator(new, "chi-bo-tot", "Tỷ lệ chi bộ sinh hoạt đạt loại Tốt", "%", "higher", DEMO_NOTE,
                                   aggregation="average")
            growth = self.indicator(new, "tang-truong", "Tốc độ tăng trưởng kinh tế bình quân", "%/năm", "higher", DEMO_NOTE)
            services.target_set(actor=None, indicator=growth, unit=self.city, year=None, value=Decimal("9"))
            for ward in self.wards:
                services.target_set(actor=None, indicator=cells, unit=ward, year=None, value=Decimal("80"))
                for year in range(2021, min(self.today.year, 2025) + 1):
                    services.target_set(actor=None, indicator=cells, unit=ward, year=year, value=Decimal(70 + 2 * (year - 2021)))
                    share = Decimal(self.rng.randint(62, 92))
                    services.actual_record(actor=None, indicator=cells, unit=ward, year=year, value=share, source=DEMO_NOTE)
            # Computed by dangbo from its own tasks, never typed: each ward's share done on time.
            on_time = self.indicator(
                new, "nhiem-vu-dung-han", "Tỷ lệ nhiệm vụ hoàn thành đúng hạn", "%", "higher",
                "Nhiệm vụ có hạn trong năm (trừ nhiệm vụ đã hủy) hoàn thành không muộn hơn hạn, trên tổng số.",
                aggregation="average", computed_from="tasks_on_time", today=self.today,
            )
            services.target_set(actor=None, indicator=on_time, unit=self.city, year=None, value=Decimal("90"))
            for ward in self.wards:
                services.target_set(actor=None, indicator=on_time, unit=ward, year=None, value=Decimal("90"))
            services.indicator_compute(indicator=on_time, today=self.today)

    def indicator(self, term: Term, code: str, name: str, measure: str, direction: str, method: str, **kw) -> Indicator:
        self.counts["indicators"] += 1
        return services.indicator_create(actor=None, unit=self.city, term=term, code=code, name=name, measure=measure,
                                         direction=direction, method=method, **kw)

    def plan_document(self) -> None:
        """The 2026 plan with its text (the tasks it proposes are the office's to accept)."""
        from dangbo.documents import services as documents
        from dangbo.documents.models import Document, DocumentType

        abbr, number, day, title = PLAN_2026
        kind = DocumentType.objects.filter(abbr=abbr).first()
        if kind is None or Document.objects.filter(type_abbr=abbr, number=number, year=day.year,
                                                   issuing_unit=self.city).exists():
            return
        documents.document_register(
            actor=None, unit=self.city, type=kind, number=number, date=day, title=title, issuing_unit=self.city,
            issuer_abbr="TU", full_text=PLAN_2026_TEXT, shared_down=True,
        )
        self.counts["plan_documents"] = 1

    @transaction.atomic
    def load(self) -> dict[str, int]:
        self.themes()
        self.commitments()
        self.indicators()
        self.plan_document()
        return self.counts


def load(*, today: dt.date) -> dict[str, int]:
    """Add the plans of the demo (once, when the city is loaded)."""
    city = Unit.objects.filter(code=dongha.CITY[0]).first()
    if city is None or Theme.objects.filter(unit=city).exists():
        return {}
    return _Loader(today).load()
