"""How long the demo city takes to build on the embedded default (SpatiaLite), as `./dev demo` builds it:
migrate, collectstatic, load_demo at the reference scale (city, a year of cases, eleven months of
indicators). Each run starts from an empty database; the floor, measured in the same run, is the raw
single-statement INSERT rate into a table shaped like the case steps (executemany on one connection).

    .venv/bin/python bench/demo.py [--runs 3] [--scale 1.0]
"""

import argparse
import datetime as dt
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHASE = re.compile(r"\(([\d.]+) s\)\s*$")


def floor(rows: int = 200_000) -> float:
    """Rows per second of one hand-written INSERT, executemany, into an indexed step-like table."""
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(Path(tmp) / "floor.sqlite3")
        db.execute(
            "CREATE TABLE step (id INTEGER PRIMARY KEY, case_id INTEGER, stage TEXT, organization_id INTEGER,"
            " person_id INTEGER, entered_at TEXT, deadline TEXT, completed_at TEXT, on_time BOOL, outcome TEXT)"
        )
        db.execute("CREATE INDEX step_case ON step (case_id)")
        db.execute("CREATE INDEX step_stage_entered ON step (stage, entered_at)")
        now = dt.datetime(2026, 11, 1)
        data = [(i // 5, "handle", 7, 9, str(now), str(now), str(now), True, "handled") for i in range(rows)]
        started = time.perf_counter()
        with db:
            db.executemany(
                "INSERT INTO step (case_id, stage, organization_id, person_id, entered_at, deadline, "
                "completed_at, on_time, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                data,
            )
        return rows / (time.perf_counter() - started)


def run(scale: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as var:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")} | {
            "CITYMGMT_VAR_DIR": var
        }
        python = [sys.executable, "manage.py"]
        started = time.perf_counter()
        for args in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run(python + args, cwd=ROOT, env=env, check=True)
        ready = time.perf_counter()
        out = subprocess.run(
            python + ["load_demo", "--scale", str(scale)], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout
        done = time.perf_counter()
    marks = [float(m.group(1)) for line in out.splitlines() if (m := PHASE.search(line))]
    return {
        "migrate + collectstatic": ready - started,
        "city": marks[0],
        "cases": marks[-2] - marks[0],
        "indicators": marks[-1] - marks[-2],
        "total": done - started,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    print("load before:", os.getloadavg())
    rate = floor()
    runs = [run(args.scale) for _ in range(args.runs)]
    print(f"floor: {rate:,.0f} rows/s (one INSERT, executemany, indexed table)")
    for phase in runs[0]:
        values = sorted(r[phase] for r in runs)
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        print(
            f"{phase:<24} median {statistics.median(values):6.1f} s   p95 {p95:6.1f} s   "
            f"({', '.join(f'{v:.1f}' for v in values)})"
        )
    print("load after:", os.getloadavg())


if __name__ == "__main__":
    main()
