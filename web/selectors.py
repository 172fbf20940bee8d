"""Reads for the web shell: which workbench a user lands on and what it shows."""

from django.db.models import Count, Q
from django.utils import timezone

from accounts.choices import OrgKind, Role
from accounts.models import Organization, User
from accounts.scope import scope_key
from cases.choices import OPEN_STATES, CaseState
from citymgmt.caching import cached

UNIT_LOAD_SECONDS = 15  # how long every desk of an area reuses the units' load (the workbench says so)

# A user with several roles lands on the first of these and can switch to the others.
WORKBENCH_ORDER = (
    Role.ADMINISTRATOR,
    Role.LEADER,
    Role.SHIFT_LEADER,
    Role.DISPATCHER,
    Role.INTAKE_OPERATOR,
    Role.DISTRICT_OPERATOR,
    Role.UNIT_OPERATOR,
    Role.SUPERVISOR,
)


def workbench_roles(user: User) -> list[Role]:
    roles = [role for role in WORKBENCH_ORDER if role in user.roles]
    if not roles and user.is_superuser:
        roles = [Role.ADMINISTRATOR]
    return roles


def organizations_in_scope_by_kind(user: User) -> list[tuple[str, int]]:
    counts = dict(
        Organization.objects.restrict(user).values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    return [(label, counts[value]) for value, label in OrgKind.choices if counts.get(value)]


def unit_load(user: User, limit: int = 15) -> list[Organization]:
    """Handling units (and district platforms) in scope with their open cases and those late at them (handling
    overdue), busiest first; counted once every ``UNIT_LOAD_SECONDS`` for each area (every desk of the city
    shares one count over its open cases: a ranking to watch, not a queue to work from)."""
    area = scope_key(user)
    if area == "none":
        return []
    return cached(f"unit-load:{area}:{limit}", lambda: list(_unit_load(user, limit)), UNIT_LOAD_SECONDS)


def _unit_load(user: User, limit: int):
    """Only open cases are joined: the figure does not grow with the units' history."""
    late = Q(assigned_cases__state=CaseState.DISPATCHED) & (
        Q(assigned_cases__is_overdue=True) | Q(assigned_cases__stage_deadline__lte=timezone.now())
    )
    return (
        Organization.objects.restrict(user)
        .filter(
            kind__in=(OrgKind.HANDLING_UNIT, OrgKind.DISTRICT_PLATFORM),
            assigned_cases__state__in=OPEN_STATES,
            assigned_cases__assignee__isnull=False,  # true of every joined row: lets the index skip the others
        )
        .annotate(open_cases=Count("assigned_cases"), overdue_cases=Count("assigned_cases", filter=late))
        .select_related("parent")
        .order_by("-overdue_cases", "-open_cases", "name")[:limit]
    )
