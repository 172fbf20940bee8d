"""A synthetic case history for the demo city, shaped like the reference city [seed]: about 16,400 reports
and 7,000 dispatches a month; handling, check and closure rates near the published ones; hot spots,
weekly and daily rhythms. Deterministic for a seed, parameterised by scale, written with bulk inserts.

Each case runs through the state machine itself: the generator makes the random choices (who acts, when,
which way), and every action is decided by the same ``decide`` and handlers that ``perform`` runs for a live
case — checks, steps, deadlines, events — in memory; only the writing differs (in bulk here). A test
replays a generated month one action at a time through ``perform`` and finds the same rows and figures.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import accumulate

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from accounts.choices import OrgKind, Role
from accounts.models import Organization, User
from cases import ledger, numbering
from cases.choices import SUPERVISOR_SOURCES, CaseSource, Stage
from cases.models import Case, CaseEvent, CaseStep, LedgerEntry
from cases.services.core import Move, World, decide
from cases.services.reporting import MISSED_WITHIN, opening
from cases.workflow import Action
from cases.worktime import WorkCalendar
from classification.choices import CategoryKind
from classification.models import Category
from demo import bulk, workers
from demo.geometry import RoadIndex, cell_of, lonlat, plan_roads
from dispatch.selectors import best_rules
from gis.models import Grid, Place

PROFILE = {  # shares, per case that reaches the point in question
    "reports_per_month": 16_400,
    "sources": {
        CaseSource.SUPERVISOR: 85.0,
        CaseSource.SPECIAL: 3.0,
        CaseSource.PUBLIC: 4.0,
        CaseSource.HOTLINE: 6.0,
        CaseSource.VIDEO: 1.0,
        CaseSource.LEADER: 0.5,
        CaseSource.MEDIA: 0.5,
    },
    "self_handled": 0.25,  # a supervisor fixes it on the spot
    "not_accepted": 0.31,  # duplicates and invalid reports
    "found": 0.85,  # a verified public report is found on site
    "not_registered": 0.19,
    "wrong_dispatch": 0.02,  # returned by the unit and dispatched elsewhere
    "disputed": 0.1,  # of those, bounced by a second unit too: disputed, then ruled on (a few a month)
    "cancelled": 0.002,
    "park": 0.0029,
    "extension": 0.0014,
    "handled_on_time": 0.9505,  # → on-time handling ≈ 94.8 % of due
    "check_on_time": 0.9432,  # → on-time check ≈ 93.7 % of checks due
    "not_fixed": 0.0072,  # → rework ≈ 0.72 %
    "center_on_time": 0.97,  # intake, registration, dispatch, closure review within 15 working minutes
    "never_handled": 0.0028,  # handled weeks late → handling ≈ 99.72 % in the month
    "never_closed": 0.0104,  # closed days late: closure ≈ 98.7 % in the month
}
WEEKDAY_WEIGHT = [1.0, 1.0, 0.98, 0.97, 0.95, 0.45, 0.35]
HOUR_WEIGHT = {
    7: 0.3,
    8: 0.9,
    9: 1.4,
    10: 1.5,
    11: 1.1,
    12: 0.3,
    13: 0.4,
    14: 1.2,
    15: 1.4,
    16: 1.3,
    17: 0.9,
    18: 0.3,
    19: 0.2,
    20: 0.15,
}
HOT_EVENTS = {  # the problems that dominate a Chinese city's monthly reports, with relative weights
    "暴露垃圾": 16,
    "乱堆杂物": 10,
    "占道经营": 9,
    "非法小广告": 9,
    "机动车乱停放": 7,
    "道路不洁": 6,
    "积存垃圾渣土": 5,
    "店外经营": 5,
    "无照经营游商": 4,
    "非机动车乱停放": 4,
    "违规户外广告": 3,
    "垃圾站(箱)满溢": 3,
    "沿街晾挂": 2,
    "共享单车乱象": 2,
    "施工占道": 1.5,
    "绿地脏乱": 1.5,
    "道路破损": 1.5,
}
MARKET_EVENTS = {"占道经营", "店外经营", "无照经营游商", "农贸市场秩序问题", "乱堆杂物"}
EVENT_SHARE = 0.78
HOTSPOTS = 14


class Stop(Exception):
    """The simulated case has reached the end of the history (now): it stays where it is."""


@dataclass
class Story:
    """One simulated case: the actions taken on it (its script), and the events and steps the state machine
    decided for them, to be written in bulk."""

    case: Case
    events: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    script: list = field(default_factory=list)  # (action, actor, at, note, params)
    ledger: list = field(default_factory=list)  # a version after each action (``cases.ledger``)
    missed_by: int | None = None
    last_at: dt.datetime | None = None

    @property
    def open_step(self):
        return next((s for s in reversed(self.steps) if s.completed_at is None), None)


class HistoryGenerator:
    """Simulates a city's cases: the random choices are the generator's, every consequence of each action
    (state, steps, deadlines, event) is decided by the state machine's own handlers (``cases.services``)."""

    def __init__(self, *, seed: int, scale: float, end: dt.datetime):
        self.rng = random.Random(seed)
        self.seed, self.scale, self.end = seed, scale, end
        self.world = World()
        self.world.stage_limits  # noqa: B018  (looked up now: simulating reads no database)
        self.cal: WorkCalendar = self.world.calendar
        self.tz = self.cal.tz
        city = Organization.objects.get(parent__isnull=True, kind=OrgKind.CITY)
        self.orgs = {o.pk: o for o in Organization.objects.filter(path__startswith=city.path)}
        for org in self.orgs.values():  # parents from the same map: no query per organization later
            if org.parent_id in self.orgs:
                org.parent = self.orgs[org.parent_id]
        self.center = self.world.center
        self.people = self._people(city)
        self.categories, self.category_weights = self._categories()
        self.grids = list(
            Grid.objects.filter(district__path__startswith=city.path).values(
                "pk", "code", "community_id", "street_id", "district_id", "supervisor_id", "geometry"
            )
        )
        self.cells = [cell_of(g["geometry"]) for g in self.grids]
        general, market = self._grid_weights()
        self.general_cum, self.market_cum = list(accumulate(general)), list(accumulate(market))
        self.category_cum = list(accumulate(self.category_weights))
        self.nearest_road: dict[int, str] = {}
        self.road_index = RoadIndex(plan_roads(random.Random(seed)))
        self.owner = self._owners(city)
        self.street_office = {o.parent_id: o for o in self.orgs.values() if o.unit_type == "street"}
        self.government = {o.parent_id: o for o in self.orgs.values() if o.unit_type == "government"}
        self.units = [o for o in self.orgs.values() if o.kind == OrgKind.HANDLING_UNIT and self.by_org.get(o.pk)]

    # --- reference data -------------------------------------------------------------------------------
    def _people(self, city):
        by_role, by_org = defaultdict(list), defaultdict(list)
        for user in User.objects.filter(organization__path__startswith=city.path).prefetch_related("groups"):
            user.organization = self.orgs[user.organization_id]
            for role in user.roles:
                by_role[role].append(user)
            by_org[user.organization_id].append(user)
        self.by_org = by_org
        self.by_id = {u.pk: u for users in by_org.values() for u in users}
        return by_role

    def _categories(self):
        categories = list(
            Category.objects.filter(is_active=True, major__scheme="gbt47678.5-2026").select_related("major")
        )
        weights = []
        components = sum(1 for c in categories if c.major.kind == CategoryKind.COMPONENT)
        hot_total = sum(HOT_EVENTS.values())
        for c in categories:
            if c.major.kind == CategoryKind.COMPONENT:
                weights.append((1 - EVENT_SHARE) / components)
            else:
                weights.append(EVENT_SHARE * (HOT_EVENTS.get(c.name, 0.08) / (hot_total + 0.08 * 80)))
        return categories, weights

    def _grid_weights(self):
        rng = self.rng
        size = max(max(c, r) for c, r in self.cells) + 1 if self.cells else 0
        low, high = 0.05 * size, 0.95 * size  # within the city, whatever its size
        centers = [
            (rng.uniform(low, high), rng.uniform(low, high), rng.uniform(4, 14), rng.uniform(2, 8))
            for _ in range(HOTSPOTS)
        ]
        self.hot_centers = centers  # (column, row, spread, height): what the hot-spot analysis should find
        general = [
            0.4 + sum(h * math.exp(-((c - x) ** 2 + (r - y) ** 2) / (2 * s * s)) for x, y, s, h in centers)
            for c, r in self.cells
        ]
        market_cells = []
        for place in Place.objects.filter(kind="market"):
            col = (place.location.x - lonlat(0, 0)[0]) / (lonlat(1, 0)[0] - lonlat(0, 0)[0])
            row = (lonlat(0, 0)[1] - place.location.y) / (lonlat(0, 0)[1] - lonlat(0, 1)[1])
            market_cells.append((col, row))
        self.market_cells = market_cells
        market = [
            w + sum(10 * math.exp(-((c - x) ** 2 + (r - y) ** 2) / 8) for x, y in market_cells)
            for w, (c, r) in zip(general, self.cells, strict=True)
        ]
        return general, market

    def _owners(self, city):
        """The responsible unit by the rules for every (category, district), computed once."""
        districts = [o for o in self.orgs.values() if o.kind == OrgKind.DISTRICT and o.parent_id == city.pk]
        owner = {}
        for category in self.categories:
            for district in districts:
                rules = best_rules(category, [district])
                owner[(category.pk, district.pk)] = self.orgs[rules[0].unit_id] if len(rules) == 1 else None
        return owner

    # --- time -----------------------------------------------------------------------------------------
    def _report_times(self, month_start: dt.date, count: int) -> list[dt.datetime]:
        days = [
            month_start + dt.timedelta(days=i)
            for i in range(31)
            if (month_start + dt.timedelta(days=i)).month == month_start.month
        ]
        weights = [
            WEEKDAY_WEIGHT[d.weekday()] * (1.0 if self.cal.is_workday(d) or d.weekday() >= 5 else 0.4) for d in days
        ]
        hours, hour_weights = list(HOUR_WEIGHT), list(HOUR_WEIGHT.values())
        times = []
        for day in self.rng.choices(days, weights, k=count):
            hour = self.rng.choices(hours, hour_weights)[0]
            times.append(
                dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60), self.rng.randrange(60)), self.tz)
            )
        return sorted(times)

    def _after(self, start, stage, on_time_share):
        """When a center step is done (on time with the given share)."""
        deadline = self.world.stage_deadline(stage, start)
        return self._finish(start, deadline, self.rng.random() < on_time_share)

    def _finish(self, start, deadline, on_time):
        rng = self.rng
        span = self.cal.between(start, deadline)
        if span <= dt.timedelta():
            span = deadline - start
            return start + span * (rng.uniform(0.1, 0.95) if on_time else rng.uniform(1.05, 2.5))
        if on_time:
            return self.cal.add(start, span * rng.uniform(0.1, 0.95))
        return self.cal.add(deadline, span * rng.uniform(0.05, 1.5) + dt.timedelta(minutes=1))

    def _who(self, role):
        return self.rng.choice(self.people[role])

    def _operator(self, org):
        return self.rng.choice(self.by_org[org.pk])

    # --- acting through the state machine ---------------------------------------------------------------
    def act(self, story: Story, actor, action: str, at: dt.datetime, note: str = "", **params) -> dt.datetime:
        """Take ``action`` at ``at`` (or when the previous action was taken, if later) as ``perform`` would,
        in memory. Returns the time it was taken."""
        at = max(at, story.last_at)
        if at > self.end:
            raise Stop
        move = Move(case=story.case, actor=actor, action=action, now=at, world=self.world, steps=story.steps, note=note)
        story.events.append(move.event(decide(move, **params)))
        story.ledger.append(ledger.version(story.case, story.steps, at, story.missed_by))
        story.script.append((action, actor, at, note, params))
        story.last_at = at
        return at

    def simulate(self, case: Case, missed_by: int | None = None) -> Story:
        story = Story(case=case, last_at=case.reported_at, missed_by=missed_by)
        role = Role.SUPERVISOR if case.source in SUPERVISOR_SOURCES else Role.INTAKE_OPERATOR
        move = opening(case, case.reporter, role, case.reported_at, self.world)
        if missed_by:
            move.data["missed_by"] = missed_by
        story.steps.extend(move.opened)
        story.events.append(move.event(""))
        story.ledger.append(ledger.version(case, story.steps, case.reported_at, missed_by))
        if not case.self_handled:
            with suppress(Stop):
                self._run(story)
        return story

    def _run(self, story: Story):  # noqa: C901 - one straight path through the state machine, as it reads
        rng, case, p = self.rng, story.case, PROFILE
        intake = self._who(Role.INTAKE_OPERATOR)
        t = self._after(case.reported_at, Stage.INTAKE, p["center_on_time"])
        if rng.random() < p["not_accepted"]:
            self.act(story, intake, Action.NOT_ACCEPT, t, "重复上报")
            return
        if case.source not in SUPERVISOR_SOURCES:
            supervisor = self.by_id.get(case.grid_supervisor_id) or self._who(Role.SUPERVISOR)
            t = self.act(story, intake, Action.SEND_VERIFICATION, t, supervisor=supervisor)
            t = self._after(t, Stage.VERIFY, p["check_on_time"])
            if rng.random() > p["found"]:
                self.act(story, supervisor, Action.VERIFY, t, "现场未发现", found=False)
                return
            t = self.act(story, supervisor, Action.VERIFY, t, found=True)
        else:
            t = self.act(story, intake, Action.ACCEPT, t)
        leader = self._who(Role.SHIFT_LEADER)
        t = self._after(t, Stage.REGISTER, p["center_on_time"])
        if rng.random() < p["not_registered"]:
            self.act(story, leader, Action.NOT_REGISTER, t, "不符合立案标准")
            return
        t = self.act(story, leader, Action.REGISTER, t)
        dispatcher = self._who(Role.DISPATCHER)
        owner = self.owner.get((case.category_id, case.district_id)) or self.government[case.district_id]
        t = self._after(t, Stage.DISPATCH, p["center_on_time"])
        ruled = False
        if rng.random() < p["wrong_dispatch"]:
            wrong = rng.choice([u for u in self.units if u.pk != owner.pk])
            t = self.act(story, dispatcher, Action.DISPATCH, t, unit=wrong)
            t = self._finish(t, self.cal.add(t, dt.timedelta(hours=2)), True)
            t = self.act(story, self._operator(wrong), Action.RETURN, t, "非本单位职责")
            t = self._after(t, Stage.DISPATCH, p["center_on_time"])
            if rng.random() < p["disputed"]:  # a second unit returns it too: the case goes to a ruling
                second = rng.choice([u for u in self.units if u.pk not in (owner.pk, wrong.pk)])
                t = self.act(story, dispatcher, Action.DISPATCH, t, unit=second)
                t = self._finish(t, self.cal.add(t, dt.timedelta(hours=2)), True)
                t = self.act(story, self._operator(second), Action.RETURN, t, "职责不清，非本单位")
                t = self.cal.add(t, dt.timedelta(hours=rng.uniform(2, 20)))
                ruled_unit = owner if owner.kind == OrgKind.HANDLING_UNIT else self.government[case.district_id]
                t = self.act(
                    story, dispatcher, Action.RULE, t, "按职责清单确权", unit=ruled_unit, scope="case", basis="职责清单"
                )
                ruled = True
        if not ruled:
            t = self.act(story, dispatcher, Action.DISPATCH, t, unit=owner)
        if owner.kind == OrgKind.DISTRICT_PLATFORM and not ruled:
            t = self._after(t, Stage.DISPATCH, p["center_on_time"])
            unit = (self.street_office.get(case.street_id) if rng.random() < 0.8 else None) or self.government[
                case.district_id
            ]
            t = self.act(story, self._operator(owner), Action.REDISPATCH, t, unit=unit)
        if rng.random() < p["cancelled"]:
            t = self.cal.add(t, dt.timedelta(hours=rng.uniform(0.5, 6)))
            self.act(story, self._who(Role.SHIFT_LEADER), Action.CANCEL, t, "误报")
            return
        self._handle_until_closed(story, t)

    def _handle_until_closed(self, story: Story, t):
        rng, case, p = self.rng, story.case, PROFILE
        operator = self._operator(case.assignee)
        # Requests go to the platform that dispatched the case: its district platform, or the city's dispatchers.
        decider = self._operator(case.platform) if case.platform else self._who(Role.DISPATCHER)
        if rng.random() < p["park"]:
            t = self.cal.add(t, dt.timedelta(hours=rng.uniform(1, 6)))
            until = (t + dt.timedelta(days=rng.randint(20, 90))).date()
            t = self.act(story, operator, Action.REQUEST_PARK, t, "等待资金", until=until)
            t = self.act(story, decider, Action.APPROVE_PARK, self.cal.add(t, dt.timedelta(hours=rng.uniform(0.5, 4))))
            review = dt.datetime.combine(until, dt.time(8), self.tz)
            t = self.act(story, decider, Action.RESUME, review + dt.timedelta(hours=rng.uniform(0, 48)))
        if rng.random() < p["extension"]:
            ask = self.cal.add(t, (case.handling_deadline - t) * rng.uniform(0.2, 0.6))
            t = self.act(story, operator, Action.REQUEST_EXTENSION, ask, "需要协调", hours=rng.choice([8, 16, 24, 48]))
            grant = self.cal.add(t, dt.timedelta(minutes=rng.uniform(10, 120)))
            t = self.act(story, decider, Action.APPROVE_EXTENSION, grant)
        while True:
            t = self._finish(story.open_step.entered_at, case.handling_deadline, rng.random() < p["handled_on_time"])
            if rng.random() < p["never_handled"]:  # left at the unit for 1–6 working weeks: unhandled in its month
                t = self.cal.add(case.handling_deadline, dt.timedelta(hours=rng.uniform(40, 240)))
            t = self.act(story, operator, Action.HANDLE, t, "已处置")
            t = self._after(t, Stage.SEND_CHECK, p["check_on_time"])
            supervisor = self.by_id.get(case.grid_supervisor_id) or self._who(Role.SUPERVISOR)
            t = self.act(story, self._who(Role.INTAKE_OPERATOR), Action.SEND_CHECK, t, supervisor=supervisor)
            t = self._after(t, Stage.CHECK, p["check_on_time"])
            if rng.random() < p["not_fixed"] * 1.3:
                t = self.act(story, supervisor, Action.CHECK, t, "未整改到位", fixed=False)
                continue
            t = self.act(story, supervisor, Action.CHECK, t, fixed=True)
            break
        t = self._after(t, Stage.CLOSE, p["center_on_time"])
        if rng.random() < p["never_closed"]:  # the closure review waits 2–10 working days
            t = self.cal.add(t, dt.timedelta(hours=rng.uniform(16, 80)))
        self.act(story, self._who(Role.SHIFT_LEADER), Action.CLOSE, t)

    # --- a month of cases ----------------------------------------------------------------------------------
    def new_case(self, reported_at: dt.datetime) -> Case:
        """A report as the report form would make it (point, grid and areas, reporter), not yet decided."""
        rng = self.rng
        source = rng.choices(list(PROFILE["sources"]), list(PROFILE["sources"].values()))[0]
        category = rng.choices(self.categories, cum_weights=self.category_cum)[0]
        cum = self.market_cum if category.name in MARKET_EVENTS else self.general_cum
        index = rng.choices(range(len(self.grids)), cum_weights=cum)[0]
        grid, (col, row) = self.grids[index], self.cells[index]
        x, y = col + rng.uniform(0.05, 0.95), row + rng.uniform(0.05, 0.95)
        if index not in self.nearest_road:
            road = self.road_index.nearest(col + 0.5, row + 0.5)
            self.nearest_road[index] = f"{road.name}附近" if road else ""
        supervisor_source = source in SUPERVISOR_SOURCES
        reporter = (
            (self.by_id.get(grid["supervisor_id"]) or self._who(Role.SUPERVISOR))
            if supervisor_source
            else self._who(Role.INTAKE_OPERATOR)
        )
        case = Case(
            source=source,
            category=category,
            urgency=category.urgency,
            description=f"{category.name}",
            address=self.nearest_road[index],
            location=Point(*lonlat(x, y), srid=4326),
            grid_id=grid["pk"],
            community=self.orgs[grid["community_id"]],
            street=self.orgs[grid["street_id"]],
            district=self.orgs[grid["district_id"]],
            reporter=reporter,
            reporter_name=reporter.get_full_name(),
            self_handled=source == CaseSource.SUPERVISOR and rng.random() < PROFILE["self_handled"],
            reported_at=reported_at,
            created_by=reporter,
        )
        case.grid_supervisor_id = grid["supervisor_id"]
        return case

    def month_times(self, month_start: dt.date) -> list[dt.datetime]:
        """When the month's reports come in. Each month draws from its own random stream, starting here, so
        that months can be simulated in any order, in parallel, with the same result."""
        self.rng = random.Random(f"{self.seed}:{month_start:%Y-%m}")
        count = round(PROFILE["reports_per_month"] * self.scale * self.rng.uniform(0.93, 1.07))
        return [t for t in self._report_times(month_start, count) if t <= self.end]

    def stories(self, month_start: dt.date) -> list[Story]:
        """A month of simulated cases, decided in memory."""
        cases = [self.new_case(t) for t in self.month_times(month_start)]
        missed = missed_reports(cases)
        return [self.simulate(case, missed.get(index)) for index, case in enumerate(cases)]

    def write(self, stories: list[Story], first_pk: int, first_number: int) -> None:
        """Write a month: its cases with consecutive keys and numbers from those given, their events and steps
        (keys from the database); a case still open at the end is flagged overdue as the beat would have."""
        for offset, story in enumerate(stories):
            case = story.case
            case.pk = first_pk + offset
            case.number = f"{case.reported_at.astimezone(self.tz).year}{first_number + offset:07d}"
            case.is_overdue = case.stage_deadline is not None and case.stage_deadline <= self.end
        with workers.writing(), transaction.atomic():
            bulk.insert(s.case for s in stories)
            bulk.insert(e for s in stories for e in s.events)
            bulk.insert(st for s in stories for st in s.steps)
            bulk.insert(entry for s in stories for entry in ledger.chain(s.ledger))

    def simulate_and_write(self, month_start: dt.date, first_pk: int, first_number: int) -> tuple[int, int]:
        stories = self.stories(month_start)
        self.write(stories, first_pk, first_number)
        return len(stories), sum(1 for s in stories for e in s.events if e.action == Action.DISPATCH)


def missed_reports(cases: list[Case]) -> dict[int, int]:
    """{index of a public report: its grid's supervisor} where that supervisor made no report of the same
    category within 50 m in the 24 hours before (``cases.services.reporting.missed_by``, here among the
    month's reports: one on a month's first day does not see the last day of the month before)."""
    distance, period = MISSED_WITHIN
    own: dict[tuple[int, int], list[Case]] = {}
    for case in cases:
        if case.source in SUPERVISOR_SOURCES:
            own.setdefault((case.reporter_id, case.category_id), []).append(case)
    missed = {}
    for index, case in enumerate(cases):
        supervisor = getattr(case, "grid_supervisor_id", None)
        if case.source in SUPERVISOR_SOURCES or not supervisor:
            continue
        near = any(
            case.reported_at - period <= other.reported_at <= case.reported_at
            and metres(case.location, other.location) <= distance.m
            for other in own.get((supervisor, case.category_id), ())
        )
        if not near:
            missed[index] = supervisor
    return missed


def metres(a: Point, b: Point) -> float:
    """Great-circle distance of two WGS 84 points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a.x, a.y, b.x, b.y))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def generate_history(
    *,
    months: int = 12,
    seed: int = 2026,
    scale: float = 1.0,
    end: dt.datetime | None = None,
    progress=None,
    processes: int = 1,
) -> dict[str, int]:
    """Cases for the ``months`` calendar months up to ``end`` (default now; the current month is partial),
    the same for any number of ``processes``."""
    end = end or timezone.now()
    generator = HistoryGenerator(seed=seed, scale=scale, end=end)
    local_end = timezone.localtime(end).date()
    first = local_end.replace(day=1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    month_starts = [first]
    while (following := (month_starts[-1] + dt.timedelta(days=32)).replace(day=1)) <= local_end:
        month_starts.append(following)
    # Each month's keys and numbers are known ahead (its report times are cheap to draw), so that months
    # can be written in any order.
    numbers: dict[int, int] = {}
    plans, pk = [], bulk.next_pk(Case)
    for month in month_starts:
        count = len(generator.month_times(month))
        numbers.setdefault(month.year, numbering.highest(month.year))
        plans.append((month, pk, numbers[month.year] + 1))
        pk, numbers[month.year] = pk + count, numbers[month.year] + count
    totals = {"cases": 0, "dispatches": 0}
    with workers.forked(lambda plan: generator.simulate_and_write(*plan), plans, processes) as done:
        for (month, _pk, _number), (cases, dispatches) in zip(plans, done, strict=True):
            totals["cases"] += cases
            totals["dispatches"] += dispatches
            if progress:
                progress(month, cases, dispatches)
    bulk.reset_sequences(Case, CaseEvent, CaseStep, LedgerEntry)
    for year, last in numbers.items():
        numbering.set_last(year, last)
    return totals
