"""The case state machine (domain spec section 3), declared once.

Each action is one ``Transition``: the states it starts from and may lead to, the roles that may take
it, its typed inputs with their bounds, the kind of photo it takes, and a pure ``check`` of whether this
person may take it on this case now (the case's own assignment: holder unit, dispatching platform,
assigned supervisor, assigned person, a request waiting). ``cases.services.perform`` runs the check
before the action's handler; the case page and the API offer exactly the actions whose check passes;
the web form and the API serializer of each action are derived from its inputs.

Adding an action: declare it here, write its handler in ``cases/services`` with ``@handles``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from citymgmt.errors import Conflict
from classification.choices import Urgency

from .choices import OPEN_STATES, AttachmentKind, CaseState, ClosureType, PendingRequest

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Case, CaseEvent

S = CaseState
BEFORE_DISPATCH = (S.REPORTED, S.VERIFYING, S.PENDING_REGISTRATION, S.REGISTERED, S.RETURNED)
MAX_EXTENSION_HOURS = 720  # a month of natural hours [default]


class Action(models.TextChoices):
    REPORT = "report", _("Report")
    ACCEPT = "accept", _("Accept")
    SEND_VERIFICATION = "send_verification", _("Send for verification")
    NOT_ACCEPT = "not_accept", _("Do not accept")
    VERIFY = "verify", _("Verify")
    REGISTER = "register", _("Register")
    NOT_REGISTER = "not_register", _("Do not register")
    DISPATCH = "dispatch", _("Dispatch")
    REDISPATCH = "redispatch", _("Re-dispatch in the district")
    RETURN = "return", _("Return")
    ASSIGN = "assign", _("Assign to a person")
    HANDLE = "handle", _("Report handled")
    SEND_CHECK = "send_check", _("Send for check")
    CHECK = "check", _("Check")
    CLOSE = "close", _("Close")
    CANCEL = "cancel", _("Void")
    REQUEST_EXTENSION = "request_extension", _("Ask for extension")
    APPROVE_EXTENSION = "approve_extension", _("Approve extension")
    DENY_EXTENSION = "deny_extension", _("Deny extension")
    REQUEST_PARK = "request_park", _("Ask for postponement")
    APPROVE_PARK = "approve_park", _("Approve postponement")
    DENY_PARK = "deny_park", _("Deny postponement")
    RESUME = "resume", _("Resume")
    RELOCATE = "relocate", _("Correct the location")
    URGE = "urge", _("Urge")
    FLAG_DISPUTE = "flag_dispute", _("Declare disputed")
    STATE_POSITION = "state_position", _("State a position")
    RULE = "rule", _("Rule on responsibility")


def action_label(name: str) -> str:
    """An event's action as the people reading the case history call it (in their language)."""
    try:
        return str(Action(name).label)
    except ValueError:
        return name


class StepOutcome(models.TextChoices):
    """How a step of the case's path ended (``CaseStep.outcome``); the indicators read these."""

    ACCEPTED = "accept", _("Accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    SENT_FOR_VERIFICATION = "send_verification", _("Sent for verification")
    FOUND = "found", _("Found on site")
    NOT_FOUND = "not_found", _("Not found on site")
    REGISTERED = "register", _("Registered")
    NOT_REGISTERED = "not_registered", _("Not registered")
    DISPATCHED = "dispatch", _("Dispatched")
    REDISPATCHED = "redispatch", _("Re-dispatched")
    RETURNED = "returned", _("Returned")
    HANDLED = "handled", _("Handled")
    SENT_FOR_CHECK = "send_check", _("Sent for check")
    FIXED = "fixed", _("Fixed")
    NOT_FIXED = "not_fixed", _("Not fixed")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    PARKED = "parked", _("Postponed")
    RESUMED = "resumed", _("Resumed")
    DISPUTED = "disputed", _("Disputed")
    RULED = "ruled", _("Ruled on")


class RulingScope(models.TextChoices):
    """How far a ruling on responsibility (确权) reaches."""

    CASE = "case", _("This case only")
    RULE = "rule", _("This category in this area from now on")


# --- inputs ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Input:
    """One typed input of an action besides the note and photos. ``kind`` decides the web form field and
    the API field (``cases.forms``, ``cases.api.serializers``); the bounds are checked by both and again
    by the handler."""

    name: str
    kind: str  # unit, body, supervisor, person, category, boolean, integer, float, date, choice, text
    label: Promise
    required: bool = True
    minimum: float | None = None
    maximum: float | None = None
    choices: type[models.TextChoices] | None = None
    help_text: Promise | str = ""


UNIT = Input("unit", "unit", _("Responsible unit"), help_text=_("Handling unit or district platform id."))
SUPERVISOR = Input("supervisor", "supervisor", _("Supervisor"), required=False, help_text=_("Supervisor user id."))
HOURS = Input("hours", "integer", _("Hours"), minimum=1, maximum=MAX_EXTENSION_HOURS)
LONGITUDE = Input("longitude", "float", _("Longitude"), minimum=-180, maximum=180)
LATITUDE = Input("latitude", "float", _("Latitude"), minimum=-90, maximum=90)
RESPONSIBLE = Input(
    "responsible",
    "body",
    _("Responsible body"),
    required=False,
    help_text=_("Organization id of the body you hold responsible: the case becomes disputed."),
)


# --- who may take an action on a case now ---------------------------------------------------------------

Check = Callable[["User", "Case"], None]  # None, or raises PermissionDenied or Conflict


class NotNow(Conflict):
    """The case's situation does not allow the action now (HTTP 409), e.g. no request is waiting."""

    code = "not_now"


def anyone(actor: User, case: Case) -> None:
    """Role and scope are enough (the case is in the actor's scope, or it would not have been found)."""


def _deny(message: Promise | str) -> NoReturn:
    raise PermissionDenied(message)


def at_dispatching_platform(actor: User, case: Case) -> None:
    """The platform that dispatched the case decides on it: its district platform once it went there,
    else the city's dispatchers."""
    if case.platform_id is not None:
        if actor.organization_id != case.platform_id:
            _deny(_("Only the platform the case was sent to may decide this."))
    elif not actor.has_role(Role.DISPATCHER):
        _deny(_("Only the command center's dispatchers may decide on a case the city dispatched."))


def at_own_platform(actor: User, case: Case) -> None:
    """The actor works at the district platform the case was sent to."""
    if case.platform_id is None or actor.organization_id != case.platform_id:
        _deny(_("Only the platform the case was sent to may dispatch it again."))


def return_check(actor: User, case: Case) -> None:
    """A unit returns its own task; a district platform returns a case it holds back to the city."""
    if actor.has_role(Role.UNIT_OPERATOR) and case.state == S.DISPATCHED and case.assignee_id == actor.organization_id:
        return
    if (
        actor.has_role(Role.DISTRICT_OPERATOR)
        and case.platform_id == actor.organization_id
        and (case.assignee_id == actor.organization_id or case.state == S.RETURNED)
    ):
        return
    _deny(_("Only the unit holding the case, or the platform it was sent to, may return it."))


def unit_lead(actor: User, case: Case) -> None:
    """Anyone of the unit holding the case (who may name the person who handles it)."""
    if case.assignee_id is None or actor.organization_id != case.assignee_id:
        _deny(_("Only the unit holding the case may do this."))


def holding_unit(actor: User, case: Case) -> None:
    """The actor works at the unit holding the case, and is the person it was assigned to, if any."""
    unit_lead(actor, case)
    if case.handler_id is not None and case.handler_id != actor.pk:
        _deny(_("The case is assigned to another person of your unit."))


def unit_asking(actor: User, case: Case) -> None:
    holding_unit(actor, case)
    if case.pending_request:
        raise NotNow(_("A request is already waiting for approval."))


def sent_supervisor(actor: User, case: Case) -> None:
    """The supervisor the task was sent to; a task sent to no one in particular is any supervisor's."""
    if case.supervisor_id is not None and case.supervisor_id != actor.pk:
        _deny(_("This task was sent to another supervisor."))


def disputed(actor: User, case: Case) -> None:
    """The dispatching platform rules on a case in dispute."""
    at_dispatching_platform(actor, case)
    if case.disputed_since is None:
        raise NotNow(_("The case is not in dispute."))


def undisputed(actor: User, case: Case) -> None:
    """The dispatching platform, on a case not in dispute (a disputed case is ruled on, not dispatched)."""
    at_dispatching_platform(actor, case)
    if case.disputed_since is not None:
        raise NotNow(_("The case is in dispute: rule on who is responsible."))


def party(actor: User, case: Case) -> None:
    """While a case is in dispute, the unit that returned it and the platform it waits at state positions."""
    if case.disputed_since is None:
        raise NotNow(_("The case is not in dispute."))
    if actor.organization_id not in (case.assignee_id, case.platform_id) and not actor.has_role(Role.DISTRICT_OPERATOR):
        _deny(_("Only the parties to the dispute state positions."))


def deciding_on(kind: str) -> Check:
    def check(actor: User, case: Case) -> None:
        at_dispatching_platform(actor, case)
        if case.pending_request != kind:
            raise NotNow(_("No such request is waiting."))

    check.__doc__ = f"The dispatching platform decides on a waiting {kind} request."
    return check


# --- the table --------------------------------------------------------------------------------------------

CENTER_DISPATCH = (Role.DISPATCHER, Role.DISTRICT_OPERATOR)
REPORTERS = (
    Role.SUPERVISOR,
    Role.INTAKE_OPERATOR,
    Role.SHIFT_LEADER,
    Role.DISPATCHER,
    Role.DISTRICT_OPERATOR,
    Role.LEADER,
)
A = Action


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: tuple[CaseState, ...]
    targets: tuple[CaseState, ...]
    roles: tuple[Role, ...]
    inputs: tuple[Input, ...] = ()
    check: Check = anyone
    photo_kind: AttachmentKind = AttachmentKind.OTHER
    note_required: bool = False

    @property
    def label(self) -> Promise:
        return self.action.label

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.inputs)

    def allows(self, actor: User, case: Case) -> bool:
        """What the page and the API offer: the state, the role and the check all fit."""
        if case.state not in self.sources or not actor.has_role(*self.roles):
            return False
        try:
            self.check(actor, case)
        except (PermissionDenied, Conflict):
            return False
        return True


_TABLE = [
    Transition(A.REPORT, (), (S.REPORTED, S.CLOSED), REPORTERS, photo_kind=AttachmentKind.BEFORE),
    Transition(A.ACCEPT, (S.REPORTED,), (S.PENDING_REGISTRATION,), (Role.INTAKE_OPERATOR,)),
    Transition(A.SEND_VERIFICATION, (S.REPORTED,), (S.VERIFYING,), (Role.INTAKE_OPERATOR,), (SUPERVISOR,)),
    Transition(A.NOT_ACCEPT, (S.REPORTED,), (S.NOT_ACCEPTED,), (Role.INTAKE_OPERATOR,), note_required=True),
    Transition(
        A.VERIFY,
        (S.VERIFYING,),
        (S.PENDING_REGISTRATION, S.NOT_REGISTERED),
        (Role.SUPERVISOR,),
        (Input("found", "boolean", _("Found on site?")),),
        sent_supervisor,
        AttachmentKind.BEFORE,
    ),
    Transition(
        A.REGISTER,
        (S.PENDING_REGISTRATION,),
        (S.REGISTERED,),
        (Role.SHIFT_LEADER,),
        (
            Input("category", "category", _("Category"), required=False),
            Input("urgency", "choice", _("Urgency"), required=False, choices=Urgency),
        ),
    ),
    Transition(
        A.NOT_REGISTER, (S.PENDING_REGISTRATION,), (S.NOT_REGISTERED,), (Role.SHIFT_LEADER,), note_required=True
    ),
    Transition(A.DISPATCH, (S.REGISTERED, S.RETURNED), (S.DISPATCHED,), CENTER_DISPATCH, (UNIT,), undisputed),
    Transition(A.REDISPATCH, (S.DISPATCHED,), (S.DISPATCHED,), (Role.DISTRICT_OPERATOR,), (UNIT,), at_own_platform),
    Transition(
        A.RETURN,
        (S.DISPATCHED, S.RETURNED),
        (S.RETURNED,),
        (Role.UNIT_OPERATOR, Role.DISTRICT_OPERATOR),
        (RESPONSIBLE,),
        check=return_check,
        note_required=True,
    ),
    Transition(A.FLAG_DISPUTE, (S.RETURNED,), (S.RETURNED,), CENTER_DISPATCH, check=undisputed, note_required=True),
    Transition(
        A.STATE_POSITION,
        (S.RETURNED,),
        (S.RETURNED,),
        (Role.UNIT_OPERATOR, Role.DISTRICT_OPERATOR),
        check=party,
        photo_kind=AttachmentKind.DOCUMENT,
        note_required=True,
    ),
    Transition(
        A.RULE,
        (S.RETURNED,),
        (S.DISPATCHED,),
        CENTER_DISPATCH,
        (
            Input("unit", "unit", _("Responsible unit"), help_text=_("Handling unit id.")),
            Input("scope", "choice", _("Scope of the ruling"), choices=RulingScope),
            Input("basis", "text", _("Legal or administrative basis"), required=False),
        ),
        disputed,
        photo_kind=AttachmentKind.DOCUMENT,
        note_required=True,
    ),
    Transition(
        A.ASSIGN,
        (S.DISPATCHED,),
        (S.DISPATCHED,),
        (Role.UNIT_OPERATOR,),
        (Input("person", "person", _("Person"), help_text=_("User id of a person of the responsible unit.")),),
        unit_lead,
    ),
    Transition(
        A.HANDLE,
        (S.DISPATCHED,),
        (S.HANDLED,),
        (Role.UNIT_OPERATOR,),
        check=holding_unit,
        photo_kind=AttachmentKind.AFTER,
        note_required=True,
    ),
    Transition(A.SEND_CHECK, (S.HANDLED,), (S.CHECKING,), (Role.INTAKE_OPERATOR,), (SUPERVISOR,)),
    Transition(
        A.CHECK,
        (S.CHECKING,),
        (S.PENDING_CLOSURE, S.DISPATCHED),
        (Role.SUPERVISOR,),
        (Input("fixed", "boolean", _("Fixed?")),),
        sent_supervisor,
        AttachmentKind.AFTER,
    ),
    Transition(
        A.CLOSE,
        (S.PENDING_CLOSURE,),
        (S.CLOSED,),
        (Role.SHIFT_LEADER,),
        (Input("closure_type", "choice", _("Closure type"), required=False, choices=ClosureType),),
    ),
    Transition(A.CANCEL, OPEN_STATES, (S.CANCELLED,), (Role.SHIFT_LEADER,), note_required=True),
    Transition(
        A.REQUEST_EXTENSION,
        (S.DISPATCHED,),
        (S.DISPATCHED,),
        (Role.UNIT_OPERATOR,),
        (HOURS,),
        unit_asking,
        note_required=True,
    ),
    Transition(
        A.APPROVE_EXTENSION,
        (S.DISPATCHED,),
        (S.DISPATCHED,),
        CENTER_DISPATCH,
        (Input("hours", "integer", _("Hours"), required=False, minimum=1, maximum=MAX_EXTENSION_HOURS),),
        deciding_on(PendingRequest.EXTENSION),
    ),
    Transition(
        A.DENY_EXTENSION, (S.DISPATCHED,), (S.DISPATCHED,), CENTER_DISPATCH, check=deciding_on(PendingRequest.EXTENSION)
    ),
    Transition(
        A.REQUEST_PARK,
        (S.DISPATCHED,),
        (S.DISPATCHED,),
        (Role.UNIT_OPERATOR,),
        (Input("until", "date", _("Review on")),),
        unit_asking,
        note_required=True,
    ),
    Transition(A.APPROVE_PARK, (S.DISPATCHED,), (S.PARKED,), CENTER_DISPATCH, check=deciding_on(PendingRequest.PARK)),
    Transition(A.DENY_PARK, (S.DISPATCHED,), (S.DISPATCHED,), CENTER_DISPATCH, check=deciding_on(PendingRequest.PARK)),
    Transition(A.RESUME, (S.PARKED,), (S.DISPATCHED,), CENTER_DISPATCH, check=at_dispatching_platform),
    Transition(
        A.RELOCATE,
        BEFORE_DISPATCH,
        BEFORE_DISPATCH,
        (Role.INTAKE_OPERATOR, Role.SHIFT_LEADER, Role.DISPATCHER),
        (LONGITUDE, LATITUDE),
    ),
    Transition(A.URGE, OPEN_STATES, OPEN_STATES, (Role.LEADER, Role.DISPATCHER, Role.SHIFT_LEADER), note_required=True),
]
TRANSITIONS: dict[str, Transition] = {t.action.value: t for t in _TABLE}
ACTIONS = tuple(a for a in TRANSITIONS if a != Action.REPORT)
assert set(TRANSITIONS) == set(Action.values), "every action is declared once"


def available_transitions(actor: User, case: Case) -> list[Transition]:
    """The actions ``actor`` may take on ``case`` now: the same test ``perform`` applies before acting."""
    return [t for action, t in TRANSITIONS.items() if action != Action.REPORT and t.allows(actor, case)]


class IllegalTransition(Conflict):
    """The action cannot be taken in the case's current state (HTTP 409)."""

    code = "illegal_transition"

    def __init__(self, action: str, state: str):
        self.action, self.state = action, state
        super().__init__(f"{action} is not allowed in state {state}")

    @property
    def message(self) -> str:
        return _("“%(action)s” is not possible: the case is now “%(state)s”.") % {
            "action": TRANSITIONS[self.action].label if self.action in TRANSITIONS else self.action,
            "state": CaseState(self.state).label,
        }


def replay(events: Iterable[CaseEvent]) -> str:
    """The state a sequence of events leads to; raises if an event does not start where the last ended."""
    state = ""
    for event in events:
        if event.from_state != state:
            raise ValueError(f"event {event.pk} starts from {event.from_state!r}, not {state!r}")
        if event.action in TRANSITIONS and event.to_state not in TRANSITIONS[event.action].targets:
            raise ValueError(f"event {event.pk}: {event.action} cannot lead to {event.to_state}")
        state = event.to_state
    return state
