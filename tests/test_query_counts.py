"""The number of SQL queries of every page and API list and detail, pinned in ``query_counts.json`` (as
NetBox pins its list views'): an N+1 regression, or a scope check that starts querying per row, fails here.

The histories fixture holds cases in every state, so a page that queries per row shows it. After a change
that rightly alters a count, ``UPDATE_QUERY_COUNTS=1 ./dev test tests/test_query_counts.py`` rewrites the
file; review its diff like code."""

import json
import os
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from .lifecycle import S, advance, new_case

COUNTS = Path(__file__).with_name("query_counts.json")
UPDATE = os.environ.get("UPDATE_QUERY_COUNTS") == "1"


@pytest.fixture(scope="module")
def pinned():
    counts = json.loads(COUNTS.read_text()) if COUNTS.exists() else {}
    yield counts
    if UPDATE:
        COUNTS.write_text(json.dumps(dict(sorted(counts.items())), indent=1, ensure_ascii=False) + "\n")


def pages(users, city, histories):
    case = histories["plain"]
    web = [
        *[
            (f"workbench as {who}", who, reverse("home"))
            for who in (
                "leader",
                "intake_operator",
                "shift_leader",
                "dispatcher",
                "supervisor",
                "district_operator",
                "unit_operator_d1",
                "administrator",
            )
        ],
        ("case list", "dispatcher", reverse("case-list")),
        ("case list, open queue", "dispatcher", reverse("case-list") + "?queue=open"),
        ("case list, district", "district_operator", reverse("case-list")),
        ("case list, unit", "unit_operator_d1", reverse("case-list")),
        ("case list export", "dispatcher", reverse("case-list") + "?export=xlsx"),
        ("case detail", "dispatcher", reverse("case-detail", args=[case.pk])),
        ("case detail, unit", "unit_operator_d1", reverse("case-detail", args=[case.pk])),
        ("report form", "supervisor", reverse("case-report")),
        ("city map", "dispatcher", reverse("city-map")),
        ("notifications", "unit_operator_d1", reverse("notifications")),
        ("dashboard", "leader", reverse("dashboard") + "?month=2026-11"),
        ("dashboard, district", "district_operator", reverse("dashboard") + "?month=2026-11"),
        ("indicator drill-down", "leader", reverse("indicator-cases") + "?fact=dispatched"),
        ("liaison agenda", "dispatcher", reverse("liaison-agenda") + "?month=2026-11"),
    ]
    api = [
        ("api case list", "dispatcher", "/api/cases/"),
        ("api case list, unit", "unit_operator_d1", "/api/cases/"),
        ("api case detail", "dispatcher", f"/api/cases/{case.pk}/"),
        ("api case layer", "dispatcher", "/api/gis/cases/"),
        ("api areas", "dispatcher", "/api/gis/areas/?kind=street"),
        ("api grids", "dispatcher", "/api/gis/grids/"),
        ("api components", "dispatcher", "/api/gis/components/"),
        ("api cameras", "district_operator", "/api/gis/cameras/"),
    ]
    return web, api


@pytest.mark.django_db
def test_query_counts_are_pinned(pinned, users, city, histories, november):
    web, api = pages(users, city, histories)
    measured, failures = {}, []
    for name, who, url in web + api:
        client = APIClient() if (name, who, url) in api else Client()
        client.force_login(getattr(users, who))
        client.get(url)  # warm per-process caches (the calendar, content types) so that counts are stable
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        measured[name] = len(queries)
        if not UPDATE and pinned.get(name) != len(queries):
            failures.append(f"{name}: {len(queries)} queries, pinned {pinned.get(name)}")
    if UPDATE:
        pinned.clear()
        pinned.update(measured)
    assert not failures, "\n".join(failures)
    # The lists do not grow with their rows: five more cases, the same counts.
    for _ in range(5):
        advance(new_case(users, city), users, city, S.DISPATCHED)
    for name, who, url in web + api:
        if "list" in name or "layer" in name or "workbench" in name:
            client = APIClient() if (name, who, url) in api else Client()
            client.force_login(getattr(users, who))
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            assert len(queries) == measured[name], (name, len(queries), measured[name])
