import asyncio
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import PermissionDenied

from evaluation import live
from notifications.realtime import organization_group, screen_group, user_group


class Pushed:
    """What ``notifications.realtime`` pushes, handed to the browser one payload at a time: alone
    (``event.message``) or gathered (``event.batch``)."""

    async def event_message(self, event):
        await self.event_batch({"payloads": [event["payload"]]})

    async def event_batch(self, event):
        for payload in event["payloads"]:
            await self.send_json(payload)


class UserEventsConsumer(Pushed, AsyncJsonWebsocketConsumer):
    """One socket per open workbench: receives what is pushed to its user and its organization."""

    async def connect(self):
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=4401)
            return
        self.event_groups = [user_group(user.pk)]
        if user.organization_id:
            self.event_groups.append(organization_group(user.organization_id))
        for group in self.event_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "event_groups", []):
            await self.channel_layer.group_discard(group, self.channel_name)


class ScreenConsumer(Pushed, AsyncJsonWebsocketConsumer):
    """A wall screen (the city's, or a district's): the whole state when it connects — so also after every
    reconnection or server restart — then each case's move as it is committed, the counters read again
    within a second after a burst of moves, the slower panels every few seconds, and everything each minute
    (the beat flags overdue cases without moving them)."""

    AFTER = {"counters": 0.3, "panels": 3.0}
    READERS = {"counters": live.counters, "panels": live.panels}
    EVERY = 60.0
    fresh: dict[tuple[str, str], tuple[float, object]] = {}  # the last read of each screen's figures
    locks: dict[tuple[str, str], asyncio.Lock] = {}

    async def connect(self):
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=4401)
            return
        try:
            self.screen = await database_sync_to_async(live.screen_for)(user)
        except PermissionDenied:
            await self.close(code=4403)
            return
        self.group = screen_group(self.screen.district.pk if self.screen.district else None)
        self.dirty: dict[str, float] = {}  # what to read again, since when
        self.running: dict[str, asyncio.Task] = {}
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(await database_sync_to_async(live.full_state)(self.screen))
        self.clock = asyncio.ensure_future(self.every_minute())

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
        for task in [*getattr(self, "running", {}).values(), getattr(self, "clock", None)]:
            if task is not None:
                task.cancel()

    async def event_batch(self, event):
        await super().event_batch(event)
        for name in self.AFTER:
            self.refresh(name)

    def refresh(self, name: str) -> None:
        self.dirty[name] = time.monotonic()
        if name not in self.running:
            self.running[name] = asyncio.ensure_future(self.send_fresh(name))

    async def send_fresh(self, name: str) -> None:
        """Read and send ``name`` until no move came in meanwhile (a move arriving during the read, whose
        commit the read may not have seen, marks it dirty again)."""
        try:
            while name in self.dirty:
                await asyncio.sleep(self.AFTER[name])
                since = self.dirty.pop(name)
                await self.send_json({"kind": name, name: await self.read(name, since)})
        finally:
            self.running.pop(name, None)

    async def read(self, name: str, since: float):
        """One read per screen (city or district) and process for all its open sockets: a read begun after
        this socket learnt of the move is as fresh as its own would be."""
        key = (name, self.group)
        async with self.locks.setdefault(key, asyncio.Lock()):
            started, data = self.fresh.get(key, (0.0, None))
            if started < since:
                started = time.monotonic()
                data = await database_sync_to_async(self.READERS[name])(self.screen)
                self.fresh[key] = (started, data)
        return data

    async def every_minute(self) -> None:
        while True:
            await asyncio.sleep(self.EVERY)
            for name in self.AFTER:
                self.refresh(name)
