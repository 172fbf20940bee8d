"""Decision analysis: high-incidence types, the forecast and its back-test, key areas and the before/after
test of a campaign."""

import datetime as dt
import json
import random

import pytest
from django.contrib.gis.geos import MultiPolygon
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.worktime import current_calendar
from evaluation import areas, trends
from evaluation.models import KeyArea
from gis.models import Boundary

from .lifecycle import at, new_case

pytestmark = pytest.mark.django_db


def test_the_day_type_forecast_beats_the_seasonal_naive_baseline_on_a_noisy_week():
    rng = random.Random(3)
    calendar = current_calendar()
    start = dt.date(2026, 3, 1)
    days = [start + dt.timedelta(days=i) for i in range(250)]
    counts = {day: max(0, round(rng.gauss(40 if calendar.is_workday(day) else 15, 6))) for day in days}
    months = [dt.date(2026, m, 1) for m in (7, 8, 9, 10)]
    actual = {m: sum(counts[d] for d in trends.month_days(m)) for m in months}
    model = [abs(trends.day_type_forecast(counts, m, calendar) - actual[m]) / actual[m] for m in months]
    naive = [abs(trends.seasonal_naive(counts, m) - actual[m]) / actual[m] for m in months]
    assert sum(model) / 4 < sum(naive) / 4 and max(model) < 0.05


def test_the_forecast_page_states_its_error_per_district(client, users, city):
    for day in range(1, 90):
        new_case(users, city, area=city.s11, now=timezone.now() - dt.timedelta(days=day))
    result = trends.forecast(Case.objects.all(), "district", timezone.localdate())
    [row] = result["rows"]
    assert row["name"] == city.d1.name and row["forecast"] > 0 and row["error"] is not None
    assert len(result["tested"]) == 4 and result["baseline_error"] is not None
    client.force_login(users.leader)
    page = client.get(reverse("analysis-forecast"))
    assert page.status_code == 200 and city.d1.name in page.content.decode()
    for name in ("analysis-forecast", "analysis-types", "analysis-time"):
        export = client.get(reverse(name), {"format": "xlsx"})
        assert export.status_code == 200 and export.content[:2] == b"PK", name


def test_types_rank_categories_with_their_change_and_the_pareto_share(users, city):
    from classification.models import Category

    other = Category.objects.filter(major__scheme="gbt47678.5-2026", is_active=True).exclude(name="暴露垃圾").first()
    for day, category in [(3, None), (4, None), (5, None), (6, other), (-20, other), (-21, other)]:
        new_case(users, city, category=category, now=at(2026, 10, 10 + day, 9) if day > 0 else at(2026, 9, 30 + day, 9))
    found = trends.types(Case.objects.all(), dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    first, second = found["rows"][:2]
    assert (first["name"], first["now"], first["before"], first["change"]) == ("暴露垃圾", 3, 0, None)
    assert (second["now"], second["before"], second["change"]) == (1, 2, -50.0)
    assert first["cumulative"] == 75.0 and second["cumulative"] == 100.0


def test_a_campaign_that_halves_the_reports_is_more_than_noise(users, city):
    area = areas.create_area(
        actor=users.leader, name="东城片区", geometry=json.dumps(json.loads(city.grid11.geometry.geojson))
    )
    point = city.grid11.geometry.point_on_surface
    around = dt.date(2026, 10, 15)
    for offset in range(-14, 14):
        for _ in range(6 if offset < 0 else 2):
            day = around + dt.timedelta(days=offset)
            new_case(users, city, area=None, location=point, now=at(day.year, day.month, day.day, 10))
    change = areas.before_after(areas.inside(Case.objects.all(), area), around, 14)
    assert (change.mean_before, change.mean_after, change.change) == (6, 2, -66.7) and change.significant
    steady = areas.before_after(areas.inside(Case.objects.all(), area), around - dt.timedelta(days=7), 7)
    assert steady.mean_before == steady.mean_after == 6 and not steady.significant


def test_key_areas_from_a_drawing_or_a_street_and_only_in_scope(client, users, city):
    Boundary.objects.create(organization=city.s21, geometry=MultiPolygon(city.grid21.geometry))
    with pytest.raises(ValidationError):
        areas.create_area(actor=users.leader, name="x", geometry='{"type": "Point", "coordinates": [1, 2]}')
    with pytest.raises(ValidationError):
        areas.create_area(actor=users.leader, name="x")
    west = areas.create_area(actor=users.leader, name="西城片区", area=city.s21)
    assert west.geometry.area > 0
    client.force_login(users.district_operator)  # the first district's platform
    own = client.post(reverse("analysis-areas"), {"name": "东城商圈", "geometry": city.grid11.geometry.geojson})
    mine = KeyArea.objects.get(name="东城商圈")
    assert own.status_code == 302 and mine.organization == city.d1
    assert client.get(reverse("analysis-area", args=[mine.pk])).status_code == 200
    assert client.get(reverse("analysis-area", args=[west.pk])).status_code == 404  # the city's, not theirs
