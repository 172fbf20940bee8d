"""Reports over real HTTP: ``POST /api/cases/`` from concurrent clients against the production web server.

    .venv/bin/python bench/intake.py [--clients 16] [--seconds 20] [--workers 5] [--worker-class sync] [--full]
    .venv/bin/python bench/intake.py --in-process 600 [--full]
    .venv/bin/python bench/intake.py --app plain|drf      (the stack's ceiling: bench/bare.py)

Starts gunicorn as docker-compose's ``web`` service does (Redis for the cache, the rate limits and the wall
screens' channel layer), gives 64 of the demo's supervisors API tokens, then runs the clients in two
processes, each client posting reports (a point in a random grid, a category, an idempotency key) one after
another for the given time, asking for a receipt (``Prefer: return=minimal``) as the field app does, or with
``--full`` for the whole case. Prints reports per second, the median and p95 of the answer time, the machine's
load, the CPU time a report cost the web workers, PostgreSQL, Redis and the clients (steadier than the rate on a
box whose speed moves), and the floors measured in the same run: single-row INSERTs into the case table (with all
its indexes), each committed on its own as a report is, and all in one transaction. With ``--in-process``, posts
that many reports from this one process through Django's test client instead (no server, the local cache) and
prints the CPU time each took. With ``--app``, the same clients against what the web stack costs before a report
does anything (``bench/bare.py``): the ceiling a report cannot pass on the machine of the run.
"""

import argparse
import json
import multiprocessing
import random
import threading
import time
import uuid
from http.client import HTTPConnection

from common import cpu_seconds, pids_of, prepare, quantiles, remove_cases_after, settle, uptime, web_server

PORT = 8771


def report_body(rng, points, categories) -> str:
    lon, lat = rng.choice(points)
    report = {"source": "supervisor", "category": rng.choice(categories), "description": "路面有暴露垃圾"}
    return json.dumps(report | {"longitude": lon, "latitude": lat})


def in_process(token, points, categories, reports, prefer) -> float:
    """Milliseconds of CPU per report in this one process, through Django's whole stack (middleware, DRF, the view,
    the writes) by its test client: no HTTP server and no other process, steadier than a rate over HTTP."""
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {token}", **{f"HTTP_{k.upper()}": v for k, v in prefer.items()})
    rng = random.Random(1)

    def post() -> None:
        body, key = report_body(rng, points, categories), uuid.uuid4().hex
        answer = client.post("/api/cases/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
        assert answer.status_code == 201, answer.content

    for _ in range(50):  # the process's reference data, prepared statements and caches
        post()
    start = time.process_time()
    for _ in range(reports):
        post()
    return (time.process_time() - start) * 1000 / reports


def client_process(tokens, points, categories, seconds, threads, results, prefer):
    def client(index):
        rng = random.Random(index)
        token = tokens[index % len(tokens)]
        times, errors = [], 0
        connection = HTTPConnection("127.0.0.1", PORT, timeout=30)
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            body = report_body(rng, points, categories)
            headers = {
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": uuid.uuid4().hex,
            } | prefer
            start = time.perf_counter()
            try:
                connection.request("POST", "/api/cases/", body, headers)
                answer = connection.getresponse()
                answer.read()
                ok = answer.status == 201
                if not ok and not errors:
                    print("first failure:", answer.status, answer.read()[:300])
                if answer.getheader("Connection", "").lower() == "close":
                    connection.close()
            except OSError:
                ok = False
                connection.close()
            times.append((time.perf_counter() - start) * 1000) if ok else None
            errors += not ok
        results.put((times, errors))

    workers = [threading.Thread(target=client, args=(i,)) for i in threads]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def floors(rows: int = 2000) -> tuple[float, float]:
    """Single-row INSERTs into cases_case per second: each committed on its own, and all in one transaction."""
    from django.db import connection

    columns = (
        "number, source, category_id, urgency, description, address, component_code, reporter_name, reporter_phone, "
        "self_handled, state, return_count, rework_count, extension_count, extension_hours, is_overdue, is_urged, "
        "pending_request, requested_hours, closure_type, reported_at, updated_at, district_id, street_id, "
        "community_id, grid_id, location, idempotency_fingerprint"
    )
    template = f"SELECT {columns.replace('number,', '%s,', 1)} FROM cases_case WHERE id = %s"
    insert = f"INSERT INTO cases_case ({columns}) {template}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM cases_case WHERE location IS NOT NULL")
        model = cursor.fetchone()[0]
        rates = []
        for one_transaction in (False, True):
            if one_transaction:
                cursor.execute("BEGIN")
            start = time.perf_counter()
            for i in range(rows):
                cursor.execute(insert, [f"FLOOR{one_transaction:d}{i:07d}", model])
            rates.append(rows / (time.perf_counter() - start))
            if one_transaction:
                cursor.execute("COMMIT")
        cursor.execute("DELETE FROM cases_case WHERE number LIKE 'FLOOR%%'")
    return rates[0], rates[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--full", action="store_true", help="answers with the whole case, not a receipt")
    parser.add_argument("--in-process", type=int, metavar="REPORTS", help="CPU per report in one process instead")
    parser.add_argument("--app", choices=["plain", "drf"], help="serve bench/bare.py's application instead")
    args = parser.parse_args()
    prepare()

    from accounts.models import User
    from accounts.services import issue_token
    from cases.models import Case
    from classification.models import Category
    from gis.models import Grid

    supervisors = User.objects.filter(groups__name="supervisor", is_active=True).order_by("pk")[:64]
    tokens = [issue_token(user).key for user in supervisors]
    grids = Grid.objects.order_by("?").values_list("geometry", flat=True)[:2000]
    points = [tuple(g.point_on_surface.coords) for g in grids]
    categories = list(Category.objects.filter(is_active=True).values_list("pk", flat=True))
    before = Case.objects.order_by("-pk").values_list("pk", flat=True).first()

    prefer = {} if args.full else {"Prefer": "return=minimal"}
    if args.in_process:
        cpu = in_process(tokens[0], points, categories, args.in_process, prefer)
        print(f"{args.in_process} reports in one process: {cpu:.2f} ms of CPU each; {uptime()}")
        print(f"reports made: {remove_cases_after(before):,} (removed)")
        return
    options = ["-k", args.worker_class] + (["--threads", "4"] if args.worker_class == "gthread" else [])
    app = f"bench.bare:{args.app}" if args.app else "citymgmt.wsgi"
    with web_server(PORT, args.workers, *options, app=app, API_USER_RATE="100000/min") as server:
        settle()
        load_before = uptime()
        results = multiprocessing.Queue()
        shares = [range(0, args.clients, 2), range(1, args.clients, 2)]
        # a few seconds to warm every worker, then the measured run
        for seconds in (3, args.seconds):
            processes = [
                multiprocessing.Process(
                    target=client_process, args=(tokens, points, categories, seconds, share, results, prefer)
                )
                for share in shares
            ]
            for p in processes:
                p.start()
            groups = {  # PostgreSQL's backends for the workers appear with the warm-up's first requests
                "web workers": pids_of(parent=server.pid),
                "PostgreSQL": pids_of("postgres"),
                "Redis": pids_of("redis-server"),
                "clients": [p.pid for p in processes],
            }
            used = {group: cpu_seconds(pids) for group, pids in groups.items()}
            outcomes = [results.get() for _ in range(args.clients)]
            used = {group: cpu_seconds(pids) - used[group] for group, pids in groups.items()}
            for p in processes:
                p.join()
        load_after = uptime()
    times = [t for ts, _e in outcomes for t in ts]
    errors = sum(e for _ts, e in outcomes)
    median, p95 = quantiles(times)
    one_by_one, in_one = floors()
    rate = len(times) / args.seconds
    answer = "the whole case" if args.full else "a receipt"
    print(f"server: gunicorn {app} -w {args.workers} -k {args.worker_class}", end="; ")
    print(f"{args.clients} clients, {args.seconds:.0f} s")
    print(f"answered with {answer}" if not args.app else f"answered 201 by bench/bare.py's {args.app}, no case made")
    print(f"reports: {len(times):,} answered, {errors} failed; {rate:.1f} reports/s")
    print(f"answer time: median {median:.1f} ms, p95 {p95:.1f} ms")
    print(
        f"floor, single-row INSERT into cases_case: {one_by_one:,.0f} rows/s each committed "
        f"({100 * rate / one_by_one:.0f} % reached), {in_one:,.0f} rows/s in one transaction "
        f"({100 * rate / in_one:.1f} % reached)"
    )
    print(
        "CPU per report: "
        + ", ".join(f"{group} {1000 * seconds / len(times):.2f} ms" for group, seconds in used.items())
        + f"; in all {1000 * sum(used.values()) / len(times):.2f} ms"
        + f" ({sum(used.values()) / args.seconds:.2f} of 2 cores busy)"
    )
    print(f"load before: {load_before}\nload after:  {load_after}")
    print(f"reports made: {remove_cases_after(before):,} (removed)")


if __name__ == "__main__":
    main()
