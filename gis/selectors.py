"""Reads of the spatial base, scoped where it matters (cameras are shared per organization)."""

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.measure import D

from accounts.scope import restrict

from .models import Camera, Component


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
