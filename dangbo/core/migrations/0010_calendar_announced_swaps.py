"""The government's announced swaps of working days for the demo years, as data.

Each year the Prime Minister approves (through a dispatch of the Government Office, VPCP) how
the holidays fall for officials and public employees, the ministry in charge (Bộ LĐTBXH, from
March 2025 Bộ Nội vụ) announces it. A swap makes a working day off and a Saturday a make-up
working day. Only swaps read in their source document are entered; the public holidays, the
days off in lieu and the Tết breaks (no swap in 2019, 2020, 2024, 2025 or 2026) come from the
``holidays`` package. Several swaps below are also in that package (0.109): ``workdays`` adds
sets of dates, so a date known twice still counts once, and the row keeps its source on the
office's calendar page (and wins if a later package changes). Not entered: the 2026 National
Day swap (Monday 31/8 off, Saturday 22/8 worked) that the package carries, whose approving
document was not found. An install that already has a row for one of these dates keeps it.
"""

import datetime as dt

from django.db import migrations

VPCP_2019 = "Công văn số 6519/VPCP-KGVX ngày 11/07/2018 của Văn phòng Chính phủ (nghỉ lễ, tết năm 2019)"
VPCP_2024 = "Công văn số 2450/VPCP-KGVX ngày 12/04/2024 của Văn phòng Chính phủ (hoán đổi ngày làm việc dịp 30/4 và 1/5/2024)"
VPCP_2025 = (
    "Công văn số 8726/VPCP-KGVX ngày 26/11/2024 của Văn phòng Chính phủ; Thông báo số 6150/TB-LĐTBXH của "
    "Bộ Lao động - Thương binh và Xã hội (nghỉ Tết Âm lịch và một số dịp lễ năm 2025)"
)
VPCP_2026 = "Công văn số 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ (nghỉ Tết Dương lịch năm 2026)"

#: (date, kind, source, note)
SWAPS = [
    (dt.date(2018, 12, 31), "off", VPCP_2019, "Tết Dương lịch 2019: nghỉ thứ Hai 31/12/2018, làm bù thứ Bảy 05/01/2019"),
    (dt.date(2019, 1, 5), "workday", VPCP_2019, "Tết Dương lịch 2019: làm bù cho thứ Hai 31/12/2018"),
    (dt.date(2019, 4, 29), "off", VPCP_2019, "30/4–1/5/2019: nghỉ thứ Hai 29/4, làm bù thứ Bảy 04/5"),
    (dt.date(2019, 5, 4), "workday", VPCP_2019, "30/4–1/5/2019: làm bù cho thứ Hai 29/4"),
    (dt.date(2024, 4, 29), "off", VPCP_2024, "30/4–1/5/2024: nghỉ thứ Hai 29/4, làm bù thứ Bảy 04/5"),
    (dt.date(2024, 5, 4), "workday", VPCP_2024, "30/4–1/5/2024: làm bù cho thứ Hai 29/4"),
    (dt.date(2025, 4, 26), "workday", VPCP_2025, "30/4–1/5/2025: làm bù cho thứ Sáu 02/5"),
    (dt.date(2025, 5, 2), "off", VPCP_2025, "30/4–1/5/2025: nghỉ thứ Sáu 02/5, làm bù thứ Bảy 26/4"),
    (dt.date(2026, 1, 2), "off", VPCP_2026, "Tết Dương lịch 2026: nghỉ thứ Sáu 02/01, làm bù thứ Bảy 10/01"),
    (dt.date(2026, 1, 10), "workday", VPCP_2026, "Tết Dương lịch 2026: làm bù cho thứ Sáu 02/01"),
]


def add_swaps(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    taken = set(CalendarDay.objects.filter(date__in=[d for d, *_ in SWAPS]).values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        CalendarDay(year=day.year, date=day, kind=kind, source=source, note=note)
        for day, kind, source, note in SWAPS
        if day not in taken
    )


def remove_swaps(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    for day, kind, source, _note in SWAPS:
        CalendarDay.objects.filter(date=day, kind=kind, source=source).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_deadline_rule_ends_after_start"),
    ]

    operations = [migrations.RunPython(add_swaps, remove_swaps)]
