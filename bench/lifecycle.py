"""Case creation through the API, and full lifecycles (report → close, ten transitions) through the services,
in one process and in two and four at once. The cases made are removed afterwards.

.venv/bin/python bench/lifecycle.py [N]
"""

import multiprocessing
import random
import sys
import time

from common import insert_floor, points_in, prepare, quantiles, remove_cases_after, settle, uptime

prepare()

from django.contrib.gis.geos import Point  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts.models import Organization, User  # noqa: E402
from cases.models import Case  # noqa: E402
from cases.services import perform, report_case  # noqa: E402
from classification.models import Category  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
rng = random.Random(1)
u = {
    name: User.objects.get(username=name)
    for name in ("intake", "shiftlead", "dispatcher", "district", "street", "supervisor")
}
garbage = Category.objects.get(major__scheme="gbt47678.5-2026", name="暴露垃圾")
platform = Organization.objects.get(code="990101-P")
office = Organization.objects.get(code="990101001-S")


point_in_first_street = points_in("990101001")  # the street whose office the district passes cases to


STEPS = [
    ("intake", "send_verification", {}),
    ("supervisor", "verify", {"found": True}),
    ("shiftlead", "register", {}),
    ("dispatcher", "dispatch", {"unit": platform}),
    ("district", "redispatch", {"unit": office}),
    ("street", "handle", {"note": "ok"}),
    ("intake", "send_check", {}),
    ("supervisor", "check", {"fixed": True}),
    ("shiftlead", "close", {}),
]


def run_lifecycles(n: int, seed: int) -> list[float]:
    """``n`` cases from report to closure; the time of each transition (ms)."""
    point = points_in("990101001")
    for _ in range(seed):
        point()
    times = []
    for i in range(n):
        lon, lat = point()
        start = time.perf_counter()
        case, _ = report_case(
            actor=u["intake"],
            source="hotline",
            category=garbage,
            description=f"流程{i}",
            location=Point(lon, lat, srid=4326),
        )
        times.append((time.perf_counter() - start) * 1000)
        for who, action, params in STEPS:
            start = time.perf_counter()
            case = perform(case_id=case.pk, action=action, actor=u[who], **params)
            times.append((time.perf_counter() - start) * 1000)
        assert case.state == "closed"
    return times


def in_processes(n: int, processes: int) -> tuple[float, list[float]]:
    """Lifecycles run by ``processes`` forked workers at once: transitions per second and every transition's time."""
    connection.close()  # each worker opens its own
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        start = time.perf_counter()
        parts = pool.starmap(run_lifecycles, [(n // processes, k * 1000) for k in range(processes)])
        elapsed = time.perf_counter() - start
    times = [t for part in parts for t in part]
    return len(times) / elapsed, times


before = Case.objects.order_by("-pk").values_list("pk", flat=True).first()
with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
    client = APIClient()
    client.force_authenticate(u["intake"])
    start = time.perf_counter()
    for i in range(N):
        lon, lat = point_in_first_street()
        response = client.post(
            "/api/cases/",
            {"source": "hotline", "category": garbage.pk, "description": f"基准{i}", "longitude": lon, "latitude": lat},
            format="json",
            HTTP_IDEMPOTENCY_KEY=f"bench-{time.time_ns()}-{i}",
        )
        assert response.status_code == 201, response.content
    api_rate = N / (time.perf_counter() - start)

    settle()
    load_before = uptime()
    print(f"API case creation, test client (geocoded point, idempotency key): {api_rate:.1f} cases/s over {N}")
    for processes in (1, 2, 4):
        rate, times = in_processes(N, processes)
        median, p95 = quantiles(times)
        print(
            f"full lifecycles, report → close (10 transitions), {processes} process(es): {rate:.0f} transitions/s; "
            f"each median {median:.1f} ms, p95 {p95:.1f} ms"
        )
    print(f"floor: single-row INSERT {insert_floor():,.0f} rows/s")
    print(f"load before: {load_before}\nload after:  {uptime()}")
print(f"cases made: {remove_cases_after(before):,} (removed)")
