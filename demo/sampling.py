"""The demo city's sampling (domain spec §1, §8): a sample library of its 1,107 roads, 123 markets and 294
compounds (a second version this month with new compounds), monthly collection tasks for the 110 supervisors
(some reassigned mid-month), a patrol every working day with its track and the samples it covered, a special
collection a month, the findings of every report, and monthly recheck draws whose consolidation rate rises
over the year as in the reference city (≈ 52 % → 66 %).

Like the case history, the generator writes what the services would have written (tracks drawn along the
samples walked, visits as the coverage rule judges them, findings by the nearest-sample rule); the tests
hold a sample of it to the services' own computation."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.gis.geos import LineString, Point, Polygon
from django.db import transaction
from django.utils import timezone

from accounts.choices import OrgKind, Role
from accounts.models import User
from cases.choices import CaseSource
from cases.models import Case
from cases.services import perform
from cases.worktime import current_calendar, month_end
from dispatch.services import suggest_redispatch, suggest_unit
from gis.choices import PlaceKind, RoadLevel
from gis.models import Grid, Place, Road
from sampling.choices import Per, RecheckResult
from sampling.models import (
    CollectionTask,
    Finding,
    Library,
    Patrol,
    Recheck,
    RecheckDraw,
    Sample,
    SampleKind,
    SpecialCollection,
    Visit,
)
from sampling.services import rechecks
from sampling.services.library import copy_of

from . import bulk
from .geometry import CELL_M, M_PER_DEG_LAT, M_PER_DEG_LON, ORIGIN, cell_of, lonlat

LEVELS = {RoadLevel.MAIN: "主干道", RoadLevel.SECONDARY: "次干道", RoadLevel.BACK_LANE: "背街小巷"}
FREQUENCY = {  # (times, per) by kind and level: main roads daily, markets twice a week… [seed: the reference city]
    "主干道": (1, Per.DAY),
    "次干道": (3, Per.WEEK),
    "背街小巷": (1, Per.WEEK),
    "market": (2, Per.WEEK),
    "compound": (1, Per.WEEK),
}
HALF_SIDE_M = {PlaceKind.MARKET: 40, PlaceKind.COMPOUND: 100}
COVERED_WALK, PARTIAL_WALK = 1.0, 0.3  # share of a road walked when the patrol covers it, and when it falls short
SKIP_PATROL, SHORT_OF_SAMPLE = 0.02, 0.05  # a supervisor off for the day; a sample walked only in part
MATCH_CELLS = 0.3  # 30 m: SAMPLING_MATCH_M in cell units
CONSOLIDATION = (0.52, 0.66)  # [seed] the rate at the first and the last month of the history


def cell(point) -> tuple[float, float]:
    return (point.x - ORIGIN[0]) * M_PER_DEG_LON / CELL_M, (ORIGIN[1] - point.y) * M_PER_DEG_LAT / CELL_M


def square(point, half_m: float) -> Polygon:
    col, row = cell(point)
    h = half_m / CELL_M
    ring = [lonlat(col - h, row - h), lonlat(col + h, row - h), lonlat(col + h, row + h), lonlat(col - h, row + h)]
    return Polygon([*ring, ring[0]], srid=4326)


class _NowReached(Exception):
    """A simulated case has caught up with the present: it stays where it is."""


@dataclass
class Shape:
    """A sample in cell coordinates, for the generator's own geometry (axis-aligned roads and squares)."""

    pk: int
    code: str
    line: tuple | None  # ((c0, r0), (c1, r1)) for a road
    box: tuple | None  # (c0, r0, c1, r1) for an area

    def distance(self, col: float, row: float) -> float:
        if self.line:
            (c0, r0), (c1, r1) = self.line
            cc, rr = min(max(col, min(c0, c1)), max(c0, c1)), min(max(row, min(r0, r1)), max(r0, r1))
            return math.hypot(col - cc, row - rr)
        c0, r0, c1, r1 = self.box
        return math.hypot(max(c0 - col, 0, col - c1), max(r0 - row, 0, row - r1))

    def walk(self, share: float) -> list[tuple[float, float]]:
        if self.line:
            (c0, r0), (c1, r1) = self.line
            return [(c0, r0), (c0 + (c1 - c0) * share, r0 + (r1 - r0) * share)]
        c0, r0, c1, r1 = self.box
        middle = (r0 + r1) / 2
        return [(c0 - 0.2, middle), (c1 + 0.2, middle)] if share >= 1 else [(c0 - 1.5, middle), (c0 - 1.0, middle)]


class Index:
    """Samples by the cells they pass through, for the nearest sample of a report."""

    def __init__(self, shapes: list[Shape]):
        self.cells: dict[tuple[int, int], list[Shape]] = defaultdict(list)
        for shape in shapes:
            c0, r0, c1, r1 = self._extent(shape)
            for c in range(math.floor(c0) - 1, math.floor(c1) + 2):
                for r in range(math.floor(r0) - 1, math.floor(r1) + 2):
                    self.cells[c, r].append(shape)

    @staticmethod
    def _extent(shape: Shape):
        if shape.line:
            (c0, r0), (c1, r1) = shape.line
            return min(c0, c1), min(r0, r1), max(c0, c1), max(r0, r1)
        return shape.box

    def nearest(self, col: float, row: float) -> Shape | None:
        best, distance = None, MATCH_CELLS
        for shape in self.cells.get((math.floor(col), math.floor(row)), ()):
            d = shape.distance(col, row)
            if d <= distance:
                best, distance = shape, d
        return best


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    months = [first.replace(day=1)]
    while (following := (months[-1] + dt.timedelta(days=32)).replace(day=1)) <= last:
        months.append(following)
    return months


class Generator:
    def __init__(self, seed: int, months: int, now: dt.datetime):
        self.rng = random.Random(seed * 7 + 11)
        self.now = now
        self.today = timezone.localtime(now).date()
        first = self.today.replace(day=1)
        for _ in range(months - 1):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        self.months = _month_starts(first, self.today)
        self.calendar = current_calendar()
        self.supervisors = list(
            User.objects.filter(groups__name=Role.SUPERVISOR, is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        self.grids = {}
        for pk, street, district, supervisor, geometry in Grid.objects.values_list(
            "pk", "street_id", "district_id", "supervisor_id", "geometry"
        ):
            self.grids[cell_of(geometry)] = (pk, street, district, supervisor)

    def grid_at(self, point) -> tuple | None:
        col, row = cell(point)
        return self.grids.get((math.floor(col), math.floor(row)))

    # --- the library ------------------------------------------------------------------------------------
    def library(self) -> tuple[list[Library], dict[int, list[Sample]], dict[int, Shape]]:
        kinds = {k.code: k for k in SampleKind.objects.all()}
        first = Library.objects.create(
            name=f"样本库（{self.months[0]:%Y年%m月}起）", starts_on=self.months[0], note="道路、农贸市场、居民小区"
        )
        rows: list[Sample] = []
        for number, road in enumerate(Road.objects.order_by("pk"), 1):
            place = self.grid_at(road.geometry.interpolate_normalized(0.5))
            if place is None:
                continue
            rows.append(
                Sample(
                    library=first,
                    kind=kinds["road"],
                    code=f"R{number:04}",
                    name=road.name,
                    level=LEVELS[road.level],
                    length_m=road.length_m,
                    geometry=road.geometry,
                    street_id=place[1],
                    district_id=place[2],
                    attributes={"等级": LEVELS[road.level]},
                )
            )
        counters = {PlaceKind.MARKET: 0, PlaceKind.COMPOUND: 0}
        for spot in Place.objects.filter(kind__in=counters).order_by("pk"):
            place = self.grid_at(spot.location)
            if place is None:
                continue
            counters[spot.kind] += 1
            prefix = "M" if spot.kind == PlaceKind.MARKET else "C"
            rows.append(
                Sample(
                    library=first,
                    kind=kinds[spot.kind],
                    code=f"{prefix}{counters[spot.kind]:03}",
                    name=spot.name,
                    geometry=square(spot.location, HALF_SIDE_M[spot.kind]),
                    street_id=place[1],
                    district_id=place[2],
                    attributes={"地址": spot.address},
                )
            )
        Sample.objects.bulk_create(rows, batch_size=2000)
        versions, by_version = [first], {first.pk: list(first.samples.all())}
        if len(self.months) > 1:  # this month's version: five new compounds
            second = Library.objects.create(
                name=f"{self.months[-1]:%Y年%m月}调整版", starts_on=self.months[-1], note="新增五个新建小区"
            )
            copies = [copy_of(s, second) for s in by_version[first.pk]]
            for i in range(5):
                col, row = self.rng.uniform(20, 160), self.rng.uniform(20, 160)
                point = Point(*lonlat(col, row), srid=4326)
                place = self.grid_at(point)
                if place:
                    copies.append(
                        Sample(
                            library=second,
                            kind=kinds["compound"],
                            code=f"C9{i:02}",
                            name=f"新建小区{i + 1}期",
                            geometry=square(point, 100),
                            street_id=place[1],
                            district_id=place[2],
                        )
                    )
            Sample.objects.bulk_create(copies, batch_size=2000)
            versions.append(second)
            by_version[second.pk] = list(second.samples.all())
        shapes = {}
        for samples in by_version.values():
            for s in samples:
                shapes[s.pk] = self.shape(s)
        return versions, by_version, shapes

    @staticmethod
    def shape(sample: Sample) -> Shape:
        if sample.geometry.geom_type == "LineString":
            a, b = (cell(Point(*xy)) for xy in (sample.geometry.coords[0], sample.geometry.coords[-1]))
            return Shape(sample.pk, sample.code, (a, b), None)
        xs, ys = zip(*(cell(Point(*xy)) for xy in sample.geometry.coords[0]), strict=True)
        return Shape(sample.pk, sample.code, None, (min(xs), min(ys), max(xs), max(ys)))

    # --- tasks and patrols --------------------------------------------------------------------------------
    def supervisor_of(self, sample: Sample) -> int:
        place = self.grid_at(sample.geometry.point_on_surface)
        return (place and place[3]) or self.supervisors[sample.pk % len(self.supervisors)]

    def frequency(self, sample: Sample, kinds: dict[int, str]) -> tuple[int, str]:
        return FREQUENCY[sample.level] if sample.level in FREQUENCY else FREQUENCY[kinds[sample.kind_id]]

    def tasks(self, versions, by_version) -> list[CollectionTask]:
        kinds = dict(SampleKind.objects.values_list("pk", "code"))
        made = []
        for month in self.months:
            library = max((v for v in versions if v.starts_on <= month), key=lambda v: v.starts_on)
            last = month_end(month)
            for sample in by_version[library.pk]:
                times, per = self.frequency(sample, kinds)
                made.append(
                    CollectionTask(
                        sample=sample,
                        supervisor_id=self.supervisor_of(sample),
                        starts_on=month,
                        ends_on=last,
                        times=times,
                        per=per,
                    )
                )
        CollectionTask.objects.bulk_create(made, batch_size=5000)
        changed = []  # a few reassigned from the 16th (a supervisor on leave), the history kept
        for month in self.months:
            if month + dt.timedelta(days=15) > self.today:
                continue
            of_month = [t for t in made if t.starts_on == month]
            for task in self.rng.sample(of_month, min(6, len(of_month))):
                other = self.rng.choice([s for s in self.supervisors if s != task.supervisor_id])
                on = month + dt.timedelta(days=15)
                successor = CollectionTask(
                    sample=task.sample,
                    supervisor_id=other,
                    starts_on=on,
                    ends_on=task.ends_on,
                    times=task.times,
                    per=task.per,
                    previous=task,
                    change_note="原监督员休假",
                )
                task.ends_on = on - dt.timedelta(days=1)
                changed.append((task, successor))
        CollectionTask.objects.bulk_update([t for t, _s in changed], ["ends_on"], batch_size=2000)
        CollectionTask.objects.bulk_create([s for _t, s in changed], batch_size=2000)
        return made + [s for _t, s in changed]

    @staticmethod
    def due(task: CollectionTask, day: dt.date) -> bool:
        if task.per == Per.DAY:
            return True
        if task.per == Per.WEEK:
            return (day.weekday() + task.sample_id) % 5 < task.times
        return day.day == 10

    def patrols(self, tasks: list[CollectionTask], shapes: dict[int, Shape]) -> tuple[int, int]:
        by_supervisor = defaultdict(list)
        for task in tasks:
            by_supervisor[task.supervisor_id].append(task)
        patrols, visits = [], []
        pk = bulk.next_pk(Patrol)
        day = self.months[0]
        while day < self.today:
            if self.calendar.is_workday(day):
                start = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 30)))
                for supervisor, own in by_supervisor.items():
                    if self.rng.random() < SKIP_PATROL:
                        continue
                    todays = [t for t in own if t.starts_on <= day <= t.ends_on and self.due(t, day)]
                    if not todays:
                        continue
                    path, walked = [], []
                    for task in todays:
                        covered = self.rng.random() >= SHORT_OF_SAMPLE
                        path += shapes[task.sample_id].walk(COVERED_WALK if covered else PARTIAL_WALK)
                        walked.append((task, covered))
                    patrols.append(
                        Patrol(
                            pk=pk,
                            supervisor_id=supervisor,
                            started_at=start,
                            finished_at=start + dt.timedelta(hours=8, minutes=30),
                            track=LineString([lonlat(c, r) for c, r in path], srid=4326),
                            points=len(path),
                        )
                    )
                    for task, covered in walked:
                        share = 1.0 if covered else PARTIAL_WALK if shapes[task.sample_id].line else 0.0
                        if share:
                            visits.append(
                                Visit(
                                    patrol_id=pk,
                                    sample_id=task.sample_id,
                                    task_id=task.pk,
                                    day=day,
                                    share=share,
                                    covered=covered,
                                )
                            )
                    pk += 1
            day += dt.timedelta(days=1)
        bulk.insert(patrols)
        bulk.insert(visits)
        bulk.reset_sequences(Patrol)
        return len(patrols), len(visits)

    # --- special collections and findings ------------------------------------------------------------------
    def specials(self) -> dict[dt.date, SpecialCollection]:
        themes = ["占道经营专项整治", "小广告清理专项", "渣土撒漏专项检查", "背街小巷环境专项", "农贸市场周边秩序专项"]
        made = {}
        for i, month in enumerate(self.months):
            special = SpecialCollection.objects.create(
                name=f"{month:%Y年%m月}{themes[i % len(themes)]}",
                starts_at=timezone.make_aware(dt.datetime.combine(month, dt.time())),
                ends_at=timezone.make_aware(dt.datetime.combine(month_end(month), dt.time(23, 59))),
                note="按专项要求采集，上报来源选“专项普查”。",
            )
            special.supervisors.set(self.supervisors)
            made[month] = special
        return made

    def findings(self, versions, shapes, specials) -> int:
        indexes = {}
        for version in versions:
            indexes[version.pk] = Index([shapes[pk] for pk in version.samples.values_list("pk", flat=True)])
        tasks = {
            (t.supervisor_id, t.sample_id, t.starts_on.replace(day=1)): t.pk
            for t in CollectionTask.objects.filter(previous__isnull=True)
        }
        patrols = {
            (supervisor, timezone.localtime(started).date()): pk
            for pk, supervisor, started in Patrol.objects.values_list("pk", "supervisor_id", "started_at")
        }
        rows = []
        cases = Case.objects.filter(location__isnull=False).values_list(
            "pk", "location", "reported_at", "reporter_id", "source"
        )
        for pk, location, reported_at, reporter, source in cases.iterator(chunk_size=5000):
            local = timezone.localtime(reported_at)
            version = max((v for v in versions if v.starts_on <= local.date()), key=lambda v: v.starts_on, default=None)
            shape = indexes[version.pk].nearest(*cell(location)) if version else None
            finding = Finding(case_id=pk, sample_id=shape.pk if shape else None)
            if source in (CaseSource.SUPERVISOR, CaseSource.SPECIAL) and dt.time(8, 30) <= local.time() <= dt.time(17):
                finding.patrol_id = patrols.get((reporter, local.date()))
            if shape:
                finding.task_id = tasks.get((reporter, shape.pk, local.date().replace(day=1)))
            if source == CaseSource.SPECIAL:
                special = specials.get(local.date().replace(day=1))
                finding.special_id = special.pk if special else None
            rows.append(finding)
        bulk.insert(rows)
        return len(rows)

    def reopen_recurrences(self, draw: RecheckDraw) -> None:
        """The latest draw's recurrences open new cases, as ``rechecks.record`` does (older months' are left
        out), and the center takes them through as it does any case."""
        recurred = draw.rechecks.filter(result=RecheckResult.RECURRED).select_related("case__category", "supervisor")
        for recheck in recurred:
            description = f"复查发现问题复发（原案卷 {recheck.case.number}）"
            rechecks.open_recurrence(recheck, description, now=recheck.done_at)
            recheck.save(update_fields=["new_case", "missed_by"])
            self.carry_through(recheck.new_case, recheck.supervisor, recheck.done_at)

    def carry_through(self, case: Case, supervisor: User, start: dt.datetime) -> None:
        """Accepted, registered, dispatched (and passed on in the district), handled, checked and closed,
        each a few working minutes to hours after the last, as far as now."""
        people = {role: list(User.objects.filter(groups__name=role, is_active=True)[:5]) for role in Role.values}
        at = start

        def act(action: str, actor: User, minutes: float, **params) -> Case:
            nonlocal at
            at = current_calendar().add(at, dt.timedelta(minutes=minutes))
            if at > self.now:
                raise _NowReached
            return perform(case_id=case.pk, action=action, actor=actor, now=at, **params)

        try:
            act("accept", self.rng.choice(people[Role.INTAKE_OPERATOR]), self.rng.uniform(3, 12))
            act("register", self.rng.choice(people[Role.SHIFT_LEADER]), self.rng.uniform(3, 12))
            unit = suggest_unit(case)
            case = act("dispatch", self.rng.choice(people[Role.DISPATCHER]), self.rng.uniform(3, 12), unit=unit)
            if unit.kind == OrgKind.DISTRICT_PLATFORM:
                unit = suggest_redispatch(case)
                operator = User.objects.filter(organization=case.assignee).first()
                act("redispatch", operator, self.rng.uniform(5, 30), unit=unit)
            act("handle", User.objects.filter(organization=unit).first(), self.rng.uniform(60, 600), note="已处置")
            act(
                "send_check",
                self.rng.choice(people[Role.INTAKE_OPERATOR]),
                self.rng.uniform(3, 12),
                supervisor=supervisor,
            )
            act("check", supervisor, self.rng.uniform(30, 180), fixed=True)
            act("close", self.rng.choice(people[Role.SHIFT_LEADER]), self.rng.uniform(3, 12))
        except _NowReached:
            pass

    # --- rechecks --------------------------------------------------------------------------------------------
    def draw_rechecks(self, demo_supervisor: int | None) -> tuple[int, float | None]:
        """Each month that is over drawn by the service's own draw, rechecked in the next working days; the
        share still fixed rises from the first month to the last."""
        past = [m for m in self.months if month_end(m) < self.today]
        done_rates = []
        for i, month in enumerate(past):
            drawn_on = month_end(month) + dt.timedelta(days=1)
            at = timezone.make_aware(dt.datetime.combine(drawn_on, dt.time(0, 5)))
            draw = rechecks.draw(month, actor=None, seed=20260000 + i, now=at)
            RecheckDraw.objects.filter(pk=draw.pk).update(created_at=at)
            level = CONSOLIDATION[0] + (CONSOLIDATION[1] - CONSOLIDATION[0]) * (i / max(1, len(past) - 1))
            rows = list(draw.rechecks.all())
            fixed = 0
            for recheck in rows:
                done = timezone.make_aware(
                    dt.datetime.combine(
                        drawn_on + dt.timedelta(days=self.rng.randint(1, 6)), dt.time(self.rng.randint(9, 16), 0)
                    )
                )
                if done.date() >= self.today and month == past[-1]:
                    continue  # the latest draw is still being rechecked
                recheck.result = RecheckResult.FIXED if self.rng.random() < level else RecheckResult.RECURRED
                recheck.done_at, recheck.note = done, "现场复查"
                fixed += recheck.result == RecheckResult.FIXED
            Recheck.objects.bulk_update(rows, ["result", "done_at", "note"], batch_size=2000)
            if month == past[-1]:
                self.reopen_recurrences(draw)
            if rows:
                done_rates.append(fixed / len(rows))
        if demo_supervisor and past:  # the demo supervisor has some to do on the phone
            latest = RecheckDraw.objects.order_by("-month").first()
            open_ones = list(latest.rechecks.filter(result="").exclude(case__reporter_id=demo_supervisor)[:3])
            if not open_ones:
                open_ones = list(latest.rechecks.exclude(case__reporter_id=demo_supervisor)[:3])
                Recheck.objects.filter(pk__in=[r.pk for r in open_ones]).update(result="", done_at=None, note="")
            Recheck.objects.filter(pk__in=[r.pk for r in open_ones]).update(
                supervisor_id=demo_supervisor, due_on=self.today + dt.timedelta(days=2)
            )
        return Recheck.objects.count(), (done_rates[-1] if done_rates else None)


@transaction.atomic
def build_demo_sampling(*, seed: int = 2026, months: int = 12, now: dt.datetime | None = None) -> dict[str, int]:
    generator = Generator(seed, months, now or timezone.now())
    versions, by_version, shapes = generator.library()
    tasks = generator.tasks(versions, by_version)
    patrol_count, visit_count = generator.patrols(tasks, shapes)
    specials = generator.specials()
    findings = generator.findings(versions, shapes, specials)
    demo = User.objects.filter(username="supervisor").values_list("pk", flat=True).first()
    recheck_count, _rate = generator.draw_rechecks(demo)
    return {
        "samples": sum(len(s) for s in by_version.values()),
        "tasks": len(tasks),
        "patrols": patrol_count,
        "visits": visit_count,
        "findings": findings,
        "rechecks": recheck_count,
    }
