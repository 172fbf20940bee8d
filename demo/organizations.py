"""A synthetic demo city shaped like the reference city (domain spec section 1): 5 districts, 47 streets,
about 300 communities, the command center, district platforms, the supervisor team and 30 handling
units (5 district governments, 15 functional departments, 10 companies), plus street offices as the
districts' second-level units. Names and codes are invented; nothing here is real data.
"""

import random

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.choices import OrgKind, Role, UnitType
from accounts.models import Organization, User
from accounts.services import create_organization, create_user

CITY_CODE = "990100"
# The reference city's five urban districts (the seed's), with streets in proportion to their built-up area.
DISTRICTS = [("梁溪区", 10), ("锡山区", 8), ("惠山区", 7), ("滨湖区", 15), ("新吴区", 7)]
STREET_NAMES = [
    "春晖",
    "秋月",
    "长安",
    "广益",
    "惠泉",
    "梅园",
    "荣巷",
    "清名",
    "扬名",
    "金星",
    "太湖",
    "蠡园",
    "河埒",
    "华庄",
    "雪浪",
    "马山",
    "东亭",
    "安镇",
    "羊尖",
    "鹅湖",
    "东港",
    "锡北",
    "云林",
    "前洲",
    "玉祁",
    "洛社",
    "阳山",
    "钱桥",
    "东绛",
    "堰桥",
    "旺庄",
    "硕放",
    "江溪",
    "新安",
    "鸿山",
    "梅村",
    "北塘",
    "黄巷",
    "山北",
    "惠山",
    "通江",
    "崇安",
    "广瑞",
    "上马墩",
    "南禅寺",
    "迎龙桥",
    "金匮",
]
COMMUNITY_SUFFIXES = ["新村", "花园", "家园", "苑", "里", "坊", "湾", "园", "庄", "桥"]
DEPARTMENTS = [
    "市政设施管理处",
    "城市照明管理处",
    "园林绿化管理局",
    "环境卫生管理处",
    "水利局",
    "交通运输局",
    "公安局交通警察支队",
    "住房和城乡建设局",
    "自然资源和规划局",
    "市场监督管理局",
    "生态环境局",
    "文化广电和旅游局",
    "城市管理行政执法支队",
    "河道管理处",
    "人民防空办公室",
]
COMPANIES = [
    "自来水公司",
    "燃气集团",
    "供电公司",
    "电信公司",
    "移动通信公司",
    "联通公司",
    "广电网络公司",
    "公交集团",
    "排水公司",
    "热力公司",
]
DEMO_PASSWORD = "demo1234"
DEMO_ACCOUNTS = [  # username, full name, role, where
    ("admin", "系统管理员", Role.ADMINISTRATOR, "center"),
    ("leader", "王局长", Role.LEADER, "center"),
    ("intake", "李受理", Role.INTAKE_OPERATOR, "center"),
    ("shiftlead", "赵值班", Role.SHIFT_LEADER, "center"),
    ("dispatcher", "钱派遣", Role.DISPATCHER, "center"),
    ("supervisor", "孙监督", Role.SUPERVISOR, "team"),
    ("district", "周区平台", Role.DISTRICT_OPERATOR, "platform"),
    ("unit", "吴处置", Role.UNIT_OPERATOR, "unit"),
    ("street", "郑街道", Role.UNIT_OPERATOR, "street"),
]


@transaction.atomic
def build_demo_organizations(seed: int = 2026) -> Organization:
    """Create the demo organization tree; returns the city. Deterministic for a seed."""
    rng = random.Random(seed)
    city = create_organization(name="示范市", code=CITY_CODE, kind=OrgKind.CITY)
    create_organization(name="市数字城管指挥中心", code=f"{CITY_CODE}-C", kind=OrgKind.COMMAND_CENTER, parent=city)
    create_organization(name="市信息采集监督队", code=f"{CITY_CODE}-T", kind=OrgKind.SUPERVISOR_TEAM, parent=city)
    for i, name in enumerate(DEPARTMENTS, 1):
        create_organization(
            name=f"市{name}",
            code=f"{CITY_CODE}-D{i:02}",
            kind=OrgKind.HANDLING_UNIT,
            parent=city,
            unit_type=UnitType.FUNCTIONAL_DEPARTMENT,
        )
    for i, name in enumerate(COMPANIES, 1):
        create_organization(
            name=f"示范市{name}",
            code=f"{CITY_CODE}-E{i:02}",
            kind=OrgKind.HANDLING_UNIT,
            parent=city,
            unit_type=UnitType.COMPANY,
        )
    streets = iter(STREET_NAMES)
    for d, (district_name, street_count) in enumerate(DISTRICTS, 1):
        district_code = f"9901{d:02}"
        district = create_organization(name=district_name, code=district_code, kind=OrgKind.DISTRICT, parent=city)
        create_organization(
            name=f"{district_name}数字城管平台",
            code=f"{district_code}-P",
            kind=OrgKind.DISTRICT_PLATFORM,
            parent=district,
        )
        create_organization(
            name=f"{district_name}人民政府",
            code=f"{district_code}-G",
            kind=OrgKind.HANDLING_UNIT,
            parent=district,
            unit_type=UnitType.DISTRICT_GOVERNMENT,
        )
        for s in range(1, street_count + 1):
            street_name = f"{next(streets)}街道"
            street_code = f"{district_code}{s:03}"
            street = create_organization(name=street_name, code=street_code, kind=OrgKind.STREET, parent=district)
            create_organization(
                name=f"{street_name}办事处",
                code=f"{street_code}-S",
                kind=OrgKind.HANDLING_UNIT,
                parent=street,
                unit_type=UnitType.STREET_OFFICE,
            )
            suffixes = rng.sample(COMMUNITY_SUFFIXES, rng.randint(5, 8))
            for c, suffix in enumerate(suffixes, 1):
                create_organization(
                    name=f"{street_name[:-2]}{suffix}社区",
                    code=f"{street_code}{c:03}",
                    kind=OrgKind.COMMUNITY,
                    parent=street,
                )
    return city


@transaction.atomic
def create_demo_accounts(city: Organization, password: str = DEMO_PASSWORD) -> list[User]:
    places = {
        "center": city.children.get(kind=OrgKind.COMMAND_CENTER),
        "team": city.children.get(kind=OrgKind.SUPERVISOR_TEAM),
        "platform": Organization.objects.get(code="990101-P"),
        "unit": city.children.get(code=f"{CITY_CODE}-D01"),
        "street": Organization.objects.get(code="990101001-S"),
    }
    return [
        create_user(
            username=username,
            password=password,
            organization=places[where],
            roles=(role,),
            full_name=full_name,
            is_superuser=role == Role.ADMINISTRATOR,
        )
        for username, full_name, role, where in DEMO_ACCOUNTS
    ]


SUPERVISORS = 110  # [seed]
CENTER_STAFF = {Role.INTAKE_OPERATOR: 4, Role.SHIFT_LEADER: 2, Role.DISPATCHER: 3}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉鹏宇浩然佳琪晨阳欣怡子轩梓涵"


@transaction.atomic
def create_demo_staff(city: Organization, password: str = DEMO_PASSWORD, seed: int = 2026) -> dict[str, list[User]]:
    """The rest of the demo city's people, beside the one-per-role accounts: 110 supervisors in all, the
    center's shifts, and an operator for every handling unit and district platform that has none.
    Created in bulk with one password hash (hashing hundreds of passwords one by one takes a minute)."""
    rng = random.Random(seed)
    hashed = make_password(password)
    center = city.children.get(kind=OrgKind.COMMAND_CENTER)
    team = city.children.get(kind=OrgKind.SUPERVISOR_TEAM)
    planned: list[tuple[User, str]] = []

    def person(username, org, role):
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2)))
        planned.append((User(username=username, password=hashed, organization=org, full_name=name), role))

    existing = set(User.objects.values_list("username", flat=True))
    have_supervisors = User.objects.filter(groups__name=Role.SUPERVISOR, organization=team).count()
    for i in range(1, SUPERVISORS - have_supervisors + 1):
        person(f"sv{i:03}", team, Role.SUPERVISOR)
    for role, count in CENTER_STAFF.items():
        for i in range(2, count + 1):
            person(f"{role.split('_')[0]}{i}", center, role)
    staffed = set(User.objects.exclude(organization=None).values_list("organization_id", flat=True))
    for org in city.subtree().filter(kind__in=(OrgKind.HANDLING_UNIT, OrgKind.DISTRICT_PLATFORM)).order_by("code"):
        if org.pk not in staffed:
            role = Role.DISTRICT_OPERATOR if org.kind == OrgKind.DISTRICT_PLATFORM else Role.UNIT_OPERATOR
            person(f"op{org.code.replace('-', '').lower()}", org, role)
    planned = [(user, role) for user, role in planned if user.username not in existing]
    User.objects.bulk_create([user for user, _role in planned])
    users = {u.username: u for u in User.objects.filter(username__in=[u.username for u, _r in planned])}
    groups = {g.name: g for g in Group.objects.all()}
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=users[u.username].pk, group_id=groups[role].pk) for u, role in planned]
    )
    by_role: dict[str, list[User]] = {}
    for user in User.objects.filter(organization__path__startswith=city.path).prefetch_related("groups"):
        for role in user.roles:
            by_role.setdefault(role, []).append(user)
    return by_role
