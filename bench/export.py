"""Exporting a long case list to Excel: the answer to the click, the background writing, its memory.

    .venv/bin/python bench/export.py

As the dispatcher (whole city) on the demo city: times the request that starts an export of every case (it
answers with the progress page at once), then the export itself as the worker runs it (every case with its
step times, and every event), with the process's peak memory before and after. The floor, in the same run:
one hand-written SELECT of the same case columns, all rows fetched.
"""

import resource
import time
from unittest.mock import patch

from common import insert_floor, prepare, uptime

prepare()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from accounts.models import User  # noqa: E402
from cases.exports import run_export  # noqa: E402
from cases.models import CaseExport  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    print("load before:", uptime())
    client = Client()
    client.force_login(User.objects.get(username="dispatcher"))
    start = time.perf_counter()
    with patch("cases.exports.run_in_background"):  # this script plays the worker, below
        response = client.get("/cases/", {"export": "xlsx"})
    answered = time.perf_counter() - start
    assert response.status_code == 302, response.status_code
    export = CaseExport.objects.latest("created_at")
    print(f"the click: answered in {1000 * answered:.0f} ms with the progress page ({export.total:,} cases to write)")
    before = peak_mb()
    start = time.perf_counter()
    export = run_export(export)
    took = time.perf_counter() - start
    assert export.status == "done", export.error
    print(
        f"written in the background: {took:.1f} s, {export.total / took:,.0f} cases/s, "
        f"file {export.file.size / 1e6:.1f} MB; "
        f"peak memory {before:.0f} → {peak_mb():.0f} MB"
    )
    with connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute(
            "SELECT number, state, source, category_id, district_id, street_id, address, description, assignee_id, "
            "reported_at, stage_deadline, is_overdue, return_count, rework_count, extension_count FROM cases_case"
        )
        rows = len(cursor.fetchall())
        floor = rows / (time.perf_counter() - start)
    print(f"floor: one hand-written SELECT of the case columns: {floor:,.0f} rows/s")
    print(f"floor: single-row INSERT into the event table: {insert_floor():,.0f} rows/s")
    print("load after:", uptime())


if __name__ == "__main__":
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        main()
