"""Intake, verification and registration (受理, 核实, 立案), and correcting the location before dispatch."""

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from accounts.scope import in_scope
from classification.choices import Urgency
from classification.models import Category

from ..choices import CaseState as S
from ..choices import Stage
from ..workflow import Action, StepOutcome
from .core import Move, fetch, handles, sent_to_supervisor
from .reporting import place


@handles(Action.ACCEPT)
def accept(m: Move) -> str:
    m.enter(Stage.REGISTER, m.world.center, m.world.stage_deadline(Stage.REGISTER, m.now))
    return S.PENDING_REGISTRATION


@handles(Action.SEND_VERIFICATION)
def send_verification(m: Move, supervisor: object = None) -> str:
    sent_to_supervisor(m, supervisor, Stage.VERIFY, _("Verify case %(number)s on site."))
    return S.VERIFYING


@handles(Action.NOT_ACCEPT)
def not_accept(m: Move) -> str:
    m.finish(StepOutcome.NOT_ACCEPTED)
    return S.NOT_ACCEPTED


@handles(Action.VERIFY)
def verify(m: Move, found: object = None) -> str:
    if found is None:
        raise ValidationError({"found": _("Say whether the problem was found on site.")})
    if not found:
        m.finish(StepOutcome.NOT_FOUND)
        return S.NOT_REGISTERED
    m.enter(Stage.REGISTER, m.world.center, m.world.stage_deadline(Stage.REGISTER, m.now), StepOutcome.FOUND)
    return S.PENDING_REGISTRATION


@handles(Action.REGISTER)
def register(m: Move, category: object = None, urgency: object = None) -> str:
    if category not in (None, ""):
        m.case.category = fetch(Category, category, "category", _("Unknown category."))
        m.data["category"] = m.case.category.full_code
    if urgency:
        if urgency not in Urgency.values:
            raise ValidationError({"urgency": _("Unknown urgency.")})
        m.case.urgency = str(urgency)
    m.enter(Stage.DISPATCH, m.world.center, m.world.stage_deadline(Stage.DISPATCH, m.now))
    return S.REGISTERED


@handles(Action.NOT_REGISTER)
def not_register(m: Move) -> str:
    m.finish(StepOutcome.NOT_REGISTERED)
    return S.NOT_REGISTERED


@handles(Action.RELOCATE)
def relocate(m: Move, longitude: object = None, latitude: object = None) -> str:
    """Move the case's point; grid, community, street and district follow (before dispatch only)."""
    try:
        point = Point(float(longitude), float(latitude), srid=4326)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError({"longitude": _("Give longitude and latitude in degrees.")}) from None
    before = {"grid": m.case.grid.code if m.case.grid else None, "district": m.case.district_id}
    place(m.case, point, None)
    assert m.case.grid is not None  # placed by its point
    if not in_scope(m.actor, m.case.district):
        raise PermissionDenied(_("This lies outside your organization's area."))
    m.data |= {
        "from": before,
        "to": {"grid": m.case.grid.code, "district": m.case.district_id},
        "longitude": point.x,
        "latitude": point.y,
    }
    return m.case.state
