"""The platform's own base map: 256-pixel PNG tiles drawn from its spatial data (water and green space, areas
and their names, roads by level with their names, markets and compounds), so that every map is readable on
a closed network with no tile service.

Tiles follow the usual web-map scheme (``z/x/y``, Web Mercator). Everything is placed in pixels of the whole
world at the tile's zoom and drawn with a margin around the tile, so a line or a name that crosses a tile
border is drawn in both halves at the same place: no seams, no labels cut in two. Drawn at twice the size and
reduced, for smooth lines. Tiles are cached under a version of the data (``data_version``)."""

from __future__ import annotations

import hashlib
import io
import logging
import math
from dataclasses import dataclass
from functools import lru_cache

from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.db.models import Count, Max
from PIL import Image, ImageDraw, ImageFont

from accounts.choices import OrgKind
from citymgmt.caching import cached

from .choices import LandKind, PlaceKind, RoadLevel
from .models import Boundary, Land, Place, Road

log = logging.getLogger(__name__)
TILE = 256
SCALE = 2  # drawn at twice the size, then reduced
MARGIN = 96  # pixels around the tile (at tile size) whose features are drawn too: names that cross the border
MIN_ZOOM, MAX_ZOOM = 9, 19
FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian's fonts-noto-cjk (./dev installs it)
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
)
PAPER = (244, 241, 234)
COLOURS = {
    LandKind.WATER: (170, 211, 223),
    LandKind.GREEN: (205, 230, 190),
    "district": (120, 90, 150),
    "street": (150, 140, 160),
    "community": (185, 180, 190),
    "market": (230, 120, 60),
    "compound": (225, 215, 200),
    "text": (50, 50, 60),
    "water text": (40, 100, 140),
    "halo": (255, 255, 255),
}
# level: from zoom, width in pixels at zoom 16 (scaled by zoom), fill, casing; names from zoom
ROADS = {
    RoadLevel.MAIN: (10, 9.0, (252, 214, 164), (200, 150, 90), 13),
    RoadLevel.SECONDARY: (12, 6.5, (255, 255, 255), (190, 180, 170), 15),
    RoadLevel.BACK_LANE: (14, 4.0, (255, 255, 255), (205, 200, 195), 17),
}
AREA_NAMES = {OrgKind.DISTRICT: (10, 13, 17), OrgKind.STREET: (13, 15, 13), OrgKind.COMMUNITY: (16, 19, 11)}
LABEL_SPACING = 700  # pixels (at tile size) between repeated names along a road


@lru_cache(maxsize=8)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_FILES:
        try:
            return ImageFont.truetype(path, size * SCALE, index=2)  # the .ttc's Simplified Chinese face
        except OSError:
            continue
    return ImageFont.load_default(size * SCALE)


def world_pixels(lon: float, lat: float, z: int) -> tuple[float, float]:
    """Web Mercator: the point's pixel in the whole world at zoom ``z`` (tile size 256)."""
    n = TILE * 2**z
    lat = max(-85.0511, min(85.0511, lat))
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * n
    return (lon + 180) / 360 * n, y


def lonlat_of(px: float, py: float, z: int) -> tuple[float, float]:
    n = TILE * 2**z
    return px / n * 360 - 180, math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * py / n))))


@dataclass
class Canvas:
    z: int
    x: int
    y: int

    def __post_init__(self):
        size = (TILE + 2 * MARGIN) * SCALE
        self.image = Image.new("RGB", (size, size), PAPER)
        self.draw = ImageDraw.Draw(self.image)
        self.taken: list[tuple[float, float, float, float]] = []  # label boxes, to keep names apart

    def box(self) -> Polygon:
        west, north = lonlat_of(self.x * TILE - MARGIN, self.y * TILE - MARGIN, self.z)
        east, south = lonlat_of((self.x + 1) * TILE + MARGIN, (self.y + 1) * TILE + MARGIN, self.z)
        box = Polygon.from_bbox((west, south, east, north))
        box.srid = 4326
        return box

    def px(self, coords) -> list[tuple[float, float]]:
        """Lon/lat pairs → pixels of this canvas."""
        left, top = self.x * TILE - MARGIN, self.y * TILE - MARGIN
        return [
            ((wx - left) * SCALE, (wy - top) * SCALE)
            for wx, wy in (world_pixels(lon, lat, self.z) for lon, lat, *_ in coords)
        ]

    def polygons(self, geometry: GEOSGeometry, fill=None, outline=None, width: float = 1) -> None:
        for polygon in geometry if geometry.geom_type == "MultiPolygon" else [geometry]:
            for ring in polygon:
                points = self.px(ring.coords)
                if len(points) > 2:
                    if fill:
                        self.draw.polygon(points, fill=fill)
                    if outline:
                        self.draw.line(points + points[:1], fill=outline, width=max(1, round(width * SCALE)))

    def label(self, text: str, at: tuple[float, float], size: int, colour=COLOURS["text"], vertical=False) -> None:
        """A name with a white halo, centred on ``at`` (canvas pixels), unless it would cover another."""
        face = font(size)
        if vertical:  # Chinese reads well top to bottom along a north–south road
            lines = "\n".join(text)
            left, top, right, bottom = self.draw.multiline_textbbox(
                (0, 0), lines, font=face, spacing=0, stroke_width=2 * SCALE
            )
        else:
            lines = text
            left, top, right, bottom = self.draw.textbbox((0, 0), text, font=face, stroke_width=2 * SCALE)
        w, h = right - left, bottom - top
        box = (at[0] - w / 2, at[1] - h / 2, at[0] + w / 2, at[1] + h / 2)
        if any(box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3] for o in self.taken):
            return
        self.taken.append(box)
        kwargs = {"font": face, "fill": colour, "stroke_width": 2 * SCALE, "stroke_fill": COLOURS["halo"]}
        if vertical:
            self.draw.multiline_text((box[0] - left, box[1] - top), lines, spacing=0, align="center", **kwargs)
        else:
            self.draw.text((box[0] - left, box[1] - top), lines, **kwargs)

    def png(self) -> bytes:
        inner = (MARGIN * SCALE, MARGIN * SCALE, (MARGIN + TILE) * SCALE, (MARGIN + TILE) * SCALE)
        tile = self.image.crop(inner).resize((TILE, TILE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        tile.save(out, "PNG", optimize=True)
        return out.getvalue()


def _road_width(level: str, z: int) -> float:
    return max(1.0, ROADS[level][1] * 2 ** ((z - 16) * 0.6))


def _spots_along(points: list[tuple[float, float]], spacing: float, offset: float) -> list[tuple[float, float, float]]:
    """Points every ``spacing`` pixels along a line, starting ``offset`` in, with the direction there."""
    spots, walked, target = [], 0.0, offset
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        length = math.hypot(x1 - x0, y1 - y0)
        while length and walked + length >= target:
            t = (target - walked) / length
            spots.append((x0 + t * (x1 - x0), y0 + t * (y1 - y0), math.atan2(y1 - y0, x1 - x0)))
            target += spacing
        walked += length
    return spots


def render_tile(z: int, x: int, y: int) -> bytes:
    canvas = Canvas(z, x, y)
    box = canvas.box()
    lands = list(Land.objects.filter(geometry__bboverlaps=box))
    for land in lands:
        canvas.polygons(land.geometry, fill=COLOURS[land.kind])
    areas = list(
        Boundary.objects.filter(geometry__bboverlaps=box, organization__kind__in=list(AREA_NAMES))
        .select_related("organization")
        .order_by("-organization__depth")
    )
    for area in areas:  # finer outlines first, the district's on top
        kind = area.organization.kind
        if kind == OrgKind.COMMUNITY and z < 15 or kind == OrgKind.STREET and z < 12:
            continue
        width = {OrgKind.DISTRICT: 2.5, OrgKind.STREET: 1.2, OrgKind.COMMUNITY: 0.8}[kind]
        canvas.polygons(area.geometry, outline=COLOURS[kind], width=width)
    places = list(Place.objects.filter(location__bboverlaps=box)) if z >= 15 else []
    for place in places:
        if place.kind == PlaceKind.COMPOUND:
            ((px, py),) = canvas.px([place.location.coords])
            half = 18 * SCALE * 2 ** (z - 16)
            canvas.draw.rectangle((px - half, py - half, px + half, py + half), fill=COLOURS["compound"])
    roads = [
        (road, canvas.px(road.geometry.coords))
        for road in Road.objects.filter(geometry__bboverlaps=box)
        if z >= ROADS[road.level][0]
    ]
    order = [RoadLevel.BACK_LANE, RoadLevel.SECONDARY, RoadLevel.MAIN]
    for casing in (True, False) if z >= 13 else (False,):  # all casings under all fills: crossings join cleanly
        for level in order:
            width = _road_width(level, z) * SCALE
            colour = ROADS[level][3] if casing or z < 13 else ROADS[level][2]
            for road, points in roads:
                if road.level == level:
                    canvas.draw.line(
                        points, fill=colour, width=round(width + (2 * SCALE if casing else 0)), joint="curve"
                    )
    for land in lands if z >= 12 else ():
        if land.kind == LandKind.WATER and land.name:
            centre = land.geometry.point_on_surface
            canvas.label(land.name, canvas.px([centre.coords])[0], 13, COLOURS["water text"])
    for level in reversed(order):  # main roads' names first: they win a crowded spot
        for road, points in roads:
            if road.level != level or z < ROADS[level][4] or not road.name:
                continue
            global_start = world_pixels(*road.geometry.coords[0], z)  # spots fixed in world pixels: seamless
            offset = (LABEL_SPACING / 2 - (global_start[0] + global_start[1]) % (LABEL_SPACING / 2)) * SCALE
            for sx, sy, angle in _spots_along(points, LABEL_SPACING * SCALE, offset):
                vertical = abs(math.sin(angle)) > 0.7
                canvas.label(road.name, (sx, sy), 12 if level == RoadLevel.MAIN else 11, vertical=vertical)
    for place in places:
        if place.kind == PlaceKind.MARKET:
            ((px, py),) = canvas.px([place.location.coords])
            r = 6 * SCALE
            canvas.draw.ellipse(
                (px - r, py - r, px + r, py + r), fill=COLOURS["market"], outline=COLOURS["halo"], width=SCALE
            )
            if z >= 16:
                canvas.label(place.name, (px, py + 16 * SCALE), 11, COLOURS["market"])
    for area in reversed(areas):  # the district's name before its streets'
        low, high, size = AREA_NAMES[area.organization.kind]
        if low <= z < high:
            centre = area.geometry.point_on_surface
            canvas.label(area.organization.name, canvas.px([centre.coords])[0], size, COLOURS[area.organization.kind])
    return canvas.png()


def _version() -> str:
    parts = [model.objects.aggregate(n=Count("pk"), last=Max("pk")) for model in (Land, Road, Place)]
    parts.append(Boundary.objects.aggregate(n=Count("pk"), last=Max("organization_id")))
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:10]


def data_version() -> str:
    """Changes whenever the drawn data changes: part of the tiles' address and cache key."""
    return cached("basemap:version", _version, 60)


def tile(version: str, z: int, x: int, y: int) -> bytes:
    """A tile, from the cache when drawn before for this version of the data."""
    return cached(f"basemap:{version}:{z}:{x}:{y}", lambda: render_tile(z, x, y), 30 * 24 * 3600)
