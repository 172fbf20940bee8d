"""A kept database connection is checked before a request reuses it without a round trip when it is well, and
replaced when the server ended it (``citymgmt.postgis``)."""

import time

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept():
    """A second connection to the test database, kept between requests as a web worker keeps its own."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    wrapper.health_check_enabled = True  # as CONN_HEALTH_CHECKS sets it (the web's settings, not the tests')
    yield wrapper
    wrapper.close()


def backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def checks(wrapper) -> list[bool]:
    """Count the checks by query (Django's ``is_usable``) the wrapper makes."""
    made = []
    usable = wrapper.is_usable
    wrapper.is_usable = lambda: made.append(usable()) or made[-1]
    return made


def test_a_live_kept_connection_is_reused_without_a_query(kept):
    pid, made = backend_pid(kept), checks(kept)
    kept.health_check_done = False  # a new request
    assert backend_pid(kept) == pid
    assert made == []


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it(kept):
    pid, made = backend_pid(kept), checks(kept)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)  # the server's notice reaches the socket
    kept.health_check_done = False  # the next request
    assert backend_pid(kept) != pid  # no error: the check saw the end and connected afresh
    assert made == [False]
