import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.choices import OrgKind, Role
from accounts.models import Organization
from accounts.scope import check_in_scope, in_scope, restrict
from accounts.services import create_organization, create_user
from tests.conftest import PASSWORD


def visible(user):
    return set(Organization.objects.restrict(user).values_list("code", flat=True))


def test_district_operator_sees_its_district_subtree_and_nothing_else(city, users):
    assert visible(users.district_operator) == {
        "990101",
        "990101-P",
        "990101-G",
        "990101001",
        "990101002",
        "990101001001",
        "990101001-S",
    }


def test_city_staff_see_the_whole_city(city, users):
    assert visible(users.dispatcher) == set(Organization.objects.values_list("code", flat=True))


def test_handling_unit_sees_only_itself(city, users):
    assert visible(users.unit_operator) == {"D01"}


def test_user_without_organization_sees_nothing(city):
    loner = create_user(username="loner", password=PASSWORD, organization=None, roles=(Role.DISPATCHER,))
    assert visible(loner) == set()
    with pytest.raises(PermissionDenied):
        check_in_scope(loner, city.city)


def test_inactive_organization_sees_nothing(city, users):
    city.p1.is_active = False
    city.p1.save()
    users.district_operator.refresh_from_db()
    assert visible(users.district_operator) == set()


def test_restrict_matches_any_of_several_organization_fields(city, users):
    # Users are placed by organization: the district operator sees the users of its district only.
    from accounts.models import User

    create_user(username="east", password=PASSWORD, organization=city.office11)
    create_user(username="west", password=PASSWORD, organization=city.s21)
    seen = restrict(User.objects.all(), users.district_operator, "organization").values_list("username", flat=True)
    assert set(seen) == {"district_operator", "east", "gov1", "gov1_worker", "office11"}


def test_check_in_scope(city, users):
    check_in_scope(users.district_operator, city.c111)
    assert not in_scope(users.district_operator, city.c211)
    with pytest.raises(PermissionDenied):
        check_in_scope(users.district_operator, city.s21)


def test_moving_a_street_carries_its_subtree(city, users):
    city.s11.parent = city.d2
    city.s11.save()
    city.c111.refresh_from_db()
    assert city.c111.path.startswith(city.d2.path)
    assert city.c111.depth == 3
    assert "990101001001" not in visible(users.district_operator)


@pytest.mark.parametrize(
    ("kind", "parent_attr"),
    [
        (OrgKind.COMMUNITY, "d1"),
        (OrgKind.STREET, "city"),
        (OrgKind.DISTRICT_PLATFORM, "city"),
        (OrgKind.DISTRICT, None),
    ],
)
def test_tree_shape_is_validated(city, kind, parent_attr):
    with pytest.raises(ValidationError):
        create_organization(name="x", code="x", kind=kind, parent=getattr(city, parent_attr) if parent_attr else None)


def test_handling_units_need_a_unit_type(city):
    with pytest.raises(ValidationError):
        create_organization(name="x", code="x", kind=OrgKind.HANDLING_UNIT, parent=city.city)


def test_every_api_viewset_starts_from_the_users_scope_or_is_a_declared_reference_layer():
    """Scope by construction: a new viewset cannot be registered without saying which it is."""
    from accounts.api import ScopedViewSet, StaffReferenceViewSet
    from citymgmt.api_urls import router

    for prefix, viewset, _basename in router.registry:
        assert issubclass(viewset, ScopedViewSet | StaffReferenceViewSet), prefix
    scoped = {prefix for prefix, viewset, _b in router.registry if issubclass(viewset, ScopedViewSet)}
    assert scoped == {"cases", "gis/cameras", "liaison/decisions"} | {
        f"sampling/{name}" for name in ("samples", "tasks", "specials", "patrols", "rechecks", "draws")
    }


def test_overdue_queues_hold_each_users_own_late_work(users, city):
    """Each desk's overdue queue is the late steps its organization holds (and, in the center, its role
    works on); leaders see every late case in scope."""
    from cases.selectors import in_queue, queue_counts
    from tests.lifecycle import S, advance, at, new_case

    u = users
    late_intake = new_case(u, city, now=at(2026, 11, 2, 9))  # 15 working minutes to accept
    late_handling = advance(new_case(u, city, now=at(2026, 11, 2, 9)), u, city, S.DISPATCHED, now=at(2026, 11, 2, 9))
    handled = advance(new_case(u, city, now=at(2026, 11, 2, 9)), u, city, S.PENDING_CLOSURE, now=at(2026, 11, 2, 9))
    unit = handled.assignee
    operator = u.unit_operator_d1 if unit == city.gov1 else u.unit_operator

    def overdue(user):
        return set(in_queue(user, "overdue"))

    assert overdue(u.intake_operator) == {late_intake}
    assert overdue(u.shift_leader) == {handled}  # the closure review is late, at the center
    assert overdue(u.dispatcher) == set()
    assert late_handling in overdue(operator) and handled not in overdue(operator)
    assert overdue(u.leader) == {late_intake, late_handling, handled}
    assert {q.name: n for q, n in queue_counts(u.shift_leader)}["overdue"] == 1
