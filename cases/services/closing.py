"""Check (核查) and closure (结案), voiding (作废) and urging (督办)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..choices import CaseState as S
from ..choices import ClosureType, Stage
from ..workflow import Action, StepOutcome
from .core import Move, handles, sent_to_supervisor


@handles(Action.SEND_CHECK)
def send_check(m: Move, supervisor: object = None) -> str:
    sent_to_supervisor(m, supervisor, Stage.CHECK, _("Check case %(number)s on site."))
    return S.CHECKING


@handles(Action.CHECK)
def check(m: Move, fixed: object = None) -> str:
    if fixed is None:
        raise ValidationError({"fixed": _("Say whether the problem is fixed.")})
    if fixed:
        m.enter(Stage.CLOSE, m.world.center, m.world.stage_deadline(Stage.CLOSE, m.now), StepOutcome.FIXED)
        return S.PENDING_CLOSURE
    if not m.note:
        raise ValidationError({"note": _("Give a reason.")})
    m.case.rework_count += 1
    m.case.handling_deadline = m.world.handling_deadline(m.case, m.now)
    m.enter(Stage.HANDLE, m.case.assignee, m.case.handling_deadline, StepOutcome.NOT_FIXED)
    m.notify(
        m.case.assignee,
        "rework",
        _("Case %(number)s is not fixed and comes back for rework: %(note)s")
        % {"number": m.case.number, "note": m.note[:120]},
    )
    return S.DISPATCHED


@handles(Action.CLOSE)
def close(m: Move, closure_type: object = None) -> str:
    late = any(s.stage == Stage.HANDLE and s.on_time is False for s in m.steps)
    closure_type = str(closure_type or (ClosureType.OVERDUE if late else ClosureType.NORMAL))
    if closure_type not in ClosureType.values:
        raise ValidationError({"closure_type": _("Unknown closure type.")})
    m.case.closure_type, m.case.closed_at = closure_type, m.now
    m.data["closure_type"] = closure_type
    m.finish(StepOutcome.CLOSED)
    return S.CLOSED


@handles(Action.CANCEL)
def cancel(m: Move) -> str:
    m.finish(StepOutcome.CANCELLED)
    m.drop_request()
    return S.CANCELLED


@handles(Action.URGE)
def urge(m: Move) -> str:
    m.case.is_urged = True
    holder = m.case.assignee if m.case.state in (S.DISPATCHED, S.PARKED) else m.world.center
    m.notify(holder, "urge", _("Case %(number)s is urged: %(note)s") % {"number": m.case.number, "note": m.note[:120]})
    return m.case.state
