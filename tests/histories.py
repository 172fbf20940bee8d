"""Hand-built case histories covering the indicators' edge cases (shared by the evaluation tests)."""

import datetime as dt

import pytest

from cases.services import perform
from evaluation.models import SnapshotRow
from evaluation.services import compute_snapshot, start_snapshot
from tests.lifecycle import S, advance, at, new_case

AS_OF = at(2026, 12, 10, 12)


def go(case, who, action, when, **params):
    return perform(case_id=case.pk, action=action, actor=who, now=when, **params)


def dispatched(users, city, day, unit=None):
    case = new_case(users, city, now=at(2026, 11, day, 9))
    case = advance(case, users, city, S.REGISTERED, now=at(2026, 11, day, 9, 5))
    return go(case, users.dispatcher, "dispatch", at(2026, 11, day, 9, 10), unit=unit or city.gov1)


def close(users, case, when):
    case = go(case, users.intake_operator, "send_check", when)
    case = go(case, users.supervisor, "check", when + dt.timedelta(minutes=10), fixed=True)
    return go(case, users.shift_leader, "close", when + dt.timedelta(minutes=20))


@pytest.fixture
def histories(users, city):
    u = users
    h = {}
    # 1. plain: handled on time (deadline 4 working hours), closed
    c = dispatched(u, city, 2)
    c = go(c, u.unit_operator_d1, "handle", at(2026, 11, 2, 11), note="ok")
    h["plain"] = close(u, c, at(2026, 11, 2, 14))
    # 2. reworked twice, then fixed
    c = dispatched(u, city, 3)
    for hour in (10, 14):
        c = go(c, u.unit_operator_d1, "handle", at(2026, 11, 3, hour), note="ok")
        c = go(c, u.intake_operator, "send_check", at(2026, 11, 3, hour, 10))
        c = go(c, u.supervisor, "check", at(2026, 11, 3, hour, 20), fixed=False, note="未整改")
    c = go(c, u.unit_operator_d1, "handle", at(2026, 11, 4, 8, 10), note="ok")  # due 08:20 after the rework
    h["reworked_twice"] = close(u, c, at(2026, 11, 4, 10))
    # 3. extended, then handled after the original deadline but within the extension
    c = dispatched(u, city, 5)
    c = go(c, u.unit_operator_d1, "request_extension", at(2026, 11, 5, 10), hours=8, note="需要吊车")
    c = go(c, u.dispatcher, "approve_extension", at(2026, 11, 5, 10, 30))
    c = go(c, u.unit_operator_d1, "handle", at(2026, 11, 6, 10), note="ok")
    h["extended"] = close(u, c, at(2026, 11, 6, 11))
    # 4. wrongly dispatched: returned by the first unit, re-dispatched to the right one
    c = dispatched(u, city, 9, unit=city.dept)
    c = go(c, u.unit_operator, "return", at(2026, 11, 9, 10), note="非我单位")
    c = go(c, u.dispatcher, "dispatch", at(2026, 11, 9, 10, 10), unit=city.gov1)
    c = go(c, u.unit_operator_d1, "handle", at(2026, 11, 9, 11), note="ok")
    h["returned"] = close(u, c, at(2026, 11, 9, 14))
    # 5. dispatched in November, handled late in December
    c = dispatched(u, city, 30)
    h["late_next_month"] = go(c, u.unit_operator_d1, "handle", at(2026, 12, 2, 9), note="ok")
    # 6. postponed (parked) and still parked
    c = dispatched(u, city, 10)
    c = go(c, u.unit_operator_d1, "request_park", at(2026, 11, 10, 10), until="2027-03-01", note="等资金")
    h["parked"] = go(c, u.dispatcher, "approve_park", at(2026, 11, 10, 11))
    # 7. cancelled after dispatch
    c = dispatched(u, city, 11)
    h["cancelled"] = go(c, u.shift_leader, "cancel", at(2026, 11, 11, 10), note="误报")
    # 8. still unhandled, past its deadline
    h["overdue"] = dispatched(u, city, 12)
    # 9. not accepted; 10. a public report verified then registered only; 11. self-handled
    h["not_accepted"] = go(
        new_case(u, city, now=at(2026, 11, 13, 9)), u.intake_operator, "not_accept", at(2026, 11, 13, 9, 5), note="重复"
    )
    h["registered_only"] = advance(
        new_case(u, city, now=at(2026, 11, 16, 9)), u, city, S.REGISTERED, now=at(2026, 11, 16, 9, 5)
    )
    h["self"] = new_case(u, city, by="supervisor", self_handled=True, now=at(2026, 11, 17, 9))
    # 12. reported in October: outside the cohort
    h["october"] = new_case(u, city, now=at(2026, 10, 30, 9))
    return h


@pytest.fixture
def november(histories):
    return compute_snapshot(start_snapshot(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30), as_of=AS_OF))


def row(snapshot, object_type, object_id=None):
    return SnapshotRow.objects.get(snapshot=snapshot, object_type=object_type, object_id=object_id)
