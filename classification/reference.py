"""Loading the classification standards and their [default] handling limits.

The CSV files in ``classification/data`` are the standards' category lists. The standards leave handling limits
to each city (its 立案/处置/结案标准 table), so the limits below are this project's defaults, taken from
the typical values of the domain spec (section 4) and editable in the admin afterwards.
"""

import csv
from pathlib import Path

from accounts.choices import UnitType

from .choices import CategoryKind, CategoryScheme, LimitUnit, Urgency

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCES = {
    CategoryScheme.GBT47678: DATA_DIR / "categories-gbt47678.5-2026.csv",
    CategoryScheme.CJT214: DATA_DIR / "categories-cjt214-2007-events.csv",
}

# (words in the minor name, limit, unit, urgency); the first match wins, in this order.
DEFAULT_LIMITS = [
    (("塌陷", "破裂", "群发", "井盖", "箅子", "结冰", "积雪", "脱落"), 2, LimitUnit.NATURAL_HOURS, Urgency.URGENT),
    (("暴露垃圾", "满溢", "积水", "动物尸体", "遗撒", "道路不洁"), 4, LimitUnit.WORKING_HOURS, Urgency.NORMAL),
    (
        ("占道", "游商", "店外经营", "乱停放", "散发", "烧烤", "洗车", "促销"),
        2,
        LimitUnit.WORKING_HOURS,
        Urgency.NORMAL,
    ),
    (("积存垃圾", "乱堆", "晾挂", "小广告", "不洁", "污损"), 1, LimitUnit.WORKING_DAYS, Urgency.NORMAL),
    (("绿", "树", "病虫害"), 5, LimitUnit.WORKING_DAYS, Urgency.NORMAL),
    (("私搭乱建", "无证建设", "违章", "违规户外广告", "牌匾", "擅自"), 15, LimitUnit.WORKING_DAYS, Urgency.NORMAL),
]
DEFAULT_LIMIT_BY_KIND = {
    CategoryKind.COMPONENT: (3, LimitUnit.WORKING_DAYS, Urgency.NORMAL),
    CategoryKind.EVENT: (2, LimitUnit.WORKING_DAYS, Urgency.NORMAL),
}
# Who usually owns a problem of each major class; the responsibility rules decide in the end.
DEFAULT_UNIT_TYPE = {
    CategoryKind.COMPONENT: UnitType.FUNCTIONAL_DEPARTMENT,
    CategoryKind.EVENT: UnitType.DISTRICT_GOVERNMENT,
}


def default_limit(kind: str, name: str) -> tuple[int, str, str]:
    for words, amount, unit, urgency in DEFAULT_LIMITS:
        if any(word in name for word in words):
            return amount, unit, urgency
    return DEFAULT_LIMIT_BY_KIND[kind]


def read_rows(scheme: str) -> list[dict]:
    with SOURCES[scheme].open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:  # the 2026 standard calls events "matters" (事项)
        row["kind"] = CategoryKind.COMPONENT if row["kind"] == "component" else CategoryKind.EVENT
    return rows


def is_city_appearance(major_name: str) -> bool:
    """The default of which classes are city appearance (市容): 市容环境, 市容环卫设施… (editable in the admin)."""
    return "市容" in major_name


def load_categories(major_model, category_model, schemes=tuple(SOURCES)) -> int:
    """Create or update every category of ``schemes``; returns how many minors were written.

    Takes the models as arguments so that a data migration can pass its historical models. Limits
    edited in the admin are kept: only new categories get the defaults.
    """
    written = 0
    for scheme in schemes:
        for row in read_rows(scheme):
            major, new = major_model.objects.update_or_create(
                scheme=scheme, kind=row["kind"], code=row["major_code"], defaults={"name": row["major_name"]}
            )
            if new and hasattr(major, "city_appearance"):  # historical models of early migrations lack it
                major.city_appearance = is_city_appearance(major.name)
                major.save(update_fields=["city_appearance"])
            amount, unit, urgency = default_limit(row["kind"], row["minor_name"])
            category, created = category_model.objects.get_or_create(
                major=major,
                code=row["minor_code"],
                defaults={
                    "name": row["minor_name"],
                    "full_code": row["code"],
                    "limit_amount": amount,
                    "limit_unit": unit,
                    "urgency": urgency,
                    "default_unit_type": DEFAULT_UNIT_TYPE[row["kind"]],
                },
            )
            if not created and category.name != row["minor_name"]:
                category.name = row["minor_name"]
                category.save(update_fields=["name"])
            written += 1
    return written
