"""Hot-spot analysis (Getis-Ord Gi*) for a year of the reference city's volume, and for 1 M cases.

    BENCH_DATABASE_URL=postgis://postgres@127.0.0.1:5432/citymgmt_bench .venv/bin/python bench/hotspots.py

On the demo city (34,596 unit grids; twelve months of history, about the reference city's 16,400 reports a
month). Prints: building the grids' neighbours (once per process), the year's analysis (counts per grid in
one SQL query, then Gi*, p-values and the false-discovery correction in NumPy) as median and p95 of 7 runs,
the same on 1 M cases (the year's rows repeated into a scratch table of ~1 M: the analysis' only part that
grows with the cases is the counting query), the machine's load, and the floor measured in the same run: the
one hand-written counting query alone.
"""

import os
import statistics
import subprocess
import time

import common
from django.db import connection  # noqa: E402

from cases.models import Case  # noqa: E402
from evaluation import hotspots  # noqa: E402


def runs(fn, n=7):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]


def counted(table: str):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT grid_id, count(*) FROM {table} WHERE grid_id IS NOT NULL GROUP BY grid_id")
        return cursor.fetchall()


def main():
    common.prepare()
    print("load before:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    start = time.perf_counter()
    grid = hotspots.lattice_for(None)
    print(
        f"grids: {grid.size:,}, neighbour pairs: {len(grid.neighbours):,}, built in {time.perf_counter() - start:.2f} s"
    )
    cases = Case.objects.all()
    total = cases.count()
    median, p95 = runs(lambda: hotspots.analyse(cases))
    floor_median, floor_p95 = runs(lambda: counted("cases_case"))
    print(
        f"year: {total:,} cases, analysis median {median:.2f} s, p95 {p95:.2f} s; "
        f"floor (the counting query) median {floor_median:.2f} s, p95 {floor_p95:.2f} s"
    )
    found = hotspots.analyse(cases)
    print(f"  {len(found.hot):,} hot and {len(found.cold):,} cold grids")
    repeat = max(1, round(1_000_000 / max(total, 1)))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_million")
        cursor.execute(
            f"CREATE UNLOGGED TABLE bench_million AS SELECT c.grid_id FROM cases_case c, generate_series(1, {repeat})"
        )
        cursor.execute("ANALYZE bench_million")
        cursor.execute("SELECT count(*) FROM bench_million")
        million = cursor.fetchone()[0]

    def million_analysis():
        counts = hotspots.np.zeros(grid.size, dtype=hotspots.np.int64)
        where = grid.index()
        for grid_id, n in counted("bench_million"):
            counts[where[grid_id]] = n
        z = hotspots.gi_star(grid, counts)
        hotspots.significant(hotspots.p_values(z))

    median, p95 = runs(million_analysis)
    floor_median, floor_p95 = runs(lambda: counted("bench_million"))
    print(
        f"1 M: {million:,} cases, analysis median {median:.2f} s, p95 {p95:.2f} s; "
        f"floor (the counting query) median {floor_median:.2f} s, p95 {floor_p95:.2f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_million")
    print("load after:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    os.nice(0)
    main()
