"""Reads of the spatial base, scoped where it matters (cameras are shared per organization)."""

import json
import math

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point, Polygon
from django.contrib.gis.measure import D
from django.db.models import Q

from accounts.choices import OrgKind
from accounts.scope import restrict

from .models import Boundary, Camera, Component


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
