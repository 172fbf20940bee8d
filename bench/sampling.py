"""A month of patrol tracks: 110 supervisors, one GPS fix per 10 s over 8-hour shifts on every working day
(each along the samples due that day, so a weekday's route comes back each week),
uploaded through the service in hourly batches (``patrols.add_points``) and finished (``patrols.finish``: the
track, the samples covered, the reports placed), then the month's coverage computed.

    .venv/bin/python bench/sampling.py [--days 21] [--batch 360]

Runs on a database of its own (citymgmt_bench_sampling: the demo city without case history, so the month's
samples and tasks are the only ones). Prints the ingestion rate (points/s), the latency of one batch
(median, p95), the seconds to finish the patrols and to compute the coverage, the machine's load, and the
floor measured in the same run: one hand-written INSERT … SELECT of 1 M rows into the same table with its
indexes.
"""

import argparse
import datetime as dt
import math
import os
import random
import statistics
import subprocess
import sys
import time

DB = "citymgmt_bench_sampling"
os.environ.setdefault("BENCH_DATABASE_URL", f"postgis://postgres@127.0.0.1:5432/{DB}")
subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB], capture_output=True)

import common  # noqa: E402, F401  (Django set up on the benchmark database)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Organization, User  # noqa: E402
from cases.worktime import current_calendar  # noqa: E402
from demo.sampling import Generator, Shape  # noqa: E402
from sampling import statistics as sampling_statistics  # noqa: E402
from sampling.models import CollectionTask, Library, Patrol, TrackPoint, Visit  # noqa: E402
from sampling.services import patrols  # noqa: E402

MONTH = dt.date(2026, 6, 1)
STEP_S = 10
SPEED = 1.5  # m/s: a fix every 15 m, walking or slow cycling


def prepare() -> list[int]:
    call_command("migrate", verbosity=0)
    if not Organization.objects.filter(code="990100").exists():
        with open(os.devnull, "w") as quiet:
            call_command("load_demo", "--months", "0", stdout=quiet)
    if not Library.objects.exists():
        generator = Generator(2026, 1, timezone.make_aware(dt.datetime(2026, 6, 30, 12)))  # June's library and tasks
        versions, by_version, _shapes = generator.library()
        generator.tasks(versions, by_version)
    return list(User.objects.filter(collection_tasks__isnull=False).distinct().values_list("pk", flat=True))


def route(shapes: list[Shape], rng: random.Random) -> list[tuple[int, float, float, float]]:
    """A shift's fixes (seconds from the start, lat, lon, accuracy): along the day's samples in turn at walking
    pace, then around the last one, to 8 hours."""
    from demo.geometry import lonlat

    path = [p for shape in shapes for p in shape.walk(1.0)] or [(90.0, 90.0), (91.0, 90.0)]
    fixes, position, i = [], path[0], 1
    for second in range(0, 8 * 3600, STEP_S):
        target = path[i % len(path)]
        dx, dy = target[0] - position[0], target[1] - position[1]
        distance = math.hypot(dx, dy) * 100  # cells of 100 m
        step = SPEED * STEP_S
        if distance <= step:
            position, i = target, i + 1
        else:
            position = (position[0] + dx * step / distance, position[1] + dy * step / distance)
        lon, lat = lonlat(position[0] + rng.gauss(0, 0.03), position[1] + rng.gauss(0, 0.03))  # ~3 m noise
        fixes.append((second, lat, lon, round(rng.uniform(4, 15), 1)))
    return fixes


def track(fixes, start: dt.datetime) -> list[dict]:
    return [
        {"t": (start + dt.timedelta(seconds=s)).isoformat(), "lat": lat, "lon": lon, "accuracy": accuracy}
        for s, lat, lon, accuracy in fixes
    ]


def floor() -> float:
    """One hand-written INSERT … SELECT of 1 M fixes into the track-point table (its indexes and constraint)."""
    patrol = Patrol.objects.create(supervisor=User.objects.first(), started_at=timezone.now())
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO sampling_trackpoint (patrol_id, taken_at, location, accuracy_m) "
            "SELECT %s, now() + make_interval(secs => i), ST_SetSRID(ST_MakePoint(120.3 + i * 1e-7, 31.6), 4326), 8 "
            "FROM generate_series(1, 1000000) AS i",
            [patrol.pk],
        )
    rate = 1_000_000 / (time.perf_counter() - start)
    patrol.delete()
    return rate


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=31, help="calendar days of the month from the 1st")
    parser.add_argument("--batch", type=int, default=360, help="fixes per upload (360 = an hour)")
    args = parser.parse_args()
    supervisors = prepare()
    Visit.objects.all().delete()
    TrackPoint.objects.all().delete()
    Patrol.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE sampling_trackpoint")
    calendar, rng = current_calendar(), random.Random(1)
    tasks = {}
    for task in CollectionTask.objects.filter(starts_on=MONTH).select_related("sample"):
        tasks.setdefault(task.supervisor_id, []).append(task)
    users = {u.pk: u for u in User.objects.filter(pk__in=supervisors)}
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    floors = [floor()]
    days = [MONTH + dt.timedelta(days=d) for d in range(args.days) if calendar.is_workday(MONTH + dt.timedelta(days=d))]
    latencies, finishes, points, made, routes = [], [], 0, [], {}
    started = time.perf_counter()
    for day in days:
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 30)))
        for supervisor, own in tasks.items():
            due = [t for t in own if Generator.due(t, day)]
            key = (supervisor, tuple(t.sample_id for t in due))  # a weekday's route comes back each week
            if key not in routes:
                shapes = sorted(
                    (Generator.shape(t.sample) for t in due), key=lambda s: s.line[0] if s.line else s.box[:2]
                )
                routes[key] = route(shapes, rng)
            fixes = track(routes[key], start)
            patrol, _ = patrols.start(actor=users[supervisor], key=f"{day}", at=start)
            for i in range(0, len(fixes), args.batch):
                t0 = time.perf_counter()
                patrols.add_points(patrol, actor=users[supervisor], points=fixes[i : i + args.batch])
                latencies.append((time.perf_counter() - t0) * 1000)
            points += len(fixes)
            t0 = time.perf_counter()  # the phone's "finish": the track, the samples covered, the reports placed
            patrols.finish(patrol, actor=users[supervisor], at=start + dt.timedelta(hours=8))
            finishes.append((time.perf_counter() - t0) * 1000)
            made.append(patrol)
    wall = time.perf_counter() - started
    ingest = sum(latencies) / 1000  # the service's time, without making the tracks up
    floors.append(floor())
    started = time.perf_counter()
    coverage = sampling_statistics.coverage(MONTH, MONTH + dt.timedelta(days=args.days - 1))
    computing = time.perf_counter() - started
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    print(f"{len(made):,} patrols on {len(days)} working days by {len(tasks)} supervisors, {points:,} fixes")
    print(
        f"ingest: {points / ingest:,.0f} fixes/s ({ingest:.0f} s in the service, {wall:.0f} s with the tracks made up);"
        f" one batch of {args.batch}: "
        f"median {statistics.median(latencies):.1f} ms, p95 {p95(latencies):.1f} ms"
    )
    print(
        f"finish a patrol (track, coverage in PostGIS, reports placed): median {statistics.median(finishes):.0f} ms, "
        f"p95 {p95(finishes):.0f} ms; all {len(finishes):,}: {sum(finishes) / 1000:.0f} s"
    )
    print(f"the month's coverage ({len(coverage.tasks):,} tasks): {computing:.2f} s → {coverage.total}")
    print(
        f"floor: one INSERT … SELECT of 1 M fixes: {statistics.median(floors):,.0f} rows/s "
        f"(runs {[round(f) for f in floors]})"
    )
    print(f"service ÷ floor: {points / ingest / statistics.median(floors):.1%}")


if __name__ == "__main__":
    sys.exit(main())
