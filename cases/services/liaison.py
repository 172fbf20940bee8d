"""Decisions of the liaison meeting (会商会办) on the cases of its agenda, and their follow-ups. A decision
changes no state of the case (a ruling does that, through ``perform``); it records who does what by when."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import OrgKind, Role
from accounts.models import Organization, User
from accounts.scope import check_in_scope

from ..models import Case, Decision

DECIDERS = (Role.DISPATCHER, Role.DISTRICT_OPERATOR, Role.SHIFT_LEADER, Role.LEADER)
FOLLOWERS = (OrgKind.HANDLING_UNIT, OrgKind.DISTRICT_PLATFORM, OrgKind.COMMAND_CENTER)


def record_decision(*, actor: User, case: Case, text: str, owner: Organization, due_on: dt.date) -> Decision:
    if not actor.may_act_as(*DECIDERS):
        raise PermissionDenied(_("Only the meeting's organizers record its decisions."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write down the decision.")})
    if owner.kind not in FOLLOWERS or not owner.is_active:
        raise ValidationError({"owner": _("Choose the unit or platform that follows the decision up.")})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The follow-up is due today or later.")})
    check_in_scope(actor, case.district)
    return Decision.objects.create(
        case=case,
        month=timezone.localdate().replace(day=1),
        text=text[:500],
        owner=owner,
        due_on=due_on,
        decided_by=actor,
    )


def complete_follow_up(*, actor: User, decision: Decision, note: str = "") -> Decision:
    """The owner (or the meeting's organizers) reports the follow-up done; done once."""
    with transaction.atomic():
        decision = Decision.objects.select_for_update().select_related("owner").get(pk=decision.pk)
        org = actor.organization
        owner_member = org is not None and org.path.startswith(decision.owner.path)
        if not (owner_member or actor.may_act_as(*DECIDERS)):
            raise PermissionDenied(_("Only the body following the decision up reports it done."))
        if decision.done_at is None:
            decision.done_at, decision.done_note, decision.done_by = timezone.now(), note.strip()[:300], actor
            decision.save(update_fields=["done_at", "done_note", "done_by"])
    return decision
