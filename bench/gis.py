"""Demo generation for a year at reference scale, geocoding throughput against the full demo grid set, and the
GeoJSON case layer with 10,000 open cases — on PostGIS.

    .venv/bin/python bench/gis.py        (uses its own database citymgmt_bench_demo, rebuilt each run)
"""

import os
import random
import subprocess
import time

os.environ["BENCH_DATABASE_URL"] = "postgis://postgres@127.0.0.1:5432/citymgmt_bench_demo"
subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "citymgmt_bench_demo"], check=True)
subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "citymgmt_bench_demo"], check=True)

from common import timed  # noqa: E402
from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0)
started = time.perf_counter()
with open(os.devnull, "w") as quiet:
    call_command("load_demo", stdout=quiet)
generation = time.perf_counter() - started
print(f"demo city + 12 months of history at reference scale: {generation:.0f} s")

from django.contrib.gis.geos import Point  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from accounts.models import User  # noqa: E402
from cases.choices import OPEN_STATES  # noqa: E402
from cases.models import Case  # noqa: E402
from demo.geometry import CELLS, lonlat  # noqa: E402
from gis.geocoding import locate  # noqa: E402
from gis.models import Grid  # noqa: E402

print(f"cases: {Case.objects.count():,}; unit grids: {Grid.objects.count():,}")
rng = random.Random(3)
points = [Point(*lonlat(rng.uniform(0, CELLS), rng.uniform(0, CELLS)), srid=4326) for _ in range(5000)]
start = time.perf_counter()
for point in points:
    locate(point)
print(f"geocoding, one query per point: {len(points) / (time.perf_counter() - start):,.0f} points/s")

# Make exactly 10,000 cases open (the demo's live backlog is smaller), then time the whole-city layer.
open_now = Case.objects.filter(state__in=OPEN_STATES).count()
with connection.cursor() as cursor:
    cursor.execute(
        "UPDATE cases_case SET state = 'dispatched' WHERE id IN (SELECT id FROM cases_case "
        "WHERE state = 'closed' ORDER BY id DESC LIMIT %s)",
        [max(0, 10_000 - open_now)],
    )
    cursor.execute("ANALYZE cases_case")
print(f"open cases: {Case.objects.filter(state__in=OPEN_STATES).count():,}")
with override_settings(ALLOWED_HOSTS=["testserver"]):
    client = Client()
    client.force_login(User.objects.get(username="dispatcher"))
    response = client.get("/api/gis/cases/", {"queue": "open"})
    features = len(response.json()["features"])
    median, best = timed(lambda: client.get("/api/gis/cases/", {"queue": "open"}))
    print(
        f"GeoJSON whole-city layer, {features:,} open cases, {len(response.content) / 1e6:.1f} MB: "
        f"median {median:.0f} ms, best {best:.0f} ms"
    )
    median, _ = timed(
        lambda: client.get("/api/gis/grids/", {"in_bbox": ",".join(map(str, (*lonlat(80, 90), *lonlat(95, 80))))})
    )
    print(f"GeoJSON grids in a 1.5 km x 1 km view: median {median:.0f} ms")
