"""The answer deadlines as real rules, by kind, each with its source (``core.DeadlineRule``).

11-QĐi/TW fixes only the written acknowledgement (10 working days from receipt). How long the
answer may take is set by the law that governs each kind, counted from the acceptance (thụ lý):

- a complaint (khiếu nại): Luật Khiếu nại 2011, Điều 28 — first resolution within 30 days of
  acceptance (45 for a complex case; 45/60 in remote areas);
- a denunciation (tố cáo): Luật Tố cáo 2018, Điều 30 — within 30 days of acceptance
  (extendable once by 30 days, twice for a very complex case).

Opinions, reports and recommendations have no time limit in 11-QĐi/TW: the general rule
``citizens.answer`` stays the committee's own working rule, and says so in its source.
The office adds a new version (a longer term, a new law) on the rules page.
"""

import datetime as dt

from django.db import migrations

GENERAL = "Quy chế làm việc của cấp ủy (Quy định 11-QĐi/TW không quy định thời hạn trả lời ý kiến, phản ánh, kiến nghị)"

RULES = [
    {
        "code": "citizens.answer.khieu_nai",
        "name": "Giải quyết khiếu nại lần đầu (kể từ ngày thụ lý)",
        "days": 30,
        "counting": "calendar",
        "source": "Luật Khiếu nại số 02/2011/QH13, Điều 28 (vụ việc phức tạp không quá 45 ngày; vùng sâu, vùng xa 45–60 ngày)",
        "effective_from": dt.date(2012, 7, 1),
    },
    {
        "code": "citizens.answer.to_cao",
        "name": "Giải quyết tố cáo (kể từ ngày thụ lý)",
        "days": 30,
        "counting": "calendar",
        "source": "Luật Tố cáo số 25/2018/QH14, Điều 30 (gia hạn một lần không quá 30 ngày; vụ việc đặc biệt phức tạp hai lần)",
        "effective_from": dt.date(2019, 1, 1),
    },
]


def install(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for rule in RULES:
        DeadlineRule.objects.update_or_create(code=rule["code"], effective_from=rule["effective_from"], defaults=rule)
    DeadlineRule.objects.filter(code="citizens.answer", effective_from=dt.date(2019, 2, 18)).update(
        name="Trả lời ý kiến, phản ánh, kiến nghị (kể từ ngày tiếp nhận để giải quyết)", source=GENERAL
    )


def remove(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for rule in RULES:
        DeadlineRule.objects.filter(code=rule["code"], effective_from=rule["effective_from"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("citizens", "0006_identity_readers"),
        ("core", "0009_deadline_rule_ends_after_start"),
    ]

    operations = [migrations.RunPython(install, remove)]
