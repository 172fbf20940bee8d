"""Both settings profiles load; migrations apply on PostGIS (this run) and on SpatiaLite (a subprocess)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PROFILE = (
    "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
    "'engine': s.DATABASES['default']['ENGINE'], 'layer': s.CHANNEL_LAYERS['default']['BACKEND'],"
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'cache': s.CACHES['default']['BACKEND'], 'debug': s.DEBUG}))"
)


def run(args, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG")}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "citymgmt.settings", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_production_profile_is_in_force_for_the_test_run():
    assert settings.DATABASES["default"]["ENGINE"] == "citymgmt.postgis"  # Django's PostGIS, checked without a query
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert settings.CELERY_TASK_ALWAYS_EAGER is False


def test_embedded_profile_needs_no_server(tmp_path):
    result = run(["-c", PROFILE], CITYMGMT_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "engine": "django.contrib.gis.db.backends.spatialite",
        "layer": "channels.layers.InMemoryChannelLayer",
        "eager": True,
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "debug": True,
    }


def test_production_profile_refuses_to_start_without_a_secret_key(tmp_path):
    result = run(["-c", PROFILE], DATABASE_URL="postgis://postgres@127.0.0.1:5432/citymgmt")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_migrations_apply_on_spatialite(tmp_path):
    migrate = run(["manage.py", "migrate", "-v0"], CITYMGMT_VAR_DIR=str(tmp_path))
    assert migrate.returncode == 0, migrate.stderr
    count = run(
        ["manage.py", "shell", "-c", "from classification.models import Category; print(Category.objects.count())"],
        CITYMGMT_VAR_DIR=str(tmp_path),
    )
    assert count.stdout.strip().splitlines()[-1] == "301", count.stderr
    assert (tmp_path / "citymgmt.sqlite3").exists()


def test_migrations_applied_on_postgis(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT PostGIS_Lib_Version()")
        assert cursor.fetchone()[0].startswith("3.")
    assert "cases_category" in connection.introspection.table_names()


def test_no_model_change_lacks_a_migration():
    result = run(
        ["manage.py", "makemigrations", "--check", "--dry-run"],
        **{k: os.environ[k] for k in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY") if k in os.environ},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_s3_compatible_photo_storage_by_configuration(tmp_path):
    probe = (
        "import django; django.setup(); from django.core.files.storage import storages; d = storages['default']; "
        "print(type(d).__name__, d.bucket_name, d.endpoint_url)"
    )
    result = run(
        ["-c", probe],
        CITYMGMT_VAR_DIR=str(tmp_path),
        S3_BUCKET="city-photos",
        S3_ENDPOINT_URL="http://127.0.0.1:9000",
        S3_ACCESS_KEY="k",
        S3_SECRET_KEY="s",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "city-photos", "http://127.0.0.1:9000"]


@pytest.mark.django_db
def test_web_workers_keep_their_connection_between_requests():
    """docker-compose's web service sets DB_CONN_MAX_AGE: a sync worker opens its connection once."""
    assert 'DB_CONN_MAX_AGE: "300"' in (ROOT / "docker-compose.yml").read_text()
    script = (
        "import django; django.setup(); from django.db import connection; "
        "from django.core.signals import request_started, request_finished; pids = set()\n"
        "for _ in range(5):\n"
        "    request_started.send(None); connection.ensure_connection(); "
        "pids.add(connection.connection.info.backend_pid); request_finished.send(None)\n"
        "print(len(pids))"
    )
    url = f"postgis://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}"
    kept = run(["-c", script], DATABASE_URL=url, SECRET_KEY="x", DB_CONN_MAX_AGE="300")
    opened_each_time = run(["-c", script], DATABASE_URL=url, SECRET_KEY="x")
    assert kept.returncode == 0, kept.stderr
    assert (kept.stdout.split(), opened_each_time.stdout.split()) == (["1"], ["5"])


@pytest.mark.django_db
def test_a_threaded_server_can_take_connections_from_a_pool():
    """DB_POOL: connections are taken from a pool, not opened per request."""
    script = (
        "import django; django.setup(); from django.db import connection; "
        "[connection.ensure_connection() or connection.close() for _ in range(5)]; "
        "stats = connection.pool.get_stats(); print(stats['requests_num'], stats['connections_num'])"
    )
    url = f"postgis://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}"
    pooled = run(["-c", script], DATABASE_URL=url, SECRET_KEY="x", DB_POOL="true")
    assert pooled.returncode == 0, pooled.stderr
    requests, opened = map(int, pooled.stdout.split())
    assert requests == 5 and opened <= 2  # five requests for a connection, at most the pool's two opened
