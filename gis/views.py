from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from accounts.choices import OrgKind

from . import basemap
from .selectors import outlines


@login_required
@cache_control(private=True, max_age=3600)
def boundaries(request):
    """Area outlines as GeoJSON, simplified for display (about 5 m)."""
    return JsonResponse(outlines(request.GET.get("kind", OrgKind.STREET)))


def map_settings() -> dict:
    """The base map of every map page: a configured tile service (with its attribution and coordinate offset),
    else the platform's own tiles drawn from its spatial data."""
    if settings.MAP_TILES_URL:
        return {
            "tiles": settings.MAP_TILES_URL,
            "attribution": settings.MAP_ATTRIBUTION,
            "offset": settings.MAP_TILES_OFFSET,
        }
    own = reverse("gis-basemap", args=[basemap.data_version(), 0, 0, 0]).replace("/0/0/0.png", "/{z}/{x}/{y}.png")
    return {"tiles": own, "attribution": _("Base map: the platform's own spatial data"), "offset": ""}


@cache_control(public=True, max_age=7 * 24 * 3600)  # the address carries the data's version
def basemap_tile(request, version: str, z: int, x: int, y: int):
    """One tile of the platform's own base map (no log-in: it shows streets and area names only)."""
    if not (basemap.MIN_ZOOM <= z <= basemap.MAX_ZOOM and x < 2**z and y < 2**z):
        raise Http404
    return HttpResponse(basemap.tile(version, z, x, y), content_type="image/png")
