"""The demo city generator at a small scale: counts, the reference city's rate profile, consistent histories."""

import datetime as dt
from collections import Counter

import pytest
from django.db import transaction
from django.db.models import F, OuterRef, Subquery

from accounts.choices import Role
from cases import ledger
from cases.choices import CaseState, Stage
from cases.models import Case, CaseEvent, CaseStep
from cases.workflow import replay
from demo.geometry import build_demo_geometry, build_demo_surroundings
from demo.history import generate_history
from demo.organizations import build_demo_organizations, create_demo_accounts, create_demo_staff
from demo.rules import build_demo_rules
from evaluation.services import compute_snapshot, start_snapshot
from gis.models import Camera, Component, Place, Road
from tests.lifecycle import at

pytestmark = pytest.mark.django_db

MONTHS, SCALE = 3, 0.06
END = at(2026, 11, 20, 18)


@pytest.fixture(scope="module")
def demo_history(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        city = build_demo_organizations(seed=11)
        build_demo_geometry(city, cells=60)
        build_demo_rules(city)
        create_demo_accounts(city)
        staff = create_demo_staff(city)
        counts = build_demo_surroundings(city, seed=11, supervisors=staff[Role.SUPERVISOR])
        totals = generate_history(months=MONTHS, seed=11, scale=SCALE, end=END)
        yield city, staff, counts, totals
        transaction.set_rollback(True)


def test_demo_city_has_the_reference_inventory(demo_history):
    city, staff, counts, _totals = demo_history
    assert Road.objects.count() == 1107
    assert Place.objects.filter(kind="market").count() == 123
    assert Place.objects.filter(kind="compound").count() == 294
    assert Camera.objects.count() == 100
    assert Component.objects.count() == counts["components"] > 3600 * 2
    assert len(staff[Role.SUPERVISOR]) == 110
    assert not Component.objects.exclude(location__within=F("grid__geometry")).exists()


def test_monthly_volumes_and_rates_follow_the_reference_profile(demo_history):
    _city, _staff, _counts, totals = demo_history
    full_months = Case.objects.filter(reported_at__lt=at(2026, 11, 1))
    per_month = full_months.count() / (MONTHS - 1)
    assert 16_400 * SCALE * 0.85 < per_month < 16_400 * SCALE * 1.15
    dispatched = full_months.filter(events__action="dispatch").distinct()
    assert 0.38 < dispatched.count() / full_months.count() < 0.48  # ≈ 7,000 of 16,400
    handle_steps = CaseStep.objects.filter(
        stage=Stage.HANDLE,
        case__in=dispatched,
        case__state__in=(CaseState.HANDLED, CaseState.CHECKING, CaseState.PENDING_CLOSURE, CaseState.CLOSED),
    )
    on_time = handle_steps.filter(on_time=True).count() / handle_steps.exclude(on_time=None).count()
    assert 0.90 < on_time < 0.99  # reference: 94.79 %
    closed = dispatched.filter(state=CaseState.CLOSED).count() / dispatched.count()
    assert 0.96 < closed < 1.0  # reference: 98.69 %
    states = Counter(Case.objects.values_list("state", flat=True))
    assert states[CaseState.NOT_ACCEPTED] and states[CaseState.NOT_REGISTERED] and states[CaseState.CLOSED]


def test_every_demo_history_replays_to_its_case_and_sits_in_its_grid(demo_history):
    for case in Case.objects.prefetch_related("events").order_by("?")[:400]:
        assert replay(case.events.all()) == case.state, case.number
    assert not Case.objects.exclude(location__within=F("grid__geometry")).exists()
    assert not Case.objects.exclude(grid__community=F("community")).exists()


def test_weekly_rhythm_and_hot_spots(demo_history):
    reported = list(Case.objects.values_list("reported_at", "grid_id"))
    weekdays = Counter(dt.datetime.weekday(t.astimezone(at(2026, 1, 1).tzinfo)) for t, _g in reported)
    assert weekdays[1] > 1.8 * weekdays[6]  # Tuesdays are much busier than Sundays
    per_grid = Counter(g for _t, g in reported)
    top = sum(n for _g, n in per_grid.most_common(len(per_grid) // 10))
    assert top > 0.2 * len(reported)  # a tenth of the grids draw over a fifth of the reports


def test_history_is_deterministic_for_a_seed_and_numbers_are_sequential(demo_history):
    from demo.history import HistoryGenerator

    numbers = sorted(Case.objects.filter(reported_at__year=2026).values_list("number", flat=True))
    assert numbers[0] == "20260000001" and int(numbers[-1][4:]) == len(numbers)

    def first_cases(seed):
        generator = HistoryGenerator(seed=seed, scale=SCALE, end=END)
        times = generator._report_times(dt.date(2026, 9, 1), 30)
        return [(c.category_id, c.grid_id, c.source) for c in map(generator.new_case, times)]

    assert first_cases(11) == first_cases(11) != first_cases(12)


def test_a_month_recomputed_through_the_ledger_keeps_the_reference_profile(demo_history):
    """October's indicators, counted from the ledger the generator wrote, against the reference city
    (on-time handling 94.79 %, closure 98.69 % of the cases due); and the ledger is the one the event log gives."""
    snapshot = compute_snapshot(start_snapshot(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31), as_of=END))
    rates = snapshot.rows.get(object_type="city").rates
    assert 0.88 < rates["on_time_handling_rate"] < 0.99, rates
    assert 0.93 < rates["closure_rate"] <= 1.0, rates
    assert 0.9 < rates["on_time_closure_rate"] < 0.99, rates
    sample = Case.objects.prefetch_related("steps", "events", "ledger").order_by("?")[:300]
    assert all(ledger.agrees(case) for case in sample)
    # no history the state machine could not have produced: nothing happens to a case after its closure
    closed_at = CaseEvent.objects.filter(case=OuterRef("case"), action="close").values("at")[:1]
    assert not CaseEvent.objects.annotate(closed=Subquery(closed_at)).filter(at__gt=F("closed")).exists()
