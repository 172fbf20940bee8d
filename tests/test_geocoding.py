import pytest
from django.contrib.gis.geos import Point

from accounts.choices import OrgKind
from demo.geometry import Rect, build_demo_geometry, lonlat
from gis.geocoding import OutsideCity, locate
from gis.models import Grid


@pytest.fixture
def grids(city):
    """Three grids in a 2 × 2 block; the south-east cell is a hole (a lake, say)."""
    cells = {"990101001001001": (0, 0), "990101001001002": (1, 0), "990101001001003": (0, 1)}
    return {
        code: Grid.objects.create(
            code=code,
            community=city.c111,
            street=city.s11,
            district=city.d1,
            geometry=Rect(col, row, col + 1, row + 1).polygon(),
            area_m2=10_000,
        )
        for code, (col, row) in cells.items()
    }


def at(col, row):
    return Point(*lonlat(col, row), srid=4326)


def test_point_inside_a_grid_gives_grid_community_street_and_district(grids, city):
    location = locate(at(1.5, 0.5))
    assert location.grid.code == "990101001001002"
    assert (location.community_id, location.street_id, location.district_id) == (city.c111.pk, city.s11.pk, city.d1.pk)


def test_point_on_a_shared_border_goes_to_the_lower_code(grids):
    assert locate(at(1, 0.5)).grid.code == "990101001001001"  # border between 001 (west) and 002 (east)
    assert locate(at(0.5, 1)).grid.code == "990101001001001"  # border between 001 (north) and 003 (south)
    assert locate(at(1, 1)).grid.code == "990101001001001"  # the corner shared by three grids


def test_point_in_a_hole_or_outside_the_city_is_an_error(grids):
    with pytest.raises(OutsideCity) as hole:
        locate(at(1.5, 1.5))
    assert hole.value.code == "outside_city"
    with pytest.raises(OutsideCity):
        locate(Point(116.4, 39.9, srid=4326))


def test_demo_geometry_puts_every_grid_inside_its_community(db):
    from demo.organizations import build_demo_organizations

    city = build_demo_organizations(seed=1)
    count = build_demo_geometry(city)
    assert count == 186 * 186
    communities = city.subtree().filter(kind=OrgKind.COMMUNITY).count()
    assert Grid.objects.values("community").distinct().count() == communities
    # Every grid lies inside its community's boundary and has a code that starts with the community's.
    from django.db.models import F

    assert not Grid.objects.exclude(geometry__within=F("community__boundary__geometry")).exists()
    assert all(g.code.startswith(g.community.code) for g in Grid.objects.select_related("community")[:500])
