"""The case page and the actions on it, on the demo city, as the people at each desk open and use them.

    .venv/bin/python bench/case_page.py [--cases 20]

Times, through Django's test client (view, template, every query; no HTTP server), the case page of cases
waiting in each desk's queue, opened by that desk, and every action of a full lifecycle posted from the page
(report → accept → register → dispatch → district re-dispatch → handle → send for check → check → close),
on ``--cases`` new cases. Prints median and p95, the machine's load, and the floor measured in the same run.
"""

import argparse
import time

from common import insert_floor, points_in, prepare, quantiles, uptime

prepare()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from accounts.models import Organization, User  # noqa: E402
from cases.models import Case  # noqa: E402
from cases.selectors import in_queue  # noqa: E402
from cases.services import report_case  # noqa: E402
from classification.models import Category  # noqa: E402

PAGES = [  # desk, queue whose cases it opens
    ("intake", "intake"),
    ("shiftlead", "close"),
    ("dispatcher", "dispatch"),
    ("district", "district"),
    ("street", "handle"),
    ("supervisor", "check"),
    ("leader", "open"),
]
LIFECYCLE = [  # desk, action, form fields
    ("intake", "accept", {}),
    ("shiftlead", "register", {}),
    ("dispatcher", "dispatch", {"unit": "990101-P"}),
    ("district", "redispatch", {"unit": "990101001-S"}),
    ("street", "handle", {"note": "已处置"}),
    ("intake", "send_check", {}),
    ("supervisor", "check", {"fixed": "yes"}),
    ("shiftlead", "close", {}),
]
PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def timed_get(client, url):
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def read_floor(case_id: int, n: int = 200) -> float:
    """One hand-written statement: a case with its events, as the page shows them (ms)."""
    times = []
    with connection.cursor() as cursor:
        for _ in range(n):
            start = time.perf_counter()
            cursor.execute(
                "SELECT c.*, e.* FROM cases_case c LEFT JOIN cases_caseevent e ON e.case_id = c.id WHERE c.id = %s",
                [case_id],
            )
            cursor.fetchall()
            times.append((time.perf_counter() - start) * 1000)
    return quantiles(times)[0]


def main(n: int):
    desks = {page[0] for page in PAGES} | {step[0] for step in LIFECYCLE}
    users = {name: User.objects.get(username=name) for name in desks}
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    print("load before:", uptime())
    page_times = {}
    for desk, queue in PAGES:
        cases = []
        for name in (queue, "open"):  # a quiet queue is topped up with other open cases of the desk
            more = in_queue(users[desk], name).exclude(pk__in=cases).order_by("-reported_at")
            cases += list(more.values_list("pk", flat=True)[: n - len(cases)])
        times = []
        for pk in cases:
            timed_get(clients[desk], f"/cases/{pk}/")  # the first opening warms nothing the next needs
            times += [timed_get(clients[desk], f"/cases/{pk}/") for _ in range(2)]
        page_times[desk] = times
        median, p95 = quantiles(times)
        print(f"case page, {desk:<11} ({queue} queue, {len(cases)} cases): median {median:5.1f} ms, p95 {p95:5.1f} ms")
    every = quantiles([t for times in page_times.values() for t in times])
    print(f"case page, every desk: median {every[0]:.1f} ms, p95 {every[1]:.1f} ms")

    in_first_street = points_in("990101001")  # the street whose office the district passes the cases to
    garbage = Category.objects.get(major__scheme="gbt47678.5-2026", name="暴露垃圾")
    units = {code: Organization.objects.get(code=code).pk for code in ("990101-P", "990101001-S")}
    action_times: dict[str, list[float]] = {action: [] for _d, action, _p in LIFECYCLE}
    for i in range(n):
        from django.contrib.gis.geos import Point

        case, _ = report_case(
            actor=users["supervisor"],
            source="supervisor",
            category=garbage,
            description=f"基准{i}",
            location=Point(*in_first_street(), srid=4326),
        )
        for desk, action, fields in LIFECYCLE:
            data = {f"{action}-{k}": units.get(v, v) for k, v in fields.items()}
            start = time.perf_counter()
            response = clients[desk].post(f"/cases/{case.pk}/{action}/", data)
            action_times[action].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 302, (action, response.status_code)
        case.refresh_from_db()
        assert case.state == "closed", (case.number, case.state)
    for action, times in action_times.items():
        median, p95 = quantiles(times)
        print(f"action {action:<11}: median {median:5.1f} ms, p95 {p95:5.1f} ms")
    every = quantiles([t for times in action_times.values() for t in times])
    print(f"every action: median {every[0]:.1f} ms, p95 {every[1]:.1f} ms")
    closed = Case.objects.filter(state="closed").order_by("-pk").values_list("pk", flat=True).first()
    print(f"floor: one hand-written SELECT of a case and its events: {read_floor(closed):.2f} ms (median)")
    print(f"floor: single-row INSERT into the event table: {insert_floor():,.0f} rows/s")
    print("load after:", uptime())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20)
    with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=PLAIN_STATIC, SECURE_SSL_REDIRECT=False):
        main(parser.parse_args().cases)
