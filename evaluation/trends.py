"""High-incidence types and next month's forecast.

Types: each category's reports in the period against the period of the same length before it, the Pareto
curve (the few categories that make most of the reports), and the categories rising fastest.

Forecast: a day-type model — a day's expected reports are the mean of the last eight weeks' days of the same
weekday and the same kind (working day or day off, from the working calendar), summed over the target month's
days — for each district, street and major category. Its error is measured on held-out past months (each
forecast from the data before it) against the seasonal-naive baseline (each day as the same weekday of the
last week before the month), as the mean absolute percentage error, and shown beside the forecast.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate

from cases.models import Case
from cases.worktime import current_calendar

LEVELS = {"district": "district__name", "street": "street__name", "major": "category__major__name"}
WEEKS = 8
BACKTEST_MONTHS = 4


def types(cases: QuerySet[Case], start: dt.date, end: dt.date) -> dict:
    """Categories by reports in the period, with the period before, their share, the cumulative share."""
    before_start = start - (end - start) - dt.timedelta(days=1)
    rows = (
        cases.filter(reported_at__date__gte=before_start, reported_at__date__lte=end)
        .values("category_id", name=F("category__name"), major=F("category__major__name"))
        .annotate(
            now=Count("pk", filter=_in(start, end)),
            before=Count("pk", filter=_in(before_start, start - dt.timedelta(days=1))),
        )
        .order_by("-now", "name")
    )
    rows = [r for r in rows if r["now"] or r["before"]]
    total = sum(r["now"] for r in rows) or 1
    running = 0
    for r in rows:
        running += r["now"]
        r["share"] = round(100 * r["now"] / total, 1)
        r["cumulative"] = round(100 * running / total, 1)
        r["change"] = round(100 * (r["now"] - r["before"]) / r["before"], 1) if r["before"] else None
    rising = sorted((r for r in rows if r["before"] >= 10), key=lambda r: -(r["now"] - r["before"]) / r["before"])
    vital = next((i + 1 for i, r in enumerate(rows) if r["cumulative"] >= 80), len(rows))
    return {"rows": rows, "rising": rising[:10], "vital_few": vital, "before_start": before_start}


def _in(start: dt.date, end: dt.date) -> Q:
    return Q(reported_at__date__gte=start, reported_at__date__lte=end)


def daily(cases: QuerySet[Case], level: str, since: dt.date) -> dict[str, dict[dt.date, int]]:
    """Reports per day per district, street or major category since ``since``."""
    series: dict[str, dict[dt.date, int]] = defaultdict(dict)
    rows = (
        cases.filter(reported_at__date__gte=since)
        .annotate(day=TruncDate("reported_at"))
        .values("day", name=F(LEVELS[level]))
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in rows:
        if r["name"]:
            series[r["name"]][r["day"]] = r["n"]
    return series


def month_days(month: dt.date) -> list[dt.date]:
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return [month + dt.timedelta(days=i) for i in range((following - month).days)]


def day_type_forecast(counts: dict[dt.date, int], month: dt.date, calendar, until: dt.date | None = None) -> float:
    """Expected reports in ``month`` from the eight weeks before ``until`` (the month's first day by default):
    the mean per (weekday, working day or not)."""
    until = until or month
    history = [until - dt.timedelta(days=i) for i in range(1, 7 * WEEKS + 1)]
    by_type: dict[tuple[int, bool], list[int]] = defaultdict(list)
    for day in history:
        by_type[(day.weekday(), calendar.is_workday(day))].append(counts.get(day, 0))
    by_kind: dict[bool, list[int]] = defaultdict(list)
    for (_weekday, working), values in by_type.items():
        by_kind[working].extend(values)

    def expected(day: dt.date) -> float:
        values = by_type.get((day.weekday(), calendar.is_workday(day))) or by_kind.get(calendar.is_workday(day), [0])
        return sum(values) / len(values)

    return sum(expected(day) for day in month_days(month))


def seasonal_naive(counts: dict[dt.date, int], month: dt.date) -> float:
    """Each day of ``month`` as the same weekday in the last week before it."""
    week = [month - dt.timedelta(days=i) for i in range(1, 8)]
    last_week = {day.weekday(): counts.get(day, 0) for day in week}
    return float(sum(last_week[day.weekday()] for day in month_days(month)))


def forecast(cases: QuerySet[Case], level: str, today: dt.date) -> dict:
    """Next month's reports per group, forecast from the eight weeks before ``today``, with the error of the
    model and of the baseline on the four complete months before the current one."""
    calendar = current_calendar()
    target = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    months = [today.replace(day=1)]
    for _ in range(BACKTEST_MONTHS):
        months.insert(0, (months[0] - dt.timedelta(days=1)).replace(day=1))
    since = months[0] - dt.timedelta(days=7 * WEEKS + 7)
    months.append(target)
    series = daily(cases, level, since)
    rows, model_errors, naive_errors = [], [], []
    for name, counts in sorted(series.items()):
        errors, baseline = [], []
        for month in months[:-2]:
            actual = sum(counts.get(day, 0) for day in month_days(month))
            if actual:
                errors.append(abs(day_type_forecast(counts, month, calendar) - actual) / actual)
                baseline.append(abs(seasonal_naive(counts, month) - actual) / actual)
        model_errors += errors
        naive_errors += baseline
        rows.append(
            {
                "name": name,
                "last": sum(counts.get(day, 0) for day in month_days(months[-3])),
                "forecast": round(day_type_forecast(counts, target, calendar, until=today)),
                "error": _percent(errors),
                "baseline_error": _percent(baseline),
            }
        )
    return {
        "rows": rows,
        "target": target,
        "tested": months[:-2],
        "error": _percent(model_errors),
        "baseline_error": _percent(naive_errors),
    }


def _percent(errors: list[float]) -> float | None:
    return round(100 * sum(errors) / len(errors), 1) if errors else None
