"""Key areas: the month-by-month trend of the problems inside one, and a before/after comparison around a
date (a campaign, a new rule) with a permutation test of whether the change is more than noise."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate, TruncMonth
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.scope import scope_root
from cases.models import Case

from .models import KeyArea

PERMUTATIONS = 5000


def create_area(*, actor: User, name: str, geometry: str = "", area: Organization | None = None) -> KeyArea:
    """A key area from a polygon drawn on the map (GeoJSON) or from a street's or community's outline."""
    if not name.strip():
        raise ValidationError({"name": _("Name the area.")})
    if geometry:
        try:
            shape = GEOSGeometry(geometry, srid=4326)
        except (ValueError, TypeError):
            raise ValidationError({"geometry": _("Draw the area on the map again.")}) from None
    elif area is not None and hasattr(area, "boundary"):
        shape = area.boundary.geometry
    else:
        raise ValidationError({"geometry": _("Draw the area on the map, or choose a street or community.")})
    if isinstance(shape, Polygon):
        shape = MultiPolygon(shape, srid=4326)
    if not isinstance(shape, MultiPolygon) or not shape.valid or shape.area == 0:
        raise ValidationError({"geometry": _("Draw the area on the map again.")})
    owner = scope_root(actor) or Organization.objects.filter(parent__isnull=True).first()
    if owner is None:
        raise PermissionDenied
    return KeyArea.objects.create(name=name.strip()[:100], geometry=shape, organization=owner, created_by=actor)


def inside(cases: QuerySet[Case], area: KeyArea) -> QuerySet[Case]:
    return cases.filter(location__within=area.geometry)


def monthly(cases: QuerySet[Case]) -> list[tuple[str, int]]:
    rows = cases.annotate(month=TruncMonth("reported_at")).values("month").annotate(n=Count("pk")).order_by("month")
    return [(r["month"].strftime("%Y-%m"), r["n"]) for r in rows]


@dataclass(frozen=True)
class BeforeAfter:
    around: dt.date
    days: int
    before: list[int]
    after: list[int]
    p: float

    @property
    def mean_before(self) -> float:
        return sum(self.before) / len(self.before)

    @property
    def mean_after(self) -> float:
        return sum(self.after) / len(self.after)

    @property
    def change(self) -> float | None:
        return round(100 * (self.mean_after - self.mean_before) / self.mean_before, 1) if self.mean_before else None

    @property
    def significant(self) -> bool:
        return self.p < 0.05


def before_after(cases: QuerySet[Case], around: dt.date, days: int, seed: int = 0) -> BeforeAfter:
    """Reports per day in the ``days`` before ``around`` and from it on; p is the share of random relabellings
    of those days whose difference of means is at least as large (two-sided permutation test)."""
    first, last = around - dt.timedelta(days=days), around + dt.timedelta(days=days - 1)
    counts = dict(
        cases.filter(reported_at__date__gte=first, reported_at__date__lte=last)
        .annotate(day=TruncDate("reported_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    before = [counts.get(first + dt.timedelta(days=i), 0) for i in range(days)]
    after = [counts.get(around + dt.timedelta(days=i), 0) for i in range(days)]
    observed = abs(sum(after) - sum(before))
    shuffled = np.random.default_rng(seed).permuted(np.tile(np.array(before + after), (PERMUTATIONS, 1)), axis=1)
    differences = np.abs(shuffled[:, days:].sum(axis=1) - shuffled[:, :days].sum(axis=1))
    extreme = int((differences >= observed).sum())
    return BeforeAfter(around, days, before, after, (extreme + 1) / (PERMUTATIONS + 1))
