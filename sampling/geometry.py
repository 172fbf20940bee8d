"""Metric geometry for the sampling rules, with GEOS in the city's metric projection (GIS_METRIC_SRID).
PostgreSQL computes the same rules in SQL in the same projection (``coverage``); this is the rule on
SpatiaLite and for single features, and the reference the tests hold the SQL to."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection

LINES = ("LineString", "MultiLineString")
AREAS = ("Polygon", "MultiPolygon")


SIMPLIFY_M = 5  # the track is simplified (Douglas-Peucker) to within 5 m before it is buffered


def postgis() -> bool:
    """Whether the database computes the rules (PostgreSQL); else GEOS does, here."""
    return connection.vendor == "postgresql"


def in_metres(geometry: GEOSGeometry) -> GEOSGeometry:
    return geometry.transform(settings.GIS_METRIC_SRID, clone=True)


def metres_long(geometry: GEOSGeometry) -> float:
    return in_metres(geometry).length


def share_covered(sample: GEOSGeometry, track: GEOSGeometry, buffer_m: float | None = None) -> float:
    """How much of the sample the track covered: for a line, the share of its length within ``buffer_m``
    of the track; for an area, 1 when the track enters it; for a point, 1 when the track passes within
    ``buffer_m``. (0 otherwise.)"""
    buffer_m = settings.SAMPLING_TRACK_BUFFER_M if buffer_m is None else buffer_m
    s, t = in_metres(sample), in_metres(track).simplify(SIMPLIFY_M)
    if sample.geom_type in LINES:
        return min(1.0, s.intersection(t.buffer(buffer_m)).length / s.length) if s.length else 0.0
    if sample.geom_type in AREAS:
        return 1.0 if s.intersects(t) else 0.0
    return 1.0 if s.distance(t) <= buffer_m else 0.0


def is_covered(share: float) -> bool:
    return share >= settings.SAMPLING_COVERED_SHARE


def nearest(point: GEOSGeometry, candidates: Iterable, within_m: float):
    """The candidate (with a ``geometry``) nearest ``point`` within ``within_m`` metres, or None."""
    here = in_metres(point)
    best, best_distance = None, within_m
    for candidate in candidates:
        distance = in_metres(candidate.geometry).distance(here)
        if distance <= best_distance:
            best, best_distance = candidate, distance
    return best


def degrees(metres: float) -> float:
    """A margin in degrees that holds ``metres`` in any direction at the city's latitude (< 60°)."""
    return metres / 111_320 * 2
