"""Pushes to open browser sessions over Channels. Call after commit, never inside a transaction."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

log = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def organization_group(org_id: int) -> str:
    return f"org.{org_id}"


def push(group: str, payload: dict) -> None:
    async_to_sync(get_channel_layer().group_send)(group, {"type": "event.message", "payload": payload})


def screen_group(district_id: int | None) -> str:
    """The wall screens of the city (``None``) or of one district."""
    return f"screen.{district_id or 'city'}"


def announce(case, action: str) -> None:
    """Tell the city's and the case's district's wall screens that a case moved (after commit)."""
    payload = {
        "kind": "case",
        "action": action,
        "id": case.pk,
        "number": case.number,
        "state": case.state,
        "overdue": case.is_overdue,
        "district": case.district_id,
        "at": [round(case.location.x, 6), round(case.location.y, 6)] if case.location else None,
    }
    for group in (screen_group(None), screen_group(case.district_id)):
        try:
            push(group, payload)
        except Exception:  # a screen missing one move catches up at its next refresh or reconnection
            log.exception("screen push of case %s failed", case.pk)
