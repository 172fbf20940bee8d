import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import Role
from tests.conftest import PASSWORD


def test_login_page_speaks_chinese_by_default(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html
    assert "数字化城市管理" in html and "登录" in html


def test_language_switcher_gives_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/login/"}, follow=True)
    html = response.content.decode()
    assert "Digital city management" in html and "Log in" in html


def test_anonymous_users_are_sent_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_wrong_password_is_refused_with_a_message(client, users):
    response = client.post(reverse("login"), {"username": "dispatcher", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


WORKBENCH_TITLES = {
    Role.SUPERVISOR: "监督员工作台",
    Role.INTAKE_OPERATOR: "受理工作台",
    Role.SHIFT_LEADER: "值班长工作台",
    Role.DISPATCHER: "派遣工作台",
    Role.DISTRICT_OPERATOR: "区级平台工作台",
    Role.UNIT_OPERATOR: "处置单位工作台",
    Role.LEADER: "领导工作台",
    Role.ADMINISTRATOR: "系统管理工作台",
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_own_workbench(client, users, role):
    response = client.post(reverse("login"), {"username": role.value, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert f"workbench/{role.value}.html" in [t.name for t in response.templates]
    assert f"<h1>{WORKBENCH_TITLES[role]}</h1>" in response.content.decode()


def test_district_workbench_shows_the_load_of_its_own_units_only(client, users, city):
    from tests.lifecycle import S, advance, new_case

    advance(new_case(users, city), users, city, S.DISPATCHED)  # to gov1, district 1
    west = advance(new_case(users, city, area=city.s21), users, city, S.REGISTERED)
    from cases.services import perform

    perform(case_id=west.pk, action="dispatch", actor=users.dispatcher, unit=city.gov2)
    client.force_login(users.district_operator)
    response = client.get(reverse("home"))
    assert [(u.name, u.open_cases) for u in response.context["units"]] == [("东城区政府", 1)]
    assert "西城区政府" not in response.content.decode()
    client.force_login(users.dispatcher)
    assert {u.name for u in client.get(reverse("home")).context["units"]} == {"东城区政府", "西城区政府"}


def test_user_with_several_roles_can_switch_workbench(client, users):
    from django.contrib.auth.models import Group

    users.dispatcher.groups.add(Group.objects.get(name=Role.SHIFT_LEADER))
    client.force_login(users.dispatcher)
    assert "值班长工作台" in client.get(reverse("home")).content.decode()
    assert "派遣工作台" in client.get(reverse("home"), {"role": Role.DISPATCHER}).content.decode()
    assert "值班长工作台" in client.get(reverse("home"), {"role": "administrator"}).content.decode()


def test_admin_pages_of_every_model_answer(admin_client, admin_user, rf):
    request = rf.get("/")
    request.user = admin_user
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, url
        assert admin_client.get(url, {"q": "东城"}).status_code == 200, url
        add_url = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        expected = 200 if model_admin.has_add_permission(request) else 403  # cases change only by actions
        assert admin_client.get(add_url).status_code == expected, add_url


def test_api_docs_are_served_without_a_cdn(admin_client):
    html = admin_client.get(reverse("api-docs")).content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr" not in html and "unpkg" not in html
    assert admin_client.get(reverse("api-schema")).status_code == 200


def test_filtered_list_exports_to_excel_with_step_times(client, users, city):
    import io

    import pandas as pd

    from tests.lifecycle import S, advance, new_case

    done = advance(new_case(users, city), users, city, S.CLOSED)
    new_case(users, city, area=city.s21)
    client.force_login(users.dispatcher)
    response = client.get(reverse("case-list"), {"state": "closed", "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = pd.read_excel(io.BytesIO(response.content), sheet_name=None)
    cases, events = sheets["案卷"], sheets["流转记录"]
    assert list(cases["案卷编号"].astype(str)) == [done.number]
    assert cases.loc[0, "已结案"] is not None and not pd.isna(cases.loc[0, "已派遣"])
    assert len(events) == done.events.count()


def test_a_long_list_exports_in_the_background_with_progress(client, users, city, monkeypatch):
    import io

    from openpyxl import load_workbook

    from cases.models import CaseExport
    from cases.tasks import export_cases
    from tests.lifecycle import new_case

    monkeypatch.setattr("cases.views.INSTANT_ROWS", 2)
    monkeypatch.setattr("cases.exports.CHUNK", 2)  # several chunks, progress saved after each
    east = {new_case(users, city).number for _ in range(3)}
    new_case(users, city, area=city.s21)
    client.force_login(users.district_operator)  # sees the three in its district only
    response = client.get(reverse("case-list"), {"export": "xlsx", "page": "2"})
    export = CaseExport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("case-export", args=[export.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200 and b'http-equiv="refresh"' in page.content and export.total == 3
    export_cases(export.pk)  # what the worker does
    export.refresh_from_db()
    assert (export.status, export.done) == ("done", 3)
    download = client.get(reverse("case-export", args=[export.pk]), {"download": "1"})
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].values)[1:]
    assert {str(r[0]) for r in rows} == east and all(r[4] == city.d1.name for r in rows)
    client.force_login(users.dispatcher)
    assert client.get(reverse("case-export", args=[export.pk])).status_code == 404  # someone else's file


def test_an_export_that_cannot_be_queued_says_so(client, users, city, monkeypatch, django_capture_on_commit_callbacks):
    """With the broker down the export fails at once with its reason, instead of showing progress forever."""
    from cases.models import CaseExport
    from tests.lifecycle import new_case

    monkeypatch.setattr("cases.views.INSTANT_ROWS", 1)
    monkeypatch.setattr("cases.exports.run_in_background", lambda task, *args: "Connection refused")
    for _ in range(2):
        new_case(users, city)
    client.force_login(users.dispatcher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("case-list"), {"export": "xlsx"})
    export = CaseExport.objects.get()
    assert export.status == "failed" and "Connection refused" in export.error
    page = client.get(response["Location"]).content.decode()
    assert "Connection refused" in page and 'http-equiv="refresh"' not in page


def test_case_list_filters_and_queue(client, users, city):
    from tests.lifecycle import new_case

    east = new_case(users, city)
    west = new_case(users, city, area=city.s21)
    client.force_login(users.dispatcher)
    numbers = lambda **q: [c.number for c in client.get(reverse("case-list"), q).context["page"]]  # noqa: E731
    assert set(numbers()) == {east.number, west.number}
    assert numbers(area=city.d2.pk) == [west.number]
    assert numbers(number=east.number) == [east.number]
    assert set(numbers(queue="open")) == {east.number, west.number}
    assert numbers(queue="dispatch") == []


def test_intake_sees_possible_duplicates_nearby(client, users, city):
    from django.contrib.gis.geos import Point

    from demo.geometry import lonlat
    from tests.lifecycle import at, new_case

    first = new_case(users, city, location=Point(*lonlat(50.5, 50.5), srid=4326), now=at(2026, 11, 24, 9))
    far = new_case(users, city, location=Point(*lonlat(50.05, 50.05), srid=4326), now=at(2026, 11, 24, 9))  # 64 m
    second = new_case(users, city, location=Point(*lonlat(50.6, 50.5), srid=4326), now=at(2026, 11, 25, 9))  # 10 m
    client.force_login(users.intake_operator)
    duplicates = list(client.get(reverse("case-detail", args=[second.pk])).context["duplicates"])
    assert duplicates == [first] and far not in duplicates
    assert "可能重复" in client.get(reverse("case-detail", args=[second.pk])).content.decode()


def test_possible_duplicates_stay_in_the_viewers_scope(client, users, city):
    """A case 15 m away across a district border is not shown to the other district's operator."""
    from django.contrib.gis.geos import Point

    from cases.selectors import possible_duplicates
    from demo.geometry import Rect, lonlat
    from gis.models import Grid
    from tests.lifecycle import at, new_case

    Grid.objects.filter(pk=city.grid21.pk).update(geometry=Rect(51, 50, 52, 51).polygon())  # borders grid 11
    over_the_border = new_case(users, city, location=Point(*lonlat(51.07, 50.5), srid=4326), now=at(2026, 11, 24, 9))
    here = new_case(users, city, location=Point(*lonlat(50.93, 50.5), srid=4326), now=at(2026, 11, 25, 9))
    assert (over_the_border.district, here.district) == (city.d2, city.d1)
    assert list(possible_duplicates(here, users.intake_operator)) == [over_the_border]  # the city sees both
    assert list(possible_duplicates(here, users.district_operator)) == []


def test_the_case_history_names_actions_in_the_readers_language_and_a_favicon_is_served(client, users, city):
    from django.utils import translation

    from cases.workflow import Action
    from tests.lifecycle import advance, new_case

    case = advance(new_case(users, city), users, city, "registered")
    client.force_login(users.dispatcher)
    page = client.get(reverse("case-detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    with translation.override("zh-hans"):
        registered = str(Action.REGISTER.label)
    assert registered != "Register" and registered in page and '<code class="muted">register</code>' not in page
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon["Content-Type"] == "image/png"


def test_header_search_finds_cases_by_number_text_phone_and_component(client, users, city):
    from cases.models import Case
    from tests.lifecycle import new_case

    first = new_case(users, city, address="人民路12号", reporter_phone="13800001234")
    second = new_case(users, city, component_code="0101990101001", address="中山路")
    other = new_case(users, city, area=city.s21, address="人民路99号")
    Case.objects.filter(pk=second.pk).update(description="井盖缺失，行人易跌落")
    client.force_login(users.district_operator)  # district 1 only: the other district's 人民路 is not found

    def found(text):
        page = client.get(reverse("case-list"), {"q": text})
        assert page.status_code == 200
        return {c.number for c in page.context["page"]}

    assert found("人民路") == {first.number}
    assert found("0001234") == {first.number} and found("99010100") == {second.number}
    assert found("行人易跌") == {second.number} and found(second.number) == {second.number}
    assert found("x") == {first.number, second.number}  # one character: no search, the whole list
    client.force_login(users.dispatcher)
    assert found("人民路") == {first.number, other.number}
    assert b'name="q"' in client.get(reverse("home")).content  # the box is in the header


def test_the_search_index_is_on_the_expression_the_search_uses(db):
    """PostgreSQL uses the trigram index only for the very expression it was built on."""
    from importlib import import_module

    from django.db import connection

    from cases.selectors import SEARCH_SQL

    assert import_module("cases.migrations.0012_case_search").SEARCH_SQL == SEARCH_SQL
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'case_search_trgm'")
        assert "gin_trgm_ops" in cursor.fetchone()[0]


def test_the_units_load_is_counted_once_for_every_desk_of_an_area_and_again_after_its_period(client, users, city):
    from django.core.cache import cache

    from tests.lifecycle import S, advance, new_case

    advance(new_case(users, city), users, city, S.DISPATCHED)
    client.force_login(users.dispatcher)
    assert [u.open_cases for u in client.get(reverse("home")).context["units"]] == [1]
    advance(new_case(users, city), users, city, S.DISPATCHED)
    with CaptureQueriesContext(connection) as queries:
        units = client.get(reverse("home")).context["units"]
    assert [u.open_cases for u in units] == [1]  # the count of a moment ago
    assert not [q for q in queries.captured_queries if "assignee_id" in q["sql"] and "GROUP BY" in q["sql"]]
    assert "每 15 秒统计一次" in client.get(reverse("home")).content.decode()
    cache.clear()  # 15 s on
    assert [u.open_cases for u in client.get(reverse("home")).context["units"]] == [2]
