"""Real services: a Celery task through Redis to a real worker, and messages through the Redis channel layer."""

import pytest
from asgiref.sync import sync_to_async
from celery.contrib.testing.worker import start_worker
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from citymgmt.celery import app, ping
from notifications.realtime import organization_group, push, user_group
from web.consumers import UserEventsConsumer

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def _empty_queue():
    """Tasks queued by earlier tests (with no worker running then) must not reach this test's worker."""
    app.control.purge()


def test_celery_task_runs_on_a_real_worker_through_redis():
    assert app.conf.broker_url.startswith("redis://")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = ping.delay()
        assert result.get(timeout=20) == "pong"
        assert result.successful()


async def test_message_goes_through_the_redis_channel_layer():
    layer = get_channel_layer()
    assert type(layer).__name__ == "RedisChannelLayer"
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "hello", "text": "你好"})
    assert await layer.receive(channel) == {"type": "hello", "text": "你好"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_workbench_socket_receives_pushes_to_its_user_and_organization(city, users):
    user = users.district_operator
    communicator = WebsocketCommunicator(UserEventsConsumer.as_asgi(), "/ws/events/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    await sync_to_async(push)(user_group(user.pk), {"kind": "notice", "text": "案卷超时"})
    assert await communicator.receive_json_from(timeout=5) == {"kind": "notice", "text": "案卷超时"}
    await sync_to_async(push)(organization_group(city.p1.pk), {"kind": "queue", "count": 3})
    assert await communicator.receive_json_from(timeout=5) == {"kind": "queue", "count": 3}
    await communicator.disconnect()


async def test_anonymous_socket_is_refused():
    from django.contrib.auth.models import AnonymousUser

    communicator = WebsocketCommunicator(UserEventsConsumer.as_asgi(), "/ws/events/")
    communicator.scope["user"] = AnonymousUser()
    connected, code = await communicator.connect()
    assert not connected
    assert code == 4401


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_beat_task_flags_an_overdue_case_through_the_worker(city, users, settings):
    from django.utils import timezone

    from cases.models import Case
    from cases.tasks import flag_overdue
    from notifications.models import Notification
    from tests.lifecycle import S, advance, new_case

    assert settings.CELERY_BEAT_SCHEDULE["flag-overdue-cases"]["task"] == flag_overdue.name
    case = advance(
        new_case(users, city, now=timezone.now() - timezone.timedelta(days=30)),
        users,
        city,
        S.DISPATCHED,
        now=timezone.now() - timezone.timedelta(days=30),
    )
    assert case.handling_deadline < timezone.now() and not case.is_overdue
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert flag_overdue.delay().get(timeout=20) >= 1
    assert Case.objects.get(pk=case.pk).is_overdue
    assert Notification.objects.filter(case=case, kind="overdue", organization=city.gov1).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_dispatch_pushes_to_the_units_open_workbench_after_commit(city, users):
    from cases.services import perform
    from tests.lifecycle import S, advance, new_case

    case = await sync_to_async(lambda: advance(new_case(users, city), users, city, S.REGISTERED))()
    communicator = WebsocketCommunicator(UserEventsConsumer.as_asgi(), "/ws/events/")
    communicator.scope["user"] = users.unit_operator_d1
    assert (await communicator.connect())[0]
    await sync_to_async(perform)(case_id=case.pk, action="dispatch", actor=users.dispatcher, unit=city.gov1)
    notice = await communicator.receive_json_from(timeout=5)
    assert (notice["kind"], notice["number"]) == ("task", case.number)
    assert case.number in notice["message"]
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_indicator_snapshot_is_computed_by_a_real_worker(city, users):
    import datetime as dt

    from evaluation.models import Snapshot, SnapshotStatus
    from evaluation.services import start_snapshot
    from evaluation.tasks import compute_snapshot
    from tests.lifecycle import at, new_case

    new_case(users, city, now=at(2026, 11, 3, 9))
    snapshot = start_snapshot(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30), as_of=at(2026, 11, 25, 12))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert compute_snapshot.delay(snapshot.pk).get(timeout=30) == snapshot.pk
    snapshot = Snapshot.objects.get(pk=snapshot.pk)
    assert (snapshot.status, snapshot.progress) == (SnapshotStatus.DONE, 100)
    assert snapshot.rows.get(object_type="city").counts["reports"] == 1
