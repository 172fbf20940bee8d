"""Reads for the web shell: which workbench a user lands on and what it shows."""

from django.db.models import Count

from .choices import OrgKind, Role
from .models import Organization, User

# A user with several roles lands on the first of these and can switch to the others.
WORKBENCH_ORDER = (
    Role.ADMINISTRATOR, Role.LEADER, Role.SHIFT_LEADER, Role.DISPATCHER, Role.INTAKE_OPERATOR,
    Role.DISTRICT_OPERATOR, Role.UNIT_OPERATOR, Role.SUPERVISOR,
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


def handling_units_in_scope(user: User):
    return Organization.objects.restrict(user).handling_units().select_related("parent").order_by("unit_type", "name")
