"""The cases' deadline rules, as data (``core.DeadlineRule``): the office corrects them or adds
a new version with its source document and effective dates, never in code."""

import datetime as dt

from django.db import migrations

RULES = [
    {
        "code": "citizens.acknowledge",
        "name": "Thông báo bằng văn bản việc tiếp nhận, chuyển đơn",
        "days": 10,
        "counting": "working",
        "source": "Quy định 11-QĐi/TW ngày 18/02/2019 của Bộ Chính trị (sửa đổi theo Kết luận 215-KL/TW ngày 23/11/2025)",
        "effective_from": dt.date(2019, 2, 18),
    },
    {
        "code": "citizens.answer",
        "name": "Trả lời người gửi ý kiến, phản ánh, kiến nghị, khiếu nại, tố cáo",
        "days": 30,
        "counting": "working",
        "source": "Mặc định của Văn phòng — sửa theo quy chế của cấp ủy",
        "effective_from": dt.date(2019, 2, 18),
    },
]


def install(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for rule in RULES:
        DeadlineRule.objects.update_or_create(
            code=rule["code"], effective_from=rule["effective_from"], defaults=rule
        )


def remove(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for rule in RULES:
        DeadlineRule.objects.filter(code=rule["code"], effective_from=rule["effective_from"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("citizens", "0001_initial"),
        ("core", "0007_workdays_deadline_rules"),
    ]

    operations = [migrations.RunPython(install, remove)]
