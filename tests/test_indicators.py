"""Indicators on hand-built case histories: every edge case of the issue, counted in the database."""

import datetime as dt

import pytest

from evaluation import indicators
from evaluation.models import ImmutableSnapshot, Snapshot, SnapshotRow
from evaluation.services import compute_snapshot, previous_month, start_snapshot
from tests.histories import AS_OF, row
from tests.lifecycle import at

pytestmark = pytest.mark.django_db


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
    early = compute_snapshot(
        start_snapshot(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30), as_of=at(2026, 12, 1, 9))
    )
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
    assert (november.rule_version, november.cohort_rule) == (
        indicators.RULE_VERSION,
        indicators.COHORT_RULES["reported"],
    )


def test_previous_month():
    assert previous_month(dt.date(2027, 1, 1)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert previous_month(dt.date(2026, 3, 15)) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def test_every_count_drills_down_to_exactly_its_cases(november, users, city, client):
    from django.urls import reverse

    client.force_login(users.dispatcher)
    counts = row(november, "district", city.d1.pk).counts
    for fact in ("reports", "dispatched", "handled_on_time", "due_for_closure", "closed", "reworked", "parked"):
        response = client.get(
            reverse("indicator-cases"),
            {
                "fact": fact,
                "as_of": november.as_of.isoformat(),
                "area": city.d1.pk,
                "reported_from": "2026-11-01",
                "reported_to": "2026-11-30",
            },
        )
        assert response.context["page"].paginator.count == counts[fact], fact


def test_post_indicators_count_the_steps_each_person_completed(november, users):
    supervisor = row(november, "supervisor", users.supervisor.pk).counts
    assert supervisor["verified"] == 9 and supervisor["checked"] == 6  # the reworked case was checked 3 times
    shift = row(november, "shift_leader", users.shift_leader.pk)
    assert (shift.counts["registered"], shift.counts["voided"], shift.counts["closed"]) == (9, 1, 4)
    assert shift.rates["accurate_registration_rate"] == pytest.approx(8 / 9)
    dispatcher = row(november, "dispatcher", users.dispatcher.pk)
    assert (dispatcher.counts["dispatched"], dispatcher.counts["wrongly_dispatched"]) == (9, 1)
    intake = row(november, "intake", users.intake_operator.pk).counts
    assert intake["accepted"] == 9 and intake["check_sent"] == 6  # the not-accepted report is not "accepted"


def test_the_grouping_sets_statement_equals_the_per_type_queries(histories):
    entries = indicators.ledger(dt.date(2026, 11, 1), dt.date(2026, 11, 30), AS_OF)
    one = indicators.count_all(entries, AS_OF, grouping_sets=True)
    each = indicators.count_all(entries, AS_OF, grouping_sets=False)
    assert one == each
    assert one["city"][0]["reports"] == 11 and len(one["unit"]) >= 1
