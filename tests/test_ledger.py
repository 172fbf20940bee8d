"""The indicators against an independent reference (``tests/reference.py``): on a hand-built history per
pattern of the rules for the edge cases (spec §5), and on random histories driven through the real state
machine (hypothesis), at several as-of times including past ones. Also: the maintained ledger equals the one
rebuilt from the event log, and a snapshot recomputed later for the same time gives the same figures."""

import contextlib
import datetime as dt
import random

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.http import Http404
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from cases import ledger
from cases.choices import CaseSource
from cases.models import Case, LedgerEntry
from cases.workflow import Action, available_transitions
from citymgmt.errors import Conflict
from demo.geometry import lonlat
from evaluation import indicators
from evaluation.services import compute_snapshot, start_snapshot
from tests import reference
from tests.histories import close, dispatched, go
from tests.lifecycle import at, new_case

pytestmark = pytest.mark.django_db

NOVEMBER = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def nonzero(counts: dict) -> dict:
    return {k: v for k, v in counts.items() if v and k != "source_key"}


def figures(start, end, as_of):
    """The snapshot's city, district and unit rows and its posts, as {type: {id: non-zero counts}}."""
    snapshot = compute_snapshot(start_snapshot(start=start, end=end, as_of=as_of))
    out: dict[str, dict] = {}
    for r in snapshot.rows.all():
        if r.object_type in ("city", "district", "unit", *reference.POSTS) and nonzero(r.counts):
            out.setdefault(r.object_type, {})[r.object_id] = nonzero(r.counts)
    return out


def expected(start, end, as_of, due=False):
    if due:
        first, after = indicators.period(start, end)
        judged = [j for j in reference.judge_all(Case.objects.all(), as_of) if reference.in_due_cohort(j, first, after)]
    else:
        judged = reference.judge_all(indicators.cohort(start, end), as_of)
    out = {k: v for k, v in reference.object_counts(judged).items() if v}
    out |= {k: v for k, v in reference.post_counts(judged, Case.objects.all()).items() if v}
    return out


def assert_exact(start, end, as_of, due=False):
    got, want = figures(start, end, as_of), expected(start, end, as_of, due)
    for kind in sorted(set(got) | set(want)):
        mine, theirs = got.get(kind, {}), want.get(kind, {})
        differing = {
            key: {n: (mine.get(key, {}).get(n), theirs.get(key, {}).get(n)) for n in names}
            for key in set(mine) | set(theirs)
            if (
                names := {
                    n
                    for n in {**mine.get(key, {}), **theirs.get(key, {})}
                    if mine.get(key, {}).get(n) != theirs.get(key, {}).get(n)
                }
            )
        }
        assert not differing, (kind, as_of, differing)  # {object: {count: (snapshot, reference)}}
    return got


def city_row(start, end, as_of):
    return figures(start, end, as_of)["city"][None]


# --- the patterns of the issue, each by hand ---------------------------------------------------------------


def test_parked_then_resumed_is_back_in_the_counts_and_still_counts_as_parked(users, city):
    u = users
    c = dispatched(u, city, 2)
    c = go(c, u.unit_operator_d1, "request_park", at(2026, 11, 2, 10), until="2026-11-09", note="等资金")
    c = go(c, u.dispatcher, "approve_park", at(2026, 11, 2, 11))
    parked = city_row(*NOVEMBER, at(2026, 11, 5, 12))
    assert parked["parked"] == 1 and "dispatched" not in parked and "due_for_closure" not in parked
    c = go(c, u.dispatcher, "resume", at(2026, 11, 9, 9))
    c = go(c, u.unit_operator_d1, "handle", at(2026, 11, 9, 11), note="ok")
    city_counts = city_row(*NOVEMBER, at(2026, 11, 20, 12))
    assert city_counts["dispatched"] == 1 and city_counts["handled_on_time"] == 1  # judged on the new deadline
    assert city_counts["parked"] == 1 and city_counts["due_for_closure"] == 1
    assert city_row(*NOVEMBER, at(2026, 11, 5, 12)) == parked  # the past as-of time is unchanged
    assert_exact(*NOVEMBER, at(2026, 11, 5, 12))
    assert_exact(*NOVEMBER, at(2026, 11, 20, 12))


def test_reworked_and_overdue_at_the_unit_is_neither_handled_nor_on_time(users, city):
    u = users
    c = dispatched(u, city, 2)
    c = go(c, u.unit_operator_d1, "handle", at(2026, 11, 2, 10), note="ok")
    c = go(c, u.intake_operator, "send_check", at(2026, 11, 2, 10, 10))
    go(c, u.supervisor, "check", at(2026, 11, 2, 10, 20), fixed=False, note="未整改")
    counts = city_row(*NOVEMBER, at(2026, 11, 20, 12))  # the rework step (4 working hours) is long overdue
    assert "handled" not in counts and counts["due_for_closure"] == 1 and counts["overdue_now"] == 1
    assert counts["reworked"] == 1
    assert_exact(*NOVEMBER, at(2026, 11, 20, 12))


def test_cancelled_while_checked_is_no_check_and_credits_nobody(users, city):
    u = users
    c = dispatched(u, city, 2)
    c = go(c, u.unit_operator_d1, "handle", at(2026, 11, 2, 10), note="ok")
    c = go(c, u.intake_operator, "send_check", at(2026, 11, 2, 10, 10), supervisor=u.supervisor.pk)
    go(c, u.shift_leader, "cancel", at(2026, 11, 2, 10, 15), note="误报")
    got = assert_exact(*NOVEMBER, at(2026, 11, 20, 12))
    assert "to_check" not in got["city"][None] and "checked" not in got["city"][None]
    assert u.shift_leader.pk not in got.get("supervisor", {})
    assert "to_check" not in got.get("supervisor", {}).get(u.supervisor.pk, {})


def test_rework_and_extension_counts_are_within_due_for_closure(users, city):
    u = users
    # reworked, then cancelled: not a rework of anything due for closure
    c = dispatched(u, city, 2)
    c = go(c, u.unit_operator_d1, "handle", at(2026, 11, 2, 10), note="ok")
    c = go(c, u.intake_operator, "send_check", at(2026, 11, 2, 10, 10))
    c = go(c, u.supervisor, "check", at(2026, 11, 2, 10, 20), fixed=False, note="未整改")
    go(c, u.shift_leader, "cancel", at(2026, 11, 2, 11), note="误报")
    # extended, then parked: not an extension of anything due
    c = dispatched(u, city, 3)
    c = go(c, u.unit_operator_d1, "request_extension", at(2026, 11, 3, 10), hours=8, note="吊车")
    c = go(c, u.dispatcher, "approve_extension", at(2026, 11, 3, 10, 30))
    c = go(c, u.unit_operator_d1, "request_park", at(2026, 11, 3, 11), until="2027-03-01", note="等资金")
    go(c, u.dispatcher, "approve_park", at(2026, 11, 3, 11, 30))
    counts = assert_exact(*NOVEMBER, at(2026, 11, 20, 12))["city"][None]
    assert "reworked" not in counts and "extended" not in counts and "due_for_closure" not in counts


def test_a_snapshot_for_a_past_time_equals_the_one_computed_then(users, city):
    u = users
    c = dispatched(u, city, 2)
    then = at(2026, 11, 2, 12)
    before = figures(*NOVEMBER, then)
    c = go(c, u.unit_operator_d1, "request_extension", at(2026, 11, 2, 13), hours=8, note="吊车")
    c = go(c, u.dispatcher, "approve_extension", at(2026, 11, 2, 13, 30))
    c = go(c, u.unit_operator_d1, "handle", at(2026, 11, 3, 10), note="ok")
    close(u, c, at(2026, 11, 3, 11))
    assert figures(*NOVEMBER, then) == before
    assert_exact(*NOVEMBER, then)
    assert_exact(*NOVEMBER, at(2026, 11, 2, 15))  # after the extension, before handling: not overdue


def test_wrong_dispatches_count_only_re_dispatches_elsewhere_against_who_sent_it(users, city):
    u = users
    # returned, still waiting at the center: charged to no unit, no wrong dispatch yet
    waiting = dispatched(u, city, 2, unit=city.dept)
    go(waiting, u.unit_operator, "return", at(2026, 11, 2, 10), note="非我单位")
    counts = assert_exact(*NOVEMBER, at(2026, 11, 20, 12))
    assert "wrongly_dispatched" not in counts["city"][None] and "overdue_now" not in counts["city"][None]
    assert city.dept.pk not in counts.get("unit", {})
    # re-dispatched elsewhere: one wrong dispatch, charged to the dispatcher
    c = dispatched(u, city, 3, unit=city.dept)
    c = go(c, u.unit_operator, "return", at(2026, 11, 3, 10), note="非我单位")
    go(c, u.dispatcher, "dispatch", at(2026, 11, 3, 10, 10), unit=city.gov1)
    got = assert_exact(*NOVEMBER, at(2026, 11, 20, 12))
    assert got["city"][None]["wrongly_dispatched"] == 1
    assert got["dispatcher"][u.dispatcher.pk]["wrongly_dispatched"] == 1


def test_missed_reports_and_supervisor_rates_over_steps_due(users, city):
    u = users
    city.grid11.supervisor = u.supervisor
    city.grid11.save()
    spot = Point(*lonlat(50.5, 50.5), srid=4326)
    near = Point(*lonlat(50.5002, 50.5), srid=4326)
    # the supervisor reported it first: a public report of the same problem nearby is not missed
    new_case(u, city, by="supervisor", source=CaseSource.SUPERVISOR, area=None, location=spot, now=at(2026, 11, 2, 8))
    seen = new_case(u, city, area=None, location=near, now=at(2026, 11, 2, 9))
    missed = new_case(u, city, area=None, location=spot, now=at(2026, 11, 4, 9))  # more than 24 h later
    for case in (seen, missed):
        go(case, u.intake_operator, "send_verification", case.reported_at, supervisor=u.supervisor.pk)
        go(case, u.supervisor, "verify", case.reported_at + dt.timedelta(hours=3), found=True)
    got = assert_exact(*NOVEMBER, at(2026, 11, 20, 12))
    mine = got["supervisor"][u.supervisor.pk]
    assert mine["missed"] == 1 and mine["to_verify"] == 2 and mine["verified"] == 2
    assert "verified_on_time" not in mine  # 3 hours for a 30-minute task


def test_a_check_done_before_the_case_was_voided_still_credits_its_supervisor(users, city):
    u = users
    c = dispatched(u, city, 2)
    c = go(c, u.unit_operator_d1, "handle", at(2026, 11, 2, 10), note="ok")
    c = go(c, u.intake_operator, "send_check", at(2026, 11, 2, 10, 10), supervisor=u.supervisor.pk)
    c = go(c, u.supervisor, "check", at(2026, 11, 2, 10, 20), fixed=True)
    go(c, u.shift_leader, "cancel", at(2026, 11, 2, 11), note="重复立案")
    got = assert_exact(*NOVEMBER, at(2026, 11, 20, 12))
    mine = got["supervisor"][u.supervisor.pk]
    assert (mine["to_check"], mine["checked"], mine["checked_on_time"]) == (1, 1, 1)
    assert "checked" not in got["city"][None] and got["city"][None]["voided"] == 1  # out of the case counts
    assert got["shift_leader"][u.shift_leader.pk]["voided"] == 1


def test_a_missed_report_counts_only_while_its_public_report_stands(users, city):
    u = users
    city.grid11.supervisor = u.supervisor
    city.grid11.save()
    c = new_case(u, city, area=None, location=Point(*lonlat(50.5, 50.5), srid=4326), now=at(2026, 11, 2, 9))
    c = go(c, u.intake_operator, "send_verification", at(2026, 11, 2, 9, 5), supervisor=u.supervisor.pk)
    c = go(c, u.supervisor, "verify", at(2026, 11, 2, 9, 20), found=True)
    assert assert_exact(*NOVEMBER, at(2026, 11, 2, 10))["supervisor"][u.supervisor.pk]["missed"] == 1
    c = go(c, u.shift_leader, "register", at(2026, 11, 2, 10, 5))
    go(c, u.shift_leader, "cancel", at(2026, 11, 2, 11), note="误报")
    assert "missed" not in assert_exact(*NOVEMBER, at(2026, 11, 2, 12))["supervisor"][u.supervisor.pk]
    assert assert_exact(*NOVEMBER, at(2026, 11, 2, 10))["supervisor"][u.supervisor.pk]["missed"] == 1  # then


# --- random histories -----------------------------------------------------------------------------------

SKIPPED = {Action.RELOCATE}
# Ends and side actions are drawn less often, so that histories reach handling, checks and closure.
RARE = {Action.CANCEL: 0.04, Action.NOT_ACCEPT: 0.1, Action.NOT_REGISTER: 0.1, Action.URGE: 0.05, Action.ASSIGN: 0.1}


def _inputs(transition, rnd, case, city, users, now):
    values = {}
    for spec in transition.inputs:
        if spec.kind == "unit":
            values[spec.name] = rnd.choice([city.gov1, city.dept, city.p1, city.office11, city.gov2]).pk
        elif spec.kind == "supervisor":
            values[spec.name] = rnd.choice([users.supervisor.pk, None])
        elif spec.kind == "person":
            values[spec.name] = users.gov1_worker.pk
        elif spec.kind == "boolean":
            values[spec.name] = rnd.random() < 0.6
        elif spec.kind == "integer":
            values[spec.name] = rnd.choice([1, 4, 8, 24])
        elif spec.kind == "body":
            values[spec.name] = rnd.choice([None, None, city.dept.pk, city.gov2.pk])
        elif spec.kind == "choice" and spec.required:
            values[spec.name] = rnd.choice(spec.choices.values)
        elif spec.kind == "text":
            values[spec.name] = "《城市管理条例》"
        elif spec.kind == "date":
            values[spec.name] = (now + dt.timedelta(days=rnd.choice([1, 3, 10]))).date().isoformat()
    return values


def walk(rnd, users, city, start, *, actions=70, cases=6):
    """A random history: reports, then actions chosen among those the state machine offers someone."""
    people = list(vars(users).values())
    now, made, checkpoints = start, [], []
    spot = lambda: Point(*lonlat(50 + rnd.uniform(0.45, 0.55), 50 + rnd.uniform(0.45, 0.55)), srid=4326)  # noqa: E731
    for _ in range(actions):
        now += dt.timedelta(minutes=rnd.choice([1, 10, 30, 90, 300, 1440, 4000]))
        if len(made) < cases and (not made or rnd.random() < 0.25):
            supervisor = rnd.random() < 0.4
            made.append(
                new_case(
                    users,
                    city,
                    by="supervisor" if supervisor else "intake_operator",
                    source=CaseSource.SUPERVISOR if supervisor else rnd.choice([CaseSource.HOTLINE, CaseSource.PUBLIC]),
                    area=None,
                    location=spot(),
                    now=now,
                    self_handled=supervisor and rnd.random() < 0.1,
                )
            )
            continue
        case = Case.objects.get(pk=rnd.choice(made).pk)
        offered: dict[str, list] = {}
        for p in people:
            for t in available_transitions(p, case):
                if t.action not in SKIPPED:
                    offered.setdefault(t.action, []).append((p, t))
        if not offered:
            continue
        action = rnd.choices(list(offered), [RARE.get(a, 1.0) for a in offered])[0]
        person, transition = rnd.choice(offered[action])
        params = _inputs(transition, rnd, case, city, users, now)
        with contextlib.suppress(ValidationError, PermissionDenied, Conflict, Http404):  # refused: no history
            go(case, person, transition.action, now, note="随机", **params)
        if rnd.random() < 0.12:
            checkpoints.append(now)
    return now, checkpoints


# Derandomized: the same examples on every run (CI must not fail by chance); a wider sweep of 200 seeds
# found the one divergence so far (a postponement request that survived its unit's return).
@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_random_histories_match_the_reference_at_every_as_of_time(users, city, seed):
    note(f"seed {seed}")
    with transaction.atomic():
        city.grid11.supervisor = users.supervisor
        city.grid11.save()
        rnd = random.Random(seed)
        start = at(2026, 11, 2, 8)
        middle = start + dt.timedelta(days=5)
        early = None
        end, checkpoints = walk(rnd, users, city, start)
        for as_of in [*checkpoints, middle, end, end + dt.timedelta(days=20)]:
            got = assert_exact(*NOVEMBER, as_of)
            if as_of == middle:
                early = got
        assert figures(*NOVEMBER, middle) == early
        assert all(ledger.agrees(c) for c in Case.objects.prefetch_related("steps", "events", "ledger"))
        transaction.set_rollback(True)


def test_the_ledger_rebuilt_from_the_event_log_equals_the_maintained_one(users, city):
    rnd = random.Random(7)
    walk(rnd, users, city, at(2026, 11, 2, 8), actions=80, cases=10)
    kept = LedgerEntry.objects.exclude(valid_to=F("valid_from"))  # a version closed as it began holds at no time
    maintained = sorted(kept.values_list("case", "valid_from", "valid_to", *ledger.COMPARED))
    assert len(maintained) > 10
    call_command("rebuild_ledger", "--check")
    LedgerEntry.objects.all().delete()
    call_command("rebuild_ledger")
    assert sorted(LedgerEntry.objects.values_list("case", "valid_from", "valid_to", *ledger.COMPARED)) == maintained


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_the_cohort_of_cases_due_or_closed_in_the_period_matches_the_reference(users, city, seed, settings):
    settings.INDICATOR_COHORT = "due"
    end, checkpoints = walk(random.Random(seed), users, city, at(2026, 10, 25, 8), actions=90, cases=8)
    for as_of in [*checkpoints, end, end + dt.timedelta(days=40)]:
        got = assert_exact(*NOVEMBER, as_of, due=True)
    assert got["city"][None]["reports"] >= 1
    snapshot = compute_snapshot(start_snapshot(start=NOVEMBER[0], end=NOVEMBER[1], as_of=end))
    assert snapshot.cohort_rule == indicators.COHORT_RULES["due"]


def test_a_request_lapses_when_its_unit_returns_the_case(users, city):
    """Found by the random histories: a postponement asked by a unit that then returned the case could be
    approved later while the case sat at a district platform."""
    u = users
    c = dispatched(u, city, 2, unit=city.dept)
    c = go(c, u.unit_operator, "request_park", at(2026, 11, 2, 10), until="2026-12-01", note="等资金")
    c = go(c, u.unit_operator, "return", at(2026, 11, 2, 11), note="非我单位")
    assert c.pending_request == "" and c.requested_until is None
    c = go(c, u.dispatcher, "dispatch", at(2026, 11, 2, 12), unit=city.p1)
    assert "approve_park" not in {t.action for t in available_transitions(u.district_operator, c)}
