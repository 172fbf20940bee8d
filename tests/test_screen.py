"""The live command center: the wall screen's socket gets the whole state on connecting (so after every
reconnection), each committed move of a case, and counters that equal the database after a burst — through
the real Redis channel layer."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseSource
from cases.services import perform
from evaluation import live
from notifications import realtime
from notifications.realtime import user_group
from web.consumers import ScreenConsumer, UserEventsConsumer

from .lifecycle import new_case

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


async def screen_of(user):
    communicator = WebsocketCommunicator(ScreenConsumer.as_asgi(), "/ws/screen/")
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


async def until_counters(communicator, expected, messages=40):
    """Messages until counters equal ``expected`` (a screen may see intermediate counters on the way).
    A receive that times out ends the test: the test communicator stops the consumer on a timeout."""
    moves, last = [], None
    for _ in range(messages):
        message = await communicator.receive_json_from(timeout=5)
        if message["kind"] == "case":
            moves.append(message)
        elif message["kind"] == "counters":
            last = message["counters"]
            if all(last["today"][k] == v for k, v in expected.items()):
                return moves, last
    raise AssertionError(f"counters never reached {expected}: last {last}")


def burst(users, city):
    """Six reports in two districts, three of them accepted and one of those sent for verification."""
    made = [new_case(users, city, area=city.s11 if i % 2 else city.s21, now=timezone.now()) for i in range(6)]
    for case in made[:3]:
        perform(case_id=case.pk, action="accept", actor=users.intake_operator)
    return made


async def test_a_burst_of_actions_reaches_the_city_screen_and_its_counters_equal_the_database(users, city):
    screen, connected, _code = await screen_of(users.dispatcher)
    assert connected
    state = await screen.receive_json_from(timeout=5)
    assert state["kind"] == "state" and state["counters"]["today"]["reported"] == 0
    await sync_to_async(burst)(users, city)
    moves, counters = await until_counters(screen, {"reported": 6})
    truth = await sync_to_async(live.counters)(live.Screen(None))
    assert counters["today"] == truth["today"] and counters["open"] == truth["open"] == 6
    assert sorted(m["action"] for m in moves) == ["accept"] * 3 + ["report"] * 6
    await screen.disconnect()


async def test_a_district_screen_sees_its_own_district_and_catches_up_after_a_reconnection(users, city):
    screen, connected, _code = await screen_of(users.district_operator)  # the first district's platform
    assert connected
    state = await screen.receive_json_from(timeout=5)
    assert state["name"] == city.d1.name
    await sync_to_async(burst)(users, city)
    moves, counters = await until_counters(screen, {"reported": 3})
    assert {m["district"] for m in moves} == {city.d1.pk}
    await screen.disconnect()
    later = await sync_to_async(new_case)(users, city, area=city.s11, now=timezone.now())  # the screen is away
    await sync_to_async(perform)(case_id=later.pk, action="accept", actor=users.intake_operator)
    screen, connected, _code = await screen_of(users.district_operator)
    state = await screen.receive_json_from(timeout=5)
    assert state["counters"]["today"]["reported"] == 4 and state["counters"]["today"]["registered"] == 0
    assert state["counters"]["open"] == 4
    await screen.disconnect()


async def test_units_and_supervisors_have_no_screen(users, city):
    for user in (users.unit_operator, users.supervisor):
        _screen, connected, code = await screen_of(user)
        assert not connected and code == 4403


def test_counters_compare_today_with_the_same_time_a_week_ago(users, city):
    now = timezone.now()
    for days in (7, 7, 0):
        new_case(users, city, source=CaseSource.HOTLINE, now=now - timezone.timedelta(days=days, minutes=5))
    new_case(users, city, now=now - timezone.timedelta(days=7) + timezone.timedelta(minutes=30))  # later that day
    counted = live.counters(live.Screen(None), now=now)
    assert (counted["today"]["reported"], counted["week_ago"]["reported"]) == (1, 2)


def test_the_screen_page_is_for_the_center_and_the_districts(client, users):
    client.force_login(users.dispatcher)
    page = client.get(reverse("command-screen"))
    assert page.status_code == 200 and b"/ws/screen/" in page.content and b"echarts.min.js" in page.content
    client.force_login(users.unit_operator)
    assert client.get(reverse("command-screen")).status_code == 403


async def test_an_idle_screen_stays_connected_past_the_layers_blocking_read(users, city):
    """The channel layer waits for messages in 5-second blocking reads; an idle screen must outlive one."""
    screen, connected, _code = await screen_of(users.dispatcher)
    assert connected
    await screen.receive_json_from(timeout=5)
    await asyncio.sleep(6)
    await sync_to_async(new_case)(users, city, now=timezone.now())
    moved = await screen.receive_json_from(timeout=5)
    assert moved["kind"] == "case" and moved["action"] == "report"
    await screen.disconnect()


async def test_pushes_made_together_travel_as_one_message_and_arrive_one_by_one_in_order(users):
    socket = WebsocketCommunicator(UserEventsConsumer.as_asgi(), "/ws/events/")
    socket.scope["user"] = users.dispatcher
    assert (await socket.connect())[0]
    group = user_group(users.dispatcher.pk)
    assert realtime.messages([([group], {"n": 0})]) == {group: {"type": "event.message", "payload": {"n": 0}}}
    together = realtime.messages([([group, "other"], {"n": 1}), ([group], {"n": 2})])
    assert together[group] == {"type": "event.batch", "payloads": [{"n": 1}, {"n": 2}]}
    assert together["other"]["payload"] == {"n": 1}

    def burst():
        for n in range(20):
            realtime.push(group, {"n": n})

    await sync_to_async(burst)()
    received = [await socket.receive_json_from(timeout=5) for _ in range(20)]
    assert received == [{"n": n} for n in range(20)]
    await socket.disconnect()
