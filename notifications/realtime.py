"""Pushes to open browser sessions over Channels. Call after commit, never inside a transaction.

Pushes leave through one event loop per process, in a thread of its own, in the order they were made: the
request that made them does not wait for Redis, and the channel layer keeps its connections (a fresh loop
per push, as ``async_to_sync`` makes one, would open new ones each time). A push lost to an outage is
logged; the screens and workbenches catch up at their next refresh or reconnection.

A group gets at most one message every ``GATHER`` seconds from a process: pushes made meanwhile travel
together (``event.batch``), in order, and the consumers hand them to the browser one by one. A lone push
leaves at once; at hundreds of reports a second, each process sends a few messages a second, not hundreds.
"""

import asyncio
import logging
import os
import threading

from channels.layers import get_channel_layer

log = logging.getLogger(__name__)

GATHER = 0.05  # seconds


class Outbox:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pid: int | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.pending: list[tuple[list[str], dict]] = []
        self.waiting: asyncio.Event | None = None

    def send(self, groups: list[str], payload: dict) -> None:
        if self.pid != os.getpid():  # the first push of this process (a forked worker starts afresh)
            with self.lock:
                if self.pid != os.getpid():
                    self._start()
        with self.lock:
            self.pending.append((groups, payload))
            first = len(self.pending) == 1
        if first:  # the loop is woken once for the pushes it gathers, not once for each
            self.loop.call_soon_threadsafe(self.waiting.set)  # type: ignore[union-attr]

    def _start(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.pending, self.waiting = [], asyncio.Event()
        started = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.call_soon(started.set)  # type: ignore[union-attr]
            self.loop.run_until_complete(self._deliver())  # type: ignore[union-attr]

        threading.Thread(target=run, name="channel-outbox", daemon=True).start()
        started.wait()
        self.pid = os.getpid()

    async def _deliver(self) -> None:
        layer, loop, waiting = get_channel_layer(), asyncio.get_running_loop(), self.waiting
        sent = -GATHER
        while True:
            await waiting.wait()  # type: ignore[union-attr]
            waiting.clear()  # type: ignore[union-attr]
            await asyncio.sleep(sent + GATHER - loop.time())  # (at once if the last sending was long enough ago)
            with self.lock:
                pushes, self.pending = self.pending, []
            sent = loop.time()
            for group, message in messages(pushes).items():
                try:
                    await layer.group_send(group, message)
                except Exception:
                    log.exception("push to %s failed", group)


def messages(pushes: list[tuple[list[str], dict]]) -> dict[str, dict]:
    """One channel-layer message per group for pushes made together, their payloads in order."""
    payloads: dict[str, list[dict]] = {}
    for groups, payload in pushes:
        for group in groups:
            payloads.setdefault(group, []).append(payload)
    return {
        group: {"type": "event.message", "payload": each[0]}
        if len(each) == 1
        else {"type": "event.batch", "payloads": each}
        for group, each in payloads.items()
    }


outbox = Outbox()


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def organization_group(org_id: int) -> str:
    return f"org.{org_id}"


def push(group: str, payload: dict) -> None:
    outbox.send([group], payload)


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
    outbox.send([screen_group(None), screen_group(case.district_id)], payload)
