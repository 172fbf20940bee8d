"""What the sampling gives the evaluation (domain spec §5, §8): patrol coverage (samples patrolled ÷ assigned)
per supervisor, district and kind, the missed patrols, problems per km / per sample, special versus daily
collection, and the consolidation rate (rechecked closed cases still fixed ÷ rechecked)."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.choices import CaseSource
from cases.models import Case
from cases.worktime import WorkCalendar, current_calendar, day_range, month_end

from .choices import Measure, Per, RecheckResult
from .models import CollectionTask, Finding, Library, Recheck, Sample, Visit


def required(task: CollectionTask, first: dt.date, last: dt.date, calendar: WorkCalendar) -> int:
    """Visits the task asks for in [first, last] (its days within them), counted on working days: ``times``
    each working day; per week, ``times`` per five working days; per month, ``times`` in proportion to the
    month's working days; rounded to the nearest visit, at least one when the window has a working day."""
    lo, hi = max(first, task.starts_on), min(last, task.ends_on)
    if hi < lo:
        return 0
    workdays = _workdays(lo, hi, calendar)
    if task.per == Per.DAY:
        return task.times * workdays
    share = (
        workdays / 5
        if task.per == Per.WEEK
        else workdays / (_workdays(lo.replace(day=1), month_end(lo), calendar) or 1)
    )
    return max(1, math.floor(task.times * share + 0.5)) if workdays else 0


def _workdays(first: dt.date, last: dt.date, calendar: WorkCalendar) -> int:
    return sum(calendar.is_workday(first + dt.timedelta(days=i)) for i in range((last - first).days + 1))


@dataclass
class TaskCoverage:
    task: CollectionTask
    required: int
    done: int

    @property
    def missed(self) -> int:
        return self.required - self.done


@dataclass
class Coverage:
    tasks: list[TaskCoverage] = field(default_factory=list)

    def by(self, key) -> dict:
        totals: dict = defaultdict(lambda: [0, 0])
        for row in self.tasks:
            total = totals[key(row.task)]
            total[0] += row.required
            total[1] += row.done
        return {k: {"assigned": a, "patrolled": p, "rate": p / a if a else None} for k, (a, p) in totals.items()}

    @property
    def total(self) -> dict:
        return self.by(lambda task: None).get(None, {"assigned": 0, "patrolled": 0, "rate": None})

    @property
    def missed(self) -> list[TaskCoverage]:
        return sorted((r for r in self.tasks if r.missed > 0), key=lambda r: (-r.missed, r.task.pk))


def coverage(first: dt.date, last: dt.date, tasks: QuerySet[CollectionTask] | None = None) -> Coverage:
    """Coverage of the tasks' days in [first, last], counted up to today: a visit counts on each day the
    task's supervisor's track covered the sample, at most ``times`` a day, and never beyond what was asked."""
    last = min(last, timezone.localdate())
    tasks = (CollectionTask.objects.all() if tasks is None else tasks).filter(starts_on__lte=last, ends_on__gte=first)
    tasks = tasks.select_related("sample__kind", "sample__district", "supervisor")
    visits = Counter(
        Visit.objects.filter(covered=True, day__range=(first, last))
        .values_list("patrol__supervisor_id", "sample_id", "day")
        .distinct()
    )
    days_visited: dict = defaultdict(list)
    for supervisor, sample, day in visits:
        days_visited[supervisor, sample].append(day)
    calendar, result = current_calendar(), Coverage()
    for task in tasks:
        asked = required(task, first, last, calendar)
        lo, hi = max(first, task.starts_on), min(last, task.ends_on)
        visited = sum(1 for d in days_visited[task.supervisor_id, task.sample_id] if lo <= d <= hi)
        done = min(asked, visited * (task.times if task.per == Per.DAY else 1))
        result.tasks.append(TaskCoverage(task, asked, done))
    return result


def findings(first: dt.date, last: dt.date, cases: QuerySet[Case] | None = None) -> QuerySet[Finding]:
    cases = Case.objects.all() if cases is None else cases
    return Finding.objects.filter(
        case__in=cases.filter(reported_at__range=day_range(first, last)), sample__isnull=False
    )


def problems(first: dt.date, last: dt.date, samples: QuerySet[Sample], cases: QuerySet[Case] | None = None) -> dict:
    """Problems found on the library in force on ``first``: per kind and level, per km (lines) or per
    sample, and the top samples."""
    library = Library.in_force(first)
    if library is None:
        return {"groups": [], "top": [], "library": None}
    samples = samples.filter(library=library)
    counted, by_group = {}, Counter()
    for pk, kind, level, n in (
        findings(first, last, cases)
        .filter(sample__in=samples)
        .values("sample_id", "sample__kind__code", "sample__level")
        .annotate(n=Count("pk"))
        .values_list("sample_id", "sample__kind__code", "sample__level", "n")
    ):
        counted[pk] = n
        by_group[kind, level] += n
    groups = []
    for row in (
        samples.values("kind__code", "kind__name", "kind__measure", "level")
        .annotate(samples=Count("pk"), km=Sum("length_m") / 1000.0)
        .order_by("kind__order", "level")
    ):
        n = by_group[row["kind__code"], row["level"]]
        per = row["km"] if row["kind__measure"] == Measure.LENGTH else row["samples"]
        groups.append({**row, "problems": n, "per_unit": n / per if per else None})
    top_ids = sorted(counted, key=lambda pk: (-counted[pk], pk))[:20]
    top = [
        {"sample": s, "problems": counted[s.pk], "per_km": counted[s.pk] / (s.length_m / 1000) if s.length_m else None}
        for s in Sample.objects.filter(pk__in=top_ids).select_related("kind", "district")
    ]
    top.sort(key=lambda row: (-row["problems"], row["sample"].pk))
    return {"groups": groups, "top": top, "library": library}


def trend(months: list[dt.date], cases: QuerySet[Case] | None = None, samples: QuerySet[Sample] | None = None) -> list:
    """Problems found per month on each kind of sample."""
    if not months:
        return []
    rows = findings(months[0], months[-1].replace(day=28) + dt.timedelta(days=4), cases)
    if samples is not None:
        rows = rows.filter(sample__code__in=samples.values("code"))
    counted = (
        rows.annotate(month=TruncMonth("case__reported_at"))
        .values("month", "sample__kind__name")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    table: dict = defaultdict(dict)
    for row in counted:
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        table[row["sample__kind__name"]][month.replace(day=1)] = row["n"]
    return [{"kind": kind, "counts": [by_month.get(m, 0) for m in months]} for kind, by_month in table.items()]


def special_vs_daily(first: dt.date, last: dt.date, cases: QuerySet[Case]) -> list[dict]:
    """Supervisors' reports per district: daily collection and special collection."""
    return list(
        cases.filter(reported_at__range=day_range(first, last), source__in=(CaseSource.SUPERVISOR, CaseSource.SPECIAL))
        .values("district_id", "district__name")
        .annotate(
            daily=Count("pk", filter=Q(source=CaseSource.SUPERVISOR)),
            special=Count("pk", filter=Q(source=CaseSource.SPECIAL)),
        )
        .order_by("district__name")
    )


def rechecked(first: dt.date, last: dt.date, as_of: dt.datetime | None = None) -> QuerySet[Recheck]:
    start, end = day_range(first, last)
    return Recheck.objects.filter(done_at__gte=start, done_at__lt=min(end, as_of or end)).exclude(result="")


CONSOLIDATION_OBJECTS = {
    "city": None,
    "district": "case__district_id",
    "street": "case__street_id",
    "unit": "case__assignee_id",
    "major": "case__category__major_id",
    "category": "case__category_id",
}


def consolidation(first: dt.date, last: dt.date, as_of: dt.datetime | None = None) -> dict[str, dict]:
    """Per evaluation object: rechecked and still_fixed, for the rechecks done in [first, last] by ``as_of``."""
    rows = rechecked(first, last, as_of)
    counts = {"rechecked": Count("pk"), "still_fixed": Count("pk", filter=Q(result=RecheckResult.FIXED))}
    result = {}
    for object_type, column in CONSOLIDATION_OBJECTS.items():
        if column is None:
            result[object_type] = {None: rows.aggregate(**counts)}
        else:
            result[object_type] = {
                r.pop("key"): r for r in rows.annotate(key=F(column)).values("key").annotate(**counts).order_by()
            }
    return result


def consolidation_table(first: dt.date, last: dt.date, rows: QuerySet[Recheck]) -> dict[str, list[dict]]:
    """Rechecks done in [first, last] among ``rows`` (the viewer's), by district and by major category."""
    start, end = day_range(first, last)
    done = rows.filter(done_at__gte=start, done_at__lt=end).exclude(result="")
    counts = {
        "rechecked": Count("pk"),
        "still_fixed": Count("pk", filter=Q(result=RecheckResult.FIXED)),
        "recurred": Count("pk", filter=Q(result=RecheckResult.RECURRED)),
    }
    table = {}
    for name, column in (("district", "case__district__name"), ("major", "case__category__major__name")):
        table[name] = [
            {**row, "name": row.pop(column), "rate": consolidation_rate(row)}
            for row in done.values(column).annotate(**counts).order_by(column)
        ]
    table["total"] = [{"name": "", **done.aggregate(**counts)}]
    table["total"][0]["rate"] = consolidation_rate(table["total"][0])
    return table


def library_summary(samples: QuerySet[Sample]) -> list[dict]:
    """Samples per kind and level, with their length."""
    return list(
        samples.values("kind__name", "kind__measure", "level")
        .annotate(n=Count("pk"), km=Sum("length_m") / 1000.0)
        .order_by("kind__order", "level")
    )


def consolidation_rate(counts: dict | None) -> float | None:
    if not counts or not counts.get("rechecked"):
        return None
    return counts["still_fixed"] / counts["rechecked"]


def until(last: dt.date, as_of: dt.datetime | None) -> dt.date:
    return min(last, timezone.localtime(as_of).date()) if as_of else last


def snapshot_figures(
    first: dt.date, last: dt.date, as_of: dt.datetime | None = None
) -> tuple[dict[str, dict], dict[int, dict]]:
    """What a snapshot takes from the sampling, with the patrol coverage computed once:
    - per evaluation object (city, district, street, unit, major, category): rechecked and still_fixed; city
      and districts also assigned and patrolled (coverage of the patrol tasks);
    - per supervisor: visits asked and made, and 漏报 found on recheck visits."""
    objects = consolidation(first, last, as_of)
    patrols = coverage(first, until(last, as_of))
    for object_type, key in (("city", lambda task: None), ("district", lambda task: task.sample.district_id)):
        for pk, row in patrols.by(key).items():
            counts = objects[object_type].setdefault(pk, {})
            counts["assigned"], counts["patrolled"] = row["assigned"], row["patrolled"]
    people: dict[int, dict] = defaultdict(lambda: {"assigned": 0, "patrolled": 0, "missed_on_recheck": 0})
    for supervisor, row in patrols.by(lambda task: task.supervisor_id).items():
        people[supervisor]["assigned"] = row["assigned"]
        people[supervisor]["patrolled"] = row["patrolled"]
    missed = (
        rechecked(first, last, as_of)
        .filter(missed_by__isnull=False, new_case__isnull=False)
        .values("missed_by")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in missed:
        people[row["missed_by"]]["missed_on_recheck"] = row["n"]
    return objects, dict(people)
