"""The number of SQL queries of every page and API list and detail, pinned in ``query_counts.json`` (as
NetBox pins its list views'): an N+1 regression, or a scope check that starts querying per row, fails here.

The histories fixture holds cases in every state, so a page that queries per row shows it. After a change
that rightly alters a count, ``UPDATE_QUERY_COUNTS=1 ./dev test tests/test_query_counts.py`` rewrites the
file; review its diff like code."""

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from django.contrib.gis.geos import LineString
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import Case
from demo.geometry import lonlat
from sampling.models import Library, Patrol, Recheck, RecheckDraw, Sample, SampleKind, SpecialCollection, Visit
from sampling.services import tasks

from .conftest import DESKS
from .lifecycle import S, advance, at, new_case

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
        *[(f"workbench as {who}", who, reverse("home")) for who in DESKS],
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
        ("sampling library", "dispatcher", reverse("sampling-library")),
        ("sampling sample", "dispatcher", reverse("sampling-sample", args=[Sample.objects.order_by("pk")[0].pk])),
        ("sampling tasks", "dispatcher", reverse("sampling-planning") + "?month=2026-11"),
        ("sampling tasks, district", "district_operator", reverse("sampling-planning") + "?month=2026-11"),
        ("sampling board", "leader", reverse("sampling-statistics") + "?month=2026-11"),
        ("sampling specials", "dispatcher", reverse("sampling-specials")),
        ("sampling rechecks", "dispatcher", reverse("sampling-rechecks") + "?month=2026-10"),
        ("sampling, my tasks", "supervisor", reverse("sampling-my-work")),
        ("command screen", "dispatcher", reverse("command-screen")),
        ("analysis hot spots", "leader", reverse("analysis-hotspots") + "?start=2026-11-01&end=2026-11-30"),
        ("analysis hot spots, district", "district_operator", reverse("analysis-hotspots") + "?start=2026-11-01"),
        ("analysis time", "leader", reverse("analysis-time") + "?start=2026-11-01&end=2026-11-30"),
        ("analysis types", "leader", reverse("analysis-types") + "?start=2026-11-01&end=2026-11-30"),
        ("analysis forecast", "district_operator", reverse("analysis-forecast")),
        ("analysis key areas", "leader", reverse("analysis-areas")),
        ("field app", "supervisor", reverse("field-app")),
        ("public report page", "supervisor", reverse("public-report")),
        ("public side of a case", "intake_operator", reverse("public-case", args=[case.pk])),
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
        ("api samples", "dispatcher", "/api/sampling/samples/"),
        ("api tasks", "dispatcher", "/api/sampling/tasks/"),
        ("api tasks, mine", "supervisor", "/api/sampling/tasks/?mine=1"),
        ("api patrols", "supervisor", "/api/sampling/patrols/"),
        ("api rechecks", "dispatcher", "/api/sampling/rechecks/"),
        ("api liaison decisions", "dispatcher", "/api/liaison/decisions/"),
    ]
    return web, api


@pytest.fixture
def sampled(users, city):
    """A library of three samples, a month's tasks, a patrol over them, a special collection, rechecks."""
    library = Library.objects.create(name="2026", starts_on=dt.date(2026, 1, 1))
    road = SampleKind.objects.get(code="road")
    rows = [
        Sample(
            library=library,
            kind=road,
            code=f"R{i}",
            name=f"路{i}",
            level="主干道",
            length_m=1000,
            geometry=LineString([lonlat(50, 50 + i), lonlat(51, 50 + i)], srid=4326),
            district=city.d1,
            street=city.s11,
        )
        for i in range(3)
    ]
    Sample.objects.bulk_create(rows)
    made = tasks.assign(
        actor=users.dispatcher,
        supervisor=users.supervisor,
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 11, 30),
        samples=rows,
    )
    patrol = Patrol.objects.create(
        supervisor=users.supervisor, started_at=at(2026, 11, 3, 9), finished_at=at(2026, 11, 3, 12)
    )
    Visit.objects.bulk_create(
        Visit(patrol=patrol, sample=t.sample, task=t, day=dt.date(2026, 11, 3), share=1, covered=True) for t in made
    )
    special = SpecialCollection.objects.create(name="专项", starts_at=at(2026, 11, 1, 0), ends_at=at(2026, 12, 31, 0))
    special.supervisors.set([users.supervisor])
    draw = RecheckDraw.objects.create(month=dt.date(2026, 10, 1), seed=1, rate=1, size=10)
    Recheck.objects.bulk_create(
        Recheck(draw=draw, case=case, supervisor=users.supervisor, due_on=dt.date(2026, 11, 30))
        for case in Case.objects.filter(state="closed")[:3]
    )


@pytest.mark.django_db
def test_query_counts_are_pinned(pinned, users, city, histories, november, sampled):
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
