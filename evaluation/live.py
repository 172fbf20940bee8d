"""What the live command center (大屏) shows, read from the cases as they are now: the city's or one
district's. Each read is one query; the wall screen's consumer calls them when it connects and again after
the actions pushed to it (``web.consumers.ScreenConsumer``), so that a screen is never behind the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import OFFICE_ROLES, OrgKind, Role
from accounts.models import Organization, User
from accounts.scope import scope_root
from cases.choices import OPEN_STATES, Stage
from cases.models import Case, CaseEvent, CaseStep
from cases.selectors import overdue_q
from gis.models import Camera

COUNTED = {  # counter → the event that makes it
    "reported": "report",
    "registered": "register",
    "dispatched": "dispatch",
    "handled": "handle",
    "closed": "close",
}
MAP_LIMIT = 5000  # open cases drawn on the screen's map
OVERDUE_ROWS = 10
RANKED_UNITS = 8
MIN_TASKS = 5  # a unit is ranked once it had this many tasks in the month


@dataclass(frozen=True)
class Screen:
    """Whose screen: the whole city (``district`` None) or one district."""

    district: Organization | None

    @property
    def name(self) -> str:
        return self.district.name if self.district else _("Whole city")

    def cases(self) -> QuerySet[Case]:
        return Case.objects.filter(district=self.district) if self.district else Case.objects.all()

    def events(self) -> QuerySet[CaseEvent]:
        events = CaseEvent.objects.all()
        return events.filter(case__district=self.district) if self.district else events


def screen_for(user: User) -> Screen:
    """The city's screen for the city's staff and leaders, a district's for its platform; nobody else's."""
    if not user.may_act_as(*OFFICE_ROLES):
        raise PermissionDenied(_("The command center screen is for the center's and the districts' staff."))
    root = scope_root(user)
    if root is None or root.kind == OrgKind.CITY:
        return Screen(None)
    district = next((o for o in [root, *root.ancestors()] if o.kind == OrgKind.DISTRICT), None)
    if district is None:
        raise PermissionDenied(_("The command center screen is for the center's and the districts' staff."))
    return Screen(district)


def counters(screen: Screen, now: dt.datetime | None = None) -> dict:
    """Today's and this month's counts, and today's count at the same time a week ago."""
    now = now or timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    month = today.replace(day=1)
    week_ago, same_time_week_ago = today - dt.timedelta(days=7), now - dt.timedelta(days=7)
    actions = list(COUNTED.values())
    rows = (
        screen.events()
        .filter(action__in=actions, at__gte=min(month, week_ago), at__lte=now)
        .aggregate(
            **{f"today_{name}": Count("pk", filter=Q(action=a, at__gte=today)) for name, a in COUNTED.items()},
            **{f"month_{name}": Count("pk", filter=Q(action=a, at__gte=month)) for name, a in COUNTED.items()},
            **{
                f"week_ago_{name}": Count("pk", filter=Q(action=a, at__gte=week_ago, at__lte=same_time_week_ago))
                for name, a in COUNTED.items()
            },
        )
    )
    open_cases = (
        screen.cases()
        .filter(state__in=OPEN_STATES)
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=overdue_q(now)))
    )
    return {
        "today": {name: rows[f"today_{name}"] for name in COUNTED},
        "month": {name: rows[f"month_{name}"] for name in COUNTED},
        "week_ago": {name: rows[f"week_ago_{name}"] for name in COUNTED},
        "open": open_cases["open"],
        "overdue": open_cases["overdue"],
        "at": now.isoformat(),
    }


def open_cases(screen: Screen) -> list[dict]:
    rows = (
        screen.cases()
        .filter(state__in=OPEN_STATES, location__isnull=False)
        .order_by("-reported_at")
        .values_list("pk", "number", "state", "is_overdue", "district_id", "location")[:MAP_LIMIT]
    )
    return [
        {"id": pk, "number": n, "state": s, "overdue": o, "district": d, "at": [round(p.x, 6), round(p.y, 6)]}
        for pk, n, s, o, d, p in rows
    ]


def overdue_list(screen: Screen, now: dt.datetime | None = None) -> list[dict]:
    """The open cases longest past their step's deadline, with who holds them."""
    now = now or timezone.now()
    steps = (
        CaseStep.objects.filter(
            completed_at__isnull=True, deadline__lt=now, case__state__in=OPEN_STATES, organization__isnull=False
        )
        .filter(**({"case__district": screen.district} if screen.district else {}))
        .order_by("deadline")
        .values("case_id", "case__number", "case__category__name", "organization__name", "deadline", "stage")[
            :OVERDUE_ROWS
        ]
    )
    return [
        {
            "id": s["case_id"],
            "number": s["case__number"],
            "category": s["case__category__name"],
            "holder": s["organization__name"],
            "stage": str(Stage(s["stage"]).label),
            "late_hours": round((now - s["deadline"]).total_seconds() / 3600, 1),
        }
        for s in steps
    ]


def units_ranked(screen: Screen, now: dt.datetime | None = None) -> list[dict]:
    """This month's handling tasks per unit, ranked by the share handled on time (at least 5 tasks)."""
    now = now or timezone.now()
    month = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    steps = CaseStep.objects.filter(stage=Stage.HANDLE, entered_at__gte=month, organization__isnull=False)
    if screen.district:
        steps = steps.filter(case__district=screen.district)
    rows = (
        steps.values("organization_id", name=F("organization__name"))
        .annotate(tasks=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)))
        .filter(tasks__gte=MIN_TASKS)
    )
    ranked = sorted(rows, key=lambda r: (-r["on_time"] / r["tasks"], -r["tasks"], r["name"]))[:RANKED_UNITS]
    return [{"name": r["name"], "tasks": r["tasks"], "rate": round(100 * r["on_time"] / r["tasks"], 1)} for r in ranked]


def category_shares(screen: Screen, now: dt.datetime | None = None) -> list[dict]:
    """This month's reports by major category."""
    now = now or timezone.now()
    month = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    rows = (
        screen.cases()
        .filter(reported_at__gte=month, reported_at__lte=now)
        .values(name=F("category__major__name"))
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    return [{"name": r["name"], "value": r["n"]} for r in rows]


def cameras(screen: Screen) -> list[dict]:
    """The cameras the screen's organization owns or has been shared (the city: all)."""
    rows = Camera.objects.filter(is_active=True)
    if screen.district:
        mine = Q(owner__path__startswith=screen.district.path) | Q(shared_with__path__startswith=screen.district.path)
        rows = rows.filter(pk__in=Camera.objects.filter(mine).values("pk"))
    return [{"name": n, "at": [round(p.x, 6), round(p.y, 6)]} for n, p in rows.values_list("name", "location")[:500]]


def on_duty(screen: Screen, now: dt.datetime | None = None) -> list[dict]:
    """Who worked today: the desks' people by role, and the supervisors who reported or patrolled."""
    now = now or timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    roles = (Role.INTAKE_OPERATOR, Role.SHIFT_LEADER, Role.DISPATCHER, Role.DISTRICT_OPERATOR, Role.SUPERVISOR)
    rows = (
        screen.events()
        .filter(at__gte=today, actor_role__in=roles)
        .values("actor_role")
        .annotate(people=Count("actor", distinct=True))
    )
    people = {r["actor_role"]: r["people"] for r in rows}
    return [{"role": str(Role(role).label), "people": people.get(role, 0)} for role in roles]


def panels(screen: Screen) -> dict:
    """The slower panels, refreshed every few seconds while actions come in."""
    return {
        "overdue_list": overdue_list(screen),
        "units": units_ranked(screen),
        "categories": category_shares(screen),
        "on_duty": on_duty(screen),
    }


def full_state(screen: Screen) -> dict:
    """Everything a screen shows, sent when it connects (and so after every reconnection)."""
    return {
        "kind": "state",
        "name": screen.name,
        "counters": counters(screen),
        "cases": open_cases(screen),
        "cameras": cameras(screen),
        **panels(screen),
    }
