"""A polygon drawn on a map, as GeoJSON from the browser or the API, checked before any use."""

import json

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Polygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def drawn_area(value) -> Polygon | None:
    if value in (None, "", {}):
        return None
    text = value if isinstance(value, str) else json.dumps(value)
    try:
        geometry = GEOSGeometry(text, srid=4326)
    except (GEOSException, GDALException, ValueError, TypeError):
        raise ValidationError({"area": _("The area is not a GeoJSON polygon.")}) from None
    if geometry.geom_type != "Polygon" or not geometry.valid or geometry.empty:
        raise ValidationError({"area": _("The area is not a valid polygon.")})
    if not (
        -180 <= geometry.extent[0] <= geometry.extent[2] <= 180
        and -90 <= geometry.extent[1] <= geometry.extent[3] <= 90
    ):
        raise ValidationError({"area": _("The area lies outside the valid coordinates.")})
    geometry.srid = 4326
    return geometry
