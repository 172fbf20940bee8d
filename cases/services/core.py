"""The executor of the state machine: ``perform``, the ``Move`` a handler works on, and what handlers share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import directory
from accounts.choices import Role
from accounts.models import Organization, User
from accounts.scope import in_scope
from citymgmt import rows
from citymgmt.memo import Memo
from citymgmt.text import printable
from classification import catalogue
from notifications.realtime import announce
from notifications.services import notify

from .. import ledger
from ..attachments import store_photos
from ..choices import PendingRequest, Stage
from ..models import Case, CaseEvent, CaseStep, StageLimit
from ..reference import DEFAULT_STAGE_LIMITS
from ..workflow import TRANSITIONS, Action, IllegalTransition, StepOutcome, Transition
from ..worktime import current_calendar

# --- reading with a permission check --------------------------------------------------------------------


def access_case(actor: User, case_id: int, *, lock: bool = False) -> Case:
    """The case if ``actor`` may see it (404 otherwise, so that other areas' cases are not even confirmed).
    The case's category and organizations come from the process's directories, not from joins."""
    key = _case_key(case_id)
    found: list[Case] = (LOCKED_CASE if lock else CASE)(key) if key is not None else []
    case = found[0] if found else None
    if case is None or not Case.objects.shows(actor, case):
        raise Http404(_("No such case in your area."))
    if category := catalogue.categories().get(case.category_id):  # else read when needed (one made just now)
        case.category = category
    from_directory(case, "district", "street", "assignee", "platform")
    return case


CASE = rows.Compiled(lambda: Case.objects.filter(pk=0))
LOCKED_CASE = rows.Compiled(lambda: Case.objects.select_for_update().filter(pk=0))
STEPS = rows.Compiled(lambda: CaseStep.objects.filter(case_id=0).order_by("entered_at", "pk"))


def _case_key(value: object) -> int | None:
    """A case's primary key as given in a URL, a form or a call; None where it cannot be one."""
    try:
        key = int(value)  # type: ignore[call-overload]
    except (ValueError, TypeError):
        return None
    return key if 0 < key < 2**63 else None


def steps_of(case: Case) -> list[CaseStep]:
    """Every step of ``case``, oldest first, each knowing its case."""
    steps = STEPS(case.pk)
    for step in steps:
        step.case = case
    return steps


def from_directory(case: Case, *names: str) -> None:
    """Set the case's named organizations from the process's organization tree (no query)."""
    for name in names:
        setattr(case, name, directory.organization(getattr(case, f"{name}_id")))


# --- what handlers look up besides the case ---------------------------------------------------------------

STAGE_LIMITS = Memo(
    lambda: (
        DEFAULT_STAGE_LIMITS
        | {stage: (amount, unit) for stage, amount, unit in StageLimit.objects.values_list("stage", "amount", "unit")}
    ),
    StageLimit,
)


class World:
    """The command center, the stage limits and the working calendar, looked up once: ``perform`` makes one
    per action, the demo generator one for a whole history."""

    def __init__(self) -> None:
        self.calendar = current_calendar()

    @cached_property
    def center(self) -> Organization | None:
        return directory.tree().command_center()

    @cached_property
    def stage_limits(self) -> dict[str, tuple[int, str]]:
        return STAGE_LIMITS()

    def stage_deadline(self, stage: str, start: dt.datetime) -> dt.datetime:
        return self.calendar.deadline(start, *self.stage_limits[stage])

    def handling_deadline(self, case: Case, start: dt.datetime) -> dt.datetime:
        return self.calendar.deadline(start, case.category.limit_amount, case.category.limit_unit)


M = TypeVar("M", bound=models.Model)
Notice = tuple[Organization | None, User | None, str, str]  # organization, user, kind, message

# --- the move: what one transition does to the case -------------------------------------------------------


@dataclass
class Move:
    """One action on one case, decided in memory: the handler changes the case and its steps here, and
    ``persist`` (one case, inside ``perform``) or the demo generator (many, in bulk) writes the result."""

    case: Case
    actor: User
    action: str
    now: dt.datetime
    world: World
    steps: list[CaseStep]  # every step of the case so far, oldest first
    role: str = ""
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    photos: list[Any] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    opened: list[CaseStep] = field(default_factory=list)  # steps this move added
    changed: list[CaseStep] = field(default_factory=list)  # earlier steps this move completed or moved
    later: list[Callable[[CaseEvent], None]] = field(default_factory=list)  # writes that refer to the event
    was: ledger.Before | None = None  # the case's ledger facts before the move (none before the report)
    stored: list[Any] = field(default_factory=list)  # the photos' attachments, once written
    loaded: dict[str, Any] | None = None  # the case's fields as read (``rows.snapshot``); None for a new case

    def enter(
        self,
        stage: str,
        organization: Organization | None,
        deadline: dt.datetime | None,
        outcome: StepOutcome | None = None,
    ) -> None:
        """Complete the open steps and open the next one; the case's stage deadline follows it. A step ends
        in the action's own outcome unless another is given."""
        self.complete_steps(outcome or self.action)
        step = CaseStep(case=self.case, stage=stage, organization=organization, entered_at=self.now, deadline=deadline)
        self.steps.append(step)
        self.opened.append(step)
        self.case.stage_deadline = deadline
        self.case.is_overdue = deadline is not None and deadline <= self.now
        if stage == Stage.HANDLE and deadline is not None:  # the event says which deadline the unit got
            self.data["deadline"] = stamp(deadline)

    def finish(self, outcome: StepOutcome) -> None:
        """The case leaves the path (closed or voided): no step is open, no deadline runs."""
        self.complete_steps(outcome)
        self.case.stage_deadline, self.case.is_overdue = None, False

    def open_steps(self, stage: str | None = None) -> list[CaseStep]:
        return [s for s in self.steps if s.completed_at is None and stage in (None, s.stage)]

    def complete_steps(self, outcome: str) -> None:
        for step in self.open_steps():
            step.completed_at, step.person, step.outcome = self.now, self.actor, StepOutcome(outcome)
            step.on_time = None if step.deadline is None else self.now <= step.deadline
            self.touch(step)

    def drop_request(self) -> None:
        """A request waiting for the dispatcher lapses: the unit handled the case, returned it, or lost it."""
        self.case.pending_request, self.case.requested_hours, self.case.requested_until = PendingRequest.NONE, 0, None

    def touch(self, step: CaseStep) -> None:
        if step not in self.opened and step not in self.changed:
            self.changed.append(step)

    def notify(self, organization: Organization | None, kind: str, message: str, user: User | None = None) -> None:
        self.notices.append((organization, user, kind, message))

    def event(self, from_state: str) -> CaseEvent:
        """The immutable record of this move (not saved)."""
        return CaseEvent(
            case=self.case,
            action=self.action,
            actor=self.actor,
            actor_role=self.role,
            actor_organization_id=self.actor.organization_id if self.actor else None,
            at=self.now,
            from_state=from_state,
            to_state=self.case.state,
            note=self.note,
            data=self.data,
        )


STEP_CHANGES = ["completed_at", "person", "outcome", "on_time", "deadline", "extensions", "extension_hours"]


def persist(move: Move, from_state: str) -> CaseEvent:
    """Write one decided move: the case, its steps, the event, the photos; notices go out after commit. One
    hand-written statement a row (``citymgmt.rows``), sent together: this is the busiest write path."""
    if move.case.pk is None:
        rows.insert(move.case)  # the rest refers to its key (a report reserves it: ``numbering.number_and_key``)
    event = move.event(from_state)
    with rows.together():  # on PostgreSQL, one round trip
        if move.case._state.adding:
            rows.insert(move.case)
        elif move.loaded is not None:
            rows.update(move.case, rows.changed(move.case, move.loaded))  # only what the move changed
        for step in move.changed:
            rows.update(step, STEP_CHANGES)
        for step in move.opened:
            rows.insert(step)
        rows.insert(event)
        ledger.record(move.case, move.steps, move.now, was=move.was, missed_by_id=move.data.get("missed_by"))
        for organization, user, kind, message in move.notices:
            notify(case=move.case, organization=organization, user=user, kind=kind, message=message)
    for write in move.later:  # these refer to the event's key
        write(event)
    if move.photos:
        move.stored = store_photos(move.case, event, move.photos, move.actor)
    transaction.on_commit(partial(announce, move.case, move.action))  # the wall screens
    return event


def acting_role(actor: User, roles: Iterable[str]) -> str:
    for role in roles:
        if actor.has_role(role):
            return str(role)
    raise PermissionDenied(_("Your role may not do this."))


# --- the handlers' registry and the executor -----------------------------------------------------------------

Handler = Callable[..., str]  # (move, **inputs) → the state the case goes to
HANDLERS: dict[str, Handler] = {}


def handles(action: Action) -> Callable[[Handler], Handler]:
    """Register the handler of a declared action (``cases.workflow``)."""

    def register(handler: Handler) -> Handler:
        assert action in TRANSITIONS and action not in HANDLERS, action
        HANDLERS[action] = handler
        return handler

    return register


def authorize(transition: Transition, actor: User, case: Case) -> str:
    """Raise unless ``actor`` may take ``transition`` on ``case`` now (the same test the page and the API use
    to offer it); returns the role the actor acts in."""
    if case.state not in transition.sources:
        raise IllegalTransition(transition.action, case.state)
    role = acting_role(actor, transition.roles)
    transition.check(actor, case)
    return role


def decide(move: Move, **params: Any) -> str:
    """Everything the state machine decides about one action, in memory: who may, the note, the handler.
    Returns the state the case was in; the case holds the new one."""
    transition = TRANSITIONS[move.action]
    move.role = authorize(transition, move.actor, move.case)
    move.note = printable(move.note).strip()
    if transition.note_required and not move.note:
        raise ValidationError({"note": _("Give a reason.")})
    from_state = move.case.state
    move.case.state = HANDLERS[move.action](move, **params)
    return from_state


def perform(
    *,
    case_id: int,
    action: str,
    actor: User,
    now: dt.datetime | None = None,
    note: str = "",
    photos: Iterable[Any] = (),
    client_key: str = "",
    **params: Any,
) -> Case:
    """Take ``action`` on a case. Raises Http404, PermissionDenied, a Conflict (IllegalTransition, NotNow)
    or ValidationError; on any of them nothing is written. A ``client_key`` this actor already used on this
    case (a retried submission from a phone's queue) takes nothing and returns the case as it is."""
    if action not in TRANSITIONS or action == Action.REPORT:
        raise ValidationError(_("Unknown action “%(action)s”.") % {"action": action})
    with transaction.atomic():
        case = access_case(actor, case_id, lock=True)
        if client_key and already_taken(case, actor, client_key):
            return case
        move = Move(
            case=case,
            actor=actor,
            action=action,
            now=now or timezone.now(),
            world=World(),
            steps=steps_of(case),
            note=note,
            photos=list(photos),
            loaded=rows.snapshot(case),
        )
        if client_key:
            move.data["client_key"] = client_key
        move.was = ledger.before(case, move.steps)
        persist(move, decide(move, **params))
    return case


def already_taken(case: Case, actor: User, client_key: str) -> bool:
    return case.events.filter(actor=actor, data__client_key=client_key).exists()


# --- what handlers share --------------------------------------------------------------------------------------


def fetch(model: type[M], value: object, field_name: str, message: str) -> M:
    """An active ``model`` given itself or by primary key; otherwise a ``ValidationError`` on the field."""
    if isinstance(value, model):
        return value
    try:
        found: M = model._default_manager.get(pk=value, is_active=True)
        return found
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise ValidationError({field_name: message}) from None


def stamp(moment: dt.datetime) -> str:
    """A time in an event's details: local ISO 8601, the same whether it came from memory or the database."""
    return timezone.localtime(moment).isoformat()


def when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def dispatcher_org(m: Move) -> Organization | None:
    """Who dispatches the case now: its district platform once it went there, else the command center."""
    return m.case.platform or m.world.center


def supervisor(value: object, case: Case) -> User | None:
    if value in (None, ""):
        return None
    user = fetch(User, value, "supervisor", _("Unknown supervisor."))
    if not user.has_role(Role.SUPERVISOR) or not in_scope(user, case.district):
        raise ValidationError({"supervisor": _("Choose a supervisor who works in the case's area.")})
    return user


def sent_to_supervisor(m: Move, value: object, stage: Stage, message: str) -> None:
    """Open a verification or check step for the chosen supervisor (or any of the area) and tell them."""
    m.case.supervisor = supervisor(value, m.case) or (m.case.supervisor if stage == Stage.CHECK else None)
    team = m.case.supervisor.organization if m.case.supervisor else None
    m.enter(stage, team, m.world.stage_deadline(stage, m.now))
    m.opened[-1].sent_to = m.case.supervisor  # the step is due to them (their post's indicators)
    if m.case.supervisor:
        m.data["supervisor"] = m.case.supervisor.pk
        m.notify(None, "task", message % {"number": m.case.number}, m.case.supervisor)


def check_handlers() -> None:
    """Every declared action but the report has exactly one handler (called once the stage modules loaded)."""
    missing = set(TRANSITIONS) - {Action.REPORT} - set(HANDLERS)
    assert not missing, f"actions without a handler: {sorted(missing)}"
