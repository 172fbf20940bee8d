"""Dispatch (派遣) to a unit or a district platform, second-level dispatch, returns and naming the person."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.choices import OrgKind, Role
from accounts.models import Organization, User
from accounts.scope import in_scope

from ..choices import CaseState as S
from ..choices import Stage
from ..workflow import Action, StepOutcome
from .core import Move, dispatcher_org, fetch, handles, stamp, when
from .disputes import open_dispute, opens_dispute


def _org(value: object, field_name: str) -> Organization:
    return fetch(Organization, value, field_name, _("Unknown organization."))


@handles(Action.DISPATCH)
def dispatch(m: Move, unit: object = None) -> str:
    target = _org(unit, "unit")
    if target.kind == OrgKind.DISTRICT_PLATFORM:
        if m.role == Role.DISTRICT_OPERATOR:
            raise ValidationError({"unit": _("A district platform dispatches to its own units.")})
        if target.parent_id != m.case.district_id:
            raise ValidationError({"unit": _("The case lies in another district than this platform's.")})
    elif target.kind != OrgKind.HANDLING_UNIT:
        raise ValidationError({"unit": _("Choose a handling unit or a district platform.")})
    if not in_scope(m.actor, target):
        raise ValidationError({"unit": _("This unit is outside your area.")})
    if m.case.assignee_id and m.case.assignee_id != target.pk and m.case.state == S.RETURNED:
        m.data["previous_unit"] = m.case.assignee_id
    m.case.assignee, m.case.handler = target, None
    m.case.platform = target if target.kind == OrgKind.DISTRICT_PLATFORM else m.case.platform
    m.case.handling_deadline = m.world.handling_deadline(m.case, m.now)
    m.data |= {"unit": target.pk, "unit_name": target.name, "deadline": stamp(m.case.handling_deadline)}
    if target.kind == OrgKind.DISTRICT_PLATFORM:
        m.enter(Stage.DISPATCH, target, m.world.stage_deadline(Stage.DISPATCH, m.now))
    else:
        m.enter(Stage.HANDLE, target, m.case.handling_deadline)
    m.notify(
        target,
        "task",
        _("New case %(number)s: %(category)s, due %(deadline)s.")
        % {
            "number": m.case.number,
            "category": m.case.category.name,
            "deadline": when(m.case.handling_deadline),
        },
    )
    return S.DISPATCHED


@handles(Action.REDISPATCH)
def redispatch(m: Move, unit: object = None) -> str:
    target, district = _org(unit, "unit"), m.case.platform.parent if m.case.platform else None
    assert district is not None  # at_own_platform: the case is at a district platform
    if target.kind != OrgKind.HANDLING_UNIT or not target.path.startswith(district.path):
        raise ValidationError({"unit": _("Choose a handling unit of your district.")})
    if target.pk == m.case.assignee_id:
        raise ValidationError({"unit": _("The case is already with this unit.")})
    m.case.assignee, m.case.handler = target, None
    m.drop_request()  # the unit that asked no longer holds the case
    m.data |= {"unit": target.pk, "unit_name": target.name}
    m.enter(Stage.HANDLE, target, m.case.handling_deadline)
    m.notify(target, "task", _("New case %(number)s from the district platform.") % {"number": m.case.number})
    return S.DISPATCHED


@handles(Action.RETURN)
def return_(m: Move, responsible: object = None) -> str:
    if m.role == Role.DISTRICT_OPERATOR:
        m.case.platform = None  # back to the city
    m.case.return_count += 1
    m.drop_request()
    m.data["unit"] = m.case.assignee_id
    back_to = dispatcher_org(m)
    if opens_dispute(m, responsible):
        open_dispute(m, StepOutcome.RETURNED)
    else:
        m.enter(Stage.DISPATCH, back_to, m.world.stage_deadline(Stage.DISPATCH, m.now), StepOutcome.RETURNED)
    m.notify(
        back_to,
        "returned",
        _("Case %(number)s was returned: %(reason)s") % {"number": m.case.number, "reason": m.note[:120]},
    )
    return S.RETURNED


@handles(Action.ASSIGN)
def assign(m: Move, person: object = None) -> str:
    """A unit names the person who handles its task (spec §10); they are told at once."""
    user = fetch(User, person, "person", _("Unknown person."))
    if user.organization_id != m.case.assignee_id:
        raise ValidationError({"person": _("Choose a person of the responsible unit.")})
    m.case.handler = user
    m.data |= {"person": user.pk, "person_name": user.get_full_name()}
    m.notify(None, "task", _("Case %(number)s is yours to handle.") % {"number": m.case.number}, user)
    return S.DISPATCHED
