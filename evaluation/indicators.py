"""Every indicator of the domain spec (section 5), defined once: each count is a per-case fact written as a
condition over the case's ledger version in force at the as-of time T (``cases.ledger``), each rate a
numerator and a denominator among the counts. ``docs/indicators.md`` explains them in plain language with
their edge cases; ``tests/reference.py`` computes them again, independently, from the event log.

Cohort rule (stored with every snapshot): the cases *reported* in the period, judged as of T. Every fact
is a column of the version in force at T or a comparison of its deadline with T, so a snapshot recomputed
later for the same T gives the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.choices import SUPERVISOR_SOURCES, CaseState
from cases.models import Case, LedgerEntry
from cases.worktime import day_range

RULE_VERSION = "2026.2"
# Which cases a month's figures are about (setting INDICATOR_COHORT; the rule is stored with each snapshot).
COHORT_RULES = {
    "reported": "reported-in-period, as-of-computation",
    "due": "due-or-closed-in-period, as-of-computation",
}
S = CaseState


def facts(as_of: dt.datetime) -> dict[str, Q]:
    """Per-case facts as conditions over the ledger version in force at ``as_of``."""
    cancelled, parked = Q(state=S.CANCELLED), Q(state=S.PARKED)
    # Due for handling: dispatched, neither parked at T (parked cases leave the handling indicators) nor
    # voided by T (voided outcomes are kept apart from every handling, check and closure count).
    in_handling = Q(dispatched=True) & ~cancelled & ~parked
    handled = in_handling & Q(handled=True)
    # Overdue: the open handling step's deadline (with the extensions approved by T) has passed. A case
    # back at a platform (returned) has no handling step open, so no deadline runs.
    overdue = in_handling & Q(handled=False, handling_deadline__lt=as_of)
    due = handled | overdue
    checks = ~cancelled & ~parked
    closed = Q(state=S.CLOSED, self_handled=False)
    return {
        "reports": Q(pk__isnull=False),
        "reports_supervisor": Q(source__in=SUPERVISOR_SOURCES),
        "reports_public": ~Q(source__in=SUPERVISOR_SOURCES),
        "handled_on_spot": Q(self_handled=True),
        "accepted": Q(accepted=True),
        "valid": Q(registered=True) & ~cancelled,
        "to_verify": Q(to_verify=True),
        "verified": Q(verified=True),
        "verified_on_time": Q(verified_on_time=True),
        "registered": Q(registered=True),
        "registered_on_time": Q(registered_on_time=True),
        "voided": Q(registered=True) & cancelled,
        "dispatched": in_handling,
        "dispatched_on_time": in_handling & Q(dispatched_late=False),
        "wrongly_dispatched": in_handling & Q(wrongly_dispatched=True),
        "handled": handled,
        # every handling step that ended in a handled report met its own deadline (a late first handling
        # stays late after a rework done in time)
        "handled_on_time": handled & Q(handling_late=False),
        "due_for_closure": due,
        "to_check": checks & Q(to_check=True),
        "checked": checks & Q(checked=True),
        "checked_on_time": checks & Q(checked=True, checked_late=False),
        "closed": closed,
        "closed_on_time": closed & Q(handling_late=False),
        "reworked": due & Q(reworks__gt=0),
        "extended": due & Q(extensions__gt=0),
        # parked at T, plus the resumed ones that are due for closure
        "parked": parked | (due & Q(ever_parked=True)),
        "overdue_now": overdue,
    }


# Sums over the cases due for closure (times and hours of the reworked and extended ones).
SUMS = {"rework_times": "reworks", "extension_times": "extensions", "extension_hours": "extension_hours"}


@dataclass(frozen=True)
class Rate:
    name: str
    label: Promise
    numerator: str
    denominator: str
    complement: bool = False  # (denominator − numerator) ÷ denominator, e.g. accurate registration

    def value(self, counts: dict[str, int]) -> float | None:
        total = counts.get(self.denominator, 0)
        if not total:
            return None
        part = counts.get(self.numerator, 0)
        return (total - part) / total if self.complement else part / total


RATES = [
    Rate("registration_rate", _("Registration rate"), "registered", "accepted"),
    Rate("dispatch_rate", _("Dispatch rate"), "dispatched", "registered"),
    Rate("handling_rate", _("Handling rate"), "handled", "dispatched"),
    Rate("on_time_handling_rate", _("On-time handling rate"), "handled_on_time", "dispatched"),
    Rate("check_rate", _("Check rate"), "checked", "to_check"),
    Rate("on_time_check_rate", _("On-time check rate"), "checked_on_time", "to_check"),
    Rate("closure_rate", _("Closure rate"), "closed", "due_for_closure"),
    Rate("on_time_closure_rate", _("On-time closure rate"), "closed_on_time", "due_for_closure"),
    Rate("rework_rate", _("Rework rate"), "reworked", "due_for_closure"),
    Rate("extension_rate", _("Extension rate"), "extended", "due_for_closure"),
    Rate("parking_rate", _("Postponement rate"), "parked", "due_for_closure"),
    Rate("valid_report_rate", _("Valid report rate"), "valid", "reports"),
    Rate("on_time_verification_rate", _("On-time verification rate"), "verified_on_time", "to_verify"),
    Rate("accurate_registration_rate", _("Accurate registration rate"), "voided", "registered", complement=True),
    Rate("accurate_dispatch_rate", _("Accurate dispatch rate"), "wrongly_dispatched", "dispatched", complement=True),
    Rate("on_time_registration_rate", _("On-time registration rate"), "registered_on_time", "registered"),
    Rate("on_time_dispatch_rate", _("On-time dispatch rate"), "dispatched_on_time", "dispatched"),
    # From the sampling subsystem (rechecks done in the period, by T): §5 consolidation 巩固率.
    Rate("consolidation_rate", _("Consolidation rate"), "still_fixed", "rechecked"),
    Rate("coverage_rate", _("Patrol coverage"), "patrolled", "assigned"),
]

# Evaluation objects and the column that places a case with each (areas by the case's location; units by
# the unit that holds the case at T, which after a wrong dispatch is the right one).
OBJECTS = {
    "city": None,
    "district": "district_id",
    "street": "street_id",
    "community": "community_id",
    "grid": "grid_id",
    "unit": "unit_id",
    # Breakdowns (not scored): by problem type and by how the problem was found.
    "major": "major_id",
    "category": "category_id",
    "source": "source",
}


period = day_range  # a period of local dates as the range of times it covers


def cohort(start: dt.date, end: dt.date) -> QuerySet[Case]:
    """The cases reported in [start, end]."""
    first, after = period(start, end)
    return Case.objects.filter(reported_at__gte=first, reported_at__lt=after)


def ledger(
    start: dt.date, end: dt.date, as_of: dt.datetime, rule: str = COHORT_RULES["reported"]
) -> QuerySet[LedgerEntry]:
    """The version in force at ``as_of`` of each case of the cohort: the cases reported in the period, or
    (rule "due") those whose handling deadline fell in it or that were closed in it."""
    first, after = period(start, end)
    if rule == COHORT_RULES["due"]:
        closed_in_period = Q(state=S.CLOSED, valid_from__gte=first, valid_from__lt=after)
        return in_force(as_of).filter(closed_in_period | Q(due_at__gte=first, due_at__lt=after))
    return in_force(as_of).filter(reported_at__gte=first, reported_at__lt=after)


def in_force(as_of: dt.datetime) -> QuerySet[LedgerEntry]:
    """Every case's version in force at ``as_of`` (to drill down from a count to its cases)."""
    return LedgerEntry.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=as_of), valid_from__lte=as_of)


@contextmanager
def counting() -> Iterator[None]:
    """A transaction for the month's grouped counts. On PostgreSQL it may sort and hash in memory (the
    stock 4 MB spill a million cases to disk) and skips JIT compilation, which costs more than it saves on
    these one-pass statements."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = %s", [settings.INDICATOR_WORK_MEM])
                cursor.execute("SET LOCAL jit = off")
        yield


def count_all(
    entries: QuerySet[LedgerEntry], as_of: dt.datetime, *, grouping_sets: bool | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The rows of every object type: one row per object with its id and every count. On PostgreSQL a single
    statement (GROUPING SETS over the ledger versions in force); elsewhere one grouped query per type."""
    if grouping_sets is None:
        grouping_sets = connection.vendor == "postgresql"
    conditions = facts(as_of)
    groups = {f"g_{t}": F(field) for t, field in OBJECTS.items() if field}
    flags = {f"f_{name}": ExpressionWrapper(q, output_field=BooleanField()) for name, q in conditions.items()}
    annotated = entries.annotate(**groups, **flags).values(*groups, *flags, *SUMS.values()).order_by()
    sql, params = annotated.query.sql_with_params()
    counts = ", ".join(
        [f"COUNT(*) FILTER (WHERE f_{name})" for name in conditions]
        + [f"COALESCE(SUM(CASE WHEN f_due_for_closure THEN {column} ELSE 0 END), 0)" for column in SUMS.values()]
    )
    names = list(conditions) + list(SUMS)
    types = [t for t, field in OBJECTS.items() if field]
    result: dict[str, list[dict[str, Any]]] = {t: [] for t in OBJECTS}
    with connection.cursor() as cursor:
        if grouping_sets:
            keys = ", ".join(f"g_{t}" for t in types)
            marks = ", ".join(f"GROUPING(g_{t})" for t in types)
            sets = ", ".join(["()"] + [f"(g_{t})" for t in types])
            cursor.execute(
                f"SELECT {keys}, {marks}, {counts} FROM ({sql}) AS facts GROUP BY GROUPING SETS ({sets})", params
            )
            width = len(types)
            for row in cursor.fetchall():
                grouped = [t for t, mark in zip(types, row[width : 2 * width], strict=True) if mark == 0]
                object_type = grouped[0] if grouped else "city"
                key = row[types.index(object_type)] if grouped else None
                if grouped and key is None:
                    continue  # cases without a street, a unit at T…
                result[object_type].append({"object_id": key, **_named(names, row[2 * width :])})
        else:
            cursor.execute(f"SELECT {counts} FROM ({sql}) AS facts", params)
            result["city"] = [{"object_id": None, **_named(names, cursor.fetchone())}]
            for t in types:
                cursor.execute(
                    f"SELECT g_{t}, {counts} FROM ({sql}) AS facts WHERE g_{t} IS NOT NULL GROUP BY g_{t}", params
                )
                result[t] = [{"object_id": row[0], **_named(names, row[1:])} for row in cursor.fetchall()]
    for rows in result.values():
        rows.sort(key=lambda r: (r["object_id"] is None, r["object_id"]))
    return result


def _named(names: list[str], values: Sequence[Any]) -> dict[str, int]:
    return dict(zip(names, (int(v or 0) for v in values), strict=True))


def rates(counts: dict[str, int]) -> dict[str, float | None]:
    return {rate.name: rate.value(counts) for rate in RATES}
