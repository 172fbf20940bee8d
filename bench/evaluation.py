"""Indicators for one month with 1,000,000 cases reported in it and 10,000,000 in the database.

    .venv/bin/python bench/evaluation.py [--runs 3] [--fill-only]

Fills the benchmark database (bench/common.py) by INSERT … SELECT: a month of 1 M cases with their events,
steps and ledger versions (the facts every indicator is counted from; 5 % still at the unit, overdue), and
9 M older closed cases with their current ledger version. Then, each measured ``--runs`` times: the full
snapshot (every count of every object and post, rows written) against one hand-written GROUPING SETS
statement over the same ledger rows computing the same numbers (asserted equal), and the floor of the
machine in the same run (one hand-written INSERT … SELECT of 1 M rows). Finally the cost of keeping the
ledger per action: the lifecycle of fresh cases through ``perform`` with the ledger kept and without.
"""

import argparse
import datetime as dt
import os
import statistics
import time
from unittest import mock

from common import prepare

prepare()

from django.db import connection  # noqa: E402

from accounts.choices import Role  # noqa: E402
from accounts.models import Organization, User  # noqa: E402
from accounts.scope import in_scope  # noqa: E402
from cases.models import Case, LedgerEntry  # noqa: E402
from cases.services import core as executor  # noqa: E402
from cases.services import perform, report_case  # noqa: E402
from classification.models import Category  # noqa: E402
from evaluation import indicators, posts  # noqa: E402
from evaluation.services import compute_snapshot, start_snapshot  # noqa: E402

MONTH, MONTH_END = dt.date(2027, 1, 1), dt.date(2027, 1, 31)
AS_OF = dt.datetime(2027, 2, 10, tzinfo=dt.UTC)
TOTAL = 10_000_000

CASES = """
INSERT INTO cases_case (number, source, category_id, urgency, description, address, component_code, reporter_name,
    reporter_phone, self_handled, state, return_count, rework_count, extension_count, extension_hours, is_overdue,
    is_urged, pending_request, requested_hours, closure_type, reported_at, updated_at, closed_at, district_id,
    street_id, community_id, grid_id, assignee_id, handling_deadline, idempotency_fingerprint)
SELECT %(prefix)s || lpad(i::text, 8, '0'), (ARRAY['supervisor','public','hotline'])[1 + i %% 3],
       cat.ids[1 + i %% array_length(cat.ids, 1)], 'normal', 'bench', '', '', '', '', false,
       CASE WHEN %(prefix)s = '2027' AND i %% 20 = 0 THEN 'dispatched' ELSE 'closed' END,
       0, (i %% 140 = 0)::int, (i %% 700 = 0)::int, 0, false, false, '', 0, 'normal',
       %(start)s::timestamptz + make_interval(secs => (i::bigint * 2677) %% %(span)s),
       now(), NULL, g.district_id, g.street_id, g.community_id, g.id,
       unit.ids[1 + i %% array_length(unit.ids, 1)],
       %(start)s::timestamptz + make_interval(secs => (i::bigint * 2677) %% %(span)s + 14400), ''
FROM generate_series(%(lo)s, %(hi)s) AS i
JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id, community_id, street_id, district_id
      FROM gisbase_grid) g ON g.rn = (i::bigint * 7919) %% (SELECT count(*) FROM gisbase_grid),
     (SELECT array_agg(id ORDER BY id) AS ids FROM cases_category WHERE is_active) cat,
     (SELECT array_agg(id ORDER BY id) AS ids FROM accounts_organization WHERE kind = 'unit') unit
"""
# The month's path: (stage, entered, limit, done, outcome, person role); a case with id % 20 = 0 stops at
# its unit, unhandled and overdue.
PATH = """(VALUES
  (1, 'intake', interval '0', interval '15 min', interval '10 min', 'accept', 'intake'),
  (2, 'register', interval '10 min', interval '15 min', interval '20 min', 'register', 'leader'),
  (3, 'dispatch', interval '20 min', interval '15 min', interval '30 min', 'dispatch', 'dispatcher'),
  (4, 'handle', interval '30 min', interval '4 hours', interval '3 hours', 'handled', 'unit'),
  (5, 'send_check', interval '3 hours', interval '30 min', interval '3.3 hours', 'send_check', 'intake'),
  (6, 'check', interval '3.3 hours', interval '30 min', interval '3.6 hours', 'fixed', 'supervisor'),
  (7, 'close', interval '3.6 hours', interval '15 min', interval '3.8 hours', 'closed', 'leader'))
  AS s(k, stage, entered, limit_, done, outcome, role)"""
PEOPLE = """p AS MATERIALIZED (
    SELECT r.role, (SELECT array_agg(u.id ORDER BY u.id) FROM accounts_user u
                    JOIN accounts_user_groups ug ON ug.user_id = u.id JOIN auth_group gr ON gr.id = ug.group_id
                    WHERE gr.name = r.name) AS ids
    FROM (VALUES ('intake_operator', 'intake'), ('shift_leader', 'leader'), ('dispatcher', 'dispatcher'),
                 ('unit_operator', 'unit'), ('supervisor', 'supervisor')) AS r(name, role))"""  # once, not per row
STEPS = f"""
WITH {PEOPLE}
INSERT INTO cases_casestep (case_id, stage, organization_id, person_id, entered_at, deadline, completed_at, on_time,
    outcome, sent_to_id, extensions, extension_hours)
SELECT c.id, s.stage, CASE WHEN s.stage = 'handle' THEN c.assignee_id END,
       CASE WHEN c.id %% 20 = 0 AND s.k = 4 THEN NULL ELSE p.ids[1 + c.id %% array_length(p.ids, 1)] END,
       c.reported_at + s.entered, c.reported_at + s.entered + s.limit_,
       CASE WHEN c.id %% 20 = 0 AND s.k = 4 THEN NULL ELSE c.reported_at + s.done END,
       CASE WHEN c.id %% 20 = 0 AND s.k = 4 THEN NULL ELSE NOT (s.stage = 'handle' AND c.id %% 19 = 0) END,
       CASE WHEN c.id %% 20 = 0 AND s.k = 4 THEN '' ELSE s.outcome END,
       CASE WHEN s.stage = 'check' THEN p.ids[1 + c.id %% array_length(p.ids, 1)] END, 0, 0
FROM cases_case c CROSS JOIN {PATH} JOIN p ON p.role = s.role
WHERE c.number LIKE '2027%%' AND NOT (c.id %% 20 = 0 AND s.k > 4)
"""
EVENTS = """
INSERT INTO cases_caseevent (case_id, action, actor_id, actor_role, actor_organization_id, at, from_state, to_state,
    note, data)
SELECT c.id, a.action, NULL, '', NULL, c.reported_at + a.after, a.from_state, a.to_state, '', '{}'::jsonb
FROM cases_case c CROSS JOIN (VALUES
  (0, 'report', interval '0', '', 'reported'), (1, 'accept', interval '10 min', 'reported', 'pending_registration'),
  (2, 'register', interval '20 min', 'pending_registration', 'registered'),
  (3, 'dispatch', interval '30 min', 'registered', 'dispatched'),
  (4, 'handle', interval '3 hours', 'dispatched', 'handled'),
  (5, 'send_check', interval '3.3 hours', 'handled', 'checking'),
  (6, 'check', interval '3.6 hours', 'checking', 'pending_closure'),
  (7, 'close', interval '3.8 hours', 'pending_closure', 'closed')) AS a(k, action, after, from_state, to_state)
WHERE c.number LIKE '2027%%' AND NOT (c.id %% 20 = 0 AND a.k > 3)
"""
LEDGER_COLUMNS = """case_id, valid_from, valid_to, reported_at, source, self_handled, reporter_id, district_id,
    street_id, community_id, grid_id, category_id, major_id, state, unit_id, missed_by_id, accepted, to_verify,
    verified, verified_on_time, found, registered, registered_on_time, dispatched, dispatched_late,
    wrongly_dispatched, ever_parked, handled, handling_late, handling_deadline, reworks, extensions,
    extension_hours, to_check, checked, checked_late"""
# A version after each event of the month's cases: (k, at, state, accepted, registered, dispatched, handled,
# to check, checked); the last one stays open.
MONTH_LEDGER = f"""
INSERT INTO cases_ledgerentry ({LEDGER_COLUMNS})
SELECT c.id, c.reported_at + v.after,
       CASE WHEN v.k = 7 OR (c.id %% 20 = 0 AND v.k = 3) THEN NULL ELSE c.reported_at + v.until END,
       c.reported_at, c.source, c.self_handled, c.reporter_id, c.district_id, c.street_id, c.community_id, c.grid_id,
       c.category_id, cat.major_id, v.state, CASE WHEN v.k >= 3 THEN c.assignee_id END, NULL, v.k >= 1, false,
       false, false, false, v.k >= 2, v.k >= 2, v.k >= 3, false, false, false, v.k >= 4, v.k >= 4 AND c.id %% 19 = 0,
       CASE WHEN v.k = 3 THEN c.reported_at + interval '4.5 hours' END, c.rework_count, c.extension_count,
       8 * c.extension_count, v.k >= 5, v.k >= 6, false
FROM cases_case c CROSS JOIN (VALUES
  (0, interval '0', interval '10 min', 'reported'), (1, interval '10 min', interval '20 min', 'pending_registration'),
  (2, interval '20 min', interval '30 min', 'registered'), (3, interval '30 min', interval '3 hours', 'dispatched'),
  (4, interval '3 hours', interval '3.3 hours', 'handled'), (5, interval '3.3 hours', interval '3.6 hours', 'checking'),
  (6, interval '3.6 hours', interval '3.8 hours', 'pending_closure'), (7, interval '3.8 hours', NULL, 'closed'))
  AS v(k, after, until, state)
JOIN cases_category cat ON true
WHERE cat.id = c.category_id AND c.number LIKE '2027%%' AND NOT (c.id %% 20 = 0 AND v.k > 3)
"""
OLD_LEDGER = f"""
INSERT INTO cases_ledgerentry ({LEDGER_COLUMNS})
SELECT c.id, c.reported_at + interval '3.8 hours', NULL, c.reported_at, c.source, c.self_handled, c.reporter_id,
       c.district_id, c.street_id, c.community_id, c.grid_id, c.category_id, cat.major_id, 'closed', c.assignee_id,
       NULL, true, false,
       false, false, false, true, true, true, false, false, false, true, c.id %% 19 = 0, NULL, c.rework_count,
       c.extension_count, 8 * c.extension_count, true, true, false
FROM cases_case c JOIN cases_category cat ON cat.id = c.category_id
WHERE c.id BETWEEN %(lo)s AND %(hi)s AND c.number NOT LIKE '2027%%'
  AND NOT EXISTS (SELECT 1 FROM cases_ledgerentry x WHERE x.case_id = c.id)
"""
# The same numbers as every count of every object, written by hand: one statement over the ledger versions
# in force at T (the posts aside, which count steps).
HAND_WRITTEN = """
SELECT e.district_id, e.street_id, e.community_id, e.grid_id, e.unit_id, e.major_id, e.category_id, e.source,
  GROUPING(e.district_id), GROUPING(e.street_id), GROUPING(e.community_id), GROUPING(e.grid_id), GROUPING(e.unit_id),
  GROUPING(e.major_id), GROUPING(e.category_id), GROUPING(e.source),
  count(*) AS reports,
  count(*) FILTER (WHERE e.source IN ('supervisor', 'special')) AS reports_supervisor,
  count(*) FILTER (WHERE e.source NOT IN ('supervisor', 'special')) AS reports_public,
  count(*) FILTER (WHERE e.self_handled) AS handled_on_spot,
  count(*) FILTER (WHERE e.accepted) AS accepted,
  count(*) FILTER (WHERE e.registered AND e.state <> 'cancelled') AS valid,
  count(*) FILTER (WHERE e.to_verify) AS to_verify,
  count(*) FILTER (WHERE e.verified) AS verified,
  count(*) FILTER (WHERE e.verified_on_time) AS verified_on_time,
  count(*) FILTER (WHERE e.registered) AS registered,
  count(*) FILTER (WHERE e.registered_on_time) AS registered_on_time,
  count(*) FILTER (WHERE e.registered AND e.state = 'cancelled') AS voided,
  count(*) FILTER (WHERE h.live) AS dispatched,
  count(*) FILTER (WHERE h.live AND NOT e.dispatched_late) AS dispatched_on_time,
  count(*) FILTER (WHERE h.live AND e.wrongly_dispatched) AS wrongly_dispatched,
  count(*) FILTER (WHERE h.live AND e.handled) AS handled,
  count(*) FILTER (WHERE h.live AND e.handled AND NOT e.handling_late) AS handled_on_time,
  count(*) FILTER (WHERE h.due) AS due_for_closure,
  count(*) FILTER (WHERE h.open AND e.to_check) AS to_check,
  count(*) FILTER (WHERE h.open AND e.checked) AS checked,
  count(*) FILTER (WHERE h.open AND e.checked AND NOT e.checked_late) AS checked_on_time,
  count(*) FILTER (WHERE e.state = 'closed' AND NOT e.self_handled) AS closed,
  count(*) FILTER (WHERE e.state = 'closed' AND NOT e.self_handled AND NOT e.handling_late) AS closed_on_time,
  count(*) FILTER (WHERE h.due AND e.reworks > 0) AS reworked,
  count(*) FILTER (WHERE h.due AND e.extensions > 0) AS extended,
  count(*) FILTER (WHERE e.state = 'parked' OR (h.due AND e.ever_parked)) AS parked,
  count(*) FILTER (WHERE h.overdue) AS overdue_now,
  COALESCE(sum(e.reworks) FILTER (WHERE h.due), 0) AS rework_times,
  COALESCE(sum(e.extensions) FILTER (WHERE h.due), 0) AS extension_times,
  COALESCE(sum(e.extension_hours) FILTER (WHERE h.due), 0) AS extension_hours
FROM cases_ledgerentry e
CROSS JOIN LATERAL (SELECT
    e.dispatched AND e.state NOT IN ('parked', 'cancelled') AS live,
    e.state NOT IN ('parked', 'cancelled') AS open,
    e.dispatched AND e.state NOT IN ('parked', 'cancelled') AND NOT e.handled AND e.handling_deadline < %(as_of)s
        AS overdue,
    e.dispatched AND e.state NOT IN ('parked', 'cancelled')
        AND (e.handled OR e.handling_deadline < %(as_of)s) AS due) h
WHERE e.reported_at >= %(start)s AND e.reported_at < %(end)s AND e.valid_from <= %(as_of)s
  AND (e.valid_to IS NULL OR e.valid_to > %(as_of)s)
GROUP BY GROUPING SETS ((), (e.district_id), (e.street_id), (e.community_id), (e.grid_id), (e.unit_id),
                        (e.major_id), (e.category_id), (e.source))
"""
FLOOR = """
CREATE TEMPORARY TABLE floor_rows AS SELECT * FROM cases_ledgerentry WITH NO DATA;
INSERT INTO floor_rows (case_id, valid_from, reported_at, source, self_handled, district_id, category_id, major_id,
    state, accepted, to_verify, verified, verified_on_time,
    found, registered, registered_on_time, dispatched, dispatched_late, wrongly_dispatched, ever_parked, handled,
    handling_late, reworks, extensions, extension_hours, to_check, checked, checked_late)
SELECT i, now(), now(), 'hotline', false, 1, 1, 1, 'closed', true, false, false, false, false, true, true,
       true, false, false, false, true,
       false, 0, 0, 0, true, true, false
FROM generate_series(1, 1000000) AS i;
"""


def run(sql, **params):
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else None
    return time.perf_counter() - start, rows


def fill() -> None:
    run("SET session_replication_role = replica")  # bulk rows of known-good keys: skip the FK triggers
    if not Case.objects.filter(number__startswith="2027").exists():
        elapsed = 0.0
        for lo in range(1, 1_000_001, 250_000):
            elapsed += run(
                CASES, prefix="2027", start=f"{MONTH} 00:00+08", span=31 * 86400 - 20000, lo=lo, hi=lo + 249_999
            )[0]
        print(f"the month's 1,000,000 cases: {elapsed:.0f} s")
    month = Case.objects.filter(number__startswith="2027")
    for table, sql in (("events", EVENTS), ("steps", STEPS), ("ledger", MONTH_LEDGER)):
        if not getattr(month.order_by("pk").first(), table).exists():
            print(f"the month's {table}: {run(sql)[0]:.0f} s")
    while (have := Case.objects.count()) < TOTAL:
        lo, hi = have + 1, min(have + 1_000_000, TOTAL)
        elapsed = run(
            CASES,
            prefix=f"20{10 + lo // 1_000_000:02d}",
            start="2016-01-01 00:00+08",
            span=6 * 365 * 86400,
            lo=lo,
            hi=hi,
        )[0]
        print(f"older cases up to {Case.objects.count():,}: {elapsed:.0f} s")
    if LedgerEntry.objects.filter(valid_to__isnull=True).count() < TOTAL:
        top = Case.objects.order_by("-pk").values_list("pk", flat=True).first()
        start = time.perf_counter()
        for lo in range(1, top + 1, 1_000_000):
            run(OLD_LEDGER, lo=lo, hi=lo + 999_999)
        print(f"ledger of the older cases: {time.perf_counter() - start:.0f} s")
    run("SET session_replication_role = DEFAULT")
    for table in ("cases_case", "cases_caseevent", "cases_casestep", "cases_ledgerentry"):
        run(f"ANALYZE {table}")


def counts_by_hand():
    elapsed, rows = run(HAND_WRITTEN, start=f"{MONTH} 00:00+08", end="2027-02-01 00:00+08", as_of=AS_OF)
    keys = ["district", "street", "community", "grid", "unit", "major", "category", "source"]
    out: dict[str, dict] = {}
    for row in rows:
        marks = row[8:16]
        grouped = [k for k, mark in zip(keys, marks, strict=True) if mark == 0]
        kind = grouped[0] if grouped else "city"
        key = row[keys.index(kind)] if grouped else None
        if grouped and key is None:
            continue
        out.setdefault(kind, {})[key] = [int(v) for v in row[16:]]
    return elapsed, out


def snapshot_figures(snapshot):
    out: dict[str, dict] = {}
    for r in snapshot.rows.exclude(object_type__in=posts.POSTS):
        key = r.counts.get("source_key") if r.object_type == "source" else r.object_id
        out.setdefault(r.object_type, {})[key] = [r.counts.get(n, 0) for n in HAND_ORDER]
    return out


HAND_ORDER = [
    "reports", "reports_supervisor", "reports_public", "handled_on_spot", "accepted", "valid", "to_verify",
    "verified", "verified_on_time", "registered", "registered_on_time", "voided", "dispatched",
    "dispatched_on_time", "wrongly_dispatched", "handled", "handled_on_time", "due_for_closure", "to_check",
    "checked", "checked_on_time", "closed", "closed_on_time", "reworked", "extended", "parked", "overdue_now",
    "rework_times", "extension_times", "extension_hours",
]  # fmt: skip


def floor() -> float:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS floor_rows")
        start = time.perf_counter()
        cursor.execute(FLOOR)
        rate = 1_000_000 / (time.perf_counter() - start)
        cursor.execute("DROP TABLE floor_rows")
    return rate


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def action_cost(cases: int = 40) -> tuple[list[float], list[float]]:
    """Seconds per action over the standard path of fresh cases, with the ledger kept and without."""
    who = {role: User.objects.filter(groups__name=role, is_active=True).first() for role in Role.values}
    unit = Organization.objects.filter(kind="unit").order_by("pk").first()
    operator = (
        User.objects.filter(organization=unit, groups__name=Role.UNIT_OPERATOR).first() or who[Role.UNIT_OPERATOR]
    )
    district = unit.parent if unit.parent.kind == "district" else Organization.objects.filter(kind="district").first()
    category = Category.objects.filter(is_active=True, major__scheme="gbt47678.5-2026").first()
    checker = next(u for u in User.objects.filter(groups__name=Role.SUPERVISOR) if in_scope(u, district))
    path = [
        (who[Role.INTAKE_OPERATOR], "accept", {}),
        (who[Role.SHIFT_LEADER], "register", {}),
        (who[Role.DISPATCHER], "dispatch", {"unit": unit.pk}),
        (operator, "handle", {}),
        (who[Role.INTAKE_OPERATOR], "send_check", {"supervisor": checker.pk}),
        (checker, "check", {"fixed": True}),
        (who[Role.SHIFT_LEADER], "close", {}),
    ]
    timings: dict[bool, list[float]] = {True: [], False: []}
    for index in range(cases):
        keep = index % 2 == 0
        patcher = mock.patch.object(executor.ledger, "record", lambda *a, **k: None) if not keep else None
        if patcher:
            patcher.start()
        try:
            case, _ = report_case(
                actor=who[Role.INTAKE_OPERATOR], source="hotline", category=category, description="bench", area=district
            )
            for actor, action, params in path:
                start = time.perf_counter()
                perform(case_id=case.pk, action=action, actor=actor, note="bench", **params)
                timings[keep].append(time.perf_counter() - start)
        finally:
            if patcher:
                patcher.stop()
    return timings[True], timings[False]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fill-only", action="store_true", help="only build the database")
    parser.add_argument("--actions-only", action="store_true", help="only the cost of the ledger per action")
    args = parser.parse_args()
    fill()
    if args.fill_only:
        return
    if args.actions_only:
        return report_actions()
    print(
        f"cases: {Case.objects.count():,}; "
        f"in {MONTH:%Y-%m}: {Case.objects.filter(number__startswith='2027').count():,}; "
        f"ledger versions: {LedgerEntry.objects.count():,}"
    )
    print("load before:", os.getloadavg())
    snapshots, hands, floors = [], [], []
    for _ in range(args.runs):
        floors.append(floor())
        start = time.perf_counter()
        snapshot = compute_snapshot(start_snapshot(start=MONTH, end=MONTH_END, as_of=AS_OF))
        snapshots.append(time.perf_counter() - start)
        elapsed, by_hand = counts_by_hand()
        hands.append(elapsed)
    assert snapshot_figures(snapshot) == by_hand, "the snapshot and the hand-written statement disagree"
    entries = indicators.ledger(MONTH, MONTH_END, AS_OF)
    start = time.perf_counter()
    indicators.count_all(entries, AS_OF)
    objects = time.perf_counter() - start
    start = time.perf_counter()
    posts.post_counts(entries, AS_OF)
    people = time.perf_counter() - start
    print("load after:", os.getloadavg())
    print(
        f"snapshot ({snapshot.rows.count():,} rows): median {statistics.median(snapshots):.1f} s, "
        f"p95 {p95(snapshots):.1f} s, runs {[round(s, 1) for s in snapshots]}"
    )
    print(f"  of which every object's counts {objects:.1f} s, the posts {people:.1f} s")
    print(f"hand-written GROUPING SETS statement: median {statistics.median(hands):.1f} s, p95 {p95(hands):.1f} s")
    print(f"ratio of medians: {statistics.median(snapshots) / statistics.median(hands):.2f}")
    print(f"floor: one INSERT … SELECT of 1 M ledger-shaped rows: median {statistics.median(floors):,.0f} rows/s")
    report_actions()


def report_actions():
    print("load:", os.getloadavg())
    kept, without = action_cost(cases=80)
    print(
        f"per action, ledger kept: median {statistics.median(kept) * 1000:.1f} ms, p95 {p95(kept) * 1000:.1f} ms; "
        f"without: median {statistics.median(without) * 1000:.1f} ms, p95 {p95(without) * 1000:.1f} ms "
        f"(+{(statistics.median(kept) / statistics.median(without) - 1) * 100:.0f} %)"
    )


main()
