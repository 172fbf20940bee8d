"""Point → unit grid, community, street and district, in one indexed spatial query."""

from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Grid


class OutsideCity(ValidationError):
    def __init__(self):
        super().__init__(_("This point lies outside every unit grid of the city."), code="outside_city")


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
    grid = Grid.objects.filter(geometry__intersects=point).order_by("code").first()
    if grid is None:
        raise OutsideCity()
    return Location(grid)
