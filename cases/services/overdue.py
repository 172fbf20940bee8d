"""Flagging overdue cases and telling whoever holds them."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from notifications.services import notify

from ..choices import CaseState as S
from ..models import Case
from .core import World


def holder(case: Case, world: World) -> Organization | None:
    """The organization the case waits on now."""
    if case.state == S.DISPATCHED:
        return case.assignee
    if case.state in (S.REGISTERED, S.RETURNED, S.PARKED):
        return case.platform or world.center
    return world.center


def flag_overdue(now: dt.datetime | None = None, batch: int = 5000) -> int:
    """Flag every open case whose current step's deadline has passed and tell its holder; returns how many."""
    now, world = now or timezone.now(), World()
    with transaction.atomic():
        cases = list(
            Case.objects.open()
            .filter(is_overdue=False, stage_deadline__lte=now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("assignee", "platform")[:batch]
        )
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(is_overdue=True)
        for case in cases:
            notify(
                case=case,
                organization=holder(case, world),
                kind="overdue",
                message=_("Case %(number)s is overdue (%(state)s).")
                % {"number": case.number, "state": S(case.state).label},
            )
    return len(cases)
