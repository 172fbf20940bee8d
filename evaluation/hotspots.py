"""Hot and cold spots of problems per unit grid: Getis-Ord Gi* over the grid counts of a period.

Every unit grid of the study area takes part (those with no case count zero). A grid's neighbours are the
grids whose centres lie within ``NEIGHBOUR_M`` (150 m: the eight around a 100 m grid) and, for Gi*, itself.
With binary weights w_ij, n grids, mean x̄ and standard deviation S of the counts:

    Gi* = (Σ_j w_ij x_j − x̄ Σ_j w_ij) / (S · √((n Σ_j w_ij − (Σ_j w_ij)²) / (n − 1)))

is a z-score. The many tests are corrected by Benjamini–Hochberg at ``FDR`` (5 %) so that few hot spots are
false; a significant grid is hot (z > 0) or cold (z < 0), at the 99 % level where its own p is below 0.01.
Computed in NumPy over counts from one SQL query; the neighbours are built once per process.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from django.conf import settings
from django.contrib.gis.db.models.functions import Centroid, Transform
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from cases.models import Case
from gis.models import Grid

NEIGHBOUR_M = 150.0
FDR = 0.05
RECURRENT_TIMES = 3  # a grid with this many cases of one category in the period is a recurrent location


@dataclass(frozen=True)
class Lattice:
    """The study area's grids, their centres and their neighbours (CSR: ``neighbours[start[i]:start[i+1]]``)."""

    ids: np.ndarray
    codes: list[str]
    lonlat: np.ndarray  # (n, 2) degrees, for the map
    xy: np.ndarray  # (n, 2) metres
    start: np.ndarray
    neighbours: np.ndarray

    @property
    def size(self) -> int:
        return len(self.ids)

    def index(self) -> dict[int, int]:
        return {int(pk): i for i, pk in enumerate(self.ids)}


@lru_cache(maxsize=8)
def lattice(district_id: int | None, version: tuple[int, int]) -> Lattice:
    """The grids of the city (or of one district); ``version`` (count, last id) renews it when grids change."""
    grids = Grid.objects.order_by("pk")
    if district_id:
        grids = grids.filter(district_id=district_id)
    rows = list(
        grids.annotate(
            centre=Centroid("geometry"), metric=Transform(Centroid("geometry"), settings.GIS_METRIC_SRID)
        ).values_list("pk", "code", "centre", "metric")
    )
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    lonlat = np.array([(r[2].x, r[2].y) for r in rows], dtype=float).reshape(-1, 2)
    xy = np.array([(r[3].x, r[3].y) for r in rows], dtype=float).reshape(-1, 2)
    buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
    cells = [(int(cx), int(cy)) for cx, cy in np.floor(xy / NEIGHBOUR_M)]
    for i, cell in enumerate(cells):
        buckets[cell].append(i)
    start, neighbours = [0], []
    for i, (cx, cy) in enumerate(cells):
        near = np.array([j for dx in (-1, 0, 1) for dy in (-1, 0, 1) for j in buckets.get((cx + dx, cy + dy), ())])
        close = near[np.hypot(*(xy[near] - xy[i]).T) <= NEIGHBOUR_M]  # itself included: Gi*
        neighbours.extend(close.tolist())
        start.append(len(neighbours))
    return Lattice(
        ids=ids,
        codes=[r[1] for r in rows],
        lonlat=lonlat,
        xy=xy,
        start=np.array(start, dtype=np.int64),
        neighbours=np.array(neighbours, dtype=np.int64),
    )


def lattice_for(district_id: int | None) -> Lattice:
    grids = Grid.objects.filter(district_id=district_id) if district_id else Grid.objects.all()
    last = grids.order_by("-pk").values_list("pk", flat=True).first() or 0
    return lattice(district_id, (grids.count(), last))


def gi_star(grid: Lattice, counts: np.ndarray) -> np.ndarray:
    """The Gi* z-score of every grid (0 where the counts do not vary)."""
    n = grid.size
    x = counts.astype(float)
    if n < 3 or x.std() == 0:
        return np.zeros(n)
    sums = np.add.reduceat(x[grid.neighbours], grid.start[:-1])
    weights = np.diff(grid.start).astype(float)
    mean, spread = x.mean(), math.sqrt((x**2).mean() - x.mean() ** 2)
    denominator = spread * np.sqrt((n * weights - weights**2) / (n - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(denominator > 0, (sums - mean * weights) / denominator, 0.0)
    return z


def p_values(z: np.ndarray) -> np.ndarray:
    return np.array([math.erfc(abs(v) / math.sqrt(2)) for v in z])


def significant(p: np.ndarray, rate: float = FDR) -> np.ndarray:
    """Benjamini–Hochberg: which tests stand at false discovery rate ``rate``."""
    m = len(p)
    if not m:
        return np.zeros(0, dtype=bool)
    order = np.argsort(p)
    passed = p[order] <= rate * np.arange(1, m + 1) / m
    keep = np.zeros(m, dtype=bool)
    if passed.any():
        keep[order[: np.nonzero(passed)[0].max() + 1]] = True
    return keep


@dataclass(frozen=True)
class Spot:
    grid_id: int
    code: str
    lonlat: tuple[float, float]
    count: int
    z: float
    p: float
    kind: str  # "hot" or "cold"
    level: int  # 99 or 95


@dataclass(frozen=True)
class Analysis:
    grid: Lattice
    counts: np.ndarray
    z: np.ndarray
    spots: list[Spot]

    @property
    def hot(self) -> list[Spot]:
        return [s for s in self.spots if s.kind == "hot"]

    @property
    def cold(self) -> list[Spot]:
        return [s for s in self.spots if s.kind == "cold"]

    def density(self) -> list[list[float]]:
        """[lon, lat, count] of every grid with a case: the heat map."""
        return [
            [round(float(lon), 6), round(float(lat), 6), int(c)]
            for (lon, lat), c in zip(self.grid.lonlat, self.counts, strict=True)
            if c
        ]


def grid_counts(grid: Lattice, cases: QuerySet[Case]) -> np.ndarray:
    counts = np.zeros(grid.size, dtype=np.int64)
    where = grid.index()
    for grid_id, n in cases.filter(grid__isnull=False).values_list("grid_id").annotate(n=Count("pk")).order_by():
        if grid_id in where:
            counts[where[grid_id]] = n
    return counts


def analyse(cases: QuerySet[Case], district_id: int | None = None) -> Analysis:
    """Hot and cold spots of ``cases`` (already filtered by period, category, source and scope)."""
    grid = lattice_for(district_id)
    counts = grid_counts(grid, cases)
    z = gi_star(grid, counts)
    p = p_values(z)
    keep = significant(p)
    spots = [
        Spot(
            grid_id=int(grid.ids[i]),
            code=grid.codes[i],
            lonlat=(float(grid.lonlat[i][0]), float(grid.lonlat[i][1])),
            count=int(counts[i]),
            z=round(float(z[i]), 2),
            p=float(p[i]),
            kind="hot" if z[i] > 0 else "cold",
            level=99 if p[i] < 0.01 else 95,
        )
        for i in np.nonzero(keep)[0]
    ]
    spots.sort(key=lambda s: -abs(s.z))
    return Analysis(grid=grid, counts=counts, z=z, spots=spots)


def recurrent(cases: QuerySet[Case], times: int = RECURRENT_TIMES, limit: int = 30) -> list[dict]:
    """Places where the same problem comes back: a grid and a category with ``times`` cases or more."""
    rows = (
        cases.filter(grid__isnull=False)
        .values("grid_id", "grid__code", "category_id", "category__name", "community__name")
        .annotate(n=Count("pk"), months=Count(TruncMonth("reported_at"), distinct=True))
        .filter(n__gte=times)
        .order_by("-n", "grid__code")[:limit]
    )
    return list(rows)


def persistence(cases: QuerySet[Case], months: list[dt.date], district_id: int | None = None) -> list[dict]:
    """In how many of ``months`` each grid was a hot spot: the grids hot most often first."""
    hot: Counter[int] = Counter()
    codes: dict[int, str] = {}
    for month in months:
        following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        in_month = cases.filter(reported_at__date__gte=month, reported_at__date__lt=following)
        for spot in analyse(in_month, district_id).hot:
            hot[spot.grid_id] += 1
            codes[spot.grid_id] = spot.code
    return [
        {"grid_id": g, "code": codes[g], "months": n, "of": len(months)}
        for g, n in hot.most_common()
        if n >= max(2, len(months) // 2)
    ]


def category_filter(category: int | None = None, major: int | None = None, source: str | None = None, area=None) -> Q:
    """The cases of one kind (category, major category, source) and, with ``area``, of one district or street."""
    q = Q()
    if area is not None:
        q &= Q(district=area) | Q(street=area)
    if category:
        q &= Q(category_id=category)
    if major:
        q &= Q(category__major_id=major)
    if source:
        q &= Q(source=source)
    return q
