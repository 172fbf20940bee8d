"""A new case: the report (上报), placed on the map and numbered, with its first step."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import directory
from accounts.choices import AREA_KINDS, OrgKind, Role
from accounts.models import Organization, User
from accounts.scope import in_scope
from citymgmt import rows
from citymgmt.errors import Conflict
from citymgmt.text import printable
from classification.models import Category
from gis.geocoding import OutsideCity, locate
from gis.selectors import within

from ..choices import SUPERVISOR_SOURCES, AttachmentKind, CaseSource, CaseState, ClosureType, Stage
from ..models import Case
from ..numbering import number_and_key
from ..workflow import TRANSITIONS, Action
from .core import Move, World, acting_role, from_directory, persist


def place(case: Case, location: Point | None, area: Organization | None) -> None:
    """Set the case's grid, community, street and district from its point (or, without one, an area)."""
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
        chain.get(OrgKind.COMMUNITY),
        chain.get(OrgKind.STREET),
        chain[OrgKind.DISTRICT],
    )


def report_case(*, actor: User, idempotency_key: str | None = None, **fields: Any) -> tuple[Case, bool]:
    """Register a new report (fields: see ``_create_case``); returns (case, created). A repeated
    ``idempotency_key`` from the same actor returns the case the first call created, also when both race."""

    signed = fingerprint(fields) if idempotency_key else ""

    def first_time() -> Case | None:
        existing = (
            Case.objects.filter(created_by=actor, idempotency_key=idempotency_key).first() if idempotency_key else None
        )
        if existing and existing.idempotency_fingerprint and existing.idempotency_fingerprint != signed:
            raise IdempotencyMismatch(
                _("This submission's key was already used for a different report: reload the form to report again.")
            )
        return existing

    # A retry is rare: the key's unique constraint finds it, rather than a query before every report. A retry
    # that would now be refused (its category retired since, say) still gets the case its first try made.
    try:
        return _create_case(actor=actor, idempotency_key=idempotency_key, signed=signed, **fields), True
    except (IntegrityError, ValidationError, PermissionDenied):
        if existing := first_time():  # made by an earlier try, or by the other of two racing submissions
            return existing, False
        raise


class IdempotencyMismatch(Conflict):
    """A retried report whose contents differ from the first one with the same key (HTTP 422)."""

    code = "idempotency_mismatch"
    status = 422


def fingerprint(fields: dict[str, Any]) -> str:
    """A digest of what a report asks for (photos and the time aside), to recognise a true retry."""

    def plain(value: Any) -> Any:
        if isinstance(value, models.Model):
            return value.pk
        if isinstance(value, Point):
            return [round(value.x, 7), round(value.y, 7)]
        return value if isinstance(value, str | int | float | bool | type(None)) else str(value)

    content = {k: plain(v) for k, v in sorted(fields.items()) if k not in ("photos", "now")}
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


def _create_case(
    *,
    actor: User,
    source: str,
    category: Category,
    description: str,
    location: Point | None = None,
    area: Organization | None = None,
    address: str = "",
    urgency: str = "",
    component_code: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    self_handled: bool = False,
    idempotency_key: str | None = None,
    signed: str = "",
    photos: Iterable[Any] = (),
    now: dt.datetime | None = None,
) -> Case:
    role = acting_role(actor, TRANSITIONS[Action.REPORT].roles)
    if role == Role.SUPERVISOR and source not in SUPERVISOR_SOURCES:
        source = CaseSource.SUPERVISOR  # a supervisor's report is a patrol's or a special inspection's
    if source not in CaseSource.values:
        raise ValidationError({"source": _("Unknown source.")})
    if not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})
    description, address, reporter_name = printable(description), printable(address), printable(reporter_name)
    if not description.strip():
        raise ValidationError({"description": _("Describe the problem.")})
    if self_handled and source != CaseSource.SUPERVISOR:
        raise ValidationError({"self_handled": _("Only a supervisor's own report can be handled on the spot.")})
    photos = list(photos)
    if self_handled and not any(p.kind == AttachmentKind.AFTER for p in photos):
        raise ValidationError({"after_photos": _("A problem handled on the spot needs a photo after handling.")})
    now = now or timezone.now()
    case = Case(
        source=source,
        category=category,
        urgency=urgency or category.urgency,
        description=description.strip(),
        address=address.strip(),
        component_code=component_code.strip(),
        reporter=actor,
        reporter_name=reporter_name or actor.get_full_name(),
        reporter_phone=printable(reporter_phone),
        self_handled=self_handled,
        reported_at=now,
        created_by=actor,
        idempotency_key=idempotency_key or None,
        idempotency_fingerprint=signed,
    )
    place(case, location, area)
    from_directory(case, "district", "street", "community")
    if not in_scope(actor, case.district) and not in_scope(actor, case.street):
        raise PermissionDenied(_("This lies outside your organization's area."))
    # Reads and sequences before the transaction: without photos to store, it is the writes alone, sent in one
    # round trip (``rows.one_transaction``).
    case.number, case.pk = number_and_key(timezone.localtime(now).year)
    move = opening(case, actor, role, now, World(), photos)
    if missed := missed_by(case):
        move.data["missed_by"] = missed
    with transaction.atomic() if move.photos else rows.one_transaction():
        event = persist(move, "")
    # What was written, for an answer that need not read it back (``cases.api.views.as_written``).
    event.actor_organization = directory.organization(event.actor_organization_id)
    for step in move.steps:
        step.organization = directory.organization(step.organization_id)
    case.written = {"events": [event], "steps": move.steps, "attachments": move.stored}  # type: ignore[attr-defined]
    return case


MISSED_WITHIN = (D(m=50), dt.timedelta(hours=24))  # §5: no report of the same kind this near, this recently


def missed_by(case: Case, *, found_by_supervisor: bool = False) -> int | None:
    """For a public report: the grid's responsible supervisor, if they made no report of the same category
    within 50 m in the preceding 24 hours (漏报, counted once the report is verified and stands).
    ``found_by_supervisor``: the same judgement for a problem another supervisor found (a recheck visit)."""
    if case.grid is None or case.grid.supervisor_id is None or case.location is None:
        return None
    if (case.source in SUPERVISOR_SOURCES and not found_by_supervisor) or case.reporter_id == case.grid.supervisor_id:
        return None
    distance, period = MISSED_WITHIN
    reported = Case.objects.filter(
        within("location", case.location, distance.m),
        reporter_id=case.grid.supervisor_id,
        category=case.category,
        reported_at__gte=case.reported_at - period,
        reported_at__lte=case.reported_at,
    )
    return None if reported.exists() else case.grid.supervisor_id


def opening(case: Case, actor: User, role: str, now: dt.datetime, world: World, photos: Iterable[Any] = ()) -> Move:
    """The report, decided in memory: a case handled on the spot is closed at once, any other waits for
    intake. ``_create_case`` persists it; the demo generator writes many in bulk."""
    move = Move(
        case=case,
        actor=actor,
        action=Action.REPORT,
        now=now,
        world=world,
        steps=[],
        role=role,
        photos=list(photos),
        data={"self_handled": True} if case.self_handled else {},
    )
    if case.self_handled:
        case.state, case.closure_type, case.closed_at = CaseState.CLOSED, ClosureType.NORMAL, now
    else:
        case.state = CaseState.REPORTED
        move.enter(Stage.INTAKE, world.center, world.stage_deadline(Stage.INTAKE, now))
    return move
