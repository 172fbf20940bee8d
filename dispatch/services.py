"""The responsible unit (确权) suggested for a case, and rules made by rulings on disputed cases."""

from django.db import transaction
from django.utils import timezone

from accounts.choices import OrgKind, UnitType
from accounts.models import Organization
from classification.models import Category

from .models import ResponsibilityRule
from .selectors import best_rules


def suggest_unit(case):
    """The unit the rules make responsible for ``case``, or None when no rule or two equal rules match."""
    rules = best_rules(case.category, [a for a in (case.community, case.street, case.district) if a])
    return rules[0].unit if len(rules) == 1 else None


def suggest_redispatch(case):
    """Where a district platform passes ``case`` on: the unit its rules name, when that is a handling unit,
    else the office of the case's street (territorial responsibility, 属地管理)."""
    unit = suggest_unit(case)
    if unit is not None and unit.kind == OrgKind.HANDLING_UNIT:
        return unit
    if case.street_id is None:
        return None
    return Organization.objects.filter(
        parent=case.street_id, kind=OrgKind.HANDLING_UNIT, unit_type=UnitType.STREET_OFFICE, is_active=True
    ).first()


@transaction.atomic
def rule_from_ruling(
    *, category: Category, area: Organization, unit: Organization, ruling, basis: str = ""
) -> ResponsibilityRule:
    """A ruling that holds from now on: this category in this area is ``unit``'s. The rule it replaces (same
    category and area) stays in the history, inactive."""
    ResponsibilityRule.objects.filter(category=category, area=area, component_owner="", is_active=True).update(
        is_active=False
    )
    return ResponsibilityRule.objects.create(
        category=category,
        area=area,
        unit=unit,
        valid_from=timezone.localdate(),
        ruling=ruling,
        note=(basis or str(ruling.note))[:200],
    )
