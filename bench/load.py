"""The realistic mix under load: locust against the production web server on loopback, bounded in time.

    .venv/bin/python bench/load.py [--users 300] [--seconds 60] [--workers 5]

Starts gunicorn (as docker-compose's ``web``: a pool of workers, each keeping its connection, Redis), gives
supervisors API tokens, runs bench/locustfile.py headless with USERS simulated people (three staff on the web for two
supervisors reporting with photos), then prints locust's table: requests per second, median and p95 per kind of
request, failures; with the machine's load before and after. Reports made are removed afterwards.
"""

import argparse
import csv
import json
import os
import subprocess
import tempfile

from common import ROOT, prepare, remove_cases_after, settle, uptime, web_server

PORT = 8773
DESKS = ["dispatcher", "intake", "shiftlead", "district", "leader", "unit", "street"]


def signed_in(user) -> str:
    """A session of ``user`` as a sign-in at the web would make it (its key, for the browser's cookie)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=5)
    args = parser.parse_args()
    prepare()
    from django.conf import settings
    from django.core.management import call_command

    from accounts.models import User
    from accounts.services import issue_token
    from cases.models import Case
    from cases.selectors import visible_cases
    from classification.models import Category
    from evaluation.views import VIEWERS
    from gis.models import Grid

    if not (settings.STATIC_ROOT / "staticfiles.json").exists():  # the pages as production serves them
        call_command("collectstatic", "--noinput", verbosity=0)
    supervisors = User.objects.filter(groups__name="supervisor", is_active=True).order_by("pk")[:64]
    grids = Grid.objects.order_by("?").values_list("geometry", flat=True)[:2000]
    setup = {
        "desks": [
            {
                "sessions": [signed_in(user) for _ in range(20)],
                "cases": list(visible_cases(user).order_by("-pk").values_list("pk", flat=True)[:500]),
                "dashboard": user.may_act_as(*VIEWERS),
            }
            for user in User.objects.filter(username__in=DESKS)
        ],
        "tokens": [issue_token(user).key for user in supervisors],
        "points": [list(g.point_on_surface.coords) for g in grids],
        "categories": list(Category.objects.filter(is_active=True).values_list("pk", flat=True)[:60]),
    }
    before = Case.objects.order_by("-pk").values_list("pk", flat=True).first()
    workdir = tempfile.mkdtemp()
    setup_file = os.path.join(workdir, "setup.json")
    with open(setup_file, "w") as out:
        json.dump(setup, out)
    with web_server(PORT, args.workers):
        settle()
        load_before = uptime()
        subprocess.run(
            [str(ROOT / ".venv/bin/locust"), "-f", str(ROOT / "bench/locustfile.py"), "--headless"]
            + ["-u", str(args.users), "-r", str(max(1, args.users // 20)), "-t", f"{args.seconds}s"]
            + ["-H", f"http://127.0.0.1:{PORT}", "--csv", os.path.join(workdir, "load"), "--only-summary"]
            + ["--loglevel", "WARNING"],
            cwd=ROOT / "bench",
            env=dict(os.environ, LOAD_SETUP=setup_file),
            check=False,
        )
        load_after = uptime()
    with open(os.path.join(workdir, "load_stats.csv")) as stats:
        rows = list(csv.DictReader(stats))
    print(f"\n{args.users} simulated people for {args.seconds} s (ramp-up {args.users // max(1, args.users // 20)} s)")
    print(f"{'request':<24} {'count':>7} {'fails':>6} {'req/s':>7} {'median':>7} {'p95':>6} {'max':>6}")
    for row in rows:
        print(
            f"{row['Name']:<24} {row['Request Count']:>7} {row['Failure Count']:>6} {float(row['Requests/s']):7.1f}"
            f" {row['50%']:>7} {row['95%']:>6} {float(row['Max Response Time']):6.0f}"
        )
    print(f"load before: {load_before}\nload after:  {load_after}")
    print(f"reports made: {remove_cases_after(before):,} (removed)")


if __name__ == "__main__":
    main()
