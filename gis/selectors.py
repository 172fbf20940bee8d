"""Reads of the spatial base, scoped where it matters (cameras are shared per organization)."""

import json
import math

from django.contrib.gis.db.models.functions import Distance, PointOnSurface
from django.contrib.gis.geos import Point, Polygon
from django.contrib.gis.measure import D
from django.db.models import FloatField, Func, Q

from accounts.choices import OrgKind
from accounts.scope import restrict
from citymgmt.memo import Memo

from .models import Boundary, Camera, Component, Grid


def visible_cameras(user):
    """Cameras owned by, or shared with, an organization in the user's scope."""
    return restrict(Camera.objects.all(), user, "owner", "shared_with").distinct()


METRES_PER_DEGREE = 111_320


def within(field: str, point: Point, metres: float) -> Q:
    """``field`` lies within ``metres`` of ``point``: first a box around the point, which the spatial index
    answers, then the exact distance (alone, the distance on the sphere is computed for every row)."""
    rise = metres / METRES_PER_DEGREE
    run = rise / max(0.01, math.cos(math.radians(point.y)))
    box = Polygon.from_bbox((point.x - run, point.y - rise, point.x + run, point.y + rise))
    box.srid = point.srid or 4326
    return Q(**{f"{field}__bboverlaps": box, f"{field}__distance_lte": (point, D(m=metres))})


def nearby_components(point, metres: int = 60, limit: int = 10):
    """Components within ``metres`` of a point, nearest first (for the case page and for reporting)."""
    if point is None:
        return Component.objects.none()
    return (
        Component.objects.filter(within("location", point, metres))
        .annotate(distance=Distance("location", point))
        .select_related("category")
        .order_by("distance")[:limit]
    )


BOUNDARY_KINDS = {OrgKind.DISTRICT, OrgKind.STREET, OrgKind.COMMUNITY}


def outlines(kind: str) -> dict:
    """Area outlines of one kind (district, street or community; else streets) as a GeoJSON collection,
    simplified for display (about 5 m). Names and shapes only: public knowledge."""
    kind = kind if kind in BOUNDARY_KINDS else OrgKind.STREET
    features = [
        {
            "type": "Feature",
            "properties": {"id": b.organization_id, "name": b.organization.name, "code": b.organization.code},
            "geometry": json.loads(b.geometry.simplify(0.00005, preserve_topology=True).geojson),
        }
        for b in Boundary.objects.filter(organization__kind=kind).select_related("organization")
    ]
    return {"type": "FeatureCollection", "features": features}


def _grid_centres() -> dict[int, tuple[float, float]]:
    """Read as two numbers per grid (a GEOS point for each of 34,596 grids took a second of a map's first request)."""
    inner = PointOnSurface("geometry")
    x, y = (Func(inner, function=f, output_field=FloatField()) for f in ("ST_X", "ST_Y"))
    return {pk: (px, py) for pk, px, py in Grid.objects.annotate(x=x, y=y).values_list("pk", "x", "y")}


# Each unit grid's inner point, per process (citymgmt.memo): where a grid's cases gather on a map.
grid_centres = Memo(_grid_centres, Grid)


def clusters(counts, zoom: int, pixels: int = 64) -> list[dict]:
    """Per-grid counts ``(grid_id, cases, overdue)`` gathered into squares of about ``pixels`` on screen at
    ``zoom``, as GeoJSON points at each square's weighted centre with ``count`` and ``overdue``."""
    size = pixels * 360 / (256 * 2 ** max(0, min(zoom, 22)))
    centres, cells = grid_centres(), {}  # type: dict[int, tuple[float, float]], dict[tuple[float, float], list]
    for grid, count, overdue in counts:
        if grid not in centres:
            continue
        x, y = centres[grid]
        cell = cells.setdefault((x // size, y // size), [0, 0, 0.0, 0.0])
        cell[0], cell[1], cell[2], cell[3] = (
            cell[0] + count,
            cell[1] + overdue,
            cell[2] + x * count,
            cell[3] + y * count,
        )
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(sx / n, 6), round(sy / n, 6)]},
            "properties": {"count": n, "overdue": late},
        }
        for n, late, sx, sy in cells.values()
    ]
