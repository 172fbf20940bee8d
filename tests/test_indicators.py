"""Indicators on hand-built case histories: every edge case of the issue, counted in the database."""

import datetime as dt

import pytest

from cases.services import perform
from evaluation import indicators
from evaluation.models import ImmutableSnapshot, Snapshot, SnapshotRow
from evaluation.services import compute_snapshot, previous_month, start_snapshot
from tests.lifecycle import S, advance, at, new_case

pytestmark = pytest.mark.django_db
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
    h["not_accepted"] = go(new_case(u, city, now=at(2026, 11, 13, 9)), u.intake_operator, "not_accept",
                           at(2026, 11, 13, 9, 5), note="重复")
    h["registered_only"] = advance(new_case(u, city, now=at(2026, 11, 16, 9)), u, city, S.REGISTERED,
                                   now=at(2026, 11, 16, 9, 5))
    h["self"] = new_case(u, city, by="supervisor", self_handled=True, now=at(2026, 11, 17, 9))
    # 12. reported in October: outside the cohort
    h["october"] = new_case(u, city, now=at(2026, 10, 30, 9))
    return h


@pytest.fixture
def november(histories):
    return compute_snapshot(start_snapshot(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30), as_of=AS_OF))


def row(snapshot, object_type, object_id=None):
    return SnapshotRow.objects.get(snapshot=snapshot, object_type=object_type, object_id=object_id)


def test_city_counts_follow_the_definitions(november):
    c = row(november, "city").counts
    assert c["reports"] == 11  # the October case is outside the cohort
    assert c["handled_on_spot"] == 1 and c["reports_supervisor"] == 1
    assert c["accepted"] == 9  # all but the not-accepted and the self-handled one
    assert c["registered"] == 9
    assert c["dispatched"] == 6  # 9 registered − 1 registered only − 1 parked − 1 voided after dispatch
    assert c["handled"] == 5  # plain, reworked, extended, returned, late (December handling, as of Dec 10)
    assert c["handled_on_time"] == 4  # the late one is not; the extended one is
    assert c["due_for_closure"] == 6  # 5 handled + 1 overdue unhandled; the cancelled one is not due
    assert c["closed"] == 4 and c["closed_on_time"] == 4
    assert c["reworked"] == 1 and c["rework_times"] == 2
    assert c["extended"] == 1 and c["extension_hours"] == 8
    assert c["parked"] == 1
    assert c["wrongly_dispatched"] == 1
    assert c["voided"] == 1  # registered, then cancelled after dispatch
    assert c["overdue_now"] == 1


def test_rates_are_counts_over_counts(november):
    r = row(november, "city").rates
    assert r["on_time_handling_rate"] == pytest.approx(4 / 6)
    assert r["closure_rate"] == pytest.approx(4 / 6)
    assert r["rework_rate"] == pytest.approx(1 / 6)
    assert r["accurate_dispatch_rate"] == pytest.approx(5 / 6)
    assert r["accurate_registration_rate"] == pytest.approx(8 / 9)


def test_units_count_the_cases_they_hold_at_the_end(november, city):
    gov1 = row(november, "unit", city.gov1.pk).counts
    assert gov1["dispatched"] == 6  # the returned case counts for the unit that handled it, not the first one
    assert not SnapshotRow.objects.filter(snapshot=november, object_type="unit", object_id=city.dept.pk).exists()
    assert row(november, "district", city.d1.pk).counts["reports"] == 11


def test_as_of_decides_late_handling_across_months(histories):
    early = compute_snapshot(start_snapshot(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30),
                                            as_of=at(2026, 12, 1, 9)))
    c = row(early, "city").counts
    assert c["handled"] == 4  # the December handling has not happened yet
    assert c["due_for_closure"] == 6  # ...but that case is overdue, so it is due
    assert c["closed"] == 4


def test_snapshots_are_immutable_and_recomputing_makes_a_new_one(november):
    with pytest.raises(ImmutableSnapshot):
        november.save()
    with pytest.raises(ImmutableSnapshot):
        november.rows.first().save()
    with pytest.raises(ImmutableSnapshot):
        november.delete()
    again = compute_snapshot(start_snapshot(start=november.period_start, end=november.period_end, as_of=AS_OF))
    assert again.pk != november.pk and Snapshot.objects.count() == 2
    assert row(again, "city").counts == row(november, "city").counts
    assert (november.rule_version, november.cohort_rule) == (indicators.RULE_VERSION, indicators.COHORT_RULE)


def test_previous_month():
    assert previous_month(dt.date(2027, 1, 1)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert previous_month(dt.date(2026, 3, 15)) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def test_every_count_drills_down_to_exactly_its_cases(november, users, city, client):
    from django.urls import reverse

    client.force_login(users.dispatcher)
    counts = row(november, "district", city.d1.pk).counts
    for fact in ("reports", "dispatched", "handled_on_time", "due_for_closure", "closed", "reworked", "parked"):
        response = client.get(reverse("case-list"), {
            "fact": fact, "as_of": november.as_of.isoformat(), "area": city.d1.pk,
            "reported_from": "2026-11-01", "reported_to": "2026-11-30",
        })
        assert response.context["page"].paginator.count == counts[fact], fact
