"""Reads of the spatial base, scoped where it matters (cameras are shared per organization)."""

from django.db.models import Q

from accounts.scope import UNRESTRICTED, scope_root

from .models import Camera


def visible_cameras(user):
    try:
        root = scope_root(user)
    except Exception:  # noqa: BLE001 - no organization: no camera
        return Camera.objects.none()
    if root is UNRESTRICTED or root.parent_id is None:
        return Camera.objects.all()
    return Camera.objects.filter(
        Q(owner__path__startswith=root.path) | Q(shared_with__path__startswith=root.path)
        | Q(shared_with=user.organization_id)
    ).distinct()


def nearby_components(point, metres: int = 60, limit: int = 10):
    """Components within ``metres`` of a point, nearest first (for the case page and for reporting)."""
    from django.contrib.gis.db.models.functions import Distance
    from django.contrib.gis.measure import D

    from .models import Component

    if point is None:
        return Component.objects.none()
    return (Component.objects.filter(location__distance_lte=(point, D(m=metres)))
            .annotate(distance=Distance("location", point)).select_related("category").order_by("distance")[:limit])
