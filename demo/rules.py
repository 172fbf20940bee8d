"""A complete responsibility-rule set for the demo city: components go to their owners city-wide, events
(matters) go to the district platform of the district they lie in, which dispatches to its streets."""

from django.db import transaction

from accounts.choices import OrgKind
from accounts.models import Organization
from classification.choices import CategoryKind
from classification.models import Category, MajorCategory
from demo.organizations import CITY_CODE
from dispatch.models import ResponsibilityRule

# component major class → the demo's city department code suffix
COMPONENT_OWNERS = {"01": "D01", "02": "D06", "03": "D04", "04": "D03", "05": "D13"}
# minor-name words → a more specific owner (utilities' own covers, street lights)
SPECIFIC_OWNERS = [
    (("供水",), "E01"),
    (("燃气",), "E02"),
    (("电力", "电缆"), "E03"),
    (("通信", "电信", "网络"), "E04"),
    (("电视", "广电"), "E07"),
    (("公交",), "E08"),
    (("污水", "雨水", "化粪池", "排水"), "E09"),
    (("热力",), "E10"),
    (("路灯", "景观灯", "照明"), "D02"),
    (("信号灯", "交通标志", "护栏"), "D07"),
]


@transaction.atomic
def build_demo_rules(city: Organization) -> int:
    unit = {o.code.split("-")[-1]: o for o in city.children.filter(kind=OrgKind.HANDLING_UNIT)}
    rules = []
    for major in MajorCategory.objects.filter(kind=CategoryKind.COMPONENT):
        owner = unit[COMPONENT_OWNERS.get(major.code, "D13")]
        rules.append(ResponsibilityRule(major=major, area=city, unit=owner, note="demo"))
    for category in Category.objects.filter(major__kind=CategoryKind.COMPONENT):
        for words, code in SPECIFIC_OWNERS:
            if any(word in category.name for word in words):
                rules.append(ResponsibilityRule(category=category, area=city, unit=unit[code], note="demo"))
                break
    platforms = Organization.objects.filter(kind=OrgKind.DISTRICT_PLATFORM, code__startswith=CITY_CODE[:4])
    for platform in platforms.select_related("parent"):
        for major in MajorCategory.objects.filter(kind=CategoryKind.EVENT):
            rules.append(ResponsibilityRule(major=major, area=platform.parent, unit=platform, note="demo"))
    ResponsibilityRule.objects.bulk_create(rules)
    return len(rules)
