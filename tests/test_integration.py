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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_computation_whose_worker_is_killed_midway_is_redelivered_and_finished(city, users, tmp_path):
    """acks_late: a worker killed while computing leaves its task unacknowledged; after the visibility
    timeout another worker takes it again, and the (idempotent) computation finishes once."""
    import datetime as dt
    import os
    import signal
    import subprocess
    import sys
    import time

    import redis
    from django.conf import settings
    from django.db import connection, transaction

    from evaluation.models import Snapshot, SnapshotStatus
    from evaluation.services import start_snapshot
    from evaluation.tasks import compute_snapshot
    from tests.lifecycle import at, new_case
    from tests.test_settings import ROOT

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("unacked", "unacked_index")  # tasks of killed workers from earlier runs must not interfere
    queue = f"redelivery-test-{os.getpid()}"  # its own queue: tasks other tests left in "celery" cannot go first
    log = tmp_path / "worker.log"
    new_case(users, city, now=at(2026, 11, 3, 9))
    snapshot = start_snapshot(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30), as_of=at(2026, 11, 25, 12))
    db = connection.settings_dict
    env = os.environ | {
        "DATABASE_URL": f"postgis://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}",
        "CELERY_VISIBILITY_TIMEOUT": "3",
    }

    def worker():
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "citymgmt",
                "worker",
                "--pool",
                "solo",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--queues",
                queue,
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("a"),
        )

    with transaction.atomic():  # the worker will wait on this lock, in the middle of its task
        Snapshot.objects.select_for_update().get(pk=snapshot.pk)
        compute_snapshot.apply_async((snapshot.pk,), queue=queue)
        first = worker()
        waiting = False
        deadline = time.monotonic() + 120
        while not waiting and time.monotonic() < deadline:
            time.sleep(0.2)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_stat_clear_snapshot()")  # activity is otherwise frozen for the transaction
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                )
                waiting = cursor.fetchone()[0] > 0
        assert waiting, f"the worker did not reach the snapshot: {log.read_text()[-2000:]}"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    assert Snapshot.objects.get(pk=snapshot.pk).status == SnapshotStatus.RUNNING
    second = worker()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and Snapshot.objects.get(pk=snapshot.pk).status == SnapshotStatus.RUNNING:
            time.sleep(0.5)
    finally:
        second.terminate()
        second.wait(20)
    snapshot = Snapshot.objects.get(pk=snapshot.pk)
    assert snapshot.status == SnapshotStatus.DONE
    assert snapshot.rows.filter(object_type="city").count() == 1  # computed once
