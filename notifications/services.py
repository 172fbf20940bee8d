"""Notices to people and organizations: stored in the caller's transaction, pushed after it commits."""

import logging

from django.db import transaction

from citymgmt import rows

from .models import Notification
from .realtime import organization_group, outbox, user_group

log = logging.getLogger(__name__)


def notify(*, case, organization=None, user=None, kind: str, message: str) -> Notification | None:
    """Store a notification (in the caller's transaction) and push it to open workbenches after commit."""
    if organization is None and user is None:
        return None
    notice = Notification(case=case, organization=organization, user=user, kind=kind, message=message[:300])
    rows.insert(notice)  # on the state machine's path: one hand-written statement
    payload = {
        "kind": kind,
        "message": notice.message,
        "case": case.pk if case else None,
        "number": case.number if case else None,
    }
    groups = [user_group(user.pk)] if user else []
    groups += [organization_group(organization.pk)] if organization else []

    # the row is stored: a lost push only delays the notice until the page reloads
    transaction.on_commit(lambda: outbox.send(groups, payload))
    return notice
