import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.cache import cache_control

from accounts.choices import OrgKind

from .models import Boundary

BOUNDARY_KINDS = {OrgKind.DISTRICT, OrgKind.STREET, OrgKind.COMMUNITY}


@login_required
@cache_control(private=True, max_age=3600)
def boundaries(request):
    """Area outlines as GeoJSON, simplified for display (about 5 m)."""
    kind = request.GET.get("kind", OrgKind.STREET)
    if kind not in BOUNDARY_KINDS:
        kind = OrgKind.STREET
    features = [
        {
            "type": "Feature",
            "properties": {"id": b.organization_id, "name": b.organization.name, "code": b.organization.code},
            "geometry": json.loads(b.geometry.simplify(0.00005, preserve_topology=True).geojson),
        }
        for b in Boundary.objects.filter(organization__kind=kind).select_related("organization")
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def map_settings() -> dict:
    """The base map of every map page: tile URL, attribution and coordinate offset (all optional)."""
    return {
        "tiles": settings.MAP_TILES_URL,
        "attribution": settings.MAP_ATTRIBUTION,
        "offset": settings.MAP_TILES_OFFSET,
    }
