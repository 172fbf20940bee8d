"""Every page renders with DEBUG off after `collectstatic`, as the production image serves it: hashed static
names from the manifest (a missing file would be a 500), the front-end libraries served by WhiteNoise."""

import subprocess
import sys

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client
from django.urls import reverse

from web.checks import frontend_packages
from web.staticfiles import FrontendFinder

from .lifecycle import advance, new_case
from .test_settings import ROOT

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "false",
            "SECRET_KEY": "collect",
            "CITYMGMT_VAR_DIR": str(root),
            "DATABASE_URL": f"spatialite:///{root}/unused.sqlite3",
        },
        timeout=900,  # a guard against a hang: compressing every file took over 300 s on a slow, busy box
    )
    assert result.returncode == 0, result.stderr
    return root / "static"


@pytest.fixture
def production(settings, collected):
    settings.DEBUG = False
    settings.STATIC_ROOT = collected
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}  # storage reset


def test_every_page_renders_with_debug_off_after_collectstatic(production, users, city):
    case = advance(new_case(users, city), users, city, "dispatched")
    anonymous = Client()
    assert anonymous.get(reverse("login")).status_code == 200
    pages = {
        "leader": ["home", "case-list", "city-map", "dashboard", "notifications"],
        "dispatcher": ["home", ("case-detail", case.pk), "case-report"],
        "intake_operator": ["home"],
        "shift_leader": ["home"],
        "supervisor": ["home", "case-report"],
        "district_operator": ["home", ("case-detail", case.pk)],
        "unit_operator_d1": ["home", ("case-detail", case.pk)],
        "administrator": ["home", "admin:index", "api-docs", "admin:cases_case_changelist"],
    }
    for who, names in pages.items():
        client = Client()
        client.force_login(getattr(users, who))
        for name in names:
            url = reverse(name[0], args=name[1:]) if isinstance(name, tuple) else reverse(name)
            response = client.get(url)
            assert response.status_code == 200, (who, url, response.status_code)
    for asset in (
        "vendor/echarts/echarts.min.js",
        "vendor/idb/umd.js",
        "vendor/markercluster/leaflet.markercluster.js",
        "leaflet/leaflet.js",
    ):
        url = staticfiles_storage.url(asset)
        assert ".js" in url and url != f"/static/{asset}", url  # a hashed name from the manifest
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert b"".join(response.streaming_content if response.streaming else [response.content])


def test_only_the_front_end_files_the_pages_load_are_collected(collected):
    """The packages' other builds and maps stay in node_modules (echarts alone ships 50 MB of them)."""
    echarts = {path.name for path in (collected / "vendor" / "echarts").iterdir()}
    assert "echarts.min.js" in echarts
    assert not {name for name in echarts if not name.startswith("echarts.min.")}, echarts
    assert not (collected / "vendor" / "tom-select" / "js" / "tom-select.complete.js").exists()


def test_the_front_end_finder_finds_a_listed_file_only(settings):
    finder = FrontendFinder()
    found = finder.find("vendor/echarts/echarts.min.js")
    assert found == str(settings.NODE_MODULES / "echarts" / "dist" / "echarts.min.js")
    assert finder.find("vendor/echarts/echarts.min.js", find_all=True) == [found]
    assert finder.find("vendor/echarts/echarts.js") == []  # in the package, not listed
    settings.FRONTEND_PACKAGES = {"vendor/echarts": ("echarts/dist", ["echarts.min.js", "echarts.gone.js"])}
    assert [error.id for error in frontend_packages()] == ["web.E001"]  # a broken installation, said by check
