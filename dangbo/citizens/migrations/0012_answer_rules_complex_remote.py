"""The longer answer deadlines the laws give complex cases and remote areas, as rule versions.

Chosen by the case's flags at the acceptance (``Case.complexity``, ``Case.remote``; see
``models.answer_variant``), counted from the acceptance (thụ lý) in calendar days:

- Luật Khiếu nại số 02/2011/QH13, Điều 28 (first resolution): 30 days, a complex case up to 45;
  in a remote area hard to travel 45, a complex case there up to 60;
- Luật Tố cáo số 25/2018/QH14, Điều 30: 30 days; a complex case may be extended once by up to
  30 days (60 in all), a very complex case twice, each by up to 30 days (90 in all).

The deadline set is the longest the law allows; the extension itself is the handling unit's
decision, recorded by setting the complexity.
"""

import datetime as dt

from django.db import migrations

KN = "Luật Khiếu nại số 02/2011/QH13, Điều 28"
TC = "Luật Tố cáo số 25/2018/QH14, Điều 30"

RULES = [
    ("citizens.answer.khieu_nai.complex", "Giải quyết khiếu nại lần đầu, vụ việc phức tạp", 45,
     f"{KN} (vụ việc phức tạp: không quá 45 ngày kể từ ngày thụ lý)", dt.date(2012, 7, 1)),
    ("citizens.answer.khieu_nai.remote", "Giải quyết khiếu nại lần đầu ở vùng sâu, vùng xa", 45,
     f"{KN} (vùng sâu, vùng xa đi lại khó khăn: không quá 45 ngày kể từ ngày thụ lý)", dt.date(2012, 7, 1)),
    ("citizens.answer.khieu_nai.remote_complex", "Giải quyết khiếu nại lần đầu ở vùng sâu, vùng xa, vụ việc phức tạp",
     60, f"{KN} (vùng sâu, vùng xa, vụ việc phức tạp: không quá 60 ngày kể từ ngày thụ lý)",
     dt.date(2012, 7, 1)),
    ("citizens.answer.to_cao.complex", "Giải quyết tố cáo, vụ việc phức tạp (gia hạn một lần)", 60,
     f"{TC} (vụ việc phức tạp: gia hạn một lần, không quá 30 ngày)", dt.date(2019, 1, 1)),
    ("citizens.answer.to_cao.very_complex", "Giải quyết tố cáo, vụ việc đặc biệt phức tạp (gia hạn hai lần)", 90,
     f"{TC} (vụ việc đặc biệt phức tạp: gia hạn hai lần, mỗi lần không quá 30 ngày)", dt.date(2019, 1, 1)),
]


def install(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for code, name, days, source, start in RULES:
        DeadlineRule.objects.update_or_create(
            code=code, effective_from=start,
            defaults={"name": name, "days": days, "counting": "calendar", "source": source},
        )


def remove(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for code, _name, _days, _source, start in RULES:
        DeadlineRule.objects.filter(code=code, effective_from=start).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("citizens", "0011_case_complexity_remote"),
        ("core", "0009_deadline_rule_ends_after_start"),
    ]

    operations = [migrations.RunPython(install, remove)]
