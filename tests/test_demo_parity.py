"""The demo history is the state machine's: a month generated in bulk equals the same stories replayed one
action at a time through ``report_case`` and ``perform``, in cases, steps, events and every indicator."""

import datetime as dt

import pytest
from django.db.models import F
from django.utils import timezone

from accounts.choices import Role
from cases import ledger, numbering
from cases.models import Case, CaseEvent, CaseStep, LedgerEntry
from cases.services import flag_overdue, perform, report_case
from demo.bulk import next_pk
from demo.geometry import build_demo_geometry, build_demo_surroundings
from demo.history import HistoryGenerator
from demo.organizations import build_demo_organizations, create_demo_accounts, create_demo_staff
from demo.rules import build_demo_rules
from evaluation.models import SnapshotRow
from evaluation.services import compute_snapshot, start_snapshot
from tests.lifecycle import at, photo_after

pytestmark = pytest.mark.django_db
END = at(2026, 11, 20, 18)
MONTH = dt.date(2026, 10, 1)


def rows():
    """Everything the indicators and the pages read, without the ids and numbers the two ways assign."""
    cases = list(
        Case.objects.order_by("reported_at", "pk").values_list(
            "pk",
            "state",
            "source",
            "category_id",
            "grid_id",
            "community_id",
            "street_id",
            "district_id",
            "reporter_id",
            "assignee_id",
            "platform_id",
            "supervisor_id",
            "handler_id",
            "reported_at",
            "stage_deadline",
            "handling_deadline",
            "is_overdue",
            "pending_request",
            "requested_hours",
            "requested_until",
            "return_count",
            "rework_count",
            "extension_count",
            "extension_hours",
            "closure_type",
            "closed_at",
            "self_handled",
            "address",
            "urgency",
        )
    )
    order = {row[0]: i for i, row in enumerate(cases)}
    steps = sorted(
        (order[case], *rest)
        for case, *rest in CaseStep.objects.values_list(
            "case_id",
            "stage",
            "organization_id",
            "person_id",
            "entered_at",
            "deadline",
            "completed_at",
            "on_time",
            "outcome",
            "sent_to_id",
            "extensions",
            "extension_hours",
        )
    )
    entries = sorted(
        (order[case], *rest)
        for case, *rest in LedgerEntry.objects.exclude(valid_to=F("valid_from")).values_list(
            "case_id", "valid_from", "valid_to", "missed_by_id", *ledger.COMPARED
        )
    )
    events = sorted(
        (order[case], *rest)
        for case, *rest in CaseEvent.objects.values_list(
            "case_id",
            "at",
            "action",
            "actor_id",
            "actor_role",
            "actor_organization_id",
            "from_state",
            "to_state",
            "note",
        ).order_by("at", "pk")
    )
    event_data = list(
        CaseEvent.objects.order_by("case__reported_at", "case_id", "at", "pk").values_list("data", flat=True)
    )
    return [row[1:] for row in cases], steps, events, event_data, entries


def indicators():
    snapshot = compute_snapshot(start_snapshot(start=MONTH, end=dt.date(2026, 10, 31), as_of=END))
    return {
        (r.object_type, r.object_id, r.object_name): r.counts for r in SnapshotRow.objects.filter(snapshot=snapshot)
    }


def replay(story):
    case = story.case
    replayed, created = report_case(
        actor=case.reporter,
        source=case.source,
        category=case.category,
        description=case.description,
        location=case.location,
        address=case.address,
        self_handled=case.self_handled,
        photos=photo_after() if case.self_handled else (),
        now=case.reported_at,
    )
    assert created
    for action, actor, when, note, params in story.script:
        perform(case_id=replayed.pk, action=action, actor=actor, now=when, note=note, **params)


def test_a_month_in_bulk_equals_the_same_stories_replayed_through_perform():
    city = build_demo_organizations(seed=5)
    build_demo_geometry(city, cells=40)
    build_demo_rules(city)
    create_demo_accounts(city)
    staff = create_demo_staff(city)
    build_demo_surroundings(city, seed=5, supervisors=staff[Role.SUPERVISOR])
    generator = HistoryGenerator(seed=5, scale=0.02, end=END)
    stories = generator.stories(MONTH)
    assert len(stories) > 250 and sum(len(s.script) for s in stories) > 1000
    generator.write(stories, first_pk=next_pk(Case), first_number=1)
    bulk, bulk_figures = rows(), indicators()
    actions = {action for s in stories for action, *_rest in s.script}
    assert {"dispatch", "redispatch", "return", "handle", "check", "close", "not_accept", "verify"} <= actions

    Case.objects.all().delete()
    for year in {timezone.localtime(s.case.reported_at).year for s in stories}:
        numbering.set_last(year, 0)
    for story in stories:
        replay(story)
    flag_overdue(now=END)  # what the beat did meanwhile
    one_by_one = rows()
    for name, a, b in zip(("cases", "steps", "events", "event data", "ledger"), bulk, one_by_one, strict=True):
        assert len(a) == len(b), name
        assert [x for x in a if x not in b][:3] == [], name
        assert a == b, name
    assert indicators() == bulk_figures
    assert all(ledger.agrees(case) for case in Case.objects.prefetch_related("steps", "events", "ledger"))
