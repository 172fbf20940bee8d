"""Redis is not the system of record: with it stopped, a case goes from report to closure in the web, every
page answers, notices are kept in the database, and a computation that cannot be queued is marked failed
with its reason. The test runs its own Redis server on its own port, stops it and starts it again."""

import datetime as dt
import shutil
import socket
import subprocess
import time

import pytest
from channels.layers import channel_layers
from django.urls import reverse

from cases.models import Case
from citymgmt.celery import app as celery_app
from evaluation.models import Snapshot, SnapshotStatus
from evaluation.services import recover_interrupted, start_snapshot
from notifications.models import Notification

from .lifecycle import S, at, garbage

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    def __init__(self, workdir):
        self.port, self.workdir, self.process = free_port(), workdir, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def redis_of_our_own(settings, tmp_path):
    """The cache, the channel layer and the Celery broker on a Redis server this test controls."""
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [server.url]}}
    }
    broker = celery_app.conf.broker_url

    def use_broker(url):
        celery_app.conf.broker_url = url
        celery_app._pool, celery_app.amqp._producer_pool = None, None  # connections to the new broker

    use_broker(server.url)
    channel_layers.backends.clear()  # the channel layer of the settings above, from now on
    yield server
    if server.process.poll() is None:
        server.stop()
    use_broker(broker)
    channel_layers.backends.clear()


def test_with_redis_stopped_a_case_goes_from_report_to_closure_in_the_web(
    client, users, city, redis_of_our_own, django_capture_on_commit_callbacks
):
    client.force_login(users.intake_operator)
    assert client.get(reverse("home")).status_code == 200  # the calendar's version is in the cache now
    redis_of_our_own.stop()

    def act(who, case, action, **fields):
        client.force_login(getattr(users, who))
        body = {f"{action}-{k}": ("yes" if v is True else v) for k, v in fields.items()}
        with django_capture_on_commit_callbacks(execute=True):  # the pushes run, and fail quietly
            response = client.post(reverse("case-action", args=[case.pk, action]), body, follow=True)
        assert response.status_code == 200
        assert {m.level_tag for m in response.context["messages"]} == {"success"}, list(response.context["messages"])
        case.refresh_from_db()
        return case

    client.force_login(users.intake_operator)
    form = client.get(reverse("case-report")).context["form"]
    response = client.post(
        reverse("case-report"),
        {
            "source": "hotline",
            "category": garbage().pk,
            "description": "暴露垃圾",
            "area": city.s11.pk,
            "idempotency_key": form.initial["idempotency_key"],
        },
    )
    assert response.status_code == 302, response.content
    case = Case.objects.get()
    for who, action, fields, state in [
        ("intake_operator", "accept", {}, S.PENDING_REGISTRATION),
        ("shift_leader", "register", {}, S.REGISTERED),
        ("dispatcher", "dispatch", {"unit": city.gov1.pk}, S.DISPATCHED),
        ("unit_operator_d1", "handle", {"note": "已清理"}, S.HANDLED),
        ("intake_operator", "send_check", {}, S.CHECKING),
        ("supervisor", "check", {"fixed": True}, S.PENDING_CLOSURE),
        ("shift_leader", "close", {}, S.CLOSED),
    ]:
        case = act(who, case, action, **fields)
        assert case.state == state
    assert Notification.objects.filter(case=case, organization=city.gov1, kind="task").exists()  # kept
    for who, page in [
        ("dispatcher", reverse("home")),
        ("dispatcher", reverse("case-list")),
        ("unit_operator_d1", reverse("case-detail", args=[case.pk])),
        ("leader", reverse("dashboard")),
    ]:
        client.force_login(getattr(users, who))
        assert client.get(page).status_code == 200, page

    client.force_login(users.leader)  # the compute button: the task cannot be queued
    started = time.monotonic()
    response = client.post(reverse("dashboard-compute"), {"month": "2026-11"}, follow=True)
    assert response.status_code == 200 and time.monotonic() - started < 10
    snapshot = Snapshot.objects.get()
    assert snapshot.status == SnapshotStatus.FAILED and snapshot.error  # with the reason, to try again
    assert any(m.level_tag == "error" for m in response.context["messages"])

    redis_of_our_own.start()  # back: the cache serves again
    client.force_login(users.dispatcher)
    assert client.get(reverse("home")).status_code == 200


def test_a_computation_left_running_by_a_dead_worker_is_marked_failed(users):
    stuck = start_snapshot(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31), as_of=at(2026, 11, 1, 1))
    fresh = start_snapshot(start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30), as_of=at(2026, 11, 1, 1))
    Snapshot.objects.filter(pk=stuck.pk).update(created_at=at(2026, 11, 1, 1))
    assert recover_interrupted(now=at(2026, 11, 1, 2)) == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == SnapshotStatus.FAILED and stuck.error and stuck.finished_at
    assert fresh.status == SnapshotStatus.RUNNING


def test_a_redelivered_computation_leaves_a_finished_snapshot_alone(users):
    from evaluation.services import compute_snapshot as compute
    from evaluation.tasks import compute_snapshot

    snapshot = compute(start_snapshot(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)))
    rows = snapshot.rows.count()
    compute_snapshot(snapshot.pk)  # a worker that died after finishing: the task comes again
    assert snapshot.rows.count() == rows
