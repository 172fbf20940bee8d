"""Reads of responsibility rules: the best rule for a case, and where the rule set has gaps or ties."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from accounts.choices import OrgKind
from accounts.models import Organization
from classification.models import Category

from .models import ResponsibilityRule


def _area_chain(areas) -> set[int]:
    """The given areas and all their ancestors (a rule for the district also covers its streets)."""
    ids: set[int] = set()
    for area in areas:
        ids.update(int(pk) for pk in area.path.strip("/").split("/"))
    return ids


def _best(candidates: list[ResponsibilityRule], area_ids: set[int], owner: str = "") -> list[ResponsibilityRule]:
    matching = [
        r
        for r in candidates
        if (r.area_id is None or r.area_id in area_ids) and (not r.component_owner or r.component_owner == owner)
    ]
    if not matching:
        return []
    top = max(r.specificity for r in matching)
    best = [r for r in matching if r.specificity == top]
    return list({r.unit_id: r for r in best}.values())  # equal rules naming the same unit are no conflict


def best_rules(category: Category, areas, component_owner: str = "") -> list[ResponsibilityRule]:
    """The most specific matching rules; exactly one unless the rule set has a gap (none) or a tie."""
    candidates = (
        ResponsibilityRule.objects.filter(is_active=True, unit__is_active=True)
        .filter(
            Q(category=category)
            | Q(category__isnull=True, major=category.major_id)
            | Q(category__isnull=True, major__isnull=True)
        )
        .select_related("area", "unit")
    )
    return _best(list(candidates), _area_chain(areas), component_owner)


@dataclass(frozen=True)
class Gap:
    category: Category
    area: Organization
    units: tuple[Organization, ...]  # empty: nobody is responsible; two or more: a tie


def rule_gaps(area_kind: str = OrgKind.STREET) -> list[Gap]:
    """Every (active category × area of ``area_kind``) with no responsible unit or with a tie."""
    rules = list(ResponsibilityRule.objects.filter(is_active=True, unit__is_active=True).select_related("unit", "area"))
    by_category, by_major, anywhere = defaultdict(list), defaultdict(list), []
    for rule in rules:
        if rule.category_id:
            by_category[rule.category_id].append(rule)
        elif rule.major_id:
            by_major[rule.major_id].append(rule)
        else:
            anywhere.append(rule)
    gaps = []
    categories = list(Category.objects.filter(is_active=True).select_related("major"))
    for area in Organization.objects.filter(kind=area_kind, is_active=True).order_by("path"):
        chain = _area_chain([area])
        for category in categories:
            candidates = by_category[category.pk] + by_major[category.major_id] + anywhere
            best = _best(candidates, chain)
            if len(best) != 1:
                gaps.append(Gap(category, area, tuple(r.unit for r in best)))
    return gaps
