"""Hot spots: Getis-Ord Gi* finds the hot spots the demo generator planted (recall ≥ 90 %, few false ones),
and agrees with a direct computation of the formula."""

import datetime as dt
import math

import numpy as np
import pytest

from accounts.choices import Role
from cases.models import Case
from demo.geometry import build_demo_geometry, build_demo_surroundings, cell_of
from demo.history import HistoryGenerator
from demo.organizations import build_demo_organizations, create_demo_accounts, create_demo_staff
from demo.rules import build_demo_rules
from evaluation import hotspots
from gis.models import Grid

from .lifecycle import at

pytestmark = pytest.mark.django_db
END = at(2026, 11, 20, 18)


def test_gi_star_equals_the_formula_on_a_small_lattice():
    ids = np.arange(5)
    # a line of five grids, each neighbour of the next (and of itself)
    start = np.array([0, 2, 5, 8, 11, 13])
    neighbours = np.array([0, 1, 0, 1, 2, 1, 2, 3, 2, 3, 4, 3, 4])
    grid = hotspots.Lattice(ids, list("abcde"), np.zeros((5, 2)), np.zeros((5, 2)), start, neighbours)
    x = np.array([1, 2, 9, 3, 0])
    z = hotspots.gi_star(grid, x)
    n, mean, s = 5, x.mean(), math.sqrt((x**2).mean() - x.mean() ** 2)
    w = 3  # the middle grid: itself and two neighbours
    expected = (x[1:4].sum() - mean * w) / (s * math.sqrt((n * w - w * w) / (n - 1)))
    assert z[2] == pytest.approx(expected) and z[2] > z[0]


def test_benjamini_hochberg_keeps_the_strong_and_drops_the_chance_ones():
    p = np.array([0.0001, 0.004, 0.04, 0.2, 0.9])  # thresholds 0.01, 0.02, 0.03, 0.04, 0.05
    assert hotspots.significant(p, 0.05).tolist() == [True, True, False, False, False]


def test_the_analysis_finds_the_planted_hot_spots(django_db_blocker):
    city = build_demo_organizations(seed=7)
    build_demo_geometry(city, cells=60)
    build_demo_rules(city)
    create_demo_accounts(city)
    staff = create_demo_staff(city)
    build_demo_surroundings(city, seed=7, supervisors=staff[Role.SUPERVISOR])
    generator = HistoryGenerator(seed=7, scale=0.3, end=END)
    first = 1
    for month in (dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)):
        stories = generator.stories(month)
        generator.write(stories, first_pk=first, first_number=first)
        first += len(stories)
    analysis = hotspots.analyse(Case.objects.all())
    cells = {g.pk: cell_of(g.geometry) for g in Grid.objects.all()}
    hot = [cells[s.grid_id] for s in analysis.hot]

    def planted_intensity(c, r):  # the generator's own weight of a grid: 0.4 everywhere, plus the bumps
        return 0.4 + sum(h * math.exp(-((c - x) ** 2 + (r - y) ** 2) / (2 * s * s)) for x, y, s, h in centers)

    centers = generator.hot_centers
    half_maximum = math.sqrt(2 * math.log(2))  # a bump's radius at half its height, in spreads
    found = [any(math.hypot(c - x, r - y) <= max(2.0, half_maximum * s) for c, r in hot) for x, y, s, _h in centers]
    false = [cell for cell in hot if planted_intensity(*cell) < 2 * 0.4]  # not raised by any planted spot
    print(f"planted {len(centers)}, found {sum(found)}; hot grids {len(hot)}, {len(false)} where nothing was planted")
    assert sum(found) >= 0.9 * len(centers)
    assert len(false) <= 0.05 * len(hot)


def test_the_pages_drill_down_and_export(client, users, city):
    from django.urls import reverse

    from .lifecycle import new_case

    point = city.grid11.geometry.point_on_surface
    for _ in range(3):
        new_case(users, city, area=None, location=point, now=at(2026, 11, 10, 9))
    client.force_login(users.leader)
    query = {"start": "2026-11-01", "end": "2026-11-30"}
    page = client.get(reverse("analysis-hotspots"), query)
    assert page.status_code == 200 and page.context["result"].counts.sum() == 3
    assert (
        "grid=" in page.context["map_data"]["cases_url"] + "grid="
        and "reported_from=2026-11-01" in page.context["drill"]
    )
    drilled = client.get(reverse("case-list"), {"grid": city.grid11.code, "reported_from": "2026-11-01"})
    assert drilled.status_code == 200 and len(drilled.context["page"].object_list) == 3
    elsewhere = client.get(reverse("analysis-hotspots"), {**query, "area": city.d2.pk})
    assert elsewhere.status_code == 200 and elsewhere.context["result"].counts.sum() == 0
    export = client.get(reverse("analysis-hotspots"), {**query, "format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats") and export.content[:2] == b"PK"
    timing = client.get(reverse("analysis-time"), query)
    assert timing.status_code == 200 and sum(n for _d, _h, n in timing.context["chart_data"]["matrix"]) == 3
    client.force_login(users.unit_operator)
    assert client.get(reverse("analysis-hotspots")).status_code == 403
