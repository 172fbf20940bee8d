"""The case state machine: the one table of every action, the states it starts from, the states it may
lead to and the roles that may take it (domain spec section 3). ``cases.services.perform`` is the only
code that changes a case's state, and it consults this table first."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role

from .choices import OPEN_STATES, CaseState

S = CaseState
CENTER_DISPATCH = (Role.DISPATCHER, Role.DISTRICT_OPERATOR)
BEFORE_DISPATCH = (S.REPORTED, S.VERIFYING, S.PENDING_REGISTRATION, S.REGISTERED, S.RETURNED)


@dataclass(frozen=True)
class Transition:
    action: str
    label: Promise
    sources: tuple[CaseState, ...]
    targets: tuple[CaseState, ...]
    roles: tuple[Role, ...]
    params: tuple[str, ...] = ()  # inputs besides the note and photos; the service validates them


_TABLE = [
    Transition("report", _("Report"), (), (S.REPORTED, S.CLOSED),
               (Role.SUPERVISOR, Role.INTAKE_OPERATOR, Role.SHIFT_LEADER, Role.DISPATCHER, Role.DISTRICT_OPERATOR,
                Role.LEADER)),
    Transition("accept", _("Accept"), (S.REPORTED,), (S.PENDING_REGISTRATION,), (Role.INTAKE_OPERATOR,)),
    Transition("send_verification", _("Send for verification"), (S.REPORTED,), (S.VERIFYING,),
               (Role.INTAKE_OPERATOR,), ("supervisor",)),
    Transition("not_accept", _("Do not accept"), (S.REPORTED,), (S.NOT_ACCEPTED,), (Role.INTAKE_OPERATOR,)),
    Transition("verify", _("Verify"), (S.VERIFYING,), (S.PENDING_REGISTRATION, S.NOT_REGISTERED), (Role.SUPERVISOR,),
               ("found",)),
    Transition("register", _("Register"), (S.PENDING_REGISTRATION,), (S.REGISTERED,), (Role.SHIFT_LEADER,),
               ("category", "urgency")),
    Transition("not_register", _("Do not register"), (S.PENDING_REGISTRATION,), (S.NOT_REGISTERED,),
               (Role.SHIFT_LEADER,)),
    Transition("dispatch", _("Dispatch"), (S.REGISTERED, S.RETURNED), (S.DISPATCHED,), CENTER_DISPATCH,
               ("unit",)),
    Transition("redispatch", _("Re-dispatch in the district"), (S.DISPATCHED,), (S.DISPATCHED,),
               (Role.DISTRICT_OPERATOR,), ("unit",)),
    Transition("return", _("Return"), (S.DISPATCHED, S.RETURNED), (S.RETURNED,),
               (Role.UNIT_OPERATOR, Role.DISTRICT_OPERATOR)),
    Transition("assign", _("Assign to a person"), (S.DISPATCHED,), (S.DISPATCHED,), (Role.UNIT_OPERATOR,),
               ("person",)),
    Transition("handle", _("Report handled"), (S.DISPATCHED,), (S.HANDLED,), (Role.UNIT_OPERATOR,)),
    Transition("send_check", _("Send for check"), (S.HANDLED,), (S.CHECKING,), (Role.INTAKE_OPERATOR,),
               ("supervisor",)),
    Transition("check", _("Check"), (S.CHECKING,), (S.PENDING_CLOSURE, S.DISPATCHED), (Role.SUPERVISOR,),
               ("fixed",)),
    Transition("close", _("Close"), (S.PENDING_CLOSURE,), (S.CLOSED,), (Role.SHIFT_LEADER,),
               ("closure_type",)),
    Transition("cancel", _("Void"), OPEN_STATES, (S.CANCELLED,), (Role.SHIFT_LEADER,)),
    Transition("request_extension", _("Ask for extension"), (S.DISPATCHED,), (S.DISPATCHED,), (Role.UNIT_OPERATOR,),
               ("hours",)),
    Transition("approve_extension", _("Approve extension"), (S.DISPATCHED,), (S.DISPATCHED,), CENTER_DISPATCH,
               ("hours",)),
    Transition("deny_extension", _("Deny extension"), (S.DISPATCHED,), (S.DISPATCHED,), CENTER_DISPATCH),
    Transition("request_park", _("Ask for postponement"), (S.DISPATCHED,), (S.DISPATCHED,), (Role.UNIT_OPERATOR,),
               ("until",)),
    Transition("approve_park", _("Approve postponement"), (S.DISPATCHED,), (S.PARKED,), CENTER_DISPATCH),
    Transition("deny_park", _("Deny postponement"), (S.DISPATCHED,), (S.DISPATCHED,), CENTER_DISPATCH),
    Transition("resume", _("Resume"), (S.PARKED,), (S.DISPATCHED,), CENTER_DISPATCH),
    Transition("relocate", _("Correct the location"), BEFORE_DISPATCH, BEFORE_DISPATCH,
               (Role.INTAKE_OPERATOR, Role.SHIFT_LEADER, Role.DISPATCHER), ("longitude", "latitude")),
    Transition("urge", _("Urge"), OPEN_STATES, OPEN_STATES, (Role.LEADER, Role.DISPATCHER, Role.SHIFT_LEADER)),
]
TRANSITIONS: dict[str, Transition] = {t.action: t for t in _TABLE}
ACTIONS = tuple(a for a in TRANSITIONS if a != "report")


class IllegalTransition(Exception):
    """The action cannot be taken in the case's current state (HTTP 409)."""

    def __init__(self, action: str, state: str):
        self.action, self.state = action, state
        super().__init__(f"{action} is not allowed in state {state}")

    @property
    def message(self) -> str:
        return _("“%(action)s” is not possible: the case is now “%(state)s”.") % {
            "action": TRANSITIONS[self.action].label if self.action in TRANSITIONS else self.action,
            "state": CaseState(self.state).label,
        }


def replay(events) -> str:
    """The state a sequence of events leads to; raises if an event does not start where the last ended."""
    state = ""
    for event in events:
        if event.from_state != state:
            raise ValueError(f"event {event.pk} starts from {event.from_state!r}, not {state!r}")
        if event.action in TRANSITIONS and event.to_state not in TRANSITIONS[event.action].targets:
            raise ValueError(f"event {event.pk}: {event.action} cannot lead to {event.to_state}")
        state = event.to_state
    return state
