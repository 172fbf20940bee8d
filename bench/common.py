"""Shared set-up for the benchmarks: a PostGIS database of their own with the demo city loaded.

Run from the repository root with the test environment's services up (./dev test starts them):
    .venv/bin/python bench/<name>.py
BENCH_DATABASE_URL overrides the database (default postgis://postgres@127.0.0.1:5432/citymgmt_bench).
"""

import contextlib
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "postgis://postgres@127.0.0.1:5432/citymgmt_bench")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")  # plain HTTP on loopback
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.pop("REDIS_URL", None)  # tasks in process, local cache: measure the application and the database
os.environ["DJANGO_SETTINGS_MODULE"] = "citymgmt.settings"
subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "citymgmt_bench"], capture_output=True)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def prepare() -> None:
    call_command("migrate", verbosity=0)
    from accounts.models import Organization

    if not Organization.objects.filter(code="990100").exists():
        with open(os.devnull, "w") as quiet:
            call_command("load_demo", stdout=quiet)


def timed(fn, repeat: int = 5) -> tuple[float, float]:
    """Median and best wall time of ``fn`` in milliseconds."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), min(runs)


def quantiles(values) -> tuple[float, float]:
    """Median and p95 (nearest rank)."""
    values = sorted(values)
    return statistics.median(values), values[max(0, round(0.95 * len(values)) - 1)]


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def insert_floor(n: int = 2000) -> float:
    """The machine's floor: single-row INSERTs into the event table per second, each its own statement
    (rolled back at the end)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("SELECT id FROM cases_case LIMIT 1")
        case_id = cursor.fetchone()[0]
        start = time.perf_counter()
        for _ in range(n):
            cursor.execute(
                "INSERT INTO cases_caseevent (case_id, action, actor_role, at, from_state, to_state, note, data) "
                "VALUES (%s, 'bench', '', now(), '', 'reported', '', '{}')",
                [case_id],
            )
        rate = n / (time.perf_counter() - start)
        cursor.execute("ROLLBACK")
    return rate


def points_in(street_code: str):
    """Random points (lon, lat) in the grids of one street: where a case of that street is reported."""
    import random

    from gis.models import Grid

    grids = list(Grid.objects.filter(street__code=street_code).values_list("geometry", flat=True))
    rng = random.Random(1)

    def point():
        x0, y0, x1, y1 = rng.choice(grids).extent
        return rng.uniform(x0, x1), rng.uniform(y0, y1)

    return point


def remove_cases_after(pk: int) -> int:
    """Remove the cases a benchmark made (those after ``pk``) with all that refers to them; returns how many."""
    from django.db import connection

    from cases.models import Case

    ids = list(Case.objects.filter(pk__gt=pk).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        for table in ("cases_attachment", "cases_caseevent", "cases_casestep", "cases_ledgerentry"):
            cursor.execute(f"DELETE FROM {table} WHERE case_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM dispatch_notification WHERE case_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM cases_case WHERE id = ANY(%s)", [ids])
    return len(ids)


SERVER_ENV = {
    "REDIS_URL": "redis://127.0.0.1:6379/11",
    "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback: no redirect, cookies sent without TLS
    "SECURE_COOKIES": "false",
    "DB_CONN_MAX_AGE": "300",  # as docker-compose's web: each sync worker keeps its connection
}


@contextlib.contextmanager
def web_server(port: int, workers: int, *options: str, app: str = "citymgmt.wsgi", **env: str):
    """gunicorn as docker-compose's ``web`` runs it (each worker keeps its connection, Redis) on the benchmark database,
    answering on loopback ``port`` for the duration of the block; ``app`` another WSGI application to serve."""
    from http.client import HTTPConnection

    command = [str(ROOT / ".venv/bin/gunicorn"), app, "-b", f"127.0.0.1:{port}", "-w", str(workers)]
    command += [*options, "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ, **SERVER_ENV, **env))
    try:
        for _ in range(100):
            try:
                HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/api/")
                break
            except OSError:
                time.sleep(0.2)
        yield server
    finally:
        server.terminate()
        server.wait()


def cpu_seconds(pids) -> float:
    """CPU time (user and system) the processes ``pids`` have used so far, in seconds; gone ones count nothing."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / os.sysconf("SC_CLK_TCK")


def pids_of(name: str = "", parent: int | None = None) -> list[int]:
    """Processes whose command is ``name``, or the children of ``parent``."""
    args = ["pgrep", "-P", str(parent)] if parent else ["pgrep", "-x", name]
    return [int(pid) for pid in subprocess.run(args, capture_output=True, text=True).stdout.split()]


def settle(below: float = 0.5, at_most: int = 180) -> None:
    """Wait (up to ``at_most`` seconds) until the machine's one-minute load is below ``below``: an earlier run
    or build still weighs on the figures of the next."""
    for _ in range(at_most):
        if os.getloadavg()[0] < below:
            return
        time.sleep(1)
