"""Writes to cases. Every change of state goes through ``perform`` (or ``report_case`` for the first):
it locks the row, checks the state machine, the actor's role and scope and the input, changes the case,
moves its steps and deadlines and appends an immutable event, all in one transaction. Notifications are
written in the same transaction and pushed to browsers only after it commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AREA_KINDS, OrgKind, Role
from accounts.models import Organization, User
from accounts.scope import in_scope

from .attachments import store_photos
from .choices import (
    CaseSource,
    CaseState,
    ClosureType,
    PendingRequest,
    Stage,
    Urgency,
)
from .models import Case, CaseEvent, CaseSequence, CaseStep, Category, StageLimit
from .reference import DEFAULT_STAGE_LIMITS
from .workflow import TRANSITIONS, IllegalTransition
from .worktime import current_calendar

S = CaseState
MAX_EXTENSION_HOURS = 720


# --- reading with a permission check --------------------------------------------------------------------


def access_case(actor: User, case_id: int, *, lock: bool = False) -> Case:
    """The case if ``actor`` may see it (404 otherwise, so that other areas' cases are not even confirmed)."""
    cases = Case.objects.restrict(actor)
    if lock:
        cases = cases.select_for_update(of=("self",))
    try:
        return cases.select_related("category__major", "assignee", "platform", "district").get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such case in your area.")) from None


# --- time limits --------------------------------------------------------------------------------------------


def stage_deadline(stage: str, start: dt.datetime) -> dt.datetime:
    limit = StageLimit.objects.filter(stage=stage).values_list("amount", "unit").first()
    amount, unit = limit or DEFAULT_STAGE_LIMITS[stage]
    return current_calendar().deadline(start, amount, unit)


def handling_deadline(case: Case, start: dt.datetime) -> dt.datetime:
    return current_calendar().deadline(start, case.category.limit_amount, case.category.limit_unit)


# --- the move: what one transition does to the case -------------------------------------------------------


@dataclass
class Move:
    case: Case
    actor: User
    action: str
    now: dt.datetime
    role: str = ""
    note: str = ""
    data: dict = field(default_factory=dict)
    photos: list = field(default_factory=list)
    notices: list = field(default_factory=list)  # (organization, user, kind, message)

    def enter(self, stage: str, organization: Organization | None, deadline: dt.datetime | None, outcome: str = ""):
        """Complete the open steps and open the next one; the case's stage deadline follows it."""
        self.complete_steps(outcome or self.action)
        CaseStep.objects.create(case=self.case, stage=stage, organization=organization, entered_at=self.now,
                                deadline=deadline)
        self.case.stage_deadline = deadline
        self.case.is_overdue = deadline is not None and deadline <= self.now

    def finish(self, outcome: str):
        """The case leaves the path (closed or voided): no step is open, no deadline runs."""
        self.complete_steps(outcome)
        self.case.stage_deadline, self.case.is_overdue = None, False

    def complete_steps(self, outcome: str):
        for step in CaseStep.objects.filter(case=self.case, completed_at__isnull=True):
            step.completed_at, step.person, step.outcome = self.now, self.actor, outcome
            step.on_time = None if step.deadline is None else self.now <= step.deadline
            step.save(update_fields=["completed_at", "person", "outcome", "on_time"])

    def notify(self, organization: Organization | None, kind: str, message: str, user: User | None = None):
        self.notices.append((organization, user, kind, message))


def _record(move: Move, from_state: str, to_state: str) -> CaseEvent:
    event = CaseEvent.objects.create(
        case=move.case, action=move.action, actor=move.actor, actor_role=move.role,
        actor_organization=move.actor.organization if move.actor else None, at=move.now,
        from_state=from_state, to_state=to_state, note=move.note, data=move.data,
    )
    if move.photos:
        store_photos(move.case, event, move.photos, move.actor)
    from dispatch.services import notify

    for organization, user, kind, message in move.notices:
        notify(case=move.case, organization=organization, user=user, kind=kind, message=message)
    return event


def _acting_role(actor: User, roles) -> str:
    for role in roles:
        if actor.has_role(role):
            return role
    if actor.is_superuser:
        return Role.ADMINISTRATOR
    raise PermissionDenied(_("Your role may not do this."))


def perform(*, case_id: int, action: str, actor: User, now: dt.datetime | None = None, note: str = "",
            photos=(), **params) -> Case:
    """Take ``action`` on a case. Raises Http404, PermissionDenied, IllegalTransition or ValidationError;
    on any of them nothing is written."""
    transition = TRANSITIONS.get(action)
    if transition is None or action == "report":
        raise ValidationError(_("Unknown action “%(action)s”.") % {"action": action})
    with transaction.atomic():
        case = access_case(actor, case_id, lock=True)
        if case.state not in transition.sources:
            raise IllegalTransition(action, case.state)
        move = Move(case=case, actor=actor, action=action, now=now or timezone.now(),
                    role=_acting_role(actor, transition.roles), note=note.strip(), photos=list(photos))
        from_state = case.state
        case.state = HANDLERS[action](move, **params)
        case.save()
        _record(move, from_state, case.state)
    return case


# --- creating a case ---------------------------------------------------------------------------------------


def _next_number(year: int) -> str:
    CaseSequence.objects.get_or_create(year=year)
    CaseSequence.objects.filter(year=year).update(last=F("last") + 1)  # row lock until commit
    last = CaseSequence.objects.get(year=year).last
    return f"{year}{last:07d}"


def _place(case: Case, location: Point | None, area: Organization | None) -> None:
    """Set the case's grid, community, street and district from its point (or, without one, an area)."""
    from gis.geocoding import OutsideCity, locate

    if location is not None:
        try:
            found = locate(location)
        except OutsideCity as error:
            raise ValidationError({"location": error.messages}) from None
        case.location, case.grid = location, found.grid
        case.community_id, case.street_id, case.district_id = found.community_id, found.street_id, found.district_id
        return
    if area is None or area.kind not in AREA_KINDS or area.kind == OrgKind.CITY:
        raise ValidationError({"location": _("Give the case's location, or at least its district.")})
    chain = {a.kind: a for a in area.ancestors()} | {area.kind: area}
    case.community, case.street, case.district = (
        chain.get(OrgKind.COMMUNITY), chain.get(OrgKind.STREET), chain[OrgKind.DISTRICT]
    )


def report_case(*, actor: User, idempotency_key: str | None = None, **fields) -> tuple[Case, bool]:
    """Register a new report (fields: see ``_create_case``); returns (case, created). A repeated
    ``idempotency_key`` from the same actor returns the case the first call created, also when both race."""
    def first_time():
        if idempotency_key:
            return Case.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        return None

    if existing := first_time():
        return existing, False
    try:
        return _create_case(actor=actor, idempotency_key=idempotency_key, **fields), True
    except IntegrityError:
        if existing := first_time():  # the other of two racing submissions won
            return existing, False
        raise


def _create_case(*, actor: User, source: str, category: Category, description: str, location: Point | None = None,
                 area: Organization | None = None, address: str = "", urgency: str = "", component_code: str = "",
                 reporter_name: str = "", reporter_phone: str = "", self_handled: bool = False,
                 idempotency_key: str | None = None, photos=(), now: dt.datetime | None = None) -> Case:
    transition = TRANSITIONS["report"]
    role = _acting_role(actor, transition.roles)
    if role == Role.SUPERVISOR:
        source = CaseSource.SUPERVISOR
    if source not in CaseSource.values:
        raise ValidationError({"source": _("Unknown source.")})
    if not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})
    if not description or not description.strip():
        raise ValidationError({"description": _("Describe the problem.")})
    if self_handled and source != CaseSource.SUPERVISOR:
        raise ValidationError({"self_handled": _("Only a supervisor's own report can be handled on the spot.")})
    now = now or timezone.now()
    with transaction.atomic():
        case = Case(
            source=source, category=category, urgency=urgency or category.urgency, description=description.strip(),
            address=address.strip(), component_code=component_code.strip(), reporter=actor,
            reporter_name=reporter_name or actor.get_full_name(), reporter_phone=reporter_phone,
            self_handled=self_handled, reported_at=now, created_by=actor, idempotency_key=idempotency_key or None,
            state=S.CLOSED if self_handled else S.REPORTED,
        )
        _place(case, location, area)
        if not in_scope(actor, case.district) and not in_scope(actor, case.street):
            raise PermissionDenied(_("This lies outside your organization's area."))
        case.number = _next_number(timezone.localtime(now).year)
        if self_handled:
            case.closure_type, case.closed_at = ClosureType.NORMAL, now
        case.save()
        move = Move(case=case, actor=actor, action="report", now=now, role=role, photos=list(photos),
                    data={"self_handled": self_handled} if self_handled else {})
        if not self_handled:
            move.enter(Stage.INTAKE, _center(), stage_deadline(Stage.INTAKE, now))
            case.save(update_fields=["stage_deadline", "is_overdue"])
        _record(move, "", case.state)
    return case


# --- the actions -------------------------------------------------------------------------------------------


def _center() -> Organization | None:
    return Organization.objects.filter(kind=OrgKind.COMMAND_CENTER, is_active=True).order_by("depth").first()


def _required(note: str, field_name: str = "note") -> None:
    if not note:
        raise ValidationError({field_name: _("Give a reason.")})


def _fetch(model, value, field_name: str, message):
    """An active ``model`` given itself or by primary key; otherwise a ``ValidationError`` on the field."""
    if isinstance(value, model):
        return value
    try:
        return model.objects.get(pk=value, is_active=True)
    except (model.DoesNotExist, ValueError, TypeError):
        raise ValidationError({field_name: message}) from None


def _org(value, field_name: str) -> Organization:
    return _fetch(Organization, value, field_name, _("Unknown organization."))


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _at_own_platform(m: Move) -> bool:
    """The case went to a district platform and the actor works there."""
    return m.case.platform_id is not None and m.case.platform_id == m.actor.organization_id


def _dispatcher_org(case: Case) -> Organization | None:
    """Who dispatches the case now: its district platform once it went there, else the command center."""
    return case.platform or _center()


def accept(m: Move) -> str:
    m.enter(Stage.REGISTER, _center(), stage_deadline(Stage.REGISTER, m.now))
    return S.PENDING_REGISTRATION


def send_verification(m: Move, supervisor=None) -> str:
    m.case.supervisor = _supervisor(supervisor, m.case)
    team = m.case.supervisor.organization if m.case.supervisor else None
    m.enter(Stage.VERIFY, team, stage_deadline(Stage.VERIFY, m.now))
    if m.case.supervisor:
        m.notify(None, "task", _("Verify case %(number)s on site.") % {"number": m.case.number}, m.case.supervisor)
    return S.VERIFYING


def _supervisor(value, case: Case) -> User | None:
    if value in (None, ""):
        return None
    user = _fetch(User, value, "supervisor", _("Unknown supervisor."))
    if not user.has_role(Role.SUPERVISOR) or not in_scope(user, case.district):
        raise ValidationError({"supervisor": _("Choose a supervisor who works in the case's area.")})
    return user


def not_accept(m: Move) -> str:
    _required(m.note)
    m.finish("not_accepted")
    return S.NOT_ACCEPTED


def verify(m: Move, found=None) -> str:
    if found is None:
        raise ValidationError({"found": _("Say whether the problem was found on site.")})
    if not found:
        m.finish("not_found")
        return S.NOT_REGISTERED
    m.enter(Stage.REGISTER, _center(), stage_deadline(Stage.REGISTER, m.now), outcome="found")
    return S.PENDING_REGISTRATION


def register(m: Move, category=None, urgency=None) -> str:
    if category not in (None, ""):
        m.case.category = _fetch(Category, category, "category", _("Unknown category."))
        m.data["category"] = m.case.category.full_code
    if urgency:
        if urgency not in Urgency.values:
            raise ValidationError({"urgency": _("Unknown urgency.")})
        m.case.urgency = urgency
    m.enter(Stage.DISPATCH, _center(), stage_deadline(Stage.DISPATCH, m.now))
    return S.REGISTERED


def not_register(m: Move) -> str:
    _required(m.note)
    m.finish("not_registered")
    return S.NOT_REGISTERED


def dispatch(m: Move, unit=None) -> str:
    target = _org(unit, "unit")
    if m.role == Role.DISTRICT_OPERATOR and not _at_own_platform(m):
        raise PermissionDenied(_("Only the platform the case was sent to may dispatch it again."))
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
    m.case.handling_deadline = handling_deadline(m.case, m.now)
    m.data |= {"unit": target.pk, "unit_name": target.name}
    if target.kind == OrgKind.DISTRICT_PLATFORM:
        m.enter(Stage.DISPATCH, target, stage_deadline(Stage.DISPATCH, m.now))
    else:
        m.enter(Stage.HANDLE, target, m.case.handling_deadline)
    m.notify(target, "task", _("New case %(number)s: %(category)s, due %(deadline)s.") % {
        "number": m.case.number, "category": m.case.category.name,
        "deadline": _when(m.case.handling_deadline),
    })
    return S.DISPATCHED


def redispatch(m: Move, unit=None) -> str:
    if not _at_own_platform(m):
        raise PermissionDenied(_("Only the platform the case was sent to may dispatch it again."))
    target = _org(unit, "unit")
    if target.kind != OrgKind.HANDLING_UNIT or not target.path.startswith(m.case.platform.parent.path):
        raise ValidationError({"unit": _("Choose a handling unit of your district.")})
    if target.pk == m.case.assignee_id:
        raise ValidationError({"unit": _("The case is already with this unit.")})
    m.case.assignee, m.case.handler = target, None
    m.data |= {"unit": target.pk, "unit_name": target.name}
    m.enter(Stage.HANDLE, target, m.case.handling_deadline)
    m.notify(target, "task", _("New case %(number)s from the district platform.") % {"number": m.case.number})
    return S.DISPATCHED


def return_(m: Move) -> str:
    _required(m.note)
    if m.role == Role.DISTRICT_OPERATOR:
        if not _at_own_platform(m):
            raise PermissionDenied(_("Only the platform the case was sent to may return it."))
        m.case.platform = None  # back to the city
    elif m.case.state != S.DISPATCHED:
        raise IllegalTransition(m.action, m.case.state)
    m.case.return_count += 1
    m.data["unit"] = m.case.assignee_id
    back_to = _dispatcher_org(m.case)
    m.enter(Stage.DISPATCH, back_to, stage_deadline(Stage.DISPATCH, m.now), outcome="returned")
    m.notify(back_to, "returned", _("Case %(number)s was returned: %(reason)s") % {
        "number": m.case.number, "reason": m.note[:120]})
    return S.RETURNED


def assign(m: Move, person=None) -> str:
    """A unit names the person who handles its task (spec §10); they are told at once."""
    user = _fetch(User, person, "person", _("Unknown person."))
    if m.case.assignee_id is None or user.organization_id != m.case.assignee_id:
        raise ValidationError({"person": _("Choose a person of the responsible unit.")})
    m.case.handler = user
    m.data |= {"person": user.pk, "person_name": user.get_full_name()}
    m.notify(None, "task", _("Case %(number)s is yours to handle.") % {"number": m.case.number}, user)
    return S.DISPATCHED


def handle(m: Move) -> str:
    _required(m.note)
    if m.case.pending_request:
        m.case.pending_request, m.case.requested_hours, m.case.requested_until = PendingRequest.NONE, 0, None
    m.enter(Stage.SEND_CHECK, _center(), stage_deadline(Stage.SEND_CHECK, m.now), outcome="handled")
    return S.HANDLED


def send_check(m: Move, supervisor=None) -> str:
    m.case.supervisor = _supervisor(supervisor, m.case) or m.case.supervisor
    team = m.case.supervisor.organization if m.case.supervisor else None
    m.enter(Stage.CHECK, team, stage_deadline(Stage.CHECK, m.now))
    if m.case.supervisor:
        m.notify(None, "task", _("Check case %(number)s on site.") % {"number": m.case.number}, m.case.supervisor)
    return S.CHECKING


def check(m: Move, fixed=None) -> str:
    if fixed is None:
        raise ValidationError({"fixed": _("Say whether the problem is fixed.")})
    if fixed:
        m.enter(Stage.CLOSE, _center(), stage_deadline(Stage.CLOSE, m.now), outcome="fixed")
        return S.PENDING_CLOSURE
    _required(m.note)
    m.case.rework_count += 1
    m.case.handling_deadline = handling_deadline(m.case, m.now)
    m.enter(Stage.HANDLE, m.case.assignee, m.case.handling_deadline, outcome="not_fixed")
    m.notify(m.case.assignee, "rework", _("Case %(number)s is not fixed and comes back for rework: %(note)s") % {
        "number": m.case.number, "note": m.note[:120]})
    return S.DISPATCHED


def close(m: Move, closure_type=None) -> str:
    late = m.case.steps.filter(stage=Stage.HANDLE, on_time=False).exists()
    closure_type = closure_type or (ClosureType.OVERDUE if late else ClosureType.NORMAL)
    if closure_type not in ClosureType.values:
        raise ValidationError({"closure_type": _("Unknown closure type.")})
    m.case.closure_type, m.case.closed_at = closure_type, m.now
    m.data["closure_type"] = closure_type
    m.finish("closed")
    return S.CLOSED


def cancel(m: Move) -> str:
    _required(m.note)
    m.finish("cancelled")
    m.case.pending_request = PendingRequest.NONE
    return S.CANCELLED


def _no_pending(m: Move) -> None:
    if m.case.pending_request:
        raise ValidationError(_("A request is already waiting for approval."))


def _hours(value, field_name="hours") -> int:
    try:
        hours = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field_name: _("Give a whole number of hours.")}) from None
    if not 1 <= hours <= MAX_EXTENSION_HOURS:
        raise ValidationError({field_name: _("Between 1 and %(max)d hours.") % {"max": MAX_EXTENSION_HOURS}})
    return hours


def request_extension(m: Move, hours=None) -> str:
    _no_pending(m)
    _required(m.note)
    m.case.pending_request, m.case.requested_hours = PendingRequest.EXTENSION, _hours(hours)
    m.data["hours"] = m.case.requested_hours
    m.notify(_dispatcher_org(m.case), "request", _("Case %(number)s: extension of %(hours)d h requested.") % {
        "number": m.case.number, "hours": m.case.requested_hours})
    return S.DISPATCHED


def _expect_pending(m: Move, kind: str) -> None:
    if m.case.pending_request != kind:
        raise ValidationError(_("No such request is waiting."))


def approve_extension(m: Move, hours=None) -> str:
    _expect_pending(m, PendingRequest.EXTENSION)
    hours = _hours(hours) if hours not in (None, "") else m.case.requested_hours
    m.case.handling_deadline = current_calendar().add(m.case.handling_deadline, dt.timedelta(hours=hours))
    m.case.extension_count += 1
    m.case.extension_hours += hours
    m.case.pending_request, m.case.requested_hours = PendingRequest.NONE, 0
    CaseStep.objects.filter(case=m.case, stage=Stage.HANDLE, completed_at__isnull=True).update(
        deadline=m.case.handling_deadline)
    m.case.stage_deadline = m.case.handling_deadline
    m.case.is_overdue = m.case.handling_deadline <= m.now
    m.data["hours"] = hours
    m.notify(m.case.assignee, "approved", _("Case %(number)s: extension approved, now due %(deadline)s.") % {
        "number": m.case.number,
        "deadline": _when(m.case.handling_deadline)})
    return S.DISPATCHED


def deny_extension(m: Move) -> str:
    _expect_pending(m, PendingRequest.EXTENSION)
    m.case.pending_request, m.case.requested_hours = PendingRequest.NONE, 0
    m.notify(m.case.assignee, "denied", _("Case %(number)s: extension denied.") % {"number": m.case.number})
    return S.DISPATCHED


def request_park(m: Move, until=None) -> str:
    _no_pending(m)
    _required(m.note)
    try:
        until = until if isinstance(until, dt.date) else dt.date.fromisoformat(str(until))
    except ValueError:
        raise ValidationError({"until": _("Give the date to review the case on.")}) from None
    if until <= timezone.localdate(m.now):
        raise ValidationError({"until": _("The review date must lie in the future.")})
    m.case.pending_request, m.case.requested_until = PendingRequest.PARK, until
    m.data["until"] = until.isoformat()
    m.notify(_dispatcher_org(m.case), "request", _("Case %(number)s: postponement requested until %(until)s.") % {
        "number": m.case.number, "until": until.isoformat()})
    return S.DISPATCHED


def approve_park(m: Move) -> str:
    _expect_pending(m, PendingRequest.PARK)
    until = m.case.requested_until
    review = dt.datetime.combine(until, dt.time(8), tzinfo=timezone.get_current_timezone())
    m.case.pending_request = PendingRequest.NONE
    m.data["until"] = until.isoformat()
    m.enter(Stage.PARK, _dispatcher_org(m.case), review, outcome="parked")
    m.notify(m.case.assignee, "approved", _("Case %(number)s is postponed until %(until)s.") % {
        "number": m.case.number, "until": until.isoformat()})
    return S.PARKED


def deny_park(m: Move) -> str:
    _expect_pending(m, PendingRequest.PARK)
    m.case.pending_request, m.case.requested_until = PendingRequest.NONE, None
    m.notify(m.case.assignee, "denied", _("Case %(number)s: postponement denied.") % {"number": m.case.number})
    return S.DISPATCHED


def resume(m: Move) -> str:
    m.case.requested_until = None
    m.case.handling_deadline = handling_deadline(m.case, m.now)
    m.enter(Stage.HANDLE, m.case.assignee, m.case.handling_deadline, outcome="resumed")
    m.notify(m.case.assignee, "task", _("Case %(number)s is resumed, due %(deadline)s.") % {
        "number": m.case.number,
        "deadline": _when(m.case.handling_deadline)})
    return S.DISPATCHED


def relocate(m: Move, longitude=None, latitude=None) -> str:
    """Move the case's point; grid, community, street and district follow (before dispatch only)."""
    try:
        point = Point(float(longitude), float(latitude), srid=4326)
    except (TypeError, ValueError):
        raise ValidationError({"longitude": _("Give longitude and latitude in degrees.")}) from None
    before = {"grid": m.case.grid.code if m.case.grid else None, "district": m.case.district_id}
    _place(m.case, point, None)
    if not in_scope(m.actor, m.case.district):
        raise PermissionDenied(_("This lies outside your organization's area."))
    m.data |= {"from": before, "to": {"grid": m.case.grid.code, "district": m.case.district_id},
               "longitude": point.x, "latitude": point.y}
    return m.case.state


def urge(m: Move) -> str:
    _required(m.note)
    m.case.is_urged = True
    holder = m.case.assignee if m.case.state in (S.DISPATCHED, S.PARKED) else _center()
    m.notify(holder, "urge", _("Case %(number)s is urged: %(note)s") % {"number": m.case.number, "note": m.note[:120]})
    return m.case.state


HANDLERS = {
    "accept": accept, "send_verification": send_verification, "not_accept": not_accept, "verify": verify,
    "register": register, "not_register": not_register, "dispatch": dispatch, "redispatch": redispatch,
    "return": return_, "assign": assign, "handle": handle, "send_check": send_check, "check": check, "close": close,
    "cancel": cancel, "request_extension": request_extension, "approve_extension": approve_extension,
    "deny_extension": deny_extension, "request_park": request_park, "approve_park": approve_park,
    "deny_park": deny_park, "resume": resume, "relocate": relocate, "urge": urge,
}
assert set(HANDLERS) == set(TRANSITIONS) - {"report"}, "every action of the state machine needs a handler"


# --- overdue -----------------------------------------------------------------------------------------------


def holder(case: Case) -> Organization | None:
    """The organization the case waits on now."""
    if case.state == S.DISPATCHED:
        return case.assignee
    if case.state in (S.REGISTERED, S.RETURNED, S.PARKED):
        return _dispatcher_org(case)
    return _center()


def flag_overdue(now: dt.datetime | None = None, batch: int = 5000) -> int:
    """Flag every open case whose current step's deadline has passed and tell its holder; returns how many."""
    from dispatch.services import notify

    now = now or timezone.now()
    with transaction.atomic():
        cases = list(
            Case.objects.open().filter(is_overdue=False, stage_deadline__lte=now)
            .select_for_update(skip_locked=True, of=("self",)).select_related("assignee", "platform")[:batch]
        )
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(is_overdue=True)
        for case in cases:
            notify(case=case, organization=holder(case), kind="overdue",
                   message=_("Case %(number)s is overdue (%(state)s).") % {
                       "number": case.number, "state": CaseState(case.state).label})
    return len(cases)
