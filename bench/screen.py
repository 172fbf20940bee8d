"""The live command center under load: N wall screens connected to one server process, actions committed as
fast as one worker takes them, each move delivered to every screen over the Redis channel layer.

    BENCH_DATABASE_URL=postgis://postgres@127.0.0.1:5432/citymgmt_bench REDIS_URL=redis://127.0.0.1:6379/13 \\
        .venv/bin/python bench/screen.py [--screens 50] [--actions 200]

Prints the actions per second committed (report then accept, through ``report_case`` and ``perform``), the
delay from each commit to its arrival at every screen (median, p95), the cost of one counters read and of
one panels read on the demo city (median, p95), the machine's load, and the floor measured in the same run:
the raw rate of one hand-written single-row INSERT into the case event table.
"""

import argparse
import asyncio
import os
import threading
import time

os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
redis_url = os.environ["REDIS_URL"]
import common  # noqa: E402,F401  (it drops REDIS_URL: put it back for the channel layer)
from common import insert_floor, quantiles, uptime  # noqa: E402
from django.conf import settings  # noqa: E402

settings.CHANNEL_LAYERS = {  # as in production (citymgmt/settings.py)
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": redis_url, "socket_timeout": 10}], "capacity": 20_000},
    }
}

from channels.layers import channel_layers  # noqa: E402
from channels.testing import WebsocketCommunicator  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402
from cases.services import perform, report_case  # noqa: E402
from classification.models import Category  # noqa: E402
from demo.geometry import lonlat  # noqa: E402
from evaluation import live  # noqa: E402
from web.consumers import ScreenConsumer  # noqa: E402


def read_costs(screen, n=20):
    out = {}
    for name, read in (("counters", live.counters), ("panels", live.panels)):
        times = []
        for _ in range(n):
            start = time.perf_counter()
            read(screen)
            times.append(time.perf_counter() - start)
        out[name] = quantiles(times)
    return out


def act(actions, committed, done):
    supervisor = User.objects.get(username="supervisor")
    intake = User.objects.get(username="intake")
    category = Category.objects.get(major__scheme="gbt47678.5-2026", name="暴露垃圾")
    from django.contrib.gis.geos import Point

    start = time.perf_counter()
    for i in range(actions // 2):
        x, y = lonlat(60 + i % 40, 60 + i // 40)
        case, _ = report_case(
            actor=supervisor, source="supervisor", category=category, description="大屏压测", location=Point(x, y)
        )
        committed[(case.pk, "report")] = time.perf_counter()
        perform(case_id=case.pk, action="accept", actor=intake)
        committed[(case.pk, "accept")] = time.perf_counter()
    done.append(time.perf_counter() - start)
    connection.close()


async def main(screens_wanted, actions):
    viewer = await asyncio.to_thread(lambda: User.objects.get(username="dispatcher"))
    screens = []
    for _ in range(screens_wanted):
        communicator = WebsocketCommunicator(ScreenConsumer.as_asgi(), "/ws/screen/")
        communicator.scope["user"] = viewer
        await communicator.connect()
        await communicator.receive_json_from(timeout=60)  # the whole state
        screens.append(communicator)
    print(f"{len(screens)} screens connected")
    committed, done, delays = {}, [], []

    async def listen(communicator):
        got = 0
        while got < actions:
            try:
                message = await communicator.receive_json_from(timeout=60)
            except Exception:
                print(f"a screen stopped after {got} of {actions} moves")
                raise
            if message["kind"] == "case":
                got += 1
                delays.append(
                    time.perf_counter() - committed.get((message["id"], message["action"]), time.perf_counter())
                )

    listeners = [asyncio.create_task(listen(s)) for s in screens]
    worker = threading.Thread(target=act, args=(actions, committed, done))
    worker.start()
    await asyncio.gather(*listeners)
    worker.join()
    for s in screens:
        await s.disconnect()
    return done[0], delays


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--screens", type=int, default=50)
    parser.add_argument("--actions", type=int, default=200)
    args = parser.parse_args()
    common.prepare()
    print("load before:", uptime())
    channel_layers.backends.clear()
    seconds, delays = asyncio.run(main(args.screens, args.actions))
    median, p95 = quantiles(delays)
    print(f"{args.screens} screens, {args.actions} actions in {seconds:.2f} s: {args.actions / seconds:.1f} actions/s")
    print(f"commit → every screen: median {1000 * median:.1f} ms, p95 {1000 * p95:.1f} ms ({len(delays):,} deliveries)")
    for name, (m, p) in read_costs(live.Screen(None)).items():
        print(f"{name} read (whole city): median {1000 * m:.1f} ms, p95 {1000 * p:.1f} ms")
    print(f"floor: single-row INSERT into the event table: {insert_floor():,.0f} rows/s")
    print("load after:", uptime())
