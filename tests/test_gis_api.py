"""The GeoJSON API: bounding boxes, attribute filters, scope."""

import json

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.choices import OrgKind
from accounts.services import create_organization
from cases.models import Case
from cases.selectors import _features_in_python, _features_in_sql
from classification.models import Category
from demo.geometry import Rect, lonlat
from gis.models import Camera, Component, Grid
from tests.lifecycle import S, advance, garbage, new_case

pytestmark = pytest.mark.django_db


def client(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def box(col0, row0, col1, row1):
    (west, north), (east, south) = lonlat(col0, row0), lonlat(col1, row1)
    return f"{west},{south},{east},{north}"


@pytest.fixture
def grids(city):
    made = {}
    for code, (col, row), community, street, district in [
        ("990101001001001", (0, 0), city.c111, city.s11, city.d1),
        ("990101001001002", (1, 0), city.c111, city.s11, city.d1),
        ("990102001001001", (10, 10), city.c211, city.s21, city.d2),
    ]:
        made[code] = Grid.objects.create(
            code=code,
            community=community,
            street=street,
            district=district,
            geometry=Rect(col, row, col + 1, row + 1).polygon(),
            area_m2=10_000,
        )
    return made


def codes(response):
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["type"] == "FeatureCollection"
    return sorted(f["properties"].get("code") or f["properties"].get("number") for f in body["features"])


def test_grids_by_bounding_box(users, grids):
    c = client(users.dispatcher)
    assert codes(c.get("/api/gis/grids/", {"in_bbox": box(0, 0, 2, 1)})) == ["990101001001001", "990101001001002"]
    assert codes(c.get("/api/gis/grids/", {"in_bbox": box(9.5, 9.5, 12, 12)})) == ["990102001001001"]
    assert c.get("/api/gis/grids/", {"in_bbox": "nonsense"}).status_code == 400


def test_components_by_box_and_category(users, grids):
    cover = garbage().__class__.objects.get(major__scheme="gbt47678.5-2026", full_code="01001")
    light = garbage().__class__.objects.filter(major__kind="component").exclude(pk=cover.pk).first()
    for code, category, (col, row) in [
        ("99010101001000001", cover, (0.5, 0.5)),
        ("99010101001000002", cover, (10.5, 10.5)),
        ("99010102001000001", light, (0.6, 0.6)),
    ]:
        Component.objects.create(code=code, category=category, location=Point(*lonlat(col, row), srid=4326))
    c = client(users.dispatcher)
    assert codes(c.get("/api/gis/components/", {"in_bbox": box(0, 0, 1, 1)})) == [
        "99010101001000001",
        "99010102001000001",
    ]
    assert codes(c.get("/api/gis/components/", {"category": "01001"})) == ["99010101001000001", "99010101001000002"]


def test_case_layer_is_scoped_filtered_and_boxed(users, city, grids):
    east = new_case(users, city, location=Point(*lonlat(0.5, 0.5), srid=4326))
    west = new_case(users, city, area=None, location=Point(*lonlat(10.5, 10.5), srid=4326))
    closed = advance(new_case(users, city, location=Point(*lonlat(1.5, 0.5), srid=4326)), users, city, S.CLOSED)
    assert codes(client(users.dispatcher).get("/api/gis/cases/")) == sorted([east.number, west.number, closed.number])
    assert codes(client(users.district_operator).get("/api/gis/cases/")) == sorted([east.number, closed.number])
    assert codes(client(users.dispatcher).get("/api/gis/cases/", {"queue": "open"})) == sorted(
        [east.number, west.number]
    )
    assert codes(client(users.dispatcher).get("/api/gis/cases/", {"in_bbox": box(0, 0, 1, 1)})) == [east.number]
    layer = client(users.dispatcher).get("/api/gis/cases/", {"limit": 1}).json()
    assert len(layer["features"]) == 1 and set(layer["features"][0]["properties"]) >= {"state", "category"}
    assert client(users.dispatcher).get("/api/gis/cases/", {"limit": "x"}).status_code == 400
    assert garbage().name in layer["features"][0]["properties"]["category_name"]


def test_case_layer_gathers_cases_into_clusters_below_street_level(users, city, grids, monkeypatch):
    for col in (0.3, 0.6, 1.5):  # two in one grid, one in the next, all in the east district
        new_case(users, city, location=Point(*lonlat(col, 0.5), srid=4326))
    west = new_case(users, city, area=None, location=Point(*lonlat(10.5, 10.5), srid=4326))
    Case.objects.filter(pk=west.pk).update(is_overdue=True)

    def layer(user, **params):
        answer = client(user).get("/api/gis/cases/", params)
        assert answer.status_code == 200, answer.content
        body = answer.json()
        return body, sorted((f["properties"]["count"], f["properties"]["overdue"]) for f in body["features"])

    body, counts = layer(users.dispatcher, zoom=14)
    assert body["clustered"] and body["total"] == 4 and counts == [(1, 1), (3, 0)]  # a square ≈ 600 m
    assert layer(users.dispatcher, zoom=4)[1] == [(4, 1)]  # the whole test city in one square
    assert layer(users.district_operator, zoom=14)[1] == [(3, 0)]  # scoped
    assert layer(users.dispatcher, zoom=14, queue="open")[1] == [(1, 1), (3, 0)]
    with CaptureQueriesContext(connection) as queries:  # the same scope: the dispatcher's counts are shared
        assert layer(users.intake_operator, zoom=14)[1] == [(1, 1), (3, 0)]
        assert layer(users.intake_operator, zoom=14, queue="open")[1] == [(1, 1), (3, 0)]
    assert not [q for q in queries.captured_queries if "cases_case" in q["sql"]]
    layer(users.dispatcher, zoom=14, queue="overdue")
    with CaptureQueriesContext(connection) as queries:  # a queue of one's own (late work) is counted for one
        layer(users.intake_operator, zoom=14, queue="overdue")
    assert [q for q in queries.captured_queries if "cases_case" in q["sql"]]
    assert layer(users.dispatcher, zoom=14, area=city.d2.pk)[1] == [(1, 1)]  # filtered like the list
    points = client(users.dispatcher).get("/api/gis/cases/", {"zoom": 15, "in_bbox": box(0, 0, 2, 1)}).json()
    assert "clustered" not in points and len(points["features"]) == 3  # street level: the cases themselves
    monkeypatch.setattr("cases.api.views.MAP_POINTS", 2)
    crowded = client(users.dispatcher).get("/api/gis/cases/", {"zoom": 16, "in_bbox": box(0, 0, 2, 1)}).json()
    assert crowded["clustered"] and crowded["total"] == 3  # a street view too full to show point by point
    assert client(users.dispatcher).get("/api/gis/cases/", {"zoom": "x"}).status_code == 400


def test_cameras_are_shared_with_the_listed_organizations(users, city):
    shared = Camera.objects.create(
        name="人民路1号", code="C1", location=Point(*lonlat(0, 0), srid=4326), owner=city.city
    )
    shared.shared_with.set([city.p1])
    Camera.objects.create(name="内部", code="C2", location=Point(*lonlat(1, 1), srid=4326), owner=city.city)
    own = create_organization(
        name="区自建", code="X", kind=OrgKind.HANDLING_UNIT, parent=city.d2, unit_type="government"
    )
    Camera.objects.create(name="西城自建", code="C3", location=Point(*lonlat(2, 2), srid=4326), owner=own)
    assert codes(client(users.dispatcher).get("/api/gis/cameras/")) == ["C1", "C2", "C3"]
    assert codes(client(users.district_operator).get("/api/gis/cameras/")) == ["C1"]
    assert codes(client(users.district_operator_d2).get("/api/gis/cameras/")) == ["C3"]


def test_area_outlines(users, city):
    from django.contrib.gis.geos import MultiPolygon

    from gis.models import Boundary

    Boundary.objects.create(organization=city.d1, geometry=MultiPolygon(Rect(0, 0, 5, 5).polygon()))
    Boundary.objects.create(organization=city.s11, geometry=MultiPolygon(Rect(0, 0, 2, 5).polygon()))
    assert codes(client(users.dispatcher).get("/api/gis/areas/", {"kind": "district"})) == ["990101"]
    assert codes(client(users.dispatcher).get("/api/gis/areas/", {"kind": "street"})) == ["990101001"]


def test_gazetteer_finds_places_roads_and_areas_and_names_a_point(users, city):
    from django.contrib.gis.geos import LineString, MultiPolygon

    from gis.models import Boundary, Place, Road

    Road.objects.create(
        name="人民路", level="main", length_m=300, geometry=LineString(lonlat(50, 50.5), lonlat(53, 50.5), srid=4326)
    )
    Place.objects.create(name="人民农贸市场", kind="market", location=Point(*lonlat(52, 52), srid=4326))
    Boundary.objects.create(organization=city.c111, geometry=MultiPolygon(Rect(50, 50, 51, 51).polygon()))
    found = client(users.intake_operator).get("/api/gis/geocode/", {"q": "人民"}).json()
    assert [c["name"] for c in found] == ["人民路", "人民农贸市场"]
    assert found[0]["longitude"] == pytest.approx(lonlat(51.5, 50.5)[0], abs=1e-6)
    lon, lat = lonlat(50.5, 50.6)
    place = client(users.intake_operator).get("/api/gis/reverse/", {"longitude": lon, "latitude": lat}).json()
    assert place["grid"] == "990101001001901" and place["community"] == city.c111.name
    assert "人民路" in place["address"] and city.c111.name in place["address"]
    outside = client(users.intake_operator).get("/api/gis/reverse/", {"longitude": 116.4, "latitude": 39.9})
    assert outside.status_code == 400
    assert client(users.intake_operator).get("/api/gis/reverse/", {"longitude": "x"}).status_code == 400


def test_a_capped_case_layer_says_how_many_it_leaves_out(users, city, grids):
    for _ in range(3):
        new_case(users, city, location=Point(*lonlat(50.5, 50.5), srid=4326))
    client = APIClient()
    client.force_authenticate(users.dispatcher)
    layer = client.get("/api/gis/cases/", {"limit": 2}).json()
    assert (len(layer["features"]), layer["total"], layer["limit"]) == (2, 3, 2)
    assert client.get("/api/gis/cases/").json()["total"] == 3


def test_the_databases_points_are_the_pythons(users, city, grids):
    """The layer's points as PostgreSQL writes them equal those written in Python (the embedded database's way),
    a category name that needs escaping included."""
    made = [new_case(users, city, location=Point(*lonlat(0.3 * (i + 1), 0.5), srid=4326)) for i in range(3)]
    Category.objects.filter(pk=made[0].category_id).update(name='暴露"垃圾\\ ✓')
    Case.objects.filter(pk=made[1].pk).update(is_overdue=True)
    cases = Case.objects.filter(pk__in=[c.pk for c in made]).order_by("-reported_at")
    in_sql, in_python = _features_in_sql(cases, 2), _features_in_python(cases, 2)
    assert in_sql[1] == in_python[1] == 3  # all there are, beyond the two shown
    assert json.loads(in_sql[0]) == json.loads(in_python[0])
    assert json.loads(in_sql[0])[0]["properties"]["category_name"] == '暴露"垃圾\\ ✓'
    assert _features_in_sql(cases.none(), 2) == ("[]", 0)


def test_the_own_base_map_draws_roads_water_and_names(client, city):
    """Without a tile service the maps take the platform's tiles, drawn from its data; a new road makes new
    tiles (the data's version is in their address)."""
    import io

    from django.contrib.gis.geos import LineString, MultiPolygon, Polygon
    from PIL import Image

    from gis import basemap
    from gis.models import Land, Road
    from gis.views import map_settings

    Land.objects.create(
        name="运河",
        kind="water",
        geometry=MultiPolygon(Polygon.from_bbox((*lonlat(40, 49), *lonlat(60, 47))), srid=4326),
    )
    from django.core.cache import cache

    cache.delete("basemap:version")  # not a version left in Redis by an earlier run
    before = map_settings()["tiles"]
    Road.objects.create(name="人民路", level="main", length_m=2000, geometry=LineString(lonlat(30, 50), lonlat(70, 50)))
    cache.delete("basemap:version")
    after = map_settings()["tiles"]
    assert before != after and after.endswith("/{z}/{x}/{y}.png")
    px, py = basemap.world_pixels(*lonlat(50, 50), 16)
    url = after.format(z=16, x=int(px // 256), y=int(py // 256))
    response = client.get(url)  # no log-in needed: streets and names only
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "max-age" in response["Cache-Control"]
    tile = Image.open(io.BytesIO(response.content)).convert("RGB")
    colours = {c for _n, c in tile.getcolors(256 * 256)}
    assert basemap.ROADS["main"][2] in colours and basemap.COLOURS["water"] in colours
    assert client.get(after.format(z=3, x=1, y=1)).status_code == 404  # beyond the zoom levels drawn


def test_a_configured_tile_service_replaces_the_own_base_map(settings):
    from gis.views import map_settings

    settings.MAP_TILES_URL, settings.MAP_TILES_OFFSET = "https://tiles.example.cn/{z}/{x}/{y}.png", "gcj02"
    assert map_settings() == {"tiles": settings.MAP_TILES_URL, "attribution": "", "offset": "gcj02"}
