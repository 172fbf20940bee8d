"""Indicators for one month with 1,000,000 cases in it and 10,000,000 in the database.

    .venv/bin/python bench/evaluation.py

Uses the benchmark database of bench/lists.py (its 1 M cases), adds 9 M older cases (rows only) and a
month of 1 M cases with their events and steps (the facts every indicator is counted from), all by
INSERT … SELECT. Then times the full computation (every object type, every count, posts) against one
hand-written SQL query computing the city-level rates over the same rows, and the bulletin.
"""

import datetime as dt
import time

from common import prepare

prepare()

from django.db import connection  # noqa: E402

from cases.models import Case  # noqa: E402
from evaluation.services import compute_snapshot, start_snapshot  # noqa: E402

MONTH = dt.date(2027, 1, 1)
BASE_CASE = """
INSERT INTO cases_case (number, source, category_id, urgency, description, address, component_code, reporter_name,
    reporter_phone, self_handled, state, return_count, rework_count, extension_count, extension_hours, is_overdue,
    is_urged, pending_request, requested_hours, closure_type, reported_at, updated_at, closed_at, district_id,
    street_id, community_id, grid_id, assignee_id, handling_deadline)
SELECT %(prefix)s || lpad(i::text, 8, '0'), (ARRAY['supervisor','public','hotline'])[1 + i %% 3],
       cat.ids[1 + i %% array_length(cat.ids, 1)], 'normal', 'bench', '', '', '', '', false, 'closed',
       0, (i %% 140 = 0)::int, (i %% 700 = 0)::int, 0, false, false, '', 0, 'normal',
       %(start)s::timestamptz + make_interval(secs => (i::bigint * 2677) %% %(span)s),
       now(), NULL, g.district_id, g.street_id, g.community_id, g.id,
       unit.ids[1 + i %% array_length(unit.ids, 1)],
       %(start)s::timestamptz + make_interval(secs => (i::bigint * 2677) %% %(span)s + 14400)
FROM generate_series(%(lo)s, %(hi)s) AS i
JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id, community_id, street_id, district_id
      FROM gisbase_grid) g ON g.rn = (i::bigint * 7919) %% (SELECT count(*) FROM gisbase_grid),
     (SELECT array_agg(id ORDER BY id) AS ids FROM cases_category WHERE is_active) cat,
     (SELECT array_agg(id ORDER BY id) AS ids FROM accounts_organization WHERE kind = 'unit') unit
"""
EVENTS = """
INSERT INTO cases_caseevent (case_id, action, actor_id, actor_role, actor_organization_id, at, from_state, to_state,
    note, data)
SELECT c.id, a.action, NULL, '', NULL, c.reported_at + a.after, a.from_state, a.to_state, '', '{}'::jsonb
FROM cases_case c CROSS JOIN (VALUES
  ('report', interval '0', '', 'reported'), ('accept', interval '10 min', 'reported', 'pending_registration'),
  ('register', interval '20 min', 'pending_registration', 'registered'),
  ('dispatch', interval '30 min', 'registered', 'dispatched'), ('handle', interval '3 hours', 'dispatched', 'handled'),
  ('send_check', interval '3.3 hours', 'handled', 'checking'),
  ('check', interval '3.6 hours', 'checking', 'pending_closure'),
  ('close', interval '3.8 hours', 'pending_closure', 'closed')) AS a(action, after, from_state, to_state)
WHERE c.number LIKE '2027%%'
"""
STEPS = """
INSERT INTO cases_casestep (case_id, stage, organization_id, person_id, entered_at, deadline, completed_at, on_time,
    outcome)
SELECT c.id, s.stage, NULL, NULL, c.reported_at + s.entered, c.reported_at + s.entered + s.limit_,
       c.reported_at + s.done, NOT (s.stage = 'handle' AND c.id %% 19 = 0), s.outcome
FROM cases_case c CROSS JOIN (VALUES
  ('intake', interval '0', interval '15 min', interval '10 min', 'accept'),
  ('register', interval '10 min', interval '15 min', interval '20 min', 'register'),
  ('dispatch', interval '20 min', interval '15 min', interval '30 min', 'dispatch'),
  ('handle', interval '30 min', interval '4 hours', interval '3 hours', 'handled'),
  ('send_check', interval '3 hours', interval '30 min', interval '3.3 hours', 'send_check'),
  ('check', interval '3.3 hours', interval '30 min', interval '3.6 hours', 'fixed'),
  ('close', interval '3.6 hours', interval '15 min', interval '3.8 hours', 'closed'))
  AS s(stage, entered, limit_, done, outcome)
WHERE c.number LIKE '2027%%'
"""
HAND_WRITTEN = """
SELECT count(*) AS reports,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM cases_caseevent e WHERE e.case_id = c.id AND e.action = 'dispatch')
                        AND c.state NOT IN ('parked', 'cancelled')) AS dispatched,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM cases_caseevent e WHERE e.case_id = c.id AND e.action = 'handle')
                        AND NOT EXISTS (SELECT 1 FROM cases_casestep s WHERE s.case_id = c.id AND s.stage = 'handle'
                                        AND s.outcome = 'handled' AND s.on_time = false)) AS handled_on_time,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM cases_caseevent e WHERE e.case_id = c.id AND e.action = 'close'))
           AS closed
FROM cases_case c
WHERE c.reported_at >= %(start)s AND c.reported_at < %(end)s
"""


def run(sql, **params):
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else None
    return time.perf_counter() - start, rows


total = Case.objects.count()
if total < 1_000_000:
    raise SystemExit("run bench/lists.py first (it makes the first million cases)")
if not Case.objects.filter(number__startswith="2027").exists():
    elapsed = 0.0
    for lo in range(1, 1_000_001, 250_000):
        elapsed += run(
            BASE_CASE, prefix="2027", start=f"{MONTH} 00:00+08", span=31 * 86400 - 20000, lo=lo, hi=lo + 249_999
        )[0]
    elapsed += run(EVENTS)[0] + run(STEPS)[0]
    print(f"the month's 1,000,000 cases with 8 M events and 7 M steps: {elapsed:.0f} s")
while Case.objects.count() < 10_000_000:
    have = Case.objects.count()
    lo = have + 1
    hi = min(lo + 999_999, 10_000_000 - have + lo - 1)
    elapsed = run(
        BASE_CASE,
        prefix="20" + str(10 + lo // 1_000_000).zfill(2),
        start="2016-01-01 00:00+08",
        span=6 * 365 * 86400,
        lo=lo,
        hi=hi,
    )[0]
    print(f"older cases up to {Case.objects.count():,}: {elapsed:.0f} s")
run("ANALYZE cases_case")
run("ANALYZE cases_caseevent")
run("ANALYZE cases_casestep")
print(
    f"cases in the database: {Case.objects.count():,}; in {MONTH:%Y-%m}: "
    f"{Case.objects.filter(number__startswith='2027').count():,}"
)

start = time.perf_counter()
snapshot = compute_snapshot(
    start_snapshot(start=MONTH, end=dt.date(2027, 1, 31), as_of=dt.datetime(2027, 2, 10, tzinfo=dt.UTC))
)
full = time.perf_counter() - start
city = snapshot.rows.get(object_type="city").counts
print(f"all indicators, all objects ({snapshot.rows.count():,} rows): {full:.1f} s")
hand, rows = run(HAND_WRITTEN, start=f"{MONTH} 00:00+08", end="2027-02-01 00:00+08")
print(f"one hand-written SQL query, city-level rates: {hand:.1f} s  → ratio {full / hand:.1f}")
assert rows[0][0] == city["reports"] and rows[0][1] == city["dispatched"], (rows, city)
assert rows[0][2] == city["handled_on_time"] and rows[0][3] == city["closed"], (rows, city)
print(
    f"same figures: reports {city['reports']:,}, dispatched {city['dispatched']:,}, "
    f"handled on time {city['handled_on_time']:,}, closed {city['closed']:,}"
)

from evaluation.bulletin import render_pdf  # noqa: E402

start = time.perf_counter()
pdf, pages = render_pdf(snapshot)
print(f"bulletin: {pages} pages, {len(pdf) / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s")
