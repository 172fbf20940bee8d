"""Geometry for the demo city: a 345 km² square of 100 m unit grids, cut into the demo tree's districts
(vertical strips, as wide as their share of streets), streets (bands across each district) and
communities (strips across each street). Synthetic, deterministic, and every grid lies in exactly one
community."""

import datetime as dt
import math
import random
from dataclasses import dataclass

from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon
from django.db import transaction

from accounts.choices import OrgKind
from accounts.models import Organization
from classification.choices import CategoryKind
from classification.models import Category
from gis.choices import ComponentStatus, LandKind, PlaceKind, RoadLevel
from gis.models import Boundary, Camera, Component, Grid, Land, Place, Road

from . import bulk
from .wuxi import urban_districts

ORIGIN = (120.205, 31.655)  # north-west corner (lon, lat)
CELL_M = 100
CELLS = 186  # 186 × 186 cells of 100 m × 100 m = 345.96 km²
M_PER_DEG_LAT = 111_320.0
M_PER_DEG_LON = M_PER_DEG_LAT * math.cos(math.radians(ORIGIN[1]))


def lonlat(col: float, row: float) -> tuple[float, float]:
    """Grid-cell coordinates (col east, row south of the origin) → WGS 84."""
    return ORIGIN[0] + col * CELL_M / M_PER_DEG_LON, ORIGIN[1] - row * CELL_M / M_PER_DEG_LAT


@dataclass(frozen=True)
class Rect:
    col0: int
    row0: int
    col1: int
    row1: int

    def polygon(self) -> Polygon:
        corners = [(self.col0, self.row0), (self.col1, self.row0), (self.col1, self.row1), (self.col0, self.row1)]
        ring = [lonlat(c, r) for c, r in corners]
        return Polygon([*ring, ring[0]], srid=4326)

    def split(self, weights: list[float], vertical: bool) -> list["Rect"]:
        """Cut into strips in proportion to ``weights`` (vertical strips side by side, or horizontal bands)."""
        lo, hi = (self.col0, self.col1) if vertical else (self.row0, self.row1)
        total, acc, parts, start = sum(weights), 0.0, [], lo
        for w in weights:
            acc += w
            end = lo + round((hi - lo) * acc / total)
            parts.append(Rect(start, self.row0, end, self.row1) if vertical else Rect(self.col0, start, self.col1, end))
            start = end
        return parts


def children(org: Organization, kind: OrgKind) -> list[Organization]:
    return list(org.children.filter(kind=kind).order_by("code"))


@transaction.atomic
def build_demo_geometry(city: Organization, cells: int = CELLS) -> int:
    """Boundaries for every area and the unit grids of every community; returns the number of grids.
    ``cells`` × ``cells`` grids of 100 m (186 for the reference city's 345 km²; fewer for quick tests). At full
    size the districts are the reference city's (Wuxi's five urban districts, ``demo.wuxi``): each grid lies in
    the district its centre lies in, streets are bands of a district's grids and communities strips of a
    street's; small test cities are cut into rectangles."""
    districts = children(city, OrgKind.DISTRICT)
    real = urban_districts() if cells == CELLS else None
    if real is None or {d.name for d in districts} != set(real):
        return _build_rectangles(city, districts, cells)
    owner = {name: shape.prepared for name, shape in real.items()}
    by_district: dict[str, list[tuple[int, int]]] = {name: [] for name in real}
    for row in range(cells):
        for col in range(cells):
            centre = Point(*lonlat(col + 0.5, row + 0.5), srid=4326)
            name = next((n for n, shape in owner.items() if shape.contains(centre)), None)
            if name is None:  # a cell on no district's outline: the nearest district's
                name = min(real, key=lambda n: real[n].distance(centre))
            by_district[name].append((col, row))
    city_shape = MultiPolygon(*[p for shape in real.values() for p in shape.buffer(0)], srid=4326)
    boundaries = [Boundary(organization=city, geometry=_multi(city_shape.unary_union))]
    grids: list[Grid] = []
    for district in districts:
        boundaries.append(Boundary(organization=district, geometry=_multi(real[district.name].buffer(0))))
        streets = children(district, OrgKind.STREET)
        for street, street_cells in zip(streets, _blocks(by_district[district.name], len(streets)), strict=True):
            boundaries.append(Boundary(organization=street, geometry=_outline(street_cells)))
            communities = children(street, OrgKind.COMMUNITY)
            for community, own in zip(communities, _blocks(street_cells, len(communities)), strict=True):
                boundaries.append(Boundary(organization=community, geometry=_outline(own)))
                for serial, (col, row) in enumerate(sorted(own, key=lambda c: (c[1], c[0])), 1):
                    grids.append(_grid(community, street, district, serial, col, row))
    Boundary.objects.bulk_create(boundaries, batch_size=500)
    bulk.insert(grids)
    return len(grids)


def _chunks(items: list, n: int) -> list[list]:
    """``items`` in ``n`` consecutive runs of (nearly) equal length."""
    return [items[round(i * len(items) / n) : round((i + 1) * len(items) / n)] for i in range(n)]


def _blocks(cells: list[tuple[int, int]], n: int) -> list[list[tuple[int, int]]]:
    """``cells`` in ``n`` compact blocks of (nearly) equal size: bands from north to south, each cut from west
    to east."""
    bands = max(1, round(math.sqrt(n)))
    per_band = [n // bands + (1 if i < n % bands else 0) for i in range(bands)]
    rows = _chunks(sorted(cells, key=lambda c: (c[1], c[0])), bands)
    return [block for band, k in zip(rows, per_band, strict=True) for block in _chunks(sorted(band), k)]


def _multi(geometry) -> MultiPolygon:
    polygons = list(geometry) if geometry.geom_type == "MultiPolygon" else [geometry]
    return MultiPolygon(*polygons, srid=4326)


def _outline(cells: list[tuple[int, int]]) -> MultiPolygon:
    """The outline of a set of grid cells, in WGS 84."""
    union = MultiPolygon(*[Polygon.from_bbox((c, r, c + 1, r + 1)) for c, r in cells]).unary_union
    parts = list(union) if union.geom_type == "MultiPolygon" else [union]
    return MultiPolygon(
        *[Polygon(*[[lonlat(x, y) for x, y in ring.coords] for ring in part]) for part in parts], srid=4326
    )


def _grid(community, street, district, serial: int, col: int, row: int) -> Grid:
    return Grid(
        code=f"{community.code}{serial:03}",
        community=community,
        street=street,
        district=district,
        geometry=Rect(col, row, col + 1, row + 1).polygon(),
        area_m2=CELL_M * CELL_M,
    )


def _build_rectangles(city: Organization, districts: list[Organization], cells: int) -> int:
    boundaries, grids = [], []
    city_rect = Rect(0, 0, cells, cells)
    boundaries.append(Boundary(organization=city, geometry=MultiPolygon(city_rect.polygon())))
    district_streets = [children(d, OrgKind.STREET) for d in districts]
    for district, streets, d_rect in zip(
        districts, district_streets, city_rect.split([len(s) for s in district_streets], vertical=True), strict=True
    ):
        boundaries.append(Boundary(organization=district, geometry=MultiPolygon(d_rect.polygon())))
        for street, s_rect in zip(streets, d_rect.split([1] * len(streets), vertical=False), strict=True):
            boundaries.append(Boundary(organization=street, geometry=MultiPolygon(s_rect.polygon())))
            communities = children(street, OrgKind.COMMUNITY)
            for community, c_rect in zip(communities, s_rect.split([1] * len(communities), vertical=True), strict=True):
                boundaries.append(Boundary(organization=community, geometry=MultiPolygon(c_rect.polygon())))
                serial = 0
                for row in range(c_rect.row0, c_rect.row1):  # north to south
                    for col in range(c_rect.col0, c_rect.col1):  # west to east
                        serial += 1
                        grids.append(_grid(community, street, district, serial, col, row))
    Boundary.objects.bulk_create(boundaries, batch_size=500)
    bulk.insert(grids)
    return len(grids)


# --- roads, places, cameras, components ------------------------------------------------------------------

ROAD_COUNTS = {RoadLevel.MAIN: 96, RoadLevel.SECONDARY: 301, RoadLevel.BACK_LANE: 710}  # 1,107 [seed]
ROAD_LENGTH_CELLS = {RoadLevel.MAIN: (30, 90), RoadLevel.SECONDARY: (10, 30), RoadLevel.BACK_LANE: (2, 8)}
ROAD_SUFFIX = {
    RoadLevel.MAIN: ["大道", "路", "路"],
    RoadLevel.SECONDARY: ["路", "街", "街"],
    RoadLevel.BACK_LANE: ["巷", "弄", "里"],
}
ROAD_WORDS = [
    "人民",
    "解放",
    "中山",
    "建设",
    "和平",
    "胜利",
    "新华",
    "学前",
    "县前",
    "健康",
    "梁溪",
    "五爱",
    "通扬",
    "锡沪",
    "凤翔",
    "青祁",
    "盛岸",
    "金城",
    "清扬",
    "兴源",
    "永乐",
    "广石",
    "钱皋",
    "梁清",
    "蠡湖",
    "震泽",
    "湖滨",
    "太湖",
    "隐秀",
    "蓉湖",
    "运河",
    "古运",
    "槐古",
    "沁园",
    "丽新",
    "锡山",
    "惠河",
    "吴桥",
    "江海",
    "芦庄",
    "扬名",
    "南湖",
    "塘南",
    "红星",
    "民丰",
    "桃园",
    "柏庄",
    "前进",
]
MARKETS, COMPOUNDS, CAMERAS = 123, 294, 100  # [seed]
COMPONENTS_PER_GRID = 2.2


@dataclass(frozen=True)
class DemoRoad:
    name: str
    level: str
    horizontal: bool
    fixed: int  # the row (horizontal) or column (vertical) of grid lines it runs along
    start: int
    end: int


def plan_roads(rng) -> list[DemoRoad]:
    roads, names = [], set()
    for level, count in ROAD_COUNTS.items():
        low, high = ROAD_LENGTH_CELLS[level]
        while sum(1 for r in roads if r.level == level) < count:
            direction = rng.choice(["", "东", "西", "南", "北", "中"])
            name = f"{rng.choice(ROAD_WORDS)}{direction}{rng.choice(ROAD_SUFFIX[level])}"
            if name in names:
                name = f"{name[:-1]}{len(names) % 9 + 1}{name[-1]}"
                if name in names:
                    continue
            names.add(name)
            length = rng.randint(low, high)
            start = rng.randint(0, CELLS - length)
            roads.append(DemoRoad(name, level, rng.random() < 0.5, rng.randint(1, CELLS - 1), start, start + length))
    return roads


def road_line(road: DemoRoad) -> LineString:
    points = (
        [(road.start, road.fixed), (road.end, road.fixed)]
        if road.horizontal
        else [(road.fixed, road.start), (road.fixed, road.end)]
    )
    return LineString([lonlat(c, r) for c, r in points], srid=4326)


class RoadIndex:
    """Nearest road to a grid cell, by a bucket index in cell coordinates (no database round trips)."""

    BUCKET = 8

    def __init__(self, roads: list[DemoRoad]):
        self.roads = roads
        self.buckets: dict[tuple[int, int], list[int]] = {}
        for i, road in enumerate(roads):
            for t in range(road.start, road.end + 1, self.BUCKET // 2):
                c, r = (t, road.fixed) if road.horizontal else (road.fixed, t)
                self.buckets.setdefault((c // self.BUCKET, r // self.BUCKET), []).append(i)

    def nearest(self, col: float, row: float) -> DemoRoad | None:
        bc, br = int(col) // self.BUCKET, int(row) // self.BUCKET
        for radius in range(0, CELLS // self.BUCKET + 1):
            found = {
                i
                for dc in range(-radius, radius + 1)
                for dr in range(-radius, radius + 1)
                for i in self.buckets.get((bc + dc, br + dr), ())
            }
            if found:
                return min((self.roads[i] for i in found), key=lambda road: self._distance(road, col, row))
        return None

    @staticmethod
    def _distance(road: DemoRoad, col: float, row: float) -> float:
        along, across = (col, row) if road.horizontal else (row, col)
        clamped = min(max(along, road.start), road.end)
        return math.hypot(along - clamped, across - road.fixed)


CANAL = [(0, 62), (30, 70), (62, 88), (95, 96), (128, 112), (160, 122), (186, 131)]  # cells, west to east
LAKE = [(8, 150), (30, 143), (52, 152), (58, 170), (44, 184), (18, 184), (4, 170)]
PARKS = ["锡惠公园", "城中公园", "东林公园", "蠡园", "梅园"]


def _cells_to_lonlat(polygon: Polygon) -> MultiPolygon:
    rings = [[lonlat(c, r) for c, r in ring.coords] for ring in polygon]
    shape = MultiPolygon(Polygon(*rings), srid=4326)
    return shape


def build_demo_land(rng: random.Random) -> int:
    """The water and green space of the base map: a canal across the city, a lake in its south-west, parks."""
    if Land.objects.exists():
        return 0
    canal = LineString(CANAL).buffer(0.45, quadsegs=4)  # about 90 m wide
    lake = Polygon(LAKE + LAKE[:1])
    rows = [
        Land(name="京杭大运河", kind=LandKind.WATER, geometry=_cells_to_lonlat(canal)),
        Land(name="蠡湖", kind=LandKind.WATER, geometry=_cells_to_lonlat(lake)),
    ]
    for name in PARKS:
        col, row = rng.uniform(10, 170), rng.uniform(10, 140)
        rows.append(
            Land(
                name=name,
                kind=LandKind.GREEN,
                geometry=_cells_to_lonlat(Polygon.from_bbox((col, row, col + 5, row + 4))),
            )
        )
    Land.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def build_demo_surroundings(city: Organization, seed: int = 2026, supervisors=()) -> dict[str, int]:
    """Roads, markets, compounds, cameras and the component census of the demo city; every grid gets
    a responsible supervisor (responsibility grids split by district). Returns counts."""

    rng = random.Random(seed)
    build_demo_land(rng)
    roads = plan_roads(rng)
    districts = {d.code: d for d in city.subtree().filter(kind=OrgKind.DISTRICT)}
    Road.objects.bulk_create(
        [Road(name=r.name, level=r.level, geometry=road_line(r), length_m=(r.end - r.start) * CELL_M) for r in roads]
    )
    grids = list(
        Grid.objects.filter(district__in=districts.values())
        .select_related("community", "street", "district")
        .order_by("code")
    )
    cells = {g.pk: cell_of(g.geometry) for g in grids}

    def point_in(grid):
        col, row = cells[grid.pk]
        return Point(*lonlat(col + rng.uniform(0.1, 0.9), row + rng.uniform(0.1, 0.9)), srid=4326)

    places = []
    for kind, count, words in ((PlaceKind.MARKET, MARKETS, "农贸市场"), (PlaceKind.COMPOUND, COMPOUNDS, "小区")):
        for grid in rng.sample(grids, count):
            name = f"{grid.community.name.removesuffix('社区')}{words}"
            places.append(
                Place(
                    name=name,
                    kind=kind,
                    location=point_in(grid),
                    community=grid.community,
                    address=f"{grid.street.name}{grid.community.name}",
                )
            )
    Place.objects.bulk_create(places)

    platforms = list(Organization.objects.filter(kind=OrgKind.DISTRICT_PLATFORM, parent__in=districts.values()))
    main_roads = [r for r in roads if r.level == RoadLevel.MAIN]
    cameras = []
    for i in range(CAMERAS):
        road = main_roads[i % len(main_roads)]
        t = rng.uniform(road.start, road.end)
        col, row = (t, road.fixed) if road.horizontal else (road.fixed, t)
        cameras.append(
            Camera(
                name=f"{road.name}{i + 1}号探头",
                code=f"CAM{i + 1:04}",
                location=Point(*lonlat(col, row), srid=4326),
                owner=city,
                stream_url=f"rtsp://video.example.invalid/cam{i + 1:04}",
            )
        )
    Camera.objects.bulk_create(cameras)
    for camera in Camera.objects.filter(owner=city):
        camera.shared_with.set(platforms)

    component_categories = list(
        Category.objects.filter(major__kind=CategoryKind.COMPONENT, major__scheme="gbt47678.5-2026").select_related(
            "major"
        )
    )
    weights = [COMPONENT_WEIGHTS.get(c.major.code, 1) for c in component_categories]
    maintainers = {o.name: o for o in city.children.filter(kind=OrgKind.HANDLING_UNIT)}
    serial: dict[str, int] = {}
    components = []
    for grid in grids:
        for _ in range(int(COMPONENTS_PER_GRID) + (rng.random() < COMPONENTS_PER_GRID % 1)):
            category = rng.choices(component_categories, weights)[0]
            prefix = f"{grid.district.code}{category.full_code}"
            serial[prefix] = serial.get(prefix, 0) + 1
            components.append(
                Component(
                    code=f"{prefix}{serial[prefix]:06}",
                    category=category,
                    name=category.name,
                    location=point_in(grid),
                    grid=grid,
                    owner=COMPONENT_OWNER_NAMES.get(category.major.code, ""),
                    maintainer=maintainers.get(COMPONENT_OWNER_NAMES.get(category.major.code, "")),
                    status=rng.choices(list(ComponentStatus), [96, 2, 1, 0.5, 0.5])[0],
                    since=dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3650)),
                )
            )
    bulk.insert(components)

    supervisors = list(supervisors)
    if supervisors:  # contiguous runs of grids (codes are ordered by community)
        bulk.update(
            Grid,
            "supervisor_id",
            [(supervisors[i * len(supervisors) // len(grids)].pk, grid.pk) for i, grid in enumerate(grids)],
        )
    return {"roads": len(roads), "places": len(places), "cameras": len(cameras), "components": len(components)}


COMPONENT_WEIGHTS = {"01": 6, "02": 3, "03": 3, "04": 2, "05": 1}
COMPONENT_OWNER_NAMES = {
    "01": "市市政设施管理处",
    "02": "市交通运输局",
    "03": "市环境卫生管理处",
    "04": "市园林绿化管理局",
    "05": "市城市管理行政执法支队",
}


def cell_of(geometry) -> tuple[int, int]:
    """The demo grid's (col, row) cell, from its north-west corner."""
    lon, lat = min(geometry.coords[0], key=lambda p: (p[0], -p[1]))
    col = round((lon - ORIGIN[0]) * M_PER_DEG_LON / CELL_M)
    row = round((ORIGIN[1] - lat) * M_PER_DEG_LAT / CELL_M)
    return col, row
