"""The REST API and the web actions: permission matrix, 409 on illegal transitions, 400 on bad input."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from cases.attachments import MAX_BYTES
from cases.models import Case, CaseEvent
from demo.geometry import Rect, lonlat
from gis.models import Grid
from tests.conftest import PASSWORD
from tests.lifecycle import S, advance, garbage, new_case
from tests.test_lifecycle import LEGAL, bring

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient()
    if user:
        client.force_authenticate(user)
    return client


def action_url(case, action):
    return f"/api/cases/{case.pk}/{action}/"


def params_for(city, params, users=None):
    return {
        k: getattr(city, v).pk if k == "unit" else getattr(users, v).pk if k == "person" else v
        for k, v in params.items()
    }


# Someone in the case's area whose role may not take the action, for every action.
WRONG_ROLE = dict.fromkeys(LEGAL, "leader") | {"urge": "supervisor"}
# Someone of the other district (who must not even see the case).
OTHER_AREA = dict.fromkeys(LEGAL, "district_operator_d2") | {
    "handle": "unit_operator_d2",
    "return": "unit_operator_d2",
    "request_extension": "unit_operator_d2",
    "request_park": "unit_operator_d2",
}


@pytest.mark.parametrize("action", sorted(LEGAL))
def test_api_permission_matrix(users, city, action):
    start, who, params, expected = LEGAL[action]
    case = bring(users, city, start)
    body = params_for(city, params, users)
    events = case.events.count()
    other = api(getattr(users, OTHER_AREA[action])).post(action_url(case, action), body, format="json")
    assert other.status_code == 404
    wrong = api(getattr(users, WRONG_ROLE[action])).post(action_url(case, action), body, format="json")
    assert wrong.status_code == 403, wrong.content
    assert case.events.count() == events
    ok = api(getattr(users, who)).post(action_url(case, action), body, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["state"] == expected
    assert case.events.count() == events + 1


@pytest.mark.parametrize("action", sorted(LEGAL))
def test_web_permission_matrix(client, users, city, action):
    start, who, params, expected = LEGAL[action]
    case = bring(users, city, start)
    body = {
        f"{action}-{k}": ("yes" if v is True else "no" if v is False else v)
        for k, v in params_for(city, params, users).items()
    }
    url = reverse("case-action", args=[case.pk, action])
    client.force_login(getattr(users, OTHER_AREA[action]))
    assert client.post(url, body).status_code == 404
    client.force_login(getattr(users, WRONG_ROLE[action]))
    response = client.post(url, body, follow=True)
    assert "messages" in response.context and any(m.level_tag == "error" for m in response.context["messages"])
    assert Case.objects.get(pk=case.pk).state == case.state
    client.force_login(getattr(users, who))
    response = client.post(url, body, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success"], list(response.context["messages"])
    assert Case.objects.get(pk=case.pk).state == expected


def test_illegal_transition_is_409_naming_the_state_and_changes_nothing(users, city):
    case = advance(new_case(users, city), users, city, S.DISPATCHED)
    response = api(users.shift_leader).post(action_url(case, "register"), {}, format="json")
    assert response.status_code == 409
    assert response.json()["state"] == "dispatched"
    assert "已派遣" in response.json()["detail"]
    assert Case.objects.get(pk=case.pk).state == S.DISPATCHED


def test_lists_are_scoped(users, city):
    mine = new_case(users, city)
    theirs = new_case(users, city, area=city.s21)
    numbers = lambda user: {c["number"] for c in api(user).get("/api/cases/").json()["results"]}  # noqa: E731
    assert numbers(users.dispatcher) == {mine.number, theirs.number}
    assert numbers(users.district_operator) == {mine.number}
    assert numbers(users.unit_operator_d1) == set()  # nothing dispatched to it yet
    assert api(users.district_operator).get(f"/api/cases/{theirs.pk}/").status_code == 404
    assert api().get("/api/cases/").status_code in (401, 403)


def test_filters(users, city):
    a = new_case(users, city)
    advance(new_case(users, city, area=city.s21), users, city, S.REGISTERED)
    client = api(users.dispatcher)
    assert [c["number"] for c in client.get("/api/cases/", {"state": "reported"}).json()["results"]] == [a.number]
    assert client.get("/api/cases/", {"area": city.d2.pk}).json()["count"] == 1
    assert client.get("/api/cases/", {"queue": "register"}).json()["count"] == 0
    assert client.get("/api/cases/", {"number": a.number[-4:]}).json()["count"] >= 1


@pytest.fixture
def grid(city):
    return Grid.objects.create(
        code="990101001001001",
        community=city.c111,
        street=city.s11,
        district=city.d1,
        geometry=Rect(0, 0, 1, 1).polygon(),
        area_m2=10_000,
    )


def create_body(**overrides):
    lon, lat = lonlat(0.5, 0.5)
    return {
        "source": "hotline",
        "category": garbage().pk,
        "description": "暴露垃圾",
        "longitude": lon,
        "latitude": lat,
    } | overrides


def test_create_geocodes_the_point_and_idempotency_key_gives_the_same_case(users, grid):
    client = api(users.intake_operator)
    first = client.post("/api/cases/", create_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.content
    assert first.json()["grid"] == grid.code and first.json()["street"]["code"] == "990101001"
    again = client.post("/api/cases/", create_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    other = client.post("/api/cases/", create_body(description="另一件事"), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_mismatch"  # not the old case
    assert Case.objects.count() == 1


def jpeg(size=(64, 48)):
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": 999999}, "category"),
        ({"category": "abc"}, "category"),
        ({"longitude": 116.4, "latitude": 39.9}, "location"),  # Beijing: outside the city
        ({"longitude": "east"}, "longitude"),
        ({"description": ""}, "description"),
        ({"source": "pigeon"}, "source"),
        ({"longitude": None, "latitude": None}, "longitude"),
    ],
)
def test_bad_input_is_a_clear_400_and_writes_nothing(users, grid, overrides, field):
    body = {k: v for k, v in create_body(**overrides).items() if v is not None}
    response = api(users.intake_operator).post("/api/cases/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400, response.content
    text = response.content.decode()
    assert field in response.json() or "detail" in response.json() or "non_field_errors" in response.json(), text
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0


def test_point_outside_the_city_message_is_translated(users, grid):
    response = api(users.intake_operator).post(
        "/api/cases/", create_body(longitude=116.4, latitude=39.9), format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert "网格" in response.content.decode()


def test_missing_fields_are_listed(users, grid):
    response = api(users.intake_operator).post("/api/cases/", {}, format="json")
    assert response.status_code == 400
    assert {"source", "category", "description"} <= set(response.json())


@pytest.mark.parametrize(
    ("name", "content"),
    [("a.jpg", b"not an image"), ("big.jpg", b"\xff\xd8" + b"0" * MAX_BYTES)],
)
def test_bad_uploads_are_400_and_write_nothing(users, grid, name, content):
    body = create_body() | {"photos": [SimpleUploadedFile(name, content)]}
    response = api(users.intake_operator).post("/api/cases/", body, format="multipart")
    assert response.status_code == 400, response.content
    assert Case.objects.count() == 0


def test_create_with_photo_and_handle_with_photo(users, city, grid, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    body = create_body() | {"photos": [SimpleUploadedFile("before.jpg", jpeg())]}
    created = api(users.intake_operator).post("/api/cases/", body, format="multipart")
    assert created.status_code == 201, created.content
    assert [a["kind"] for a in created.json()["attachments"]] == ["before"]


def test_bad_action_input_is_400(users, city):
    case = advance(new_case(users, city), users, city, S.REGISTERED)
    client = api(users.dispatcher)
    assert client.post(action_url(case, "dispatch"), {"unit": "x"}, format="json").status_code == 400
    assert client.post(action_url(case, "dispatch"), {"unit": 999999}, format="json").status_code == 400
    assert client.post(action_url(case, "dispatch"), {}, format="json").status_code == 400
    assert client.post(action_url(case, "no_such_action"), {}, format="json").status_code == 404
    assert case.events.count() == 4


def test_token_authentication(users, city):
    response = APIClient().post("/api/token/", {"username": "dispatcher", "password": PASSWORD}, format="json")
    token = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/cases/").status_code == 200


def test_openapi_schema_has_one_endpoint_per_action(admin_client):
    schema = admin_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for action in LEGAL:
        assert f"/api/cases/{{id}}/{action}/" in schema["paths"], action


@pytest.mark.parametrize("state", [S.REPORTED, S.REGISTERED, S.DISPATCHED, S.HANDLED, S.CLOSED, S.PARKED])
def test_every_illegal_action_over_http_is_409_and_changes_nothing(users, city, state):
    from cases.workflow import TRANSITIONS

    case = bring(users, city, state)
    snapshot = Case.objects.filter(pk=case.pk).values().get()
    client = api(users.administrator)
    for action, transition in TRANSITIONS.items():
        if action == "report" or state in transition.sources:
            continue
        response = client.post(action_url(case, action), {"note": "x"}, format="json")
        assert response.status_code == 409, (action, response.content)
        assert response.json()["state"] == state
    assert Case.objects.filter(pk=case.pk).values().get() == snapshot


@pytest.mark.parametrize(
    "url",
    [
        "/api/gis/cases/?in_bbox=NaN,NaN,NaN,NaN",
        "/api/gis/cases/?in_bbox=inf,0,1,1",
        "/api/gis/cases/?in_bbox=1,2,3",
        "/api/gis/cases/?in_bbox=10,10,5,5",
        "/api/gis/grids/?in_bbox=NaN,NaN,NaN,NaN",
        "/api/gis/components/?in_bbox=1,1,1,1",
        "/api/gis/cases/?limit=-5",
        "/api/gis/cases/?limit=0",
        "/api/gis/cases/?limit=x",
    ],
)
def test_bad_query_parameters_answer_400_with_a_reason(users, city, url):
    response = api(users.dispatcher).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400, response.content
    assert response.json()  # a field and its reason


def test_a_json_body_nested_5000_deep_is_a_400(users, grid):
    body = "[" * 5000 + "]" * 5000
    response = api(users.intake_operator).post("/api/cases/", body, content_type="application/json")
    assert response.status_code == 400 and "嵌套" in response.json()["detail"]
    assert Case.objects.count() == 0


def test_an_idempotency_key_longer_than_64_characters_is_a_400(users, grid):
    response = api(users.intake_operator).post(
        "/api/cases/", create_body(), format="json", HTTP_IDEMPOTENCY_KEY="k" * 65
    )
    assert response.status_code == 400 and "idempotency_key" in response.json()
    assert Case.objects.count() == 0


def test_exports_keep_formula_like_text_as_text(client, users, city):
    """A description, address or note that begins like a formula never becomes a live cell."""
    from openpyxl import load_workbook

    from tests.lifecycle import perform

    case = new_case(users, city, address="+1 路口")
    Case.objects.filter(pk=case.pk).update(description='=HYPERLINK("http://evil.example","点我")')
    perform(case_id=case.pk, action="not_accept", actor=users.intake_operator, note="@SUM(1,1)")
    client.force_login(users.dispatcher)
    book = load_workbook(io.BytesIO(client.get(reverse("case-list"), {"export": "xlsx"}).content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c.value for c in cells if c.value.startswith(("=", "+", "-", "@"))]
    assert risky == [] and all(c.data_type == "s" for c in cells)
    texts = {c.value for c in cells}
    assert '\'=HYPERLINK("http://evil.example","点我")' in texts and "'+1 路口" in texts and "'@SUM(1,1)" in texts
