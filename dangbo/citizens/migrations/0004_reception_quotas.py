"""The reception quotas by level, as data (``citizens.ReceptionQuota``)."""

import datetime as dt

from django.db import migrations

QUOTAS = [
    # level, days a month, source, from, to
    ("tinh", 1, "Quy định 11-QĐi/TW ngày 18/02/2019 của Bộ Chính trị", dt.date(2019, 2, 18), None),
    (
        "huyen", 1, "Quy định 11-QĐi/TW ngày 18/02/2019 của Bộ Chính trị (cấp huyện kết thúc hoạt động 30/6/2025)",
        dt.date(2019, 2, 18), dt.date(2025, 6, 30),
    ),
    ("xa", 2, "Kết luận 215-KL/TW ngày 23/11/2025 sửa đổi Quy định 11-QĐi/TW", dt.date(2025, 11, 23), None),
]


def install(apps, schema_editor):
    UnitLevel = apps.get_model("orgs", "UnitLevel")
    ReceptionQuota = apps.get_model("citizens", "ReceptionQuota")
    for code, days, source, start, end in QUOTAS:
        level = UnitLevel.objects.filter(code=code).first()
        if level is not None:
            ReceptionQuota.objects.update_or_create(
                level=level, effective_from=start,
                defaults={"days_per_month": days, "source": source, "effective_to": end},
            )


def remove(apps, schema_editor):
    apps.get_model("citizens", "ReceptionQuota").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("citizens", "0003_reception_days_dialogues"),
        ("orgs", "0002_catalogue"),
    ]

    operations = [migrations.RunPython(install, remove)]
