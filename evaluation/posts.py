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


def post_counts(entries: QuerySet[LedgerEntry], as_of) -> Counts:
    """{post: {user id: counts}} for the cases whose versions at ``as_of`` are ``entries``."""
    rows: dict[str, dict[Any, dict[str, int]]] = {post: defaultdict(dict) for post in POSTS}
    registered, voided = Q(registered=True), Q(state=CaseState.CANCELLED)
    for row in (
        entries.filter(case__source__in=SUPERVISOR_SOURCES, case__reporter__isnull=False)
        .values("case__reporter")
        .annotate(
            reports=Count("pk"),
            valid=Count("pk", filter=registered & ~voided),
            registered=Count("pk", filter=registered),
        )
    ):
        rows["supervisor"][row.pop("case__reporter")] |= row
    for row in (
        entries.filter(found=True, missed_by__isnull=False).exclude(voided).values("missed_by").annotate(n=Count("pk"))
    ):
        rows["supervisor"][row["missed_by"]]["missed"] = row["n"]

    steps = CaseStep.objects.filter(case__in=entries.values("case"), entered_at__lte=as_of)
    done = Q(completed_at__lte=as_of)
    for stage, name, outcomes in (
        (Stage.VERIFY, "verif", (Outcome.FOUND, Outcome.NOT_FOUND)),
        (Stage.CHECK, "check", (Outcome.FIXED, Outcome.NOT_FIXED)),
    ):
        # due to the supervisor it was sent to (or, sent to the whole team, to whoever did it)
        due = steps.filter(stage=stage).exclude(done & Q(outcome=Outcome.CANCELLED))
        for row in (
            due.annotate(due_to=Coalesce("sent_to", Choose(When(done, then=F("person")))))
            .values("due_to")
            .annotate(
                n=Count("pk"),
                finished=Count("pk", filter=done & Q(outcome__in=outcomes)),
                on_time=Count("pk", filter=done & Q(outcome__in=outcomes, on_time=True)),
            )
        ):
            prefix = "verified" if stage == Stage.VERIFY else "checked"
            rows["supervisor"][row["due_to"]] |= {
                f"to_{name}y" if stage == Stage.VERIFY else "to_check": row["n"],
                prefix: row["finished"],
                f"{prefix}_on_time": row["on_time"],
            }

    def completed(post: str, stage: str, outcomes: tuple[str, ...], name: str, extra: Q | None = None) -> None:
        for row in (
            steps.filter(done, stage=stage, outcome__in=outcomes, person__isnull=False)
            .values("person")
            .annotate(
                n=Count("pk"),
                on_time=Count("pk", filter=Q(on_time=True)),
                **({"extra": Count("pk", filter=extra)} if extra else {}),
            )
        ):
            rows[post][row["person"]] |= {name: row["n"], f"{name}_on_time": row["on_time"]}
            if extra is not None:
                rows[post][row["person"]]["voided"] = row["extra"]

    completed("intake", Stage.INTAKE, (Outcome.ACCEPTED, Outcome.SENT_FOR_VERIFICATION), "accepted")
    completed("intake", Stage.SEND_CHECK, (Outcome.SENT_FOR_CHECK,), "check_sent")
    cancelled_cases = entries.filter(voided).values("case")
    completed("shift_leader", Stage.REGISTER, (Outcome.REGISTERED,), "registered", Q(case__in=cancelled_cases))
    completed("shift_leader", Stage.CLOSE, (Outcome.CLOSED,), "closed")
    completed("dispatcher", Stage.DISPATCH, (Outcome.DISPATCHED, Outcome.REDISPATCHED), "dispatched")
    for person, wrong in _wrong_dispatches(steps, as_of).items():
        rows["dispatcher"][person]["wrongly_dispatched"] = wrong
    return {post: {pk: dict(counts) for pk, counts in people.items() if pk} for post, people in rows.items()}


def _wrong_dispatches(steps: QuerySet[CaseStep], as_of) -> dict[int, int]:
    """Who sent each case to a unit that returned it, where the case then went to another unit by ``as_of``:
    the person of the latest dispatch or re-dispatch done by the time the unit's handling step began."""
    returned = steps.filter(stage=Stage.HANDLE, outcome=Outcome.RETURNED, completed_at__lte=as_of).values("case")
    path = (
        steps.filter(case__in=returned, stage__in=(Stage.HANDLE, Stage.DISPATCH))
        .order_by("case", "entered_at", "pk")
        .values_list("case", "stage", "organization", "entered_at", "completed_at", "outcome", "person")
    )
    by_case: dict[int, list[tuple]] = defaultdict(list)
    for step in path:
        by_case[step[0]].append(step)
    sending = (Outcome.DISPATCHED, Outcome.REDISPATCHED)
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
    "on_time_intake_rate": _("On-time intake rate"),
    "check_sent_on_time_rate": _("Check tasks sent on time"),
    "on_time_registration_rate": _("On-time registration rate"),
    "accurate_registration_rate": _("Accurate registration rate"),
    "on_time_closure_review_rate": _("On-time closure review rate"),
    "on_time_dispatch_rate": _("On-time dispatch rate"),
    "accurate_dispatch_rate": _("Accurate dispatch rate"),
}
