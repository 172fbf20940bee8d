"""Pushes to open browser sessions over Channels. Call after commit, never inside a transaction."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def organization_group(org_id: int) -> str:
    return f"org.{org_id}"


def push(group: str, payload: dict) -> None:
    async_to_sync(get_channel_layer().group_send)(group, {"type": "event.message", "payload": payload})
