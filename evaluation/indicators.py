"""Every indicator of the domain spec (section 5), defined once: each count is a per-case fact written as a
database condition, each rate a numerator and a denominator among the counts. ``docs/indicators.md``
explains them in plain language with their edge cases; tests pin them on hand-built histories.

Cohort rule (stored with every snapshot): the cases *reported* in the period, judged as of the computation
time. Facts come from the case row and its steps and events, the rows the state machine writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.choices import SUPERVISOR_SOURCES, CaseState, Stage
from cases.models import Case, CaseEvent, CaseStep
from cases.workflow import Action, StepOutcome

RULE_VERSION = "2026.1"
COHORT_RULE = "reported-in-period, as-of-computation"
S = CaseState


def _event(action: str, **extra: Any) -> Exists:
    return Exists(CaseEvent.objects.filter(case=OuterRef("pk"), action=action, **extra))


def _step(stage: str, **extra: Any) -> Exists:
    return Exists(CaseStep.objects.filter(case=OuterRef("pk"), stage=stage, **extra))


def facts(as_of: dt.datetime) -> dict[str, Q]:
    """Per-case facts as conditions over Case (evaluated as of ``as_of``)."""
    registered = Q(_event(Action.REGISTER))
    # Due for handling: dispatched, and neither parked (parked cases leave the handling indicators) nor
    # voided after dispatch (voided outcomes are kept apart from every count of handling).
    dispatched = Q(_event(Action.DISPATCH)) & ~Q(state__in=(S.PARKED, S.CANCELLED))
    handled = Q(_event(Action.HANDLE, at__lte=as_of))
    late_handling = Q(_step(Stage.HANDLE, outcome=StepOutcome.HANDLED, on_time=False))
    overdue_unhandled = ~handled & Q(handling_deadline__lt=as_of)
    handled_on_time = handled & ~late_handling
    closed = Q(_event(Action.CLOSE, at__lte=as_of), self_handled=False)
    return {
        "reports": Q(pk__isnull=False),
        "reports_supervisor": Q(source__in=SUPERVISOR_SOURCES),
        "reports_public": ~Q(source__in=SUPERVISOR_SOURCES),
        "handled_on_spot": Q(self_handled=True),
        "accepted": Q(_event(Action.ACCEPT)) | Q(_event(Action.SEND_VERIFICATION)),
        "valid": registered & ~Q(state__in=(S.CANCELLED, S.NOT_REGISTERED)),
        "to_verify": Q(_step(Stage.VERIFY)),
        "verified": Q(_step(Stage.VERIFY, completed_at__isnull=False)),
        "verified_on_time": Q(_step(Stage.VERIFY, on_time=True)),
        "registered": registered,
        "registered_on_time": Q(_step(Stage.REGISTER, on_time=True, outcome=StepOutcome.REGISTERED)),
        "voided": registered & Q(state=S.CANCELLED),
        "dispatched": dispatched,
        "dispatched_on_time": dispatched & ~Q(_step(Stage.DISPATCH, on_time=False, outcome=StepOutcome.DISPATCHED)),
        "wrongly_dispatched": Q(_event(Action.DISPATCH, data__has_key="previous_unit")),
        "handled": dispatched & handled,
        "handled_on_time": dispatched & handled_on_time,
        "due_for_closure": dispatched & (handled | overdue_unhandled),
        "to_check": Q(_step(Stage.CHECK)),
        "checked": Q(_step(Stage.CHECK, completed_at__isnull=False)),
        "checked_on_time": Q(_step(Stage.CHECK, on_time=True)),
        "closed": closed,
        "closed_on_time": closed & handled_on_time,
        "reworked": Q(rework_count__gt=0),
        "extended": Q(extension_count__gt=0),
        "parked": Q(_event(Action.APPROVE_PARK)),
        "overdue_now": Q(state__in=(S.DISPATCHED,), handling_deadline__lt=as_of),
    }


SUMS = {"rework_times": "rework_count", "extension_times": "extension_count", "extension_hours": "extension_hours"}


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
]

# Evaluation objects and the case field that places a case with each (areas by location; units by the
# unit that holds the case at the end, which after a wrong dispatch is the right one).
OBJECTS = {
    "city": None,
    "district": "district",
    "street": "street",
    "community": "community",
    "grid": "grid",
    "unit": "assignee",
    # Breakdowns (not scored): by problem type and by how the problem was found.
    "major": "category__major",
    "category": "category",
    "source": "source",
}


def cohort(start: dt.date, end: dt.date) -> QuerySet[Case]:
    """Cases reported in [start, end] (local dates), as a range of times so that the index serves it (a
    ``__date`` lookup converts every row's time, in a Python function on SQLite)."""
    tz = timezone.get_current_timezone()
    return Case.objects.filter(
        reported_at__gte=dt.datetime.combine(start, dt.time(), tz),
        reported_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tz),
    )


def count_rows(cases: QuerySet[Case], object_type: str, as_of: dt.datetime) -> list[dict[str, Any]]:
    """One row per evaluation object: its id and every count, in a single grouped query."""
    conditions = facts(as_of)
    aggregates: dict[str, Aggregate | Coalesce] = {
        name: Count("pk", filter=condition) for name, condition in conditions.items()
    }
    aggregates |= {name: Coalesce(Sum(field), 0) for name, field in SUMS.items()}
    field = OBJECTS[object_type]
    if field is None:
        return [{"object_id": None, **cases.aggregate(**aggregates)}]
    return [
        {"object_id": row.pop(field), **row}
        for row in cases.exclude(**{f"{field}__isnull": True}).values(field).annotate(**aggregates).order_by(field)
    ]


def count_all(cases: QuerySet[Case], as_of: dt.datetime) -> dict[str, list[dict[str, Any]]]:
    """The rows of every object type at once. Each case's facts are evaluated once, into a temporary table
    made from the same conditions as ``count_rows``; every object type is then a plain grouped count of
    that table. Same results, one pass over the cases and their steps and events instead of one per type."""
    conditions = facts(as_of)
    groups = {f"g_{t}": F(field) for t, field in OBJECTS.items() if field}
    annotated = cases.annotate(
        **groups, **{f"f_{name}": ExpressionWrapper(q, output_field=BooleanField()) for name, q in conditions.items()}
    ).values(*groups, *(f"f_{name}" for name in conditions), *SUMS.values())
    sql, params = annotated.query.sql_with_params()
    counts = ", ".join(
        [f"COUNT(*) FILTER (WHERE f_{name}) AS {name}" for name in conditions]
        + [f"COALESCE(SUM({field}), 0) AS {name}" for name, field in SUMS.items()]
    )
    names = list(conditions) + list(SUMS)
    result = {}
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS evaluation_facts")
        cursor.execute(f"CREATE TEMPORARY TABLE evaluation_facts AS {sql}", params)
        try:
            for object_type, field in OBJECTS.items():
                if field is None:
                    cursor.execute(f"SELECT NULL, {counts} FROM evaluation_facts")
                else:
                    column = f"g_{object_type}"
                    cursor.execute(
                        f"SELECT {column}, {counts} FROM evaluation_facts WHERE {column} IS NOT NULL "
                        f"GROUP BY {column} ORDER BY {column}"
                    )
                result[object_type] = [
                    {"object_id": row[0], **dict(zip(names, map(int, row[1:]), strict=True))}
                    for row in cursor.fetchall()
                ]
        finally:
            cursor.execute("DROP TABLE IF EXISTS evaluation_facts")
    return result


def rates(counts: dict[str, int]) -> dict[str, float | None]:
    return {rate.name: rate.value(counts) for rate in RATES}
