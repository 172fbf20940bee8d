import contextlib
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from accounts.choices import OrgKind, Role, UnitType
from accounts.services import create_organization, create_user
from cases import numbering
from citymgmt import memo

PASSWORD = "pass-for-tests-1"
# One user of each desk (the ``users`` fixture's attributes), as the walks through every page take them.
DESKS = (
    "leader",
    "intake_operator",
    "shift_leader",
    "dispatcher",
    "supervisor",
    "district_operator",
    "unit_operator_d1",
    "administrator",
)
pytest_plugins = ["tests.histories"]


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Production serves hashed files after collectstatic; tests render templates without collecting.
    Password hashing at production strength would make every user fixture take seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The public channel's limits count per address in Redis across tests: its own tests set them low.
    settings.PUBLIC_REPORTS_PER_HOUR = settings.OPEN311_READS_PER_MINUTE = 100_000
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    memo.clear()  # each test's rows are rolled back: so are the processes' copies of them
    numbering.forget()  # and the years' number sequences
    with contextlib.suppress(Exception):  # (a test that stopped Redis)
        cache.clear()  # nor do results kept for other tests' rows (Redis outlives the test database)


@pytest.fixture
def city(db):
    """A small city: two districts, three streets, a command center, platforms, a team and units."""
    o = SimpleNamespace()
    o.city = create_organization(name="测试市", code="990100", kind=OrgKind.CITY)
    o.center = create_organization(name="指挥中心", code="C", kind=OrgKind.COMMAND_CENTER, parent=o.city)
    o.team = create_organization(name="监督队", code="T", kind=OrgKind.SUPERVISOR_TEAM, parent=o.city)
    o.dept = create_organization(
        name="市政处", code="D01", kind=OrgKind.HANDLING_UNIT, parent=o.city, unit_type=UnitType.FUNCTIONAL_DEPARTMENT
    )
    o.d1 = create_organization(name="东城区", code="990101", kind=OrgKind.DISTRICT, parent=o.city)
    o.d2 = create_organization(name="西城区", code="990102", kind=OrgKind.DISTRICT, parent=o.city)
    o.p1 = create_organization(name="东城区平台", code="990101-P", kind=OrgKind.DISTRICT_PLATFORM, parent=o.d1)
    o.p2 = create_organization(name="西城区平台", code="990102-P", kind=OrgKind.DISTRICT_PLATFORM, parent=o.d2)
    o.gov1 = create_organization(
        name="东城区政府",
        code="990101-G",
        kind=OrgKind.HANDLING_UNIT,
        parent=o.d1,
        unit_type=UnitType.DISTRICT_GOVERNMENT,
    )
    o.gov2 = create_organization(
        name="西城区政府",
        code="990102-G",
        kind=OrgKind.HANDLING_UNIT,
        parent=o.d2,
        unit_type=UnitType.DISTRICT_GOVERNMENT,
    )
    o.s11 = create_organization(name="春晖街道", code="990101001", kind=OrgKind.STREET, parent=o.d1)
    o.s12 = create_organization(name="秋月街道", code="990101002", kind=OrgKind.STREET, parent=o.d1)
    o.s21 = create_organization(name="长安街道", code="990102001", kind=OrgKind.STREET, parent=o.d2)
    o.c111 = create_organization(name="春晖一社区", code="990101001001", kind=OrgKind.COMMUNITY, parent=o.s11)
    o.c211 = create_organization(name="长安一社区", code="990102001001", kind=OrgKind.COMMUNITY, parent=o.s21)
    from demo.geometry import Rect
    from gis.models import Grid

    o.grid11 = Grid.objects.create(
        code="990101001001901",
        community=o.c111,
        street=o.s11,
        district=o.d1,
        geometry=Rect(50, 50, 51, 51).polygon(),
        area_m2=10_000,
    )
    o.grid21 = Grid.objects.create(
        code="990102001001901",
        community=o.c211,
        street=o.s21,
        district=o.d2,
        geometry=Rect(60, 60, 61, 61).polygon(),
        area_m2=10_000,
    )
    o.office11 = create_organization(
        name="春晖街道办",
        code="990101001-S",
        kind=OrgKind.HANDLING_UNIT,
        parent=o.s11,
        unit_type=UnitType.STREET_OFFICE,
    )
    return o


@pytest.fixture
def users(city):
    """One user per role, at the place that role works."""
    where = {
        Role.ADMINISTRATOR: city.center,
        Role.LEADER: city.center,
        Role.INTAKE_OPERATOR: city.center,
        Role.SHIFT_LEADER: city.center,
        Role.DISPATCHER: city.center,
        Role.SUPERVISOR: city.team,
        Role.DISTRICT_OPERATOR: city.p1,
        Role.UNIT_OPERATOR: city.dept,
    }
    people = SimpleNamespace(
        **{
            role.value: create_user(username=role.value, password=PASSWORD, organization=org, roles=(role,))
            for role, org in where.items()
        }
    )
    # Operators of the district-level units and a second district's platform, for two-level dispatch.
    people.unit_operator_d1 = create_user(
        username="gov1", password=PASSWORD, organization=city.gov1, roles=(Role.UNIT_OPERATOR,)
    )
    people.unit_operator_d2 = create_user(
        username="gov2", password=PASSWORD, organization=city.gov2, roles=(Role.UNIT_OPERATOR,)
    )
    people.gov1_worker = create_user(
        username="gov1_worker",
        password=PASSWORD,
        organization=city.gov1,
        roles=(Role.UNIT_OPERATOR,),
        full_name="张师傅",
    )
    people.street_office = create_user(
        username="office11", password=PASSWORD, organization=city.office11, roles=(Role.UNIT_OPERATOR,)
    )
    people.district_operator_d2 = create_user(
        username="district2", password=PASSWORD, organization=city.p2, roles=(Role.DISTRICT_OPERATOR,)
    )
    return people
