"""Reads of the spatial base, scoped where it matters (cameras are shared per organization)."""

import json

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.measure import D

from accounts.choices import OrgKind
from accounts.scope import restrict

from .models import Boundary, Camera, Component


def visible_cameras(user):
    """Cameras owned by, or shared with, an organization in the user's scope."""
    return restrict(Camera.objects.all(), user, "owner", "shared_with").distinct()


def nearby_components(point, metres: int = 60, limit: int = 10):
    """Components within ``metres`` of a point, nearest first (for the case page and for reporting)."""
    if point is None:
        return Component.objects.none()
    return (
        Component.objects.filter(location__distance_lte=(point, D(m=metres)))
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
