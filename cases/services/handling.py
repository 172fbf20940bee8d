"""Handling (处置) by the unit: reporting it handled, extensions (延期) and postponement (挂账/缓办)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import CaseState as S
from ..choices import PendingRequest, Stage
from ..workflow import MAX_EXTENSION_HOURS, Action, StepOutcome
from .core import Move, dispatcher_org, handles, stamp, when


@handles(Action.HANDLE)
def handle(m: Move) -> str:
    m.drop_request()
    m.enter(Stage.SEND_CHECK, m.world.center, m.world.stage_deadline(Stage.SEND_CHECK, m.now), StepOutcome.HANDLED)
    return S.HANDLED


def _hours(value: object, field_name: str = "hours") -> int:
    try:
        hours: int = int(value)  # type: ignore[call-overload]  # anything the form or the API sent
    except (TypeError, ValueError):
        raise ValidationError({field_name: _("Give a whole number of hours.")}) from None
    if not 1 <= hours <= MAX_EXTENSION_HOURS:
        raise ValidationError({field_name: _("Between 1 and %(max)d hours.") % {"max": MAX_EXTENSION_HOURS}})
    return hours


@handles(Action.REQUEST_EXTENSION)
def request_extension(m: Move, hours: object = None) -> str:
    m.case.pending_request, m.case.requested_hours = PendingRequest.EXTENSION, _hours(hours)
    m.data["hours"] = m.case.requested_hours
    m.notify(
        dispatcher_org(m),
        "request",
        _("Case %(number)s: extension of %(hours)d h requested.")
        % {"number": m.case.number, "hours": m.case.requested_hours},
    )
    return S.DISPATCHED


@handles(Action.APPROVE_EXTENSION)
def approve_extension(m: Move, hours: object = None) -> str:
    hours = _hours(hours) if hours not in (None, "") else m.case.requested_hours
    assert m.case.handling_deadline is not None  # a dispatched case has one
    m.case.handling_deadline = m.world.calendar.add(m.case.handling_deadline, dt.timedelta(hours=hours))
    m.case.extension_count += 1
    m.case.extension_hours += hours
    m.case.pending_request, m.case.requested_hours = PendingRequest.NONE, 0
    for step in m.open_steps(Stage.HANDLE):
        m.data["previous_deadline"] = stamp(step.deadline) if step.deadline else None
        step.deadline = m.case.handling_deadline
        step.extensions += 1
        step.extension_hours += hours
        m.touch(step)
    m.data["deadline"] = stamp(m.case.handling_deadline)
    m.case.stage_deadline = m.case.handling_deadline
    m.case.is_overdue = m.case.handling_deadline <= m.now
    m.data["hours"] = hours
    m.notify(
        m.case.assignee,
        "approved",
        _("Case %(number)s: extension approved, now due %(deadline)s.")
        % {"number": m.case.number, "deadline": when(m.case.handling_deadline)},
    )
    return S.DISPATCHED


@handles(Action.DENY_EXTENSION)
def deny_extension(m: Move) -> str:
    m.case.pending_request, m.case.requested_hours = PendingRequest.NONE, 0
    m.notify(m.case.assignee, "denied", _("Case %(number)s: extension denied.") % {"number": m.case.number})
    return S.DISPATCHED


@handles(Action.REQUEST_PARK)
def request_park(m: Move, until: object = None) -> str:
    try:
        until = until if isinstance(until, dt.date) else dt.date.fromisoformat(str(until))
    except ValueError:
        raise ValidationError({"until": _("Give the date to review the case on.")}) from None
    if until <= timezone.localdate(m.now):
        raise ValidationError({"until": _("The review date must lie in the future.")})
    m.case.pending_request, m.case.requested_until = PendingRequest.PARK, until
    m.data["until"] = until.isoformat()
    m.notify(
        dispatcher_org(m),
        "request",
        _("Case %(number)s: postponement requested until %(until)s.")
        % {"number": m.case.number, "until": until.isoformat()},
    )
    return S.DISPATCHED


@handles(Action.APPROVE_PARK)
def approve_park(m: Move) -> str:
    until = m.case.requested_until
    assert until is not None  # deciding_on(PARK): a request with its date is waiting
    review = dt.datetime.combine(until, dt.time(8), tzinfo=timezone.get_current_timezone())
    m.case.pending_request = PendingRequest.NONE
    m.data["until"] = until.isoformat()
    m.enter(Stage.PARK, dispatcher_org(m), review, StepOutcome.PARKED)
    m.notify(
        m.case.assignee,
        "approved",
        _("Case %(number)s is postponed until %(until)s.") % {"number": m.case.number, "until": until.isoformat()},
    )
    return S.PARKED


@handles(Action.DENY_PARK)
def deny_park(m: Move) -> str:
    m.case.pending_request, m.case.requested_until = PendingRequest.NONE, None
    m.notify(m.case.assignee, "denied", _("Case %(number)s: postponement denied.") % {"number": m.case.number})
    return S.DISPATCHED


@handles(Action.RESUME)
def resume(m: Move) -> str:
    m.case.requested_until = None
    m.case.handling_deadline = m.world.handling_deadline(m.case, m.now)
    m.enter(Stage.HANDLE, m.case.assignee, m.case.handling_deadline, StepOutcome.RESUMED)
    m.notify(
        m.case.assignee,
        "task",
        _("Case %(number)s is resumed, due %(deadline)s.")
        % {"number": m.case.number, "deadline": when(m.case.handling_deadline)},
    )
    return S.DISPATCHED
