"""Geometry for the demo city: a 345 km² square of 100 m unit grids, cut into the demo tree's districts
(vertical strips, as wide as their share of streets), streets (bands across each district) and
communities (strips across each street). Synthetic, deterministic, and every grid lies in exactly one
community."""

import math
from dataclasses import dataclass

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import transaction

from accounts.choices import OrgKind
from accounts.models import Organization

from .models import Boundary, Grid

ORIGIN = (120.205, 31.655)  # north-west corner (lon, lat)
CELL_M = 100
CELLS = 186  # 186 × 186 cells of 100 m × 100 m = 345.96 km²
M_PER_DEG_LAT = 111_320.0
M_PER_DEG_LON = M_PER_DEG_LAT * math.cos(math.radians(ORIGIN[1]))


def lonlat(col: float, row: float) -> tuple[float, float]:
    """Grid-cell coordinates (col east, row south of the origin) → WGS 84."""
    return ORIGIN[0] + col * CELL_M / M_PER_DEG_LON, ORIGIN[1] - row * CELL_M / M_PER_DEG_LAT


@dataclass(frozen=True)
class Rect:
    col0: int
    row0: int
    col1: int
    row1: int

    def polygon(self) -> Polygon:
        corners = [(self.col0, self.row0), (self.col1, self.row0), (self.col1, self.row1), (self.col0, self.row1)]
        ring = [lonlat(c, r) for c, r in corners]
        return Polygon([*ring, ring[0]], srid=4326)

    def split(self, weights: list[float], vertical: bool) -> list["Rect"]:
        """Cut into strips in proportion to ``weights`` (vertical strips side by side, or horizontal bands)."""
        lo, hi = (self.col0, self.col1) if vertical else (self.row0, self.row1)
        total, acc, parts, start = sum(weights), 0.0, [], lo
        for w in weights:
            acc += w
            end = lo + round((hi - lo) * acc / total)
            parts.append(Rect(start, self.row0, end, self.row1) if vertical else Rect(self.col0, start, self.col1, end))
            start = end
        return parts


def children(org: Organization, kind: OrgKind) -> list[Organization]:
    return list(org.children.filter(kind=kind).order_by("code"))


@transaction.atomic
def build_demo_geometry(city: Organization) -> int:
    """Boundaries for every area and the unit grids of every community; returns the number of grids."""
    boundaries, grids = [], []
    city_rect = Rect(0, 0, CELLS, CELLS)
    boundaries.append(Boundary(organization=city, geometry=MultiPolygon(city_rect.polygon())))
    districts = children(city, OrgKind.DISTRICT)
    district_streets = [children(d, OrgKind.STREET) for d in districts]
    for district, streets, d_rect in zip(
        districts, district_streets, city_rect.split([len(s) for s in district_streets], vertical=True), strict=True
    ):
        boundaries.append(Boundary(organization=district, geometry=MultiPolygon(d_rect.polygon())))
        for street, s_rect in zip(streets, d_rect.split([1] * len(streets), vertical=False), strict=True):
            boundaries.append(Boundary(organization=street, geometry=MultiPolygon(s_rect.polygon())))
            communities = children(street, OrgKind.COMMUNITY)
            for community, c_rect in zip(communities, s_rect.split([1] * len(communities), vertical=True), strict=True):
                boundaries.append(Boundary(organization=community, geometry=MultiPolygon(c_rect.polygon())))
                serial = 0
                for row in range(c_rect.row0, c_rect.row1):  # north to south
                    for col in range(c_rect.col0, c_rect.col1):  # west to east
                        serial += 1
                        grids.append(Grid(
                            code=f"{community.code}{serial:03}", community=community, street=street,
                            district=district, geometry=Rect(col, row, col + 1, row + 1).polygon(),
                            area_m2=CELL_M * CELL_M,
                        ))
    Boundary.objects.bulk_create(boundaries, batch_size=500)
    Grid.objects.bulk_create(grids, batch_size=2000)
    return len(grids)
