"""Tasks for the Đông Hà demo: the documents of the 2015–2020 and 2020–2025 terms become
tasks of the wards, cascaded to cells, reported on; some done, some overdue, some
long-running (việc kéo dài); plus an inspection program of the Inspection Commission.

Everything goes through the services (so paths, trees, roll-ups and audit are real), with
historical dates; the tasks near ``today`` are placed relative to it so "my work" always has
something due soon and something overdue. ``load(today=...)`` is idempotent: once the city
has tasks, nothing is added.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from dangbo.documents import demo as documents_demo
from dangbo.documents import services as document_services
from dangbo.documents.models import Document, DocumentType, Issuer
from dangbo.orgs.demo import dongha
from dangbo.orgs.models import Person, Position, Term, Unit

from . import services
from .models import Task

D = dt.date
SEED = 20151020
S = Task.Status


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class _Loader:
    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
        self.city = Unit.objects.get(code=dongha.CITY[0])
        self.wards = [
            u for code, _n, _s in dongha.WARDS
            if (u := Unit.objects.filter(code=f"{dongha.CITY[0]}-{code}").first()) is not None
        ]
        self.count = 0

    def ward(self, code: str) -> Unit:
        return Unit.objects.get(code=f"{dongha.CITY[0]}-{code}")

    def cells(self, ward: Unit, n: int) -> list[Unit]:
        cells = list(
            Unit.objects.filter(path__startswith=ward.path, depth=ward.depth + 1, kind__holds_members=True)
            .active(self.today)
            .order_by("path")
        )
        return cells[:n]

    def head(self, unit: Unit) -> Person | None:
        position = (
            Position.objects.current(min(self.today, D(2025, 9, 30)))
            .filter(unit=unit, role__gte=30)
            .select_related("person")
            .order_by("sort_order", "start")
            .first()
        )
        return position.person if position else None

    # --- writing helpers ---------------------------------------------------------------

    def assign(self, **fields) -> Task:
        task = services.task_assign(actor=None, notify=False, **fields)
        self.count += 1
        return task

    def sub(self, parent: Task, unit: Unit, **fields) -> Task:
        task = services.subtask_create(actor=None, parent=parent, unit=unit, notify=False, **fields)
        self.count += 1
        return task

    def report(self, task: Task, percent: int, day: dt.date, text: str) -> None:
        # A task with sub-tasks takes its progress from them: its report is text only.
        own = None if services.subtask_count(task) else percent
        services.report_submit(actor=None, task=task, percent=own, text=text, reported_at=_at(day))

    def progress(self, task: Task, final: int, *, until: dt.date | None = None, texts=()) -> None:
        """Monthly reports from the start towards ``final`` (the last one before ``until``)."""
        until = min(until or self.today, self.today)
        day = task.start + dt.timedelta(days=30)
        reports = []
        while day <= until:
            reports.append(day)
            day += dt.timedelta(days=self.rng.choice([30, 45, 60, 90]))
        reports = reports[-8:]  # the last few are enough for a demo
        for i, when in enumerate(reports, start=1):
            percent = round(final * i / len(reports))
            text = texts[i % len(texts)] if texts else "Đã triển khai theo kế hoạch."
            self.report(task, percent, when, text)

    def finish(self, task: Task, day: dt.date) -> None:
        task = Task.objects.get(pk=task.pk)
        for child in Task.objects.filter(parent=task, status__in=Task.OPEN):
            self.finish(child, day)
        if task.status in (S.ASSIGNED, S.IN_PROGRESS):
            services.task_transition(actor=None, task=task, to=S.AWAITING, today=day)
        services.task_transition(actor=None, task=task, to=S.DONE, today=day + dt.timedelta(days=5))

    # --- documents of the 2020–2025 term (the documents demo covers 2015–2020) -----------

    def term_document(self, number: str, abbr: str, date: dt.date, title: str) -> Document | None:
        if date > self.today:
            return None
        issuer = Issuer.objects.filter(name=dongha.CITY[2]).first()
        existing = Document.objects.filter(
            unit=self.city, type_abbr=abbr, number=number, year=date.year
        ).first()
        if existing or issuer is None:
            return existing
        term = Term.objects.filter(unit=self.city, start__lte=date).order_by("-start").first()
        return document_services.document_register(
            actor=None, unit=self.city, type=DocumentType.objects.get(abbr=abbr), number=number,
            date=date, title=title, issuer=issuer, term=term, signer="Hồ Sỹ Trung", shared_down=True,
        )

    # --- the plan ----------------------------------------------------------------------

    def load(self) -> int:
        documents = {d.title[:40]: d for d in Document.objects.filter(unit=self.city)}

        def doc(prefix: str) -> Document | None:
            return next((d for t, d in documents.items() if t.startswith(prefix[:40])), None)

        ct05_plan = doc("Kế hoạch thực hiện Chỉ thị số 05-CT/TW")
        nq18_plan = doc("Kế hoạch thực hiện Nghị quyết Hội nghị Trung ương 6")
        nndt = doc("Kết luận về định hướng phát triển nông nghiệp đô thị")
        kh687 = doc("Thành lập Tổ công tác của Thành ủy")

        # 2016: every ward studies and applies Chỉ thị 05 (one decision, nine tasks), done.
        if ct05_plan is not None and self.wards:
            tasks = services.task_assign_bulk(
                actor=None, units=self.wards, assigning_unit=self.city, notify=False,
                title="Tổ chức học tập chuyên đề và đăng ký làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh năm 2016",
                description="Mỗi đảng viên đăng ký ít nhất một việc làm theo; chi bộ kiểm điểm hằng quý.",
                start=D(2016, 7, 20), deadline=D(2016, 12, 31), source=ct05_plan, cadence="quarterly",
            )
            self.count += len(tasks)
            for task in tasks:
                for cell in self.cells(task.unit, 2):
                    child = self.sub(task, cell, title="Chi bộ tổ chức cho đảng viên đăng ký việc làm theo",
                                     start=D(2016, 8, 1), deadline=D(2016, 11, 30))
                    self.progress(child, 100, until=D(2016, 11, 20))
                self.finish(task, D(2016, 12, 20) + dt.timedelta(days=self.rng.randint(-20, 15)))

        # 2018: reorganising the apparatus (Nghị quyết 18) — most done, two long overdue.
        if nq18_plan is not None:
            for i, ward in enumerate(self.wards):
                task = self.assign(
                    title="Rà soát, sắp xếp, kiện toàn tổ chức bộ máy và tinh giản biên chế theo Nghị quyết 18-NQ/TW",
                    unit=ward, assigning_unit=self.city, start=D(2018, 3, 15), deadline=D(2019, 12, 31),
                    source=nq18_plan, responsible=self.head(ward), priority=Task.Priority.HIGH,
                )
                if i in (2, 7):
                    self.progress(task, 55 + i, until=D(2021, 6, 1),
                                  texts=("Đã rà soát các chi bộ khu phố.", "Còn vướng phương án sáp nhập khu phố."))
                else:
                    self.progress(task, 100, until=D(2019, 11, 30))
                    self.finish(task, D(2019, 12, 10) + dt.timedelta(days=self.rng.randint(-30, 40)))

        # 2017: urban agriculture (Kết luận) for three wards; one still open (việc kéo dài).
        if nndt is not None:
            for code, final in (("dongluong", 100), ("dongle", 70), ("donggiang", 100)):
                ward = self.ward(code)
                task = self.assign(
                    title="Xây dựng và nhân rộng mô hình nông nghiệp đô thị, canh tác tự nhiên, nông nghiệp hữu cơ",
                    unit=ward, assigning_unit=self.city, start=D(2017, 5, 1), deadline=D(2020, 12, 31),
                    source=nndt, cadence="quarterly",
                )
                self.progress(task, final, until=D(2022, 3, 1),
                              texts=("Đã xây dựng mô hình rau sạch.", "Mở rộng diện tích canh tác hữu cơ."))
                if final == 100:
                    self.finish(task, D(2020, 12, 15))

        # Site clearance in Phường 5: a complex matter open for years.
        phuong5 = self.ward("phuong5")
        gpmb = self.assign(
            title="Giải quyết dứt điểm vướng mắc giải phóng mặt bằng khu dân cư phía Nam đường Lê Lợi",
            description="Việc kéo dài nhiều năm; Thường trực Thành ủy trực tiếp chỉ đạo.",
            unit=phuong5, assigning_unit=self.city, start=D(2019, 4, 1), deadline=D(2024, 6, 30),
            responsible=self.head(phuong5), priority=Task.Priority.URGENT, cadence="monthly",
        )
        self.progress(gpmb, 60, texts=("Đã đối thoại với 12 hộ dân.", "Còn 5 hộ chưa đồng thuận phương án bồi thường."))

        # 2020–2025: the action program of the 13th congress, to every ward, monthly reports.
        ctr = self.term_document(
            "01", "CTr", D(2020, 10, 15),
            "Chương trình hành động thực hiện Nghị quyết Đại hội đại biểu Đảng bộ thành phố lần thứ XIII, nhiệm kỳ 2020–2025",
        )
        if ctr is not None:
            tasks = services.task_assign_bulk(
                actor=None, units=self.wards, assigning_unit=self.city, notify=False,
                title="Xây dựng phường đạt chuẩn văn minh đô thị",
                start=D(2021, 1, 1), deadline=D(2025, 12, 31), source=ctr, cadence="monthly",
                priority=Task.Priority.HIGH,
            )
            self.count += len(tasks)
            for task in tasks:
                for j, cell in enumerate(self.cells(task.unit, 3)):
                    child = self.sub(task, cell, title="Xây dựng khu phố văn minh, sạch đẹp",
                                     start=D(2021, 3, 1), deadline=D(2025, 10, 31), weight=j + 1)
                    final = self.rng.choice([35, 50, 70, 90, 100, 100])
                    self.progress(child, final, until=D(2025, 10, 20))
                    if final == 100:
                        self.finish(child, D(2025, 10, 25))
                if task.unit.code.endswith("phuong1"):
                    self.report(task, 60, min(self.today, D(2025, 6, 30)), "Đã hoàn thành 3/5 tiêu chí.")
                elif self.rng.random() < 0.5 and self.today > D(2025, 12, 31):
                    self.finish(task, D(2025, 12, 20) + dt.timedelta(days=self.rng.randint(-15, 30)))

        digital = self.term_document(
            "35", "KH", D(2022, 3, 10), "Kế hoạch chuyển đổi số trong hoạt động của các cơ quan Đảng thành phố"
        )
        if digital is not None:
            for ward in self.wards[:5]:
                task = self.assign(
                    title="Ứng dụng phần mềm quản lý văn bản và sổ tay đảng viên điện tử",
                    unit=ward, assigning_unit=self.city, start=D(2022, 4, 1), deadline=D(2023, 12, 31),
                    source=digital,
                )
                if self.rng.random() < 0.6:
                    self.progress(task, 100, until=D(2023, 11, 30))
                    self.finish(task, D(2023, 12, 20) + dt.timedelta(days=self.rng.randint(-10, 30)))
                else:
                    self.progress(task, self.rng.choice([40, 65]), until=D(2024, 5, 1))

        # Working group (687-KH/TU): recent tasks around today, for "my work".
        phuong1 = self.ward("phuong1")
        recent = [
            ("Chuẩn bị nội dung đối thoại giữa Bí thư Đảng ủy với Nhân dân khu phố 3", -60, 5, 30),
            ("Báo cáo kết quả sinh hoạt chi bộ theo chuyên đề quý", -40, -12, 40),
            ("Rà soát, bổ sung quy hoạch cán bộ cấp ủy", -120, 25, 20),
            ("Tổng hợp ý kiến, kiến nghị của cử tri gửi kỳ họp HĐND", -30, 3, 0),
        ]
        for title, start, due, final in recent:
            task = self.assign(
                title=title, unit=phuong1, assigning_unit=self.city, source=kh687,
                start=self.today + dt.timedelta(days=start), deadline=self.today + dt.timedelta(days=due),
                responsible=self.head(phuong1),
            )
            if final:
                self.report(task, final, self.today - dt.timedelta(days=7), "Đang triển khai.")
            cells = self.cells(phuong1, 1)
            if cells and due > 0:
                self.sub(task, cells[0], title=f"Chi bộ: {title[0].lower()}{title[1:]}",
                         start=task.start, deadline=task.deadline)

        self.inspections()
        return self.count

    def inspections(self) -> None:
        commission = Unit.objects.filter(code=f"{dongha.CITY[0]}-ubkt").first() or self.city
        year = min(self.today.year, 2025)
        program = services.program_create(
            actor=None, unit=commission, year=year,
            title=f"Chương trình kiểm tra, giám sát năm {year} của Ủy ban Kiểm tra Thành ủy",
            term=Term.objects.filter(unit=self.city).order_by("-start").first(),
        )
        for ward_code, subject, kind, recs in (
            ("phuong1", "Việc thực hiện Quy chế làm việc và chế độ sinh hoạt chi bộ", "inspection",
             ["Chấn chỉnh việc ghi biên bản sinh hoạt chi bộ đúng hướng dẫn 12-HD/BTCTW.",
              "Kiểm điểm trách nhiệm tập thể chi ủy Chi bộ Khu phố 3 về việc chậm nộp đảng phí."]),
            ("dongluong", "Việc lãnh đạo thực hiện Chỉ thị 05-CT/TW", "supervision",
             ["Bổ sung kế hoạch làm theo gắn với nhiệm vụ chính trị của phường."]),
        ):
            ward = self.ward(ward_code)
            start = D(year, 3, 10)
            inspection = services.inspection_create(
                actor=None, program=program, kind=kind, target_unit=ward, subject=subject,
                period_start=start, period_end=start + dt.timedelta(days=14),
                team="Đồng chí Phó Chủ nhiệm UBKT Thành ủy (Trưởng đoàn) và 3 cán bộ UBKT",
            )
            services.inspection_conclude(
                actor=None, inspection=inspection,
                findings="Cơ bản thực hiện đúng quy định; còn một số hạn chế trong ghi chép, lưu trữ hồ sơ.",
                conclusion="Đảng ủy phường đã lãnh đạo thực hiện nghiêm túc; cần khắc phục các hạn chế đã chỉ ra.",
            )
            for text in recs:
                rec = services.recommendation_add(
                    actor=None, inspection=inspection, text=text,
                    deadline=inspection.period_end + dt.timedelta(days=90),
                )
                self.count += 1
                if rec.task and self.rng.random() < 0.5:
                    self.report(rec.task, 100, min(self.today, inspection.period_end + dt.timedelta(days=60)),
                                "Đã khắc phục.")


@transaction.atomic
def load(*, today: dt.date) -> int:
    """Add the demo tasks (once, if the city is loaded); returns how many were created."""
    city = Unit.objects.filter(code=dongha.CITY[0]).first()
    if city is None or Task.objects.filter(unit_path__startswith=city.path).exists():
        return 0
    documents_demo.load(today=today)
    return _Loader(today).load()
