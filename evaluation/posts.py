"""Indicators of the center's posts and the supervisors, per person (domain spec §5, evaluation objects).

Each count is over the steps the person completed (the state machine records who completed each step),
for cases in the snapshot's cohort, as of its computation time:
- supervisor: reports made, of which valid; verifications and checks done, and on time; missed reports
  (verified public reports in the grids of their responsibility grid);
- intake operator: reports taken in (accepted or sent for verification) and on time; check tasks sent, on time;
- shift leader: registrations approved and on time, of which voided later; closures approved and on time;
- dispatcher: dispatches and on time; wrong dispatches (the unit returned the case it was sent).
"""

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from cases.choices import SUPERVISOR_SOURCES, CaseState, Stage
from cases.models import CaseEvent, CaseStep
from cases.workflow import Action, StepOutcome

POSTS = ("supervisor", "intake", "shift_leader", "dispatcher")


def _steps(cases, as_of, stage, outcomes=None):
    steps = CaseStep.objects.filter(case__in=cases, stage=stage, completed_at__lte=as_of, person__isnull=False)
    if outcomes:
        steps = steps.filter(outcome__in=outcomes)
    return {
        row["person"]: (row["n"], row["on_time"])
        for row in steps.values("person").annotate(n=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)))
    }


def post_counts(cases, as_of) -> dict[str, dict[int, dict[str, int]]]:
    """{post: {user id: counts}}."""
    rows: dict[str, dict[int, dict[str, int]]] = {post: defaultdict(dict) for post in POSTS}
    registered = Q(Exists(CaseEvent.objects.filter(case=OuterRef("pk"), action=Action.REGISTER)))
    valid = registered & ~Q(state__in=(CaseState.NOT_ACCEPTED, CaseState.NOT_REGISTERED, CaseState.CANCELLED))
    for row in (
        cases.filter(source__in=SUPERVISOR_SOURCES, reporter__isnull=False)
        .values("reporter")
        .annotate(reports=Count("pk"), valid=Count("pk", filter=valid), registered=Count("pk", filter=registered))
    ):
        rows["supervisor"][row["reporter"]] |= {k: row[k] for k in ("reports", "valid", "registered")}
    found = Exists(CaseStep.objects.filter(case=OuterRef("pk"), stage=Stage.VERIFY, outcome=StepOutcome.FOUND))
    for row in (
        cases.exclude(source__in=SUPERVISOR_SOURCES)
        .filter(found, grid__supervisor__isnull=False)
        .values("grid__supervisor")
        .annotate(missed=Count("pk"))
    ):
        rows["supervisor"][row["grid__supervisor"]]["missed"] = row["missed"]
    for stage, prefix in ((Stage.VERIFY, "verified"), (Stage.CHECK, "checked")):
        for person, (n, on_time) in _steps(cases, as_of, stage).items():
            rows["supervisor"][person] |= {prefix: n, f"{prefix}_on_time": on_time}
    taken_in = (StepOutcome.ACCEPTED, StepOutcome.SENT_FOR_VERIFICATION)
    for person, (n, on_time) in _steps(cases, as_of, Stage.INTAKE, taken_in).items():
        rows["intake"][person] |= {"accepted": n, "accepted_on_time": on_time}
    for person, (n, on_time) in _steps(cases, as_of, Stage.SEND_CHECK, (StepOutcome.SENT_FOR_CHECK,)).items():
        rows["intake"][person] |= {"check_sent": n, "check_sent_on_time": on_time}
    for person, (n, on_time) in _steps(cases, as_of, Stage.REGISTER, (StepOutcome.REGISTERED,)).items():
        rows["shift_leader"][person] |= {"registered": n, "registered_on_time": on_time}
    for row in (
        CaseEvent.objects.filter(case__in=cases, action=Action.REGISTER, at__lte=as_of, case__state=CaseState.CANCELLED)
        .values("actor")
        .annotate(n=Count("pk"))
    ):
        rows["shift_leader"][row["actor"]]["voided"] = row["n"]
    for person, (n, on_time) in _steps(cases, as_of, Stage.CLOSE, (StepOutcome.CLOSED,)).items():
        rows["shift_leader"][person] |= {"closed": n, "closed_on_time": on_time}
    for person, (n, on_time) in _steps(cases, as_of, Stage.DISPATCH, (StepOutcome.DISPATCHED,)).items():
        rows["dispatcher"][person] |= {"dispatched": n, "dispatched_on_time": on_time}
    for actor, wrong in _wrong_dispatches(cases, as_of).items():
        rows["dispatcher"][actor]["wrongly_dispatched"] = wrong
    return {post: {pk: dict(counts) for pk, counts in people.items() if pk} for post, people in rows.items()}


def _wrong_dispatches(cases, as_of) -> dict[int, int]:
    """Who sent each returned case to the unit that returned it (the dispatch just before the return)."""
    sender = (
        CaseEvent.objects.filter(case=OuterRef("case"), action=Action.DISPATCH, at__lte=OuterRef("at"))
        .order_by("-at", "-pk")
        .values("actor")[:1]
    )
    returns = CaseEvent.objects.filter(case__in=cases, action=Action.RETURN, at__lte=as_of).annotate(
        dispatcher=Subquery(sender)
    )
    return {
        row["dispatcher"]: row["n"] for row in returns.values("dispatcher").annotate(n=Count("pk")) if row["dispatcher"]
    }


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
        "on_time_verification_rate": ("verified_on_time", "verified", False),
        "on_time_check_rate": ("checked_on_time", "checked", False),
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
