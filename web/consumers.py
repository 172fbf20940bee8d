from channels.generic.websocket import AsyncJsonWebsocketConsumer

from notifications.realtime import organization_group, user_group


class UserEventsConsumer(AsyncJsonWebsocketConsumer):
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

    async def event_message(self, event):
        await self.send_json(event["payload"])
