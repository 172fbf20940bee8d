"""Disputed responsibility (确权, 疑难案件): a case bounced between units goes to a ruling, and a ruling with a
wider scope becomes a responsibility rule."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.choices import OrgKind
from accounts.models import Organization
from accounts.scope import in_scope
from dispatch.services import rule_from_ruling

from ..choices import CaseState as S
from ..choices import Stage
from ..models import CaseEvent
from ..workflow import Action, RulingScope, StepOutcome
from .core import Move, dispatcher_org, fetch, handles, when


def opens_dispute(m: Move, responsible: object) -> bool:
    """A return makes the case disputed when the unit names the body it holds responsible, or when the case
    has now been returned ``DISPUTE_AFTER_RETURNS`` times."""
    if responsible not in (None, ""):
        body = fetch(Organization, responsible, "responsible", _("Unknown organization."))
        if body.kind not in (OrgKind.HANDLING_UNIT, OrgKind.DISTRICT_PLATFORM):
            raise ValidationError({"responsible": _("Choose a handling unit or a district platform.")})
        m.data["responsible"], m.data["responsible_name"] = body.pk, body.name
        return True
    return m.case.disputed_since is not None or m.case.return_count >= settings.DISPUTE_AFTER_RETURNS


def open_dispute(m: Move, outcome: StepOutcome) -> None:
    """The case waits at its dispatching platform for a ruling, with the ruling's own time limit."""
    m.case.disputed_since = m.case.disputed_since or m.now
    platform, deadline = dispatcher_org(m), m.world.stage_deadline(Stage.RULE, m.now)
    m.enter(Stage.RULE, platform, deadline, outcome)
    m.data["disputed"] = True
    m.notify(
        platform,
        "dispute",
        _("Case %(number)s is disputed: rule on who is responsible by %(deadline)s.")
        % {"number": m.case.number, "deadline": when(deadline)},
    )


@handles(Action.FLAG_DISPUTE)
def flag_dispute(m: Move) -> str:
    open_dispute(m, StepOutcome.DISPUTED)
    return S.RETURNED


@handles(Action.STATE_POSITION)
def state_position(m: Move) -> str:
    """A party's position (note, documents and photos) goes into the case's record."""
    return S.RETURNED


@handles(Action.RULE)
def rule(m: Move, unit: object = None, scope: object = None, basis: object = "") -> str:
    target = fetch(Organization, unit, "unit", _("Unknown organization."))
    if target.kind != OrgKind.HANDLING_UNIT or not in_scope(m.actor, target):
        raise ValidationError({"unit": _("Choose a handling unit of your area.")})
    if scope not in RulingScope.values:
        raise ValidationError({"scope": _("Say whether the ruling holds for this case only or from now on.")})
    basis = str(basis or "").strip()[:500]
    m.case.disputed_since = None
    m.case.assignee, m.case.handler = target, None
    # the responsible unit's handling time starts with the ruling
    m.case.handling_deadline = m.world.handling_deadline(m.case, m.now)
    m.data |= {
        "unit": target.pk,
        "unit_name": target.name,
        "scope": scope,
        "basis": basis,
    }
    m.enter(Stage.HANDLE, target, m.case.handling_deadline, StepOutcome.RULED)
    if scope == RulingScope.RULE:
        area = m.case.street or m.case.district
        m.later.append(lambda event: _write_rule(event, area, target, basis))
    m.notify(
        target,
        "task",
        _("Ruling: case %(number)s is yours, due %(deadline)s.")
        % {"number": m.case.number, "deadline": when(m.case.handling_deadline)},
    )
    return S.DISPATCHED


def _write_rule(event: CaseEvent, area: Organization, unit: Organization, basis: str) -> None:
    rule = rule_from_ruling(category=event.case.category, area=area, unit=unit, ruling=event, basis=basis)
    event.data["rule"] = rule.pk
    CaseEvent.objects.filter(pk=event.pk).update(data=event.data)
