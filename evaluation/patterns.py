"""When problems are reported and handled: the hour × weekday matrix, working days against weekends and
public holidays per district (the "management vacuum" the reference city set out to shrink), and how long
cases reported at each hour wait to be handled."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate

from cases.choices import SUPERVISOR_SOURCES, Stage
from cases.models import Case, CaseStep
from cases.worktime import current_calendar


def hour_by_weekday(cases: QuerySet[Case]) -> list[list[int]]:
    """[weekday 0–6 (Monday first), hour 0–23, reports] for every cell with reports (local time)."""
    rows = (
        cases.annotate(day=ExtractIsoWeekDay("reported_at"), hour=ExtractHour("reported_at"))
        .values("day", "hour")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [[r["day"] - 1, r["hour"], r["n"]] for r in rows]


def workdays_against_days_off(cases: QuerySet[Case], start: dt.date, end: dt.date) -> list[dict]:
    """Per district: reports per working day and per day off (weekends and public holidays, from the working
    calendar), split by who reported (supervisors or the public and other sources), and the share of each
    handled on time."""
    calendar = current_calendar()
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    working = {d for d in days if calendar.is_workday(d)}
    counts: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    rows = (
        cases.annotate(day=TruncDate("reported_at"))
        .values("district__name", "day", "source")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in rows:
        kind = "work" if r["day"] in working else "off"
        who = "supervisor" if r["source"] in SUPERVISOR_SOURCES else "others"
        counts[r["district__name"]][f"{kind}_{who}"] += r["n"]
    handled = (
        CaseStep.objects.filter(stage=Stage.HANDLE, case__in=cases, completed_at__isnull=False)
        .annotate(day=TruncDate("case__reported_at"))
        .values(name=F("case__district__name"), reported=F("day"))
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)))
        .order_by()
    )
    for r in handled:
        kind = "work" if r["reported"] in working else "off"
        counts[r["name"]][f"{kind}_handled"] += r["n"]
        counts[r["name"]][f"{kind}_on_time"] += r["on_time"]
    n_work, n_off = max(len(working), 1), max(len(days) - len(working), 1)
    result = []
    for name, c in sorted(counts.items()):
        result.append(
            {
                "district": name,
                "work_supervisor": round(c["work_supervisor"] / n_work, 1),
                "off_supervisor": round(c["off_supervisor"] / n_off, 1),
                "work_others": round(c["work_others"] / n_work, 1),
                "off_others": round(c["off_others"] / n_off, 1),
                "work_on_time": round(100 * c["work_on_time"] / c["work_handled"], 1) if c["work_handled"] else None,
                "off_on_time": round(100 * c["off_on_time"] / c["off_handled"], 1) if c["off_handled"] else None,
            }
        )
    return result


def delay_by_hour(cases: QuerySet[Case]) -> list[dict]:
    """For the cases reported at each hour: how many, and the mean hours from report to handled."""
    rows = (
        CaseStep.objects.filter(stage=Stage.HANDLE, case__in=cases, completed_at__isnull=False)
        .annotate(hour=ExtractHour("case__reported_at"))
        .values("hour")
        .annotate(n=Count("pk"), wait=Avg(F("completed_at") - F("case__reported_at")))
        .order_by("hour")
    )
    return [{"hour": r["hour"], "cases": r["n"], "hours": round(r["wait"].total_seconds() / 3600, 1)} for r in rows]
