"""Queue and list pages with a million cases in the database.

    .venv/bin/python bench/lists.py [TOTAL]

Fills the benchmark database up to TOTAL cases (default 1,000,000) with INSERT … SELECT (states: 99.5 %
closed over three years of report times, one in 200 open, spread over the open states and reported within the
last week, as a city's open work is a few days of its intake whatever its history; points in real demo
grids), lays the table out in report order as a table grown by reports is (CLUSTER), then
times the pages each role opens most and the map's case layer, through Django's test client (the full view,
template and queries): median and p95 of 21 runs, with the machine's load and two floors measured in the same run.
"""

import datetime as dt
import sys
import time

from common import insert_floor, prepare, quantiles, settle, uptime

prepare()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from accounts.models import User  # noqa: E402
from cases.models import Case  # noqa: E402

TOTAL = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
RUNS = 21


def select_floor() -> float:
    """Median ms of one hand-written query: the newest 50 open cases with their category."""
    runs = []
    with connection.cursor() as cursor:
        for _ in range(RUNS):
            start = time.perf_counter()
            cursor.execute(
                "SELECT c.id, c.number, c.state, k.name FROM cases_case c JOIN cases_category k ON k.id = c.category_id"
                " WHERE c.state NOT IN ('closed', 'not_accepted', 'not_registered', 'cancelled')"
                " ORDER BY c.reported_at DESC LIMIT 50"
            )
            cursor.fetchall()
            runs.append((time.perf_counter() - start) * 1000)
    return quantiles(runs)[0]


def street_view() -> str:
    """A 1.5 km × 1 km view around the first demo street's centre (zoom 15)."""
    from gis.models import Boundary

    centre = Boundary.objects.get(organization__code="990101001").geometry.point_on_surface
    return f"{centre.x - 0.008},{centre.y - 0.0045},{centre.x + 0.008},{centre.y + 0.0045}"


STREET_VIEW = street_view()
OPEN_CASE = Case.objects.filter(state="dispatched", events__isnull=False).values_list("pk", flat=True).first()
FILL = """
WITH g AS (SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id, community_id, street_id, district_id,
                  ST_PointOnSurface(geometry) AS point
           FROM gisbase_grid),
     n AS (SELECT count(*) AS grids FROM gisbase_grid),
     cat AS (SELECT array_agg(id ORDER BY id) AS ids FROM cases_category WHERE is_active),
     unit AS (SELECT array_agg(id ORDER BY id) AS ids FROM accounts_organization WHERE kind = 'unit'),
     s0 AS (SELECT i, (i::bigint * 7919) %% (SELECT grids FROM n) AS gi,
                  CASE WHEN i %% 200 <> 0 THEN 'closed'
                       ELSE (ARRAY['reported','verifying','pending_registration','registered','dispatched',
                                   'handled','checking','pending_closure','returned','parked'])[1 + i / 200 %% 10]
                  END AS st
           FROM generate_series(%(start)s, %(stop)s) AS i)
INSERT INTO cases_case (number, source, category_id, urgency, description, address, component_code, reporter_name,
    reporter_phone, self_handled, state, return_count, rework_count, extension_count, extension_hours, is_overdue,
    is_urged, pending_request, requested_hours, closure_type, reported_at, updated_at, closed_at, district_id,
    street_id, community_id, grid_id, assignee_id, stage_deadline, handling_deadline, idempotency_fingerprint,
    location)
SELECT 'B' || lpad((s.i + %(shift)s)::text, 10, '0'), (ARRAY['supervisor','public','hotline'])[1 + s.i %% 3],
       cat.ids[1 + s.i %% array_length(cat.ids, 1)], 'normal', '基准数据', '', '', '', '', false, s.st,
       0, 0, 0, 0, s.st <> 'closed' AND s.i %% 3 = 0, false, '', 0,
       CASE WHEN s.st = 'closed' THEN 'normal' ELSE '' END,
       now() - make_interval(secs => s.ago), now(),
       CASE WHEN s.st = 'closed' THEN now() - make_interval(secs => s.ago - 86400) END,
       g.district_id, g.street_id, g.community_id, g.id,
       CASE WHEN s.st IN ('dispatched','handled','checking','pending_closure','closed','parked')
            THEN unit.ids[1 + s.i %% array_length(unit.ids, 1)] END,
       CASE WHEN s.st <> 'closed' THEN now() + make_interval(hours => s.i %% 48 - 24) END,
       CASE WHEN s.st <> 'closed' THEN now() + make_interval(hours => s.i %% 48 - 24) END, '',
       ST_Translate(g.point, (s.i %% 97 - 48) * 0.00001, (s.i %% 89 - 44) * 0.00001)
FROM (SELECT s0.*, CASE WHEN s0.st = 'closed' THEN 86400 + (s0.i::bigint * 9) %% 94608000
                        ELSE (s0.i::bigint * 7) %% 604800 END AS ago FROM s0) AS s
     JOIN g ON g.rn = s.gi, cat, unit
"""

existing = Case.objects.count()
if existing < TOTAL:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case WHERE number LIKE 'B%%'")
        shift = cursor.fetchone()[0]  # numbers after the filled ones (cases deleted since leave no twins)
        for lo in range(existing + 1, TOTAL + 1, 200_000):
            cursor.execute(FILL, {"start": lo, "stop": min(lo + 199_999, TOTAL), "shift": shift})
        # A table grown by reports holds its rows in report order, the open (recent) ones together near its end;
        # the fill's rows are scattered in time (one open case a page: counting open work read 50,000 pages).
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("CLUSTER cases_case USING cases_case_reported_at_e7db3137")
        cursor.execute("VACUUM (ANALYZE) cases_case")
    print(f"filled {TOTAL - existing:,} cases in {time.perf_counter() - start:.0f} s")
print(f"cases in the database: {Case.objects.count():,}")

A_YEAR_AGO = (dt.date.today() - dt.timedelta(days=365)).isoformat()
ABOUT_A_MILLION = (dt.date.today() - dt.timedelta(days=110)).isoformat()  # 110 days of a 10 M city's intake
PAGES = [
    ("dispatcher", "/", "workbench with queue counts"),
    ("dispatcher", "/cases/?queue=dispatch", "queue: to dispatch"),
    ("dispatcher", "/cases/?queue=overdue", "queue: overdue"),
    ("dispatcher", "/cases/", "all cases, newest first"),
    ("dispatcher", "/cases/?state=closed&category=5&page=20", "filtered list, page 20"),
    ("district", "/", "district workbench"),
    ("district", "/cases/?queue=open", "district: open cases"),
    ("unit", "/cases/?queue=handle", "unit: to handle"),
    ("dispatcher", f"/cases/{OPEN_CASE}/", "case page (an open case)"),
    ("dispatcher", "/api/cases/?queue=open", "API: open cases"),
    ("dispatcher", "/api/cases/?cursor=", "API: all cases by key"),
    ("dispatcher", "/api/gis/cases/?queue=open&limit=10000", "map: 10,000 open cases as points"),
    ("dispatcher", "/api/gis/cases/?queue=open&zoom=12", "map: open cases, city clusters"),
    ("dispatcher", f"/api/gis/cases/?reported_from={ABOUT_A_MILLION}&zoom=12", "map: 110 days of cases, clusters"),
    ("dispatcher", f"/api/gis/cases/?reported_from={A_YEAR_AGO}&zoom=12", "map: a year of cases, clusters"),
    (
        "dispatcher",
        f"/api/gis/cases/?reported_from={A_YEAR_AGO}&zoom=15&in_bbox={STREET_VIEW}",
        "map: a year of cases, street view",
    ),
]
PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
settle()
print(f"machine: {uptime()}")
with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=PLAIN_STATIC):
    print(f"{'page':<36} {'user':<11} {'first ms':>8} {'median ms':>9} {'p95 ms':>8} {'rows':>10}")
    for username, url, label in PAGES:
        client = Client()
        client.force_login(User.objects.get(username=username))
        start = time.perf_counter()
        first = client.get(url)
        cold = (time.perf_counter() - start) * 1000  # the map's counts per grid are then kept a while
        assert first.status_code == 200, url
        body = first.json() if first["Content-Type"].startswith("application/json") else {}
        rows = body.get("total") or body.get("count") or len(body.get("results", ())) or ""
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        median, p95 = quantiles(times)
        print(f"{label:<36} {username:<11} {cold:8.0f} {median:9.0f} {p95:8.0f} {rows:>10}")
print(
    f"floor: one hand-written SELECT of the newest 50 open cases {select_floor():.2f} ms; "
    f"single-row INSERT {insert_floor():,.0f} rows/s"
)
print(f"machine: {uptime()}")
