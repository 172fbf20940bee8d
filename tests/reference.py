"""An independent reference implementation of the monthly indicators (domain spec §5, with its rules for the
edge cases), for the tests: a plain-Python replay of each case's event log up to the as-of time T. It reads
neither the ledger nor the steps nor the SQL definitions; the stage deadlines come from the working
calendar, the handling deadlines from the events that set them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from accounts.choices import OrgKind
from accounts.models import Organization
from cases.choices import SUPERVISOR_SOURCES, CaseState, Stage
from cases.models import Case, CaseEvent
from cases.services.core import World

S = CaseState


@dataclass
class Task:
    """A step someone must do by a deadline."""

    entered: dt.datetime
    deadline: dt.datetime | None
    unit: int | None = None
    sent_to: int | None = None
    sent_by: int | None = None  # for a unit's handling: who dispatched it there
    done_at: dt.datetime | None = None
    done_by: int | None = None
    outcome: str = ""
    extensions: int = 0
    hours: int = 0

    def end(self, at, by, outcome):
        self.done_at, self.done_by, self.outcome = at, by, outcome

    @property
    def open(self):
        return self.done_at is None

    @property
    def on_time(self):
        return self.done_at is not None and (self.deadline is None or self.done_at <= self.deadline)


@dataclass
class Replayed:
    """One case as of T."""

    case: Case
    state: str = ""
    intake: list[Task] = field(default_factory=list)
    verifications: list[Task] = field(default_factory=list)
    registrations: list[Task] = field(default_factory=list)
    dispatches: list[Task] = field(default_factory=list)  # at the center or a platform
    handling: list[Task] = field(default_factory=list)  # at a unit
    sending: list[Task] = field(default_factory=list)
    checks: list[Task] = field(default_factory=list)
    closures: list[Task] = field(default_factory=list)
    rulings: list[Task] = field(default_factory=list)  # disputes waiting for a ruling
    at_unit: bool = False
    ever_parked: bool = False
    reworks: int = 0
    wrongly: bool = False
    wrong_dispatchers: list[int] = field(default_factory=list)

    def open_tasks(self):
        every = (
            self.intake
            + self.verifications
            + self.registrations
            + self.dispatches
            + self.handling
            + self.sending
            + self.checks
            + self.closures
            + self.rulings
        )
        return [t for t in every if t.open]


def replay(case: Case, events: list[CaseEvent], as_of: dt.datetime, world: World, platforms: set[int]) -> Replayed:
    r = Replayed(case)
    stage = world.stage_deadline

    def last_open(tasks):
        return tasks[-1] if tasks and tasks[-1].open else None

    for e in events:
        if e.at > as_of:
            break
        a, at, by, d = e.action, e.at, e.actor_id, e.data
        r.state = e.to_state
        if a == "report":
            if e.to_state == S.REPORTED:
                r.intake.append(Task(at, stage(Stage.INTAKE, at)))
        elif a in ("accept", "send_verification", "not_accept"):
            r.intake[-1].end(at, by, a)
            if a == "accept":
                r.registrations.append(Task(at, stage(Stage.REGISTER, at)))
            elif a == "send_verification":
                r.verifications.append(Task(at, stage(Stage.VERIFY, at), sent_to=d.get("supervisor")))
        elif a == "verify":
            found = e.to_state == S.PENDING_REGISTRATION
            r.verifications[-1].end(at, by, "found" if found else "not_found")
            if found:
                r.registrations.append(Task(at, stage(Stage.REGISTER, at)))
        elif a in ("register", "not_register"):
            r.registrations[-1].end(at, by, a)
            if a == "register":
                r.dispatches.append(Task(at, stage(Stage.DISPATCH, at)))
        elif a == "dispatch":
            r.dispatches[-1].end(at, by, "dispatch")
            _arrive(r, at, by, d, platforms, stage)
        elif a == "redispatch":
            if r.at_unit:
                r.handling[-1].end(at, by, "redispatch")
            else:
                r.dispatches[-1].end(at, by, "redispatch")
            _arrive(r, at, by, d, platforms, stage)
        elif a == "return":
            for task in r.open_tasks():
                task.end(at, by, "returned")
            r.at_unit = False
            if d.get("disputed"):
                r.rulings.append(Task(at, stage(Stage.RULE, at)))
            else:
                r.dispatches.append(Task(at, stage(Stage.DISPATCH, at)))
        elif a == "flag_dispute":
            r.dispatches[-1].end(at, by, "disputed")
            r.rulings.append(Task(at, stage(Stage.RULE, at)))
        elif a == "rule":
            r.rulings[-1].end(at, by, "ruled")
            _arrive(r, at, by, d, platforms, stage)
        elif a == "approve_extension":
            task = r.handling[-1]
            task.deadline = dt.datetime.fromisoformat(d["deadline"])
            task.extensions += 1
            task.hours += d["hours"]
        elif a == "approve_park":
            r.handling[-1].end(at, by, "parked")
            r.ever_parked = True
        elif a == "resume":
            r.handling.append(_again(r.handling[-1], at, d))
        elif a == "handle":
            r.handling[-1].end(at, by, "handled")
            r.sending.append(Task(at, stage(Stage.SEND_CHECK, at)))
        elif a == "send_check":
            r.sending[-1].end(at, by, "send_check")
            r.checks.append(Task(at, stage(Stage.CHECK, at), sent_to=d.get("supervisor")))
        elif a == "check":
            fixed = e.to_state == S.PENDING_CLOSURE
            r.checks[-1].end(at, by, "fixed" if fixed else "not_fixed")
            if fixed:
                r.closures.append(Task(at, stage(Stage.CLOSE, at)))
            else:
                r.reworks += 1
                r.handling.append(_again(r.handling[-1], at, d))
        elif a == "close":
            r.closures[-1].end(at, by, "closed")
        elif a == "cancel":
            for task in r.open_tasks():
                task.end(at, by, "cancelled")
    return r


def _again(task: Task, at, d) -> Task:
    """The same unit handles the case again (rework, resumption): sent there by the same dispatcher."""
    return Task(at, dt.datetime.fromisoformat(d["deadline"]), unit=task.unit, sent_by=task.sent_by)


def _arrive(r: Replayed, at, by, d, platforms, stage):
    """The case reaches the unit or platform an event names."""
    if d["unit"] in platforms:
        r.at_unit = False
        r.dispatches.append(Task(at, stage(Stage.DISPATCH, at)))
        return
    previous = r.handling[-1] if r.handling else None
    if previous and previous.outcome == "returned" and previous.unit != d["unit"]:
        r.wrongly = True
        if previous.sent_by:
            r.wrong_dispatchers.append(previous.sent_by)
    r.at_unit = True
    r.handling.append(Task(at, dt.datetime.fromisoformat(d["deadline"]), unit=d["unit"], sent_by=by))


@dataclass
class Judged:
    """What §5 says of one case at T."""

    r: Replayed
    as_of: dt.datetime

    @property
    def cancelled(self):
        return self.r.state == S.CANCELLED

    @property
    def parked(self):
        return self.r.state == S.PARKED

    @property
    def unit(self):
        return self.r.handling[-1].unit if self.r.at_unit else None

    @property
    def registered(self):
        return any(t.outcome == "register" for t in self.r.registrations)

    @property
    def in_handling(self):
        dispatched = any(t.outcome == "dispatch" for t in self.r.dispatches)
        return dispatched and not self.cancelled and not self.parked

    @property
    def handled(self):
        return self.in_handling and bool(self.r.handling) and self.r.handling[-1].outcome == "handled"

    @property
    def handled_on_time(self):
        return self.handled and all(t.on_time for t in self.r.handling if t.outcome == "handled")

    @property
    def overdue(self):
        latest = self.r.handling[-1] if self.r.handling else None
        return (
            self.in_handling
            and self.r.at_unit
            and latest is not None
            and latest.open
            and latest.deadline is not None
            and latest.deadline < self.as_of
        )

    @property
    def due(self):
        return self.handled or self.overdue

    @property
    def own_extensions(self):
        return [t for t in self.r.handling if t.unit == self.unit and self.unit is not None]

    def counts(self) -> Counter:
        r, c = self.r, Counter()
        case = r.case
        c["reports"] = 1
        c["reports_supervisor" if case.source in SUPERVISOR_SOURCES else "reports_public"] = 1
        c["handled_on_spot"] = case.self_handled
        c["accepted"] = any(t.outcome in ("accept", "send_verification") for t in r.intake)
        verifications = [t for t in r.verifications if t.outcome != "cancelled"]
        if verifications:
            c["to_verify"] = 1
            c["verified"] = verifications[-1].outcome in ("found", "not_found")
            c["verified_on_time"] = c["verified"] and verifications[-1].on_time
        c["registered"] = self.registered
        c["registered_on_time"] = any(t.outcome == "register" and t.on_time for t in r.registrations)
        c["valid"] = self.registered and not self.cancelled
        c["voided"] = self.registered and self.cancelled
        if self.in_handling:
            c["dispatched"] = 1
            c["dispatched_on_time"] = all(t.on_time for t in r.dispatches if t.outcome in ("dispatch", "redispatch"))
            c["wrongly_dispatched"] = r.wrongly
            c["handled"] = self.handled
            c["handled_on_time"] = self.handled_on_time
            c["due_for_closure"] = self.due
            c["overdue_now"] = self.overdue
        if not self.cancelled and not self.parked:
            checks = [t for t in r.checks if t.outcome != "cancelled"]
            if checks:
                c["to_check"] = 1
                c["checked"] = checks[-1].outcome in ("fixed", "not_fixed")
                c["checked_on_time"] = c["checked"] and all(t.on_time for t in checks if not t.open)
        closed = r.state == S.CLOSED and not case.self_handled
        c["closed"] = closed
        c["closed_on_time"] = closed and self.handled_on_time
        if self.due:
            extensions = sum(t.extensions for t in self.own_extensions)
            c["reworked"] = r.reworks > 0
            c["rework_times"] = r.reworks
            c["extended"] = extensions > 0
            c["extension_times"] = extensions
            c["extension_hours"] = sum(t.hours for t in self.own_extensions)
        c["parked"] = self.parked or (self.due and r.ever_parked)
        return Counter({k: int(v) for k, v in c.items() if v})


def judge_all(cases, as_of: dt.datetime) -> list[Judged]:
    world = World()
    platforms = set(Organization.objects.filter(kind=OrgKind.DISTRICT_PLATFORM).values_list("pk", flat=True))
    events = defaultdict(list)
    for event in CaseEvent.objects.filter(case__in=cases).order_by("at", "pk"):
        events[event.case_id].append(event)
    return [
        Judged(replay(case, events[case.pk], as_of, world, platforms), as_of)
        for case in cases.select_related("category", "grid")
        if case.reported_at <= as_of
    ]


def in_due_cohort(j: Judged, first: dt.datetime, after: dt.datetime) -> bool:
    """The alternative cohort: closed in the period (on the spot too), or its latest handling deadline in it."""
    r = j.r
    if r.state == S.CLOSED:
        closed_at = r.closures[-1].done_at if r.closures else r.case.reported_at
        if first <= closed_at < after:
            return True
    latest = r.handling[-1] if r.handling else None
    return latest is not None and latest.deadline is not None and first <= latest.deadline < after


def object_counts(judged: list[Judged]) -> dict[str, dict]:
    """{object type: {object id: counts}} for the city, districts and units."""
    out: dict[str, dict] = {
        "city": defaultdict(Counter),
        "district": defaultdict(Counter),
        "unit": defaultdict(Counter),
    }
    for j in judged:
        counts = j.counts()
        out["city"][None] += counts
        out["district"][j.r.case.district_id] += counts
        if j.unit:
            out["unit"][j.unit] += counts
    return {kind: {k: dict(v) for k, v in rows.items()} for kind, rows in out.items()}


def metres(a, b) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (a.x, a.y, b.x, b.y))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def post_counts(judged: list[Judged], every_case) -> dict[str, dict]:
    """{post: {person: counts}}."""
    out: dict[str, dict] = {p: defaultdict(Counter) for p in ("supervisor", "intake", "shift_leader", "dispatcher")}
    supervisor_reports = [c for c in every_case if c.source in SUPERVISOR_SOURCES and c.location is not None]
    for j in judged:
        r, case = j.r, j.r.case
        if case.source in SUPERVISOR_SOURCES and case.reporter_id:
            out["supervisor"][case.reporter_id] += Counter(
                reports=1, registered=int(j.registered), valid=int(j.registered and not j.cancelled)
            )
        responsible = case.grid.supervisor_id if case.grid else None
        found = any(t.outcome == "found" for t in r.verifications)
        if case.source not in SUPERVISOR_SOURCES and responsible and found and not j.cancelled:
            near = any(
                other.reporter_id == responsible
                and other.category_id == case.category_id
                and case.reported_at - dt.timedelta(hours=24) <= other.reported_at <= case.reported_at
                and metres(other.location, case.location) <= 50
                for other in supervisor_reports
            )
            if not near:
                out["supervisor"][responsible]["missed"] += 1
        for tasks, name, done in (
            (r.verifications, "verif", ("found", "not_found")),
            (r.checks, "check", ("fixed", "not_fixed")),
        ):
            prefix = "verified" if name == "verif" else "checked"
            for t in tasks:
                if t.outcome == "cancelled":
                    continue
                person = t.sent_to or t.done_by
                if person is None:
                    continue
                finished = t.outcome in done
                out["supervisor"][person] += Counter(
                    {
                        ("to_verify" if name == "verif" else "to_check"): 1,
                        prefix: int(finished),
                        f"{prefix}_on_time": int(finished and t.on_time),
                    }
                )
        for t in r.intake:
            if t.outcome in ("accept", "send_verification"):
                out["intake"][t.done_by] += Counter(accepted=1, accepted_on_time=int(t.on_time))
        for t in r.sending:
            if t.outcome == "send_check":
                out["intake"][t.done_by] += Counter(check_sent=1, check_sent_on_time=int(t.on_time))
        for t in r.registrations:
            if t.outcome == "register":
                out["shift_leader"][t.done_by] += Counter(
                    registered=1, registered_on_time=int(t.on_time), voided=int(j.cancelled)
                )
        for t in r.closures:
            if t.outcome == "closed":
                out["shift_leader"][t.done_by] += Counter(closed=1, closed_on_time=int(t.on_time))
        for t in r.dispatches:
            if t.outcome in ("dispatch", "redispatch"):
                out["dispatcher"][t.done_by] += Counter(dispatched=1, dispatched_on_time=int(t.on_time))
        for person in r.wrong_dispatchers:
            out["dispatcher"][person]["wrongly_dispatched"] += 1
    return {post: {k: {n: v for n, v in c.items() if v} for k, c in rows.items() if k} for post, rows in out.items()}


POSTS = ("supervisor", "intake", "shift_leader", "dispatcher")
