"""The per-case ledger (domain spec §5, design note): what every indicator needs to know about a case, kept
as versions — one per action that changed a fact — so that "as of T" is the version in force at T.

``facts`` reads a case and its steps as they stand after an action; the state machine (``persist``) and the
demo generator write its result as a new version; ``rebuild`` derives every version again from the event
log and the steps, to check and to repair the maintained ledger.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Subquery

from citymgmt import rows

from .choices import Stage
from .models import Case, CaseEvent, CaseStep, LedgerEntry
from .workflow import Action, StepOutcome

Outcome = StepOutcome
# The case's own keys, copied on every version (kept equal to the case's: a location corrected before
# dispatch moves the case's whole history there, as the indicators always counted it).
KEYS = (
    "source",
    "self_handled",
    "reporter_id",
    "district_id",
    "street_id",
    "community_id",
    "grid_id",
    "category_id",
    "major_id",
)
FACTS = [
    f.name
    for f in LedgerEntry._meta.concrete_fields
    if f.name not in ("id", "case", "valid_from", "valid_to", "reported_at", "missed_by", *KEYS)
]
COMPARED = [f.attname for f in LedgerEntry._meta.concrete_fields if f.name in FACTS]


def _done(step: CaseStep, *outcomes: str) -> bool:
    return step.completed_at is not None and step.outcome in outcomes


def facts(case: Case, steps: Sequence[CaseStep]) -> dict[str, Any]:
    """The case's facts from its state and its steps (oldest first), as they stand now."""
    of = {stage: [s for s in steps if s.stage == stage] for stage in Stage}  # (Stage.values builds its list per call)
    # A verification or check ended by a cancellation is not one (§5, voided).
    verifications = [s for s in of[Stage.VERIFY] if s.outcome != Outcome.CANCELLED]
    checks = [s for s in of[Stage.CHECK] if s.outcome != Outcome.CANCELLED]
    handling = of[Stage.HANDLE]
    latest = handling[-1] if handling else None
    # The unit holds the case from its handling step on, unless the case went back to a platform since
    # (a return, a dispatch to a district platform, a dispute waiting for its ruling): then no unit holds it.
    last = {s.stage: i for i, s in enumerate(steps)}
    at_unit = last.get(Stage.HANDLE, -1) > max(last.get(Stage.DISPATCH, -1), last.get(Stage.RULE, -1))
    unit_id = latest.organization_id if latest is not None and at_unit else None
    unit_steps = [s for s in handling if s.organization_id == unit_id] if unit_id else []
    verified = bool(verifications) and _done(verifications[-1], Outcome.FOUND, Outcome.NOT_FOUND)
    return {
        "state": case.state,
        "unit_id": unit_id,
        "accepted": any(_done(s, Outcome.ACCEPTED, Outcome.SENT_FOR_VERIFICATION) for s in of[Stage.INTAKE]),
        "to_verify": bool(verifications),
        "verified": verified,
        "verified_on_time": verified and bool(verifications[-1].on_time),
        "found": any(_done(s, Outcome.FOUND) for s in verifications),
        "registered": any(_done(s, Outcome.REGISTERED) for s in of[Stage.REGISTER]),
        "registered_on_time": any(_done(s, Outcome.REGISTERED) and s.on_time for s in of[Stage.REGISTER]),
        "dispatched": any(_done(s, Outcome.DISPATCHED) for s in of[Stage.DISPATCH]),
        "dispatched_late": any(
            _done(s, Outcome.DISPATCHED, Outcome.REDISPATCHED) and s.on_time is False for s in of[Stage.DISPATCH]
        ),
        "wrongly_dispatched": any(
            _done(returned, Outcome.RETURNED) and following.organization_id != returned.organization_id
            for returned, following in zip(handling, handling[1:], strict=False)
        ),
        "ever_parked": bool(of[Stage.PARK]),
        "handled": latest is not None and _done(latest, Outcome.HANDLED),
        "handling_late": any(_done(s, Outcome.HANDLED) and s.on_time is False for s in handling),
        "handling_deadline": latest.deadline if at_unit and latest and latest.completed_at is None else None,
        "due_at": latest.deadline if latest else None,
        "reworks": sum(_done(s, Outcome.NOT_FIXED) for s in checks),
        "extensions": sum(s.extensions for s in unit_steps),
        "extension_hours": sum(s.extension_hours for s in unit_steps),
        "to_check": bool(checks),
        "checked": bool(checks) and _done(checks[-1], Outcome.FIXED, Outcome.NOT_FIXED),
        "checked_late": any(_done(s, Outcome.FIXED, Outcome.NOT_FIXED) and s.on_time is False for s in checks),
    }


def keys(case: Case) -> dict[str, Any]:
    return {
        "source": case.source,
        "self_handled": case.self_handled,
        "reporter_id": case.reporter_id,
        "district_id": case.district_id,
        "street_id": case.street_id,
        "community_id": case.community_id,
        "grid_id": case.grid_id,
        "category_id": case.category_id,
        "major_id": case.category.major_id,
    }


def version(case: Case, steps: Sequence[CaseStep], at: dt.datetime, missed_by_id: int | None) -> LedgerEntry:
    return _entry(case, at, missed_by_id, keys(case), facts(case, steps))


def _row(case: Case, at: dt.datetime, case_keys: dict, case_facts: dict) -> dict[str, Any]:
    """A version's fields by attribute name, but for the case and the missed-by supervisor."""
    return {"valid_from": at, "reported_at": case.reported_at, **case_keys, **case_facts}


def _entry(case: Case, at: dt.datetime, missed_by_id: Any, case_keys: dict, case_facts: dict) -> LedgerEntry:
    return LedgerEntry(case=case, missed_by_id=missed_by_id, **_row(case, at, case_keys, case_facts))


def same(entry: LedgerEntry, other: LedgerEntry) -> bool:
    return all(getattr(entry, name) == getattr(other, name) for name in COMPARED)


Before = tuple[dict[str, Any], dict[str, Any]]  # a case's facts and keys before an action


def before(case: Case, steps: Sequence[CaseStep]) -> Before:
    """What ``record`` compares with: taken in memory before the handler changes the case and its steps."""
    return facts(case, steps), keys(case)


def record(
    case: Case,
    steps: Sequence[CaseStep],
    at: dt.datetime,
    *,
    was: Before | None = None,
    missed_by_id: int | None = None,
) -> None:
    """After an action (inside its transaction): close the current version and add the new one, unless no
    fact changed — one statement on PostgreSQL (two elsewhere), none for an action that changes no fact. A
    version closed at the moment it began (two actions at once) stays, empty: no time T falls in it."""
    now_keys, now_facts = keys(case), facts(case, steps)
    if was is None:  # the report: the first version
        rows.insert(_entry(case, at, missed_by_id, now_keys, now_facts))
        return
    old_facts, old_keys = was
    if now_keys != old_keys:  # relocated, or registered in another category: the whole history moves
        LedgerEntry.objects.filter(case=case).update(**now_keys)
    if now_facts == old_facts:
        return
    if connection.vendor == "postgresql":
        _replace({"case_id": case.pk, "valid_to": None, **_row(case, at, now_keys, now_facts)})
        return
    LedgerEntry.objects.filter(case=case, valid_to__isnull=True).update(valid_to=at)
    carried = LedgerEntry.objects.filter(case=case, valid_to=at).order_by("-pk").values("missed_by_id")[:1]
    _entry(case, at, Subquery(carried), now_keys, now_facts).save()  # missed-by from the version just closed


_WRITTEN = [f for f in LedgerEntry._meta.concrete_fields if f.name not in ("id", "missed_by")]
_REPLACE = (
    "WITH closed AS (UPDATE cases_ledgerentry SET valid_to = %s WHERE case_id = %s AND valid_to IS NULL "
    "RETURNING missed_by_id) "
    f"INSERT INTO cases_ledgerentry ({', '.join(f.column for f in _WRITTEN)}, missed_by_id) "
    f"SELECT {', '.join(['%s'] * len(_WRITTEN))}, (SELECT missed_by_id FROM closed LIMIT 1)"
)


def _replace(entry: dict[str, Any]) -> None:
    """Close the current version and insert the new one (its fields by attribute name) in one statement: the
    state machine's hot path, so no model instance is made."""
    values = [f.get_db_prep_save(entry[f.attname], connection) for f in _WRITTEN]
    rows.execute(_REPLACE, [entry["valid_from"], entry["case_id"], *values])


def chain(entries: Iterable[LedgerEntry]) -> list[LedgerEntry]:
    """Versions of one case in time order, each valid until the next: the same as ``record`` keeps."""
    kept: list[LedgerEntry] = []
    for entry in entries:
        if kept and same(kept[-1], entry):
            continue
        if kept and kept[-1].valid_from == entry.valid_from:
            kept.pop()
            if kept and same(kept[-1], entry):
                kept[-1].valid_to = None
                continue
        if kept:
            kept[-1].valid_to = entry.valid_from
        kept.append(entry)
    return kept


def history(case: Case, steps: Sequence[CaseStep], events: Sequence[CaseEvent]) -> list[LedgerEntry]:
    """Every version of one case, derived from its event log and its steps: after each event the case has the
    event's state and the steps as they stood then (entered by then, completed only if by then, a handling
    step's deadline and extensions as approved by then)."""
    missed_by_id = next((e.data.get("missed_by") for e in events if e.action == Action.REPORT), None)
    extensions = [e for e in events if e.action == Action.APPROVE_EXTENSION]
    entries, then = [], copy.copy(case)
    for event in events:
        as_then = [_as_of(step, event.at, extensions) for step in steps if step.entered_at <= event.at]
        then.state = event.to_state
        entries.append(version(then, as_then, event.at, missed_by_id))
    return chain(entries)


def _as_of(step: CaseStep, at: dt.datetime, extensions: Sequence[CaseEvent]) -> CaseStep:
    copy = CaseStep(
        pk=step.pk,
        case_id=step.case_id,
        stage=step.stage,
        organization_id=step.organization_id,
        entered_at=step.entered_at,
        deadline=step.deadline,
        sent_to_id=step.sent_to_id,
        extensions=step.extensions,
        extension_hours=step.extension_hours,
    )
    if step.completed_at is not None and step.completed_at <= at:
        copy.completed_at, copy.on_time, copy.outcome = step.completed_at, step.on_time, step.outcome
        copy.person_id = step.person_id
    if step.stage == Stage.HANDLE:
        # extensions approved on this step after ``at`` are taken back
        taken_back = [
            e
            for e in extensions
            if e.at > at and step.entered_at <= e.at and (step.completed_at is None or e.at < step.completed_at)
        ]
        if taken_back:
            if previous := taken_back[0].data.get("previous_deadline"):  # not recorded before rule 2026.2
                copy.deadline = dt.datetime.fromisoformat(previous)
            copy.extensions -= len(taken_back)
            copy.extension_hours -= sum(e.data.get("hours", 0) for e in taken_back)
    return copy


def derived(case: Case) -> list[LedgerEntry]:
    """The versions of ``case`` derived from its event log and steps (prefetched or read here)."""
    steps = sorted(case.steps.all(), key=lambda s: (s.entered_at, s.pk))
    events = sorted(case.events.all(), key=lambda e: (e.at, e.pk))
    return history(case, steps, events)


def agrees(case: Case) -> bool:
    """Whether the maintained ledger of ``case`` is the one its history gives."""
    kept = sorted((e for e in case.ledger.all() if e.valid_to != e.valid_from), key=lambda e: (e.valid_from, e.pk))
    again = derived(case)
    return len(kept) == len(again) and all(
        same(a, b)
        and (a.valid_from, a.valid_to, a.missed_by_id) == (b.valid_from, b.valid_to, b.missed_by_id)
        and all(getattr(a, k) == getattr(b, k) for k in KEYS)
        for a, b in zip(kept, again, strict=True)
    )


@transaction.atomic
def rebuild(cases: Iterable[Case]) -> int:
    """Replace the ledger of ``cases`` by the versions derived from their history; returns how many were
    written."""
    entries = []
    for case in cases:
        entries += derived(case)
    LedgerEntry.objects.filter(case__in=[e.case_id for e in entries]).delete()
    LedgerEntry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)
