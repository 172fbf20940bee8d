from django.urls import path

from web.consumers import ScreenConsumer, UserEventsConsumer

websocket_urlpatterns = [
    path("ws/events/", UserEventsConsumer.as_asgi()),
    path("ws/screen/", ScreenConsumer.as_asgi()),
]
