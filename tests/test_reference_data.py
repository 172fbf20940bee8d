import subprocess
from io import StringIO
from pathlib import Path

from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.choices import OrgKind, Role, UnitType
from accounts.models import Organization, User
from cases.models import Case
from classification.choices import CategoryKind, CategoryScheme, LimitUnit, Urgency
from classification.models import Category
from demo.organizations import DEMO_ACCOUNTS, build_demo_organizations, create_demo_accounts

ROOT = Path(__file__).resolve().parent.parent


def test_both_classification_schemes_are_loaded(db):
    gbt = Category.objects.filter(major__scheme=CategoryScheme.GBT47678)
    assert gbt.filter(major__kind=CategoryKind.COMPONENT).count() == 153
    assert gbt.filter(major__kind=CategoryKind.EVENT).count() == 97
    assert Category.objects.filter(major__scheme=CategoryScheme.CJT214).count() == 51
    cover = Category.objects.get(major__scheme=CategoryScheme.GBT47678, full_code="01001")
    assert (cover.name, cover.major.name) == ("供水井盖", "市政公用设施")


def test_default_limits_follow_the_spec_typical_values(db):
    garbage = Category.objects.get(major__scheme=CategoryScheme.GBT47678, name="暴露垃圾")
    assert (garbage.limit_amount, garbage.limit_unit) == (4, LimitUnit.WORKING_HOURS)
    building = Category.objects.get(major__scheme=CategoryScheme.CJT214, name="私搭乱建")
    assert (building.limit_amount, building.limit_unit) == (15, LimitUnit.WORKING_DAYS)
    collapse = Category.objects.get(major__scheme=CategoryScheme.CJT214, name="路面塌陷")
    assert collapse.urgency == Urgency.URGENT


def test_reloading_categories_keeps_admin_edits(db):
    garbage = Category.objects.get(major__scheme=CategoryScheme.GBT47678, name="暴露垃圾")
    garbage.limit_amount = 3
    garbage.save()
    out = StringIO()
    call_command("load_categories", stdout=out)
    assert "301" in out.getvalue()
    garbage.refresh_from_db()
    assert garbage.limit_amount == 3
    assert Category.objects.count() == 301


def test_role_groups_exist_with_permissions(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    admin = Group.objects.get(name=Role.ADMINISTRATOR)
    assert admin.permissions.filter(codename="change_category").exists()
    assert not Group.objects.get(name=Role.SUPERVISOR).permissions.filter(codename="change_category").exists()


def test_demo_city_has_the_reference_shape(db):
    city = build_demo_organizations(seed=7)
    orgs = city.subtree()
    assert orgs.filter(kind=OrgKind.DISTRICT).count() == 5
    assert orgs.filter(kind=OrgKind.STREET).count() == 47
    assert 235 <= orgs.filter(kind=OrgKind.COMMUNITY).count() <= 376
    units = orgs.filter(kind=OrgKind.HANDLING_UNIT).exclude(unit_type=UnitType.STREET_OFFICE)
    assert units.count() == 30
    assert units.filter(unit_type=UnitType.DISTRICT_GOVERNMENT).count() == 5
    users = create_demo_accounts(city)
    assert {next(iter(u.roles)) for u in users} == set(Role.values)


def test_load_demo_command_is_idempotent_and_prints_the_logins(db):
    out = StringIO()
    call_command("load_demo", stdout=out, cells=20, months=1, scale=0.01)
    cases = Case.objects.count()
    call_command("load_demo", stdout=out, cells=20, months=1, scale=0.01)
    assert Organization.objects.filter(kind=OrgKind.CITY).count() == 1
    assert Case.objects.count() == cases > 0
    assert User.objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS]).count() == len(DEMO_ACCOUNTS)
    text = out.getvalue()
    assert text.count("dispatcher") == 2 and "demo1234" in text


def test_compose_file_is_valid():
    result = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "x", "POSTGRES_PASSWORD": "x"},
    )
    assert result.returncode == 0, result.stderr


def test_chinese_catalogue_is_complete():
    result = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", "locale/zh_Hans/LC_MESSAGES/django.po"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_demo_rule_set_gives_every_category_in_every_street_exactly_one_owner(db):
    from demo.rules import build_demo_rules
    from dispatch.selectors import rule_gaps

    city = build_demo_organizations(seed=3)
    assert build_demo_rules(city) > 50
    assert rule_gaps("street") == []
