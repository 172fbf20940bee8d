"""Indicators of the center's posts and the supervisors, per person (domain spec §5, evaluation objects), for
the cases of a snapshot's cohort as of its time T. Steps count as they stood at T (entered by T; done only if
completed by T); a step ended by a cancellation is no step of anyone's.

- supervisor: reports made, of which registered and valid at T; missed reports (漏报: a public report in their
  responsibility grid, with no report of theirs near it before, verified and not voided by T); verifications
  and checks *due to them* (sent to them) by T, done, and done on time;
- the center's posts work from shared queues, so they count the steps each person completed: intake
  operator — reports taken in (accepted or sent for verification) and check tasks sent, each on time;
  shift leader — registrations and closures, on time, and registrations voided by T; dispatcher — dispatches
  and re-dispatches, on time, and wrong dispatches (a unit returned the case it was sent and the case went
  to another unit by T).
"""

from collections import defaultdict
from typing import Any

from django.db.models import Case as Choose
from django.db.models import Count, F, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from cases.choices import SUPERVISOR_SOURCES, CaseState, Stage
from cases.models import CaseStep, LedgerEntry
from cases.workflow import StepOutcome as Outcome

POSTS = ("supervisor", "intake", "shift_leader", "dispatcher")
Counts = dict[str, dict[int, dict[str, int]]]


# What each stage's step counts for, and the outcomes that make it count: (post, names of the steps due,
# done, done on time). Verification and check steps are due to the supervisor they were sent to; the
# center's steps count for whoever completed them.
STEP_POSTS = {
    Stage.VERIFY: ("supervisor", ("to_verify", "verified", "verified_on_time"), (Outcome.FOUND, Outcome.NOT_FOUND)),
    Stage.CHECK: ("supervisor", ("to_check", "checked", "checked_on_time"), (Outcome.FIXED, Outcome.NOT_FIXED)),
    Stage.INTAKE: ("intake", (None, "accepted", "accepted_on_time"), (Outcome.ACCEPTED, Outcome.SENT_FOR_VERIFICATION)),
    Stage.SEND_CHECK: ("intake", (None, "check_sent", "check_sent_on_time"), (Outcome.SENT_FOR_CHECK,)),
    Stage.REGISTER: ("shift_leader", (None, "registered", "registered_on_time"), (Outcome.REGISTERED,)),
    Stage.CLOSE: ("shift_leader", (None, "closed", "closed_on_time"), (Outcome.CLOSED,)),
    Stage.DISPATCH: (
        "dispatcher",
        (None, "dispatched", "dispatched_on_time"),
        (Outcome.DISPATCHED, Outcome.REDISPATCHED),
    ),
}


def post_counts(entries: QuerySet[LedgerEntry], as_of) -> Counts:
    """{post: {user id: counts}} for the cases whose versions at ``as_of`` are ``entries``: one grouped
    statement over their versions (reports, missed reports), one over their steps, and the few returns."""
    rows: dict[str, dict[Any, dict[str, int]]] = {post: defaultdict(dict) for post in POSTS}
    registered, voided = Q(registered=True), Q(state=CaseState.CANCELLED)
    reported = Q(source__in=SUPERVISOR_SOURCES, reporter_id__isnull=False)
    missed = Q(found=True, missed_by__isnull=False) & ~voided
    for row in (
        entries.filter(reported | missed)
        .annotate(
            reporter=Choose(When(reported, then=F("reporter_id"))), missing=Choose(When(missed, then=F("missed_by")))
        )
        .values("reporter", "missing")
        .annotate(
            reports=Count("pk", filter=reported),
            valid=Count("pk", filter=reported & registered & ~voided),
            registered=Count("pk", filter=reported & registered),
            missed=Count("pk", filter=missed),
        )
    ):
        if row["reporter"]:
            _add(rows["supervisor"][row["reporter"]], row, "reports", "valid", "registered")
        if row["missing"]:
            _add(rows["supervisor"][row["missing"]], row, "missed")

    steps = CaseStep.objects.filter(case__in=entries.values("case"), entered_at__lte=as_of)
    done = Q(completed_at__lte=as_of)
    counted = Q()
    for stage, (_post, _names, outcomes) in STEP_POSTS.items():
        counted |= Q(stage=stage, outcome__in=outcomes)
    supervised = Q(stage__in=(Stage.VERIFY, Stage.CHECK))
    # due to the supervisor it was sent to (or, sent to the whole team, to whoever did it)
    person = Choose(
        When(supervised, then=Coalesce("sent_to", Choose(When(done, then=F("person"))))), default=F("person")
    )
    for row in (
        steps.exclude(done & Q(outcome=Outcome.CANCELLED))  # a step ended by a cancellation is none
        .filter(supervised | (done & counted))
        .annotate(who=person)
        .values("stage", "who")
        .annotate(
            due=Count("pk"),
            done=Count("pk", filter=done & counted),
            on_time=Count("pk", filter=done & counted & Q(on_time=True)),
        )
    ):
        post, names, _outcomes = STEP_POSTS[row["stage"]]
        due, finished, on_time = names
        counts = rows[post][row["who"]]
        counts |= {finished: row["done"], on_time: row["on_time"]} | ({due: row["due"]} if due else {})
    # registrations whose case was voided by T (apart: the few voided cases, and the statement above stays
    # parallel)
    for row in (
        steps.filter(
            done, stage=Stage.REGISTER, outcome=Outcome.REGISTERED, case__in=entries.filter(voided).values("case")
        )
        .values("person")
        .annotate(n=Count("pk"))
    ):
        rows["shift_leader"][row["person"]]["voided"] = row["n"]
    for person_id, wrong in _wrong_dispatches(steps, as_of).items():
        rows["dispatcher"][person_id]["wrongly_dispatched"] = wrong
    return {post: {pk: dict(counts) for pk, counts in people.items() if pk} for post, people in rows.items()}


def _add(counts: dict[str, int], row: dict[str, Any], *names: str) -> None:
    for name in names:
        counts[name] = counts.get(name, 0) + row[name]


def _wrong_dispatches(steps: QuerySet[CaseStep], as_of) -> dict[int, int]:
    """Who sent each case to a unit that returned it, where the case then went to another unit by ``as_of``:
    the person of the latest dispatch, re-dispatch or ruling done by the time the unit's handling step began."""
    returned = steps.filter(stage=Stage.HANDLE, outcome=Outcome.RETURNED, completed_at__lte=as_of).values("case")
    path = (
        steps.filter(case__in=returned, stage__in=(Stage.HANDLE, Stage.DISPATCH, Stage.RULE))
        .order_by("case", "entered_at", "pk")
        .values_list("case", "stage", "organization", "entered_at", "completed_at", "outcome", "person")
    )
    by_case: dict[int, list[tuple]] = defaultdict(list)
    for step in path:
        by_case[step[0]].append(step)
    sending = (Outcome.DISPATCHED, Outcome.REDISPATCHED, Outcome.RULED)
    wrong: dict[int, int] = defaultdict(int)
    for case_steps in by_case.values():
        handling = [s for s in case_steps if s[1] == Stage.HANDLE]
        for unit_step, following in zip(handling, handling[1:], strict=False):
            _case, _stage, unit, entered, completed, outcome, _person = unit_step
            if outcome != Outcome.RETURNED or completed is None or completed > as_of or following[2] == unit:
                continue
            senders = [s[6] for s in case_steps if s[5] in sending and s[4] is not None and s[4] <= entered]
            if senders and senders[-1]:
                wrong[senders[-1]] += 1
    return dict(wrong)


def _rate(counts, numerator, denominator, complement=False):
    total = counts.get(denominator, 0)
    if not total:
        return None
    part = counts.get(numerator, 0)
    return (total - part) / total if complement else part / total


POST_RATES = {
    "supervisor": {
        "valid_report_rate": ("valid", "reports", False),
        "missed_rate": ("missed", "registered", False),
        "on_time_verification_rate": ("verified_on_time", "to_verify", False),
        "on_time_check_rate": ("checked_on_time", "to_check", False),
        "coverage_rate": ("patrolled", "assigned", False),
    },
    "intake": {
        "on_time_intake_rate": ("accepted_on_time", "accepted", False),
        "check_sent_on_time_rate": ("check_sent_on_time", "check_sent", False),
    },
    "shift_leader": {
        "on_time_registration_rate": ("registered_on_time", "registered", False),
        "accurate_registration_rate": ("voided", "registered", True),
        "on_time_closure_review_rate": ("closed_on_time", "closed", False),
    },
    "dispatcher": {
        "on_time_dispatch_rate": ("dispatched_on_time", "dispatched", False),
        "accurate_dispatch_rate": ("wrongly_dispatched", "dispatched", True),
    },
}


def post_rates(post: str, counts: dict) -> dict:
    return {name: _rate(counts, *spec) for name, spec in POST_RATES[post].items()}


POST_LABELS = {
    "valid_report_rate": _("Valid report rate"),
    "missed_rate": _("Missed report rate"),
    "on_time_verification_rate": _("On-time verification rate"),
    "on_time_check_rate": _("On-time check rate"),
    "coverage_rate": _("Patrol coverage"),
    "on_time_intake_rate": _("On-time intake rate"),
    "check_sent_on_time_rate": _("Check tasks sent on time"),
    "on_time_registration_rate": _("On-time registration rate"),
    "accurate_registration_rate": _("Accurate registration rate"),
    "on_time_closure_review_rate": _("On-time closure review rate"),
    "on_time_dispatch_rate": _("On-time dispatch rate"),
    "accurate_dispatch_rate": _("Accurate dispatch rate"),
}
