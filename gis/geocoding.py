"""Point → unit grid, community, street and district, in one indexed spatial query."""

from dataclasses import dataclass

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import OrgKind
from citymgmt.rows import Compiled

from .models import Boundary, Grid, Place, Road
from .selectors import within


class OutsideCity(ValidationError):
    def __init__(self):
        super().__init__(gettext_lazy("This point lies outside every unit grid of the city."), code="outside_city")


@dataclass(frozen=True)
class Location:
    grid: Grid

    @property
    def community_id(self):
        return self.grid.community_id

    @property
    def street_id(self):
        return self.grid.street_id

    @property
    def district_id(self):
        return self.grid.district_id


def locate(point: Point) -> Location:
    """The unit grid holding ``point``. A point on a shared border belongs to the grid with the lowest
    code (the western or northern one, as grids are numbered west to east, north to south)."""
    if point.srid is None:
        point = Point(point.x, point.y, srid=4326)
    elif point.srid != 4326:
        point = point.transform(4326, clone=True)  # type: ignore[assignment]
    found = GRID_AT(connection.ops.Adapter(point))  # type: ignore[attr-defined]  # every report asks this: compiled once
    if not found:
        raise OutsideCity()
    return Location(found[0])


# the outline is not read back: parsing a polygon costs more than finding it
GRID_AT = Compiled(
    lambda: Grid.objects.filter(geometry__intersects=Point(0, 0, srid=4326)).defer("geometry").order_by("code")[:1]
)


@dataclass(frozen=True)
class Candidate:
    name: str
    kind: str
    point: Point


def search_address(text: str, limit: int = 10) -> list[Candidate]:
    """Places, roads and areas whose name contains ``text``, as points to centre a map on (gazetteer)."""
    text = text.strip()
    if len(text) < 2:
        return []
    found = [Candidate(p.name, p.kind, p.location) for p in Place.objects.filter(name__icontains=text)[:limit]]
    found += [
        Candidate(r.name, "road", r.geometry.interpolate_normalized(0.5))
        for r in Road.objects.filter(name__icontains=text)[:limit]
    ]
    found += [
        Candidate(b.organization.name, b.organization.kind, b.geometry.point_on_surface)
        for b in Boundary.objects.filter(
            organization__name__icontains=text, organization__kind__in=(OrgKind.STREET, OrgKind.COMMUNITY)
        ).select_related("organization")[:limit]
    ]
    found.sort(key=lambda c: (not c.name.startswith(text), len(c.name)))
    return found[:limit]


def nearest_address(point: Point, within_m: int = 300) -> str:
    """A readable address for a point: the nearest named place or road within ``within_m``, and the community."""
    near = []
    for model, field in ((Place, "location"), (Road, "geometry")):
        hit = (
            model.objects.filter(within(field, point, within_m))
            .annotate(distance=Distance(field, point))
            .order_by("distance")
            .first()
        )
        if hit is not None:
            near.append((hit.distance.m, hit.name))
    try:
        community = locate(point).grid.community.name
    except OutsideCity:
        community = ""
    if not near:
        return community
    name = min(near)[1]
    if community:
        return _("%(community)s, near %(name)s") % {"community": community, "name": name}
    return _("near %(name)s") % {"name": name}
