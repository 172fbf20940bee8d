from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.cache import cache_control

from accounts.choices import OrgKind

from .selectors import outlines


@login_required
@cache_control(private=True, max_age=3600)
def boundaries(request):
    """Area outlines as GeoJSON, simplified for display (about 5 m)."""
    return JsonResponse(outlines(request.GET.get("kind", OrgKind.STREET)))


def map_settings() -> dict:
    """The base map of every map page: tile URL, attribution and coordinate offset (all optional)."""
    return {
        "tiles": settings.MAP_TILES_URL,
        "attribution": settings.MAP_ATTRIBUTION,
        "offset": settings.MAP_TILES_OFFSET,
    }
