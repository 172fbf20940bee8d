"""Loads the classification standards and the default work schedule.

Frozen: the loader below is a copy of what the code did when this migration was written, run on the
historical models, so that later changes to live code never change what this migration does. The
category lists are the standards' CSV files as they were then, in ``initial_data/`` beside it."""

import csv
import datetime as dt
from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parent / "initial_data"
SOURCES = {"gbt47678.5-2026": "categories-gbt47678.5-2026.csv", "cjt214-2007": "categories-cjt214-2007-events.csv"}
LIMITS = [  # (words in the minor name, limit, unit, urgency): the first match wins
    (("塌陷", "破裂", "群发", "井盖", "箅子", "结冰", "积雪", "脱落"), 2, "h", "urgent"),
    (("暴露垃圾", "满溢", "积水", "动物尸体", "遗撒", "道路不洁"), 4, "wh", "normal"),
    (("占道", "游商", "店外经营", "乱停放", "散发", "烧烤", "洗车", "促销"), 2, "wh", "normal"),
    (("积存垃圾", "乱堆", "晾挂", "小广告", "不洁", "污损"), 1, "wd", "normal"),
    (("绿", "树", "病虫害"), 5, "wd", "normal"),
    (("私搭乱建", "无证建设", "违章", "违规户外广告", "牌匾", "擅自"), 15, "wd", "normal"),
]
LIMIT_BY_KIND = {"component": (3, "wd", "normal"), "event": (2, "wd", "normal")}
UNIT_TYPE = {"component": "department", "event": "government"}


def load_reference_data(apps, schema_editor):
    MajorCategory, Category = apps.get_model("cases", "MajorCategory"), apps.get_model("cases", "Category")
    for scheme, filename in SOURCES.items():
        with (DATA_DIR / filename).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                kind = "component" if row["kind"] == "component" else "event"
                major, _ = MajorCategory.objects.update_or_create(
                    scheme=scheme, kind=kind, code=row["major_code"], defaults={"name": row["major_name"]})
                amount, unit, urgency = next(
                    ((a, u, g) for words, a, u, g in LIMITS if any(w in row["minor_name"] for w in words)),
                    LIMIT_BY_KIND[kind])
                Category.objects.get_or_create(major=major, code=row["minor_code"], defaults={
                    "name": row["minor_name"], "full_code": row["code"], "limit_amount": amount, "limit_unit": unit,
                    "urgency": urgency, "default_unit_type": UNIT_TYPE[kind]})
    WorkSchedule = apps.get_model("cases", "WorkSchedule")
    if not WorkSchedule.objects.exists():
        schedule = WorkSchedule.objects.create(name="08:00–12:00, 14:00–18:00", valid_from=dt.date(2000, 1, 1))
        for start, end in ((8, 12), (14, 18)):
            schedule.periods.create(start=dt.time(start), end=dt.time(end))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load_reference_data, migrations.RunPython.noop)]
