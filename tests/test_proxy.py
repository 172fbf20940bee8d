"""Behind the documented proxy every request comes from the proxy's address: the lock-out, the rate limits and the
audit log must tell the people behind it apart by what the proxy appended to X-Forwarded-For, and nothing a
client writes into that header itself may change who it is (``citymgmt.clients``)."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from cases.models import Case

from .conftest import PASSWORD
from .lifecycle import garbage
from .test_public import inside

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # nginx, as gunicorn sees it
ALICE, BOB = "203.0.113.5", "198.51.100.7"
ACCOUNTS = ("leader", "intake_operator", "shift_leader", "supervisor", "district_operator")


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def behind_nginx(settings):
    settings.PROXY_COUNT = 1


def through_proxy(client_sent: str | None, address: str) -> dict:
    """The request's META as gunicorn gets it from nginx (``$proxy_add_x_forwarded_for``)."""
    forwarded = f"{client_sent}, {address}" if client_sent else address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def log_in(username, password, **meta):
    return Client().post(reverse("login"), {"username": username, "password": password}, **meta)


def test_one_persons_wrong_passwords_lock_out_their_address_not_everyone_behind_the_proxy(behind_nginx, users):
    tries = [log_in(name, "wrong-password", **through_proxy(None, ALICE)).status_code for name in ACCOUNTS]
    assert tries == [200, 200, 200, 200, 429]  # five accounts, one wrong password each: the address is locked
    assert log_in("dispatcher", PASSWORD, **through_proxy(None, ALICE)).status_code == 429
    assert log_in("dispatcher", PASSWORD, **through_proxy(None, BOB)).status_code == 302
    assert log_in("leader", PASSWORD, **through_proxy(None, BOB)).status_code == 302
    failed = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED)
    assert set(failed.values_list("address", flat=True)) == {ALICE}


def test_a_forged_x_forwarded_for_does_not_escape_the_lock_out(behind_nginx, users):
    for n, name in enumerate(ACCOUNTS):
        log_in(name, "wrong-password", **through_proxy(f"10.0.0.{n}, 192.0.2.{n}", ALICE))
    assert log_in("dispatcher", PASSWORD, **through_proxy("192.0.2.99", ALICE)).status_code == 429
    assert log_in("dispatcher", PASSWORD, **through_proxy(ALICE, BOB)).status_code == 302  # nor frame another


def test_without_a_proxy_the_header_is_not_read(users):
    for n, name in enumerate(ACCOUNTS):
        log_in(name, "wrong-password", REMOTE_ADDR=ALICE, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert log_in("dispatcher", PASSWORD, REMOTE_ADDR=ALICE, HTTP_X_FORWARDED_FOR=BOB).status_code == 429


def test_token_requests_with_forged_headers_are_limited_per_client(behind_nginx, users):
    api = APIClient()
    codes = [
        api.post("/api/token/", {"username": "nobody", "password": "x"}, **through_proxy(f"192.0.2.{n}", ALICE))
        for n in range(30)
    ]
    assert [c.status_code for c in codes].count(429) == 20  # 10 a minute (API_TOKEN_RATE)
    other = api.post("/api/token/", {"username": "dispatcher", "password": PASSWORD}, **through_proxy(None, BOB))
    assert other.status_code == 200 and other.json()["token"]


def test_the_public_pages_limit_counts_each_person_behind_the_proxy(behind_nginx, users, city, settings):
    settings.PUBLIC_REPORTS_PER_HOUR = 1
    point = inside(city)
    form = {"category": garbage().full_code, "description": "井盖丢了", "latitude": point["lat"]}
    form["longitude"] = point["long"]

    def report(key, sent, address):
        return Client().post(reverse("public-report"), {**form, "key": key * 32}, **through_proxy(sent, address))

    assert report("a", None, ALICE).status_code == 302
    assert report("b", "192.0.2.1", ALICE).status_code == 429
    assert report("c", None, BOB).status_code == 302
    assert Case.objects.count() == 2
