"""Imports of spatial data: a valid file goes in, a broken one is refused whole with every reason."""

import json
import subprocess

import pytest
from django.contrib.gis.geos import MultiPolygon
from django.core.management import CommandError, call_command

from demo.geometry import Rect, lonlat
from gis.imports import ImportRefused, import_file
from gis.models import Boundary, Camera, Component, Grid

pytestmark = pytest.mark.django_db


def imported():
    return Grid.objects.exclude(code__endswith="901").count()  # the city fixture has two grids ending in 901


def feature(properties, geometry):
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def square(col, row, size=1):
    return json.loads(Rect(col, row, col + size, row + size).polygon().geojson)


def write(tmp_path, features, name="layer.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


@pytest.fixture
def community(city):
    Boundary.objects.create(organization=city.c111, geometry=MultiPolygon(Rect(0, 0, 2, 2).polygon()))
    return city.c111


def grid_features(community):
    return [
        feature({"code": f"{community.code}{n:03}", "community": community.code}, square(col, row))
        for n, (col, row) in enumerate([(0, 0), (1, 0), (0, 1), (1, 1)], 1)
    ]


def test_a_valid_grid_file_is_imported(tmp_path, community):
    report = import_file(write(tmp_path, grid_features(community)), "grids")
    assert report.ok and report.written == 4
    grid = Grid.objects.get(code="990101001001001")
    assert (grid.street.code, grid.district.code) == ("990101001", "990101")
    assert 9_000 < grid.area_m2 < 11_000  # a 100 m cell, measured in metres


def test_a_shapefile_is_imported_too(tmp_path, community):
    source = write(tmp_path, grid_features(community))
    shapefile = tmp_path / "grids.shp"
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", str(shapefile), str(source)], check=True)
    assert import_file(shapefile, "grids").written == 4


BROKEN = {
    "invalid geometry": lambda c: feature(
        {"code": f"{c.code}005", "community": c.code},
        {
            "type": "Polygon",
            "coordinates": [
                [list(lonlat(0, 0)), list(lonlat(1, 1)), list(lonlat(1, 0)), list(lonlat(0, 1)), list(lonlat(0, 0))]
            ],
        },
    ),
    "overlaps": lambda c: feature({"code": f"{c.code}005", "community": c.code}, square(0.5, 0.5)),
    "outside its community": lambda c: feature({"code": f"{c.code}005", "community": c.code}, square(5, 5)),
    "duplicate code": lambda c: feature({"code": f"{c.code}001", "community": c.code}, square(5, 5)),
    "malformed grid code": lambda c: feature({"code": "12-34", "community": c.code}, square(5, 5)),
    "unknown community": lambda c: feature({"code": "999999999999001", "community": "999"}, square(5, 5)),
    "not a polygon": lambda c: feature(
        {"code": f"{c.code}005", "community": c.code}, {"type": "Point", "coordinates": list(lonlat(0.5, 0.5))}
    ),
}


@pytest.mark.parametrize("problem", sorted(BROKEN))
def test_a_broken_grid_file_is_refused_whole_with_the_reason(tmp_path, community, problem):
    features = grid_features(community) + [BROKEN[problem](community)]
    with pytest.raises(ImportRefused) as refused:
        import_file(write(tmp_path, features), "grids")
    assert any(problem.split()[0] in line or _zh(problem) in line for line in refused.value.report.errors), (
        refused.value.report.errors
    )
    assert imported() == 0


def _zh(problem):
    return {
        "invalid geometry": "几何",
        "overlaps": "重叠",
        "outside its community": "之外",
        "duplicate code": "重复",
        "malformed grid code": "编码",
        "unknown community": "未知社区",
        "not a polygon": "多边形",
    }[problem]


def test_a_gap_between_grids_is_refused(tmp_path, community):
    with pytest.raises(ImportRefused) as refused:
        import_file(write(tmp_path, grid_features(community)[:3]), "grids")
    assert any("空隙" in line or "gap" in line for line in refused.value.report.errors)


def test_the_command_reports_and_fails(tmp_path, community, capsys):
    with pytest.raises(CommandError):
        call_command("import_gis", "grids", str(write(tmp_path, grid_features(community)[:3])))
    call_command("import_gis", "grids", str(write(tmp_path, grid_features(community))), "--dry-run")
    assert imported() == 0
    call_command("import_gis", "grids", str(write(tmp_path, grid_features(community))))
    assert imported() == 4


def test_unreadable_file_is_refused(tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text("not json at all")
    with pytest.raises(ImportRefused):
        import_file(path, "grids")


def test_components_and_cameras_and_area_outlines(tmp_path, community, city):
    import_file(write(tmp_path, grid_features(community)), "grids")
    point = {"type": "Point", "coordinates": list(lonlat(0.5, 0.5))}
    report = import_file(
        write(tmp_path, [feature({"code": "99010101001000007", "owner": "自来水公司"}, point)]), "components"
    )
    component = Component.objects.get()
    assert report.written == 1 and component.grid.code == "990101001001001" and component.category.name == "供水井盖"
    with pytest.raises(ImportRefused):
        import_file(write(tmp_path, [feature({"code": "99010199999000001"}, point)]), "components")
    import_file(write(tmp_path, [feature({"code": "CAM9", "name": "测试探头"}, point)]), "cameras")
    assert Camera.objects.get().name == "测试探头"
    import_file(write(tmp_path, [feature({"code": city.s11.code}, square(0, 0, 3))]), "areas", kind="street")
    assert Boundary.objects.filter(organization=city.s11).exists()


def test_admin_import_page(admin_client, tmp_path, community):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("admin:gis_import")
    assert admin_client.get(url).status_code == 200
    broken = write(tmp_path, grid_features(community)[:3]).read_bytes()
    response = admin_client.post(url, {"layer": "grids", "file": SimpleUploadedFile("g.geojson", broken)})
    assert response.status_code == 200 and response.context["report"].errors and imported() == 0
    good = write(tmp_path, grid_features(community)).read_bytes()
    admin_client.post(url, {"layer": "grids", "file": SimpleUploadedFile("g.geojson", good)})
    assert imported() == 4


def test_a_text_longer_than_its_column_is_a_reason_not_a_crash(tmp_path, community):
    import_file(write(tmp_path, grid_features(community)), "grids")
    point = {"type": "Point", "coordinates": list(lonlat(0.5, 0.5))}
    long_name = feature({"code": "99010101001000008", "name": "井" * 300, "owner": "单位" * 80}, point)
    with pytest.raises(ImportRefused) as refused:
        import_file(write(tmp_path, [long_name]), "components")
    reasons = " ".join(refused.value.report.errors)
    assert "300" in reasons and "160" in reasons and not Component.objects.exists()
