"""Import of spatial base data from GeoJSON or Shapefile (read through GDAL), validated as a whole.

Every problem is collected and reported with the feature it concerns; a file with any error is refused whole
(one transaction, nothing written). Checks: readable file and required attributes; valid geometry of the
right type; well-formed and unique codes; for unit grids the community exists, the code starts with the
community's code, the grid lies inside its community, no two grids overlap and they leave no gap in their
community.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.choices import AREA_KINDS, OrgKind
from accounts.models import Organization
from classification.models import Category

from .choices import ComponentStatus
from .geocoding import OutsideCity, locate
from .models import Boundary, Camera, Component, Grid

GRID_CODE = re.compile(r"^[0-9A-Z]{15}$")
COMPONENT_CODE = re.compile(r"^[0-9]{16,17}$")
AREA_TOLERANCE = 1e-10  # square degrees (about 1 m²): slivers below this are rounding, not overlaps or gaps
EDGE_TOLERANCE = 1e-6  # degrees (about 0.1 m) when testing that a grid lies inside its community


@dataclass
class ImportReport:
    layer: str
    features: int = 0
    written: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, where, message):
        self.errors.append(f"{where}: {message}")


class ImportRefused(Exception):
    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__("; ".join(report.errors[:5]))


def read_features(path: str | Path) -> list[tuple[dict, GEOSGeometry | None]]:
    """(attributes, geometry in WGS 84) of every feature; a .zip is searched for its shapefile."""
    path = Path(path)
    with tempfile.TemporaryDirectory() as unpacked:
        if path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path) as archive:
                archive.extractall(unpacked)
            shapefiles = sorted(Path(unpacked).rglob("*.shp"))
            if not shapefiles:
                raise GDALException(_("The archive holds no shapefile."))
            path = shapefiles[0]
        source = DataSource(str(path))
        layer = source[0]
        features = []
        for feature in layer:
            attributes = {name: feature.get(name) for name in layer.fields}
            try:
                geometry = feature.geom.geos
                if geometry.srid in (None, 0):
                    geometry.srid = 4326
                if geometry.srid != 4326:
                    geometry.transform(4326)
            except (GDALException, ValueError):
                geometry = None
            features.append((attributes, geometry))
        return features


def _text(attributes, name) -> str:
    value = attributes.get(name)
    return "" if value is None else str(value).strip()


def _polygon(report, where, geometry, multi=False):
    if geometry is None or geometry.geom_type not in ("Polygon", "MultiPolygon"):
        report.error(where, _("the geometry is not a polygon"))
        return None
    if not geometry.valid:
        report.error(where, _("invalid geometry (%(reason)s)") % {"reason": geometry.valid_reason})
        return None
    if multi and geometry.geom_type == "Polygon":
        return MultiPolygon(geometry, srid=4326)
    if not multi and geometry.geom_type == "MultiPolygon":
        if len(geometry) != 1:
            report.error(where, _("a unit grid must be a single polygon"))
            return None
        single = geometry[0].clone()
        single.srid = 4326
        return single
    return geometry


def _point(report, where, geometry):
    if geometry is None or geometry.geom_type != "Point":
        report.error(where, _("the geometry is not a point"))
        return None
    return geometry


def _duplicates(report, codes: list[tuple[str, str]]):
    seen = {}
    for where, code in codes:
        if code in seen:
            report.error(where, _("duplicate code %(code)s (also %(first)s)") % {"code": code, "first": seen[code]})
        seen.setdefault(code, where)


# --- unit grids ------------------------------------------------------------------------------------------


def check_grids(features) -> tuple[ImportReport, list[Grid]]:
    report = ImportReport("grids", features=len(features))
    communities = {o.code: o for o in Organization.objects.filter(kind=OrgKind.COMMUNITY).select_related("parent")}
    grids, codes = [], []
    for number, (attributes, geometry) in enumerate(features, 1):
        code, community_code = _text(attributes, "code"), _text(attributes, "community")
        where = _("feature %(n)d (%(code)s)") % {"n": number, "code": code or "?"}
        if not GRID_CODE.match(code):
            report.error(where, _("malformed grid code: 15 characters of 0-9 and A-Z expected"))
        codes.append((where, code))
        community = communities.get(community_code)
        if community is None:
            report.error(where, _("unknown community %(code)s") % {"code": community_code or "?"})
        elif not code.startswith(community.code[:12]):
            report.error(
                where, _("the code does not start with its community's code %(code)s") % {"code": community.code}
            )
        polygon = _polygon(report, where, geometry)
        if polygon is not None and community is not None:
            grids.append(
                Grid(
                    code=code,
                    community=community,
                    street=community.parent,
                    district=community.parent.parent,
                    geometry=polygon,
                )
            )
    _duplicates(report, codes)
    existing = set(Grid.objects.filter(code__in=[c for _w, c in codes]).values_list("code", flat=True))
    for where, code in codes:
        if code in existing:
            report.error(where, _("grid %(code)s exists already") % {"code": code})
    _check_grid_geometry(report, grids)
    return report, grids


def _check_grid_geometry(report, grids: list[Grid]):
    boundaries = {
        b.organization_id: b.geometry
        for b in Boundary.objects.filter(organization_id__in={g.community_id for g in grids})
    }
    # Overlaps: compare only grids whose envelopes share a bucket of about 200 m.
    buckets = defaultdict(list)
    for index, grid in enumerate(grids):
        x0, y0, x1, y1 = grid.geometry.extent
        for bx in range(int(x0 / 0.002), int(x1 / 0.002) + 1):
            for by in range(int(y0 / 0.002), int(y1 / 0.002) + 1):
                buckets[(bx, by)].append(index)
    pairs = {(a, b) for members in buckets.values() for a in members for b in members if a < b}
    for a, b in sorted(pairs):
        overlap = grids[a].geometry.intersection(grids[b].geometry).area
        if overlap > AREA_TOLERANCE:
            report.error(grids[a].code, _("overlaps grid %(other)s") % {"other": grids[b].code})
    by_community = defaultdict(list)
    for grid in grids:
        by_community[grid.community_id].append(grid)
        outline = boundaries.get(grid.community_id)
        if outline is not None and not outline.buffer(EDGE_TOLERANCE).contains(grid.geometry):
            report.error(grid.code, _("lies (partly) outside its community %(name)s") % {"name": grid.community.name})
    for community_id, members in by_community.items():
        outline = boundaries.get(community_id)
        if outline is None:
            continue
        covered = MultiPolygon([g.geometry for g in members], srid=4326).unary_union
        gap = outline.difference(covered)
        if square_metres(gap) > 1:
            report.error(
                members[0].community.name,
                _("the grids leave a gap of about %(m2)d m² in the community") % {"m2": square_metres(gap)},
            )
    for grid in grids:
        grid.area_m2 = square_metres(grid.geometry)


def square_metres(geometry) -> float:
    """Area in m², measured in the city's metric projection (setting GIS_METRIC_SRID)."""
    return geometry.transform(settings.GIS_METRIC_SRID, clone=True).area if not geometry.empty else 0.0


# --- areas, components, cameras ------------------------------------------------------------------------


def check_areas(features, kind: str) -> tuple[ImportReport, list[tuple[dict, MultiPolygon]]]:
    """Outlines for areas of the organization tree, matched by code (the areas must exist)."""
    report = ImportReport("areas", features=len(features))
    if kind not in AREA_KINDS:
        report.error(_("file"), _("unknown area kind %(kind)s") % {"kind": kind})
        return report, []
    areas = {o.code: o for o in Organization.objects.filter(kind=kind)}
    rows, codes = [], []
    for number, (attributes, geometry) in enumerate(features, 1):
        code = _text(attributes, "code")
        where = _("feature %(n)d (%(code)s)") % {"n": number, "code": code or "?"}
        codes.append((where, code))
        area = areas.get(code)
        if area is None:
            report.error(
                where,
                _("no %(kind)s with code %(code)s in the organization tree")
                % {"kind": OrgKind(kind).label, "code": code or "?"},
            )
        outline = _polygon(report, where, geometry, multi=True)
        if area is not None and outline is not None:
            rows.append((area, outline))
    _duplicates(report, codes)
    return report, rows


def check_components(features) -> tuple[ImportReport, list[Component]]:
    report = ImportReport("components", features=len(features))
    categories = {}
    for category in Category.objects.filter(major__kind="component").select_related("major"):
        categories[(category.major.scheme, category.full_code)] = category
    components, codes = [], []
    for number, (attributes, geometry) in enumerate(features, 1):
        code = _text(attributes, "code")
        where = _("feature %(n)d (%(code)s)") % {"n": number, "code": code or "?"}
        codes.append((where, code))
        if not COMPONENT_CODE.match(code):
            report.error(where, _("malformed identifier: 16 digits (CJ/T 214) or 17 digits (GB/T 47678.5)"))
            continue
        scheme, category_code = ("gbt47678.5-2026", code[6:11]) if len(code) == 17 else ("cjt214-2007", code[6:10])
        category = categories.get((scheme, category_code))
        if category is None:
            report.error(
                where, _("the identifier names no known component category (%(code)s)") % {"code": category_code}
            )
        status = _text(attributes, "status") or ComponentStatus.INTACT
        if status not in ComponentStatus.values:
            report.error(where, _("unknown status %(status)s") % {"status": status})
        point = _point(report, where, geometry)
        grid = None
        if point is not None:
            try:
                grid = locate(point).grid
            except OutsideCity:
                report.error(where, _("lies outside every unit grid"))
        if category is not None and point is not None:
            components.append(
                Component(
                    code=code,
                    category=category,
                    name=_text(attributes, "name"),
                    location=point,
                    grid=grid,
                    owner=_text(attributes, "owner"),
                    status=status,
                    note=_text(attributes, "note"),
                )
            )
    _duplicates(report, codes)
    for code in Component.objects.filter(code__in=[c for _w, c in codes]).values_list("code", flat=True):
        report.error(code, _("component %(code)s exists already") % {"code": code})
    return report, components


def check_cameras(features, owner: Organization) -> tuple[ImportReport, list[Camera]]:
    report = ImportReport("cameras", features=len(features))
    cameras, codes = [], []
    for number, (attributes, geometry) in enumerate(features, 1):
        code, name = _text(attributes, "code"), _text(attributes, "name")
        where = _("feature %(n)d (%(code)s)") % {"n": number, "code": code or "?"}
        codes.append((where, code))
        if not code or not name:
            report.error(where, _("code and name are required"))
        point = _point(report, where, geometry)
        if point is not None and code and name:
            cameras.append(
                Camera(
                    code=code,
                    name=name,
                    location=Point(point.x, point.y, srid=4326),
                    owner=owner,
                    stream_url=_text(attributes, "stream_url"),
                )
            )
    _duplicates(report, codes)
    for code in Camera.objects.filter(code__in=[c for _w, c in codes]).values_list("code", flat=True):
        report.error(code, _("camera %(code)s exists already") % {"code": code})
    return report, cameras


def _check_lengths(report: ImportReport, rows) -> None:
    """Every text that is longer than its column is a reason to refuse, not a database error."""
    for row in rows:
        if not isinstance(row, models.Model):
            continue
        for column in row._meta.concrete_fields:
            value = getattr(row, column.attname)
            if column.max_length and isinstance(value, str) and len(value) > column.max_length:
                report.error(
                    getattr(row, "code", "?"),
                    _("%(field)s has %(length)d characters, at most %(max)d fit")
                    % {"field": column.verbose_name, "length": len(value), "max": column.max_length},
                )


LAYERS = ("areas", "grids", "components", "cameras")


def import_file(
    path, layer: str, *, kind: str = OrgKind.STREET, owner: Organization | None = None, dry_run: bool = False
) -> ImportReport:
    """Check and (unless ``dry_run`` or any error) write one file; raises ImportRefused on errors."""
    try:
        features = read_features(path)
    except (GDALException, zipfile.BadZipFile, OSError) as error:
        report = ImportReport(layer)
        report.error(_("file"), _("cannot be read as GeoJSON or Shapefile (%(error)s)") % {"error": error})
        raise ImportRefused(report) from None
    if layer == "grids":
        report, rows = check_grids(features)
    elif layer == "areas":
        report, rows = check_areas(features, kind)
    elif layer == "components":
        report, rows = check_components(features)
    elif layer == "cameras":
        owner = owner or Organization.objects.filter(parent__isnull=True).first()
        report, rows = check_cameras(features, owner)
    else:
        raise ValueError(layer)
    _check_lengths(report, rows)
    if not report.ok:
        raise ImportRefused(report)
    if dry_run:
        return report
    with transaction.atomic():
        if layer == "areas":
            for area, outline in rows:
                Boundary.objects.update_or_create(organization=area, defaults={"geometry": outline})
        elif rows:
            type(rows[0]).objects.bulk_create(rows, batch_size=2000)
    report.written = len(rows)
    return report
