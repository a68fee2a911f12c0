"""The first evaluation scale of commitments: Quảng Trị's practice (the province's standing
committee marks each item hoàn thành / đang thực hiện / chưa triển khai). Local practice that
changes: a new version is a new row, commitments keep the one they used."""

import datetime as dt

from django.db import migrations

GRADES = [("hoan-thanh", "Hoàn thành", 3), ("dang-thuc-hien", "Đang thực hiện", 2), ("chua-trien-khai", "Chưa triển khai", 1)]


def install(apps, schema_editor):
    Scale = apps.get_model("plans", "EvaluationScale")
    Grade = apps.get_model("plans", "EvaluationGrade")
    scale, _ = Scale.objects.get_or_create(
        code="cam-ket-quang-tri", version=1,
        defaults={
            "name": "Đánh giá thực hiện cam kết trách nhiệm",
            "source": "Ban Thường vụ Tỉnh ủy Quảng Trị: đánh giá kết quả thực hiện cam kết (hướng dẫn hằng năm)",
            "effective_from": dt.date(2017, 1, 1),
        },
    )
    for code, label, rank in GRADES:
        Grade.objects.get_or_create(scale=scale, code=code, defaults={"label": label, "rank": rank})


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_commitments_indicators")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
