"""Reads of cases, always scoped to the user: queues, filters, the actions a user may take now."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import django_filters
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, TextField, Window
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts import directory
from accounts.choices import AREA_KINDS, Role
from accounts.models import Organization, User
from citymgmt.pickers import PickerSelect
from classification.models import Category, MajorCategory
from gis.selectors import within

from .choices import OPEN_STATES, CaseSource, CaseState, PendingRequest, Stage
from .models import Case, CaseEvent, CaseStep, Decision
from .worktime import current_calendar, day_range

S = CaseState


def visible_cases(user: User) -> QuerySet[Case]:
    return Case.objects.restrict(user).select_related("category__major", "district", "street", "assignee")


def overdue_q(now: dt.datetime | None = None) -> Q:
    """Overdue now: flagged by the beat task, or past the deadline before the next beat."""
    return Q(state__in=OPEN_STATES) & (Q(is_overdue=True) | Q(stage_deadline__lte=now or timezone.now()))


# The steps each role works on: its overdue queue holds the cases whose open step is one of these, held by the
# user's organization (a street office does not see the center's closure review as its own lateness).
ROLE_STAGES: dict[str, tuple[str, ...]] = {
    Role.INTAKE_OPERATOR: (Stage.INTAKE, Stage.SEND_CHECK),
    Role.SHIFT_LEADER: (Stage.REGISTER, Stage.CLOSE),
    Role.DISPATCHER: (Stage.DISPATCH, Stage.PARK, Stage.RULE),
    Role.DISTRICT_OPERATOR: (Stage.DISPATCH, Stage.PARK, Stage.RULE),
    Role.UNIT_OPERATOR: (Stage.HANDLE,),
    Role.SUPERVISOR: (Stage.VERIFY, Stage.CHECK),
}
OVERSEERS = (Role.LEADER, Role.ADMINISTRATOR)  # their overdue queue is every late case in scope


def own_overdue_q(user: User, roles: set[str] | None = None) -> Q:
    """Overdue cases whose late step is the user's own work (all of them in scope for leaders)."""
    roles = set(user.roles) if roles is None else roles
    if roles & set(OVERSEERS):
        return overdue_q()
    stages = {stage for role in roles for stage in ROLE_STAGES.get(role, ())}
    # The organization's open steps, found once through their partial index and looked up by case (a hashed
    # subplan), rather than a probe into the steps of every late case.
    held = CaseStep.objects.filter(completed_at__isnull=True, stage__in=stages, organization=user.organization_id)
    if Role.SUPERVISOR in roles:  # a verification or check sent to someone else is theirs
        held = held.filter(Q(sent_to=user) | Q(sent_to__isnull=True) | ~Q(stage__in=(Stage.VERIFY, Stage.CHECK)))
    return overdue_q() & Q(pk__in=held.values("case_id"))


# --- search ---------------------------------------------------------------------------------------------

SEARCH_FIELDS = ("number", "description", "address", "reporter_phone", "component_code")  # none is NULL
SEARCH_SQL = "(" + " || ' ' || ".join(f'"cases_case"."{name}"' for name in SEARCH_FIELDS) + ")"
SEARCH_MIN = 2


def search_text() -> RawSQL:
    """What the header's search looks in: one text, indexed by trigrams on PostgreSQL (migration 0012, the
    same expression), so that a fragment of a description or an address is found among millions of cases
    without a scan."""
    return RawSQL(SEARCH_SQL, (), output_field=TextField())


def search_cases(cases: QuerySet[Case], text: str) -> QuerySet[Case]:
    """Cases whose number, description, address, reporter's phone or component code contains ``text``."""
    text = " ".join(text.split())
    if len(text) < SEARCH_MIN:
        return cases
    return cases.alias(search=search_text()).filter(search__contains=text)


# --- queues ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    name: str
    label: Promise
    roles: tuple[str, ...]

    def q(self, user: User, role: str | None = None) -> Q:
        org = user.organization_id
        mine_or_open = Q(supervisor=user) | Q(supervisor__isnull=True)
        return {
            "intake": Q(state=S.REPORTED),
            "verify": Q(state=S.VERIFYING) & mine_or_open,
            "register": Q(state=S.PENDING_REGISTRATION),
            "dispatch": Q(state__in=(S.REGISTERED, S.RETURNED), platform__isnull=True),
            "district": (Q(state=S.DISPATCHED, assignee=org) | Q(state=S.RETURNED, platform=org)),
            "handle": Q(state=S.DISPATCHED, assignee=org)
            & (Q(handler=user) | Q(handler__isnull=True) | ~Q(handler__organization=org)),
            "send_check": Q(state=S.HANDLED),
            "check": Q(state=S.CHECKING) & mine_or_open,
            "close": Q(state=S.PENDING_CLOSURE),
            "requests": Q(state=S.DISPATCHED)
            & ~Q(pending_request=PendingRequest.NONE)
            & (Q(platform__isnull=True) | Q(platform=org)),
            "overdue": own_overdue_q(user, {role} if role else None),
            "parked": Q(state=S.PARKED),
            "returned": Q(state=S.RETURNED),
            "disputes": Q(state=S.RETURNED, disputed_since__isnull=False)
            & (Q(platform__isnull=True) | Q(platform=org) | Q(assignee=org)),
            "open": Q(state__in=OPEN_STATES),
        }[self.name]


# Queues whose cases are the same for everyone with the same scope (``Queue.q`` reads nothing of the user):
# what is counted for one of them may be shared with them all.
SCOPE_WIDE_QUEUES = frozenset({"intake", "register", "dispatch", "send_check", "close", "parked", "returned", "open"})

CENTER = (Role.DISPATCHER, Role.SHIFT_LEADER, Role.INTAKE_OPERATOR, Role.LEADER, Role.ADMINISTRATOR)
QUEUES = [
    Queue("intake", _("To accept"), (Role.INTAKE_OPERATOR,)),
    Queue("verify", _("To verify"), (Role.SUPERVISOR,)),
    Queue("register", _("To register"), (Role.SHIFT_LEADER,)),
    Queue("dispatch", _("To dispatch"), (Role.DISPATCHER,)),
    Queue("district", _("To dispatch in the district"), (Role.DISTRICT_OPERATOR,)),
    Queue("handle", _("To handle"), (Role.UNIT_OPERATOR,)),
    Queue("send_check", _("To send for check"), (Role.INTAKE_OPERATOR,)),
    Queue("check", _("To check"), (Role.SUPERVISOR,)),
    Queue("close", _("To close"), (Role.SHIFT_LEADER,)),
    Queue("requests", _("Requests to approve"), (Role.DISPATCHER, Role.DISTRICT_OPERATOR)),
    Queue("overdue", _("Overdue"), (*CENTER, Role.DISTRICT_OPERATOR, Role.UNIT_OPERATOR)),
    Queue("returned", _("Returned"), (Role.DISPATCHER, Role.DISTRICT_OPERATOR, Role.LEADER)),
    Queue("disputes", _("Disputed"), (Role.DISPATCHER, Role.DISTRICT_OPERATOR, Role.LEADER, Role.UNIT_OPERATOR)),
    Queue("parked", _("Postponed"), (Role.DISPATCHER, Role.DISTRICT_OPERATOR, Role.LEADER, Role.UNIT_OPERATOR)),
    Queue("open", _("All open cases"), (*CENTER, Role.DISTRICT_OPERATOR, Role.UNIT_OPERATOR, Role.SUPERVISOR)),
]
QUEUES_BY_NAME = {q.name: q for q in QUEUES}


def queues_for(user: User, role: str | None = None) -> list[Queue]:
    roles = {role} if role else set(user.roles)
    return [q for q in QUEUES if roles & set(q.roles)]


def queue_counts(user: User, role: str | None = None) -> list[tuple[Queue, int]]:
    """Every queue of the user's role with its count, in one query."""
    queues = queues_for(user, role)
    if not queues:
        return []
    # Every queue holds open cases only, so the state index narrows the count to the open few per cent.
    counts = (
        Case.objects.restrict(user)
        .filter(state__in=OPEN_STATES)
        .aggregate(**{q.name: Count("pk", filter=q.q(user, role)) for q in queues})
    )
    return [(q, counts[q.name]) for q in queues]


WORK_QUEUES = ("intake", "verify", "register", "dispatch", "district", "handle", "send_check", "check", "close")


def next_case(user: User, after: Case) -> Case | None:
    """Once ``after`` has left the user's work queues: the oldest case waiting in them, where to go next."""
    work = [q.q(user) for q in queues_for(user) if q.name in WORK_QUEUES]
    if not work:
        return None
    either = work[0]
    for q in work[1:]:
        either |= q
    # every work queue holds open cases: saying so lets the state index find them among millions closed
    waiting = Case.objects.restrict(user).filter(either, state__in=OPEN_STATES)
    if waiting.filter(pk=after.pk).exists():
        return None
    return waiting.order_by("reported_at").first()


def in_queue(user: User, name: str) -> QuerySet[Case]:
    return visible_cases(user).filter(QUEUES_BY_NAME[name].q(user))


# --- filters --------------------------------------------------------------------------------------------


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    number = django_filters.CharFilter(lookup_expr="icontains", label=_("Case number"))
    # Columns of the case itself: no row can repeat, so no SELECT DISTINCT over every column (slow at scale).
    state = django_filters.MultipleChoiceFilter(choices=CaseState.choices, label=_("State"), distinct=False)
    source = django_filters.MultipleChoiceFilter(choices=CaseSource.choices, label=_("Source"), distinct=False)
    major = django_filters.ModelChoiceFilter(
        field_name="category__major", queryset=MajorCategory.objects.all(), label=_("Major category")
    )
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.filter(is_active=True), label=_("Category"), widget=PickerSelect
    )
    area = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.filter(kind__in=AREA_KINDS),
        method="in_area",
        label=_("Area"),
        widget=PickerSelect,
    )
    unit = django_filters.ModelChoiceFilter(
        field_name="assignee", queryset=Organization.objects.all(), label=_("Responsible unit"), widget=PickerSelect
    )
    # As time ranges, not ``__date`` lookups: the report time's index serves them (a date of every row does not).
    reported_from = django_filters.DateFilter(method="reported_since", label=_("Reported from"))
    reported_to = django_filters.DateFilter(method="reported_until", label=_("Reported until"))
    overdue = django_filters.BooleanFilter(method="is_overdue", label=_("Overdue"))
    grid = django_filters.CharFilter(field_name="grid__code", label=_("Unit grid"))
    queue = django_filters.ChoiceFilter(
        choices=[(q.name, q.label) for q in QUEUES], method="in_queue", label=_("Queue")
    )

    class Meta:
        model = Case
        fields: list[str] = []

    @extend_schema_field(OpenApiTypes.INT)  # the id of a district, street or community
    def in_area(self, queryset: QuerySet[Case], _name: str, area: Organization) -> QuerySet[Case]:
        ids = directory.tree().subtree_ids(area)
        return queryset.filter(Q(district__in=ids) | Q(street__in=ids) | Q(community__in=ids))

    def reported_since(self, queryset: QuerySet[Case], _name: str, day: dt.date) -> QuerySet[Case]:
        return queryset.filter(reported_at__gte=day_range(day, day)[0])

    def reported_until(self, queryset: QuerySet[Case], _name: str, day: dt.date) -> QuerySet[Case]:
        return queryset.filter(reported_at__lt=day_range(day, day)[1])

    def search(self, queryset: QuerySet[Case], _name: str, value: str) -> QuerySet[Case]:
        return search_cases(queryset, value)

    def is_overdue(self, queryset: QuerySet[Case], _name: str, value: bool) -> QuerySet[Case]:
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def in_queue(self, queryset: QuerySet[Case], _name: str, value: str) -> QuerySet[Case]:
        return queryset.filter(QUEUES_BY_NAME[value].q(self.request.user))


# --- what the user may do now -----------------------------------------------------------------------------


def with_step_start(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate when the current step began (for timing lights on a list without a query per case)."""
    open_step = CaseStep.objects.filter(case=OuterRef("pk"), completed_at__isnull=True).order_by("-entered_at")
    return cases.annotate(step_entered_at=Subquery(open_step.values("entered_at")[:1]))


LIGHT_LABELS = {
    "green": _("Within the time limit"),
    "yellow": _("More than four fifths of the time limit used"),
    "red": _("Overdue"),
}


def timing_light(case: Case, now: dt.datetime | None = None) -> str:
    """green below 80 % of the step's limit used, yellow up to 100 %, red when overdue; "" without a limit.
    The share is measured in working time, or in clock time for a limit that runs outside working hours."""
    if case.stage_deadline is None or case.is_terminal:
        return ""
    now = now or timezone.now()
    if case.is_overdue or now >= case.stage_deadline:
        return "red"
    start = getattr(case, "step_entered_at", None)
    if start is None:
        step = case.steps.filter(completed_at__isnull=True).order_by("-entered_at").first()
        start = step.entered_at if step else now
    calendar = current_calendar()
    limit, used = calendar.between(start, case.stage_deadline), calendar.between(start, now)
    if not limit:
        limit, used = case.stage_deadline - start, now - start
    return "yellow" if limit and used / limit >= 0.8 else "green"


DUPLICATE_METRES = 50
DUPLICATE_DAYS = 3


def possible_duplicates(case: Case, viewer: User, limit: int = 5) -> QuerySet[Case]:
    """Other cases in ``viewer``'s scope of the same category within ``DUPLICATE_METRES`` and
    ``DUPLICATE_DAYS`` [default], to compare before accepting (spec §10: nearby-duplicate warning)."""
    if case.location is None:
        return Case.objects.none()
    window = dt.timedelta(days=DUPLICATE_DAYS)
    return (
        Case.objects.restrict(viewer)
        .filter(
            within("location", case.location, DUPLICATE_METRES),
            category=case.category,
            reported_at__range=(case.reported_at - window, case.reported_at + window),
        )
        .exclude(pk=case.pk)
        .exclude(state__in=(CaseState.NOT_ACCEPTED, CaseState.CANCELLED))
        .order_by("-reported_at")[:limit]
    )


# --- disputes and the liaison meeting (会商会办) ------------------------------------------------------------

LONG_OVERDUE = dt.timedelta(days=5)


def liaison_agenda(
    user: User, first: dt.datetime, after: dt.datetime, now: dt.datetime | None = None
) -> dict[str, list[Case]]:
    """The month's liaison meeting, per unit: the disputes still waiting for a ruling, those ruled in the month,
    and the cases overdue at their unit for more than ``LONG_OVERDUE``."""
    now = now or timezone.now()
    cases = visible_cases(user).order_by("assignee__name", "reported_at")
    ruled = CaseEvent.objects.filter(action="rule", at__gte=first, at__lt=after)
    return {
        "open": list(cases.filter(state=S.RETURNED, disputed_since__isnull=False)),
        "ruled": list(cases.filter(pk__in=ruled.values("case")).distinct()),
        "overdue": list(cases.filter(state=S.DISPATCHED, handling_deadline__lt=now - LONG_OVERDUE)),
    }


def follow_ups(user: User, first: dt.datetime) -> QuerySet[Decision]:
    """The meeting decisions the user may see that are still to follow up, and those done since ``first``."""
    return (
        Decision.objects.restrict(user)
        .filter(Q(done_at__isnull=True) | Q(done_at__gte=first))
        .select_related("case", "owner", "done_by")
        .order_by("done_at", "due_on", "pk")
    )


def dispute_figures(first: dt.datetime, after: dt.datetime) -> dict[str, float | int | None]:
    """Disputes opened and ruled in a period, the median time from opening to ruling (hours), and the rules
    the rulings made (for the dashboard and the bulletin)."""
    opened = CaseEvent.objects.filter(at__gte=first, at__lt=after, data__disputed=True)
    rulings = list(
        CaseEvent.objects.filter(action="rule", at__gte=first, at__lt=after).values_list("case", "at", "data")
    )
    openings: dict[int, list[dt.datetime]] = {}
    for case, at in CaseEvent.objects.filter(case__in=[c for c, _at, _d in rulings], data__disputed=True).values_list(
        "case", "at"
    ):
        openings.setdefault(case, []).append(at)
    # from the latest opening before each ruling (a case disputed twice is ruled twice)
    hours = sorted(
        (at - max(t for t in openings[case] if t <= at)).total_seconds() / 3600
        for case, at, _d in rulings
        if any(t <= at for t in openings.get(case, ()))
    )
    return {
        "opened": opened.values("case").distinct().count(),
        "ruled": len(rulings),
        "median_hours": round(hours[len(hours) // 2], 1) if hours else None,
        "rules": sum(1 for _c, _at, data in rulings if data.get("rule")),
    }


# --- the map's points -------------------------------------------------------------------------------------------

_POINT_COLUMNS = ("pk", "number", "state", "category__full_code", "category__name", "source", "is_overdue")
# One feature per row, written by PostgreSQL: json_build_object is slower and spaced, and decoding JSON in Python
# then encoding it again doubled the layer's time. Every column here is NOT NULL (a NULL would drop its row).
_FEATURES_SQL = """
SELECT '[' || coalesce(string_agg(
    '{"type":"Feature","id":' || c.id || ',"geometry":' || c.g
    || ',"properties":{"number":' || to_json(c.number) || ',"state":' || to_json(c.state)
    || ',"category":' || to_json(c.code) || ',"category_name":' || to_json(c.name)
    || ',"source":' || to_json(c.source) || ',"overdue":' || c.overdue || '}}', ','), '') || ']',
    coalesce(max(c.total), 0)"""
_ROW_NAMES = "c(id, number, state, code, name, source, overdue, g, total)"


def point_features(cases: QuerySet[Case], limit: int) -> tuple[str, int]:
    """The newest ``limit`` of ``cases`` (with a location) as a JSON array of GeoJSON points with their number,
    state, category, category name, source and overdue flag, and how many cases there are in all (more than the
    points when capped): built in the database on PostgreSQL (a whole city's 10,000 points, 2.3 MB, and the count
    in one statement of about 80 ms), in Python elsewhere."""
    newest = cases.order_by("-reported_at")
    if connection.vendor == "postgresql":
        return _features_in_sql(newest, limit)
    return _features_in_python(newest, limit)


def _features_in_sql(newest: QuerySet[Case], limit: int) -> tuple[str, int]:
    rows = newest.annotate(g=AsGeoJSON("location", precision=6), total=Window(Count("pk")))  # (counted before LIMIT)
    rows = rows.values_list(*_POINT_COLUMNS, "g", "total")[:limit]
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # a queryset that is known to be empty (none())
        return "[]", 0
    with connection.cursor() as cursor:
        cursor.execute(f"{_FEATURES_SQL} FROM ({sql}) AS {_ROW_NAMES}", params)
        features, total = cursor.fetchone()
    return features, total


def _features_in_python(newest: QuerySet[Case], limit: int) -> tuple[str, int]:
    features = [
        {
            "type": "Feature",
            "id": pk,
            "geometry": {"type": "Point", "coordinates": [round(point.x, 6), round(point.y, 6)]},
            "properties": {
                "number": number,
                "state": state,
                "category": code,
                "category_name": name,
                "source": source,
                "overdue": overdue,
            },
        }
        for pk, number, state, code, name, source, overdue, point in newest.values_list(*_POINT_COLUMNS, "location")[
            :limit
        ]
    ]
    total = len(features) if len(features) < limit else newest.count()
    return json.dumps(features, ensure_ascii=False, separators=(",", ":")), total
