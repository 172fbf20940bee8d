"""Long lists: counted exactly up to a bound and estimated beyond it; paged by key in the API."""

import pytest
from rest_framework.test import APIClient

from citymgmt.paging import KeysetPagination
from tests.lifecycle import at, new_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def five(users, city):
    return [new_case(users, city, now=at(2026, 11, 2 + i, 9)) for i in range(5)]


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_list_beyond_the_bound_shows_the_planners_estimate(client, users, five, settings):
    settings.LIST_EXACT_COUNT_UP_TO = 100
    exact = api(users.dispatcher).get("/api/cases/").json()
    assert exact["count"] == 5 and exact["estimated"] is False
    settings.LIST_EXACT_COUNT_UP_TO = 3
    estimated = api(users.dispatcher).get("/api/cases/").json()
    assert estimated["estimated"] is True and estimated["count"] >= 4 and len(estimated["results"]) == 5
    client.force_login(users.dispatcher)
    page = client.get("/cases/")
    assert page.context["page"].paginator.estimated and "≈" in page.content.decode()


def test_the_api_pages_by_key_newest_first(users, five, monkeypatch):
    monkeypatch.setattr(KeysetPagination, "page_size", 2)
    numbers, url = [], "/api/cases/?cursor="
    while url:
        body = api(users.dispatcher).get(url).json()
        numbers += [c["number"] for c in body["results"]]
        url = body["next"]
    assert numbers == [c.number for c in reversed(five)]
