"""The public channel: Open311 GeoReport v2 (read by an existing client, the PyPI package georeport), the
public report page and follow-up page, API keys, limits and blocking."""

import io
import random
import shutil
import uuid
import xml.etree.ElementTree as ET

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from PIL import Image

from cases.attachments import check_photos
from cases.choices import AttachmentKind, CaseSource, CaseState
from cases.models import Case
from public import selectors, services
from public.forms import CAPTCHA_SALT
from public.models import Block, PublicReport

from .lifecycle import advance, garbage, new_case, photo_file

BASE = "/open311/v2"


def inside(city):
    point = city.grid11.geometry.point_on_surface
    return {"lat": f"{point.y:.7f}", "long": f"{point.x:.7f}"}


def an_address():
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


@pytest.fixture
def key(users):
    return services.issue_key(name=f"12345 hotline {uuid.uuid4().hex[:6]}", source=CaseSource.HOTLINE)


def post_request(client, raw, city, **extra):
    data = {"api_key": raw, "service_code": garbage().full_code, "description": "路口堆放垃圾", **inside(city)}
    return client.post(f"{BASE}/requests.json", {**data, **extra})


def test_a_report_through_open311_enters_the_intake_queue_from_its_key(client, users, city, key):
    api_key, raw = key
    answer = post_request(
        client, raw, city, phone="13800000000", email="a@example.com", first_name="三", last_name="张"
    )
    assert answer.status_code == 200, answer.content
    [created] = answer.json()
    case = Case.objects.get(number=created["service_request_id"])
    assert (case.state, case.source, case.created_by_id) == (CaseState.REPORTED, CaseSource.HOTLINE, api_key.account_id)
    assert case.grid == city.grid11 and case.reporter_phone == "13800000000" and case.reporter_name == "张 三"
    assert PublicReport.objects.get(case=case).email == "a@example.com"
    token = client.get(f"{BASE}/tokens/{created['token']}.json").json()
    assert token == [{"service_request_id": case.number, "token": created["token"]}]


def test_open311_errors_in_the_specifications_form(client, users, city, key):
    _api_key, raw = key
    bad_key = post_request(client, "nope", city)
    assert bad_key.status_code == 403 and bad_key.json()[0]["code"] == 403
    unknown = post_request(client, raw, city, service_code="99999999")
    assert unknown.status_code == 404 and unknown.json()[0]["code"] == 404
    nowhere = client.post(
        f"{BASE}/requests.xml", {"api_key": raw, "service_code": garbage().full_code, "description": "x"}
    )
    errors = ET.fromstring(nowhere.content)
    assert nowhere.status_code == 400 and errors.tag == "errors" and errors.find("error/code").text == "400"
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "elsewhere"}).status_code == 404
    outside = post_request(client, raw, city, lat="39.9", long="116.4")
    assert outside.status_code == 400 and outside.json()[0]["description"]
    assert post_request(client, raw, city, lat="north").status_code == 400
    assert post_request(client, raw, city, email="not-an-address").status_code == 400
    assert client.get(f"{BASE}/requests.json", {"start_date": "yesterday"}).status_code == 400
    assert client.get(f"{BASE}/requests/404.json").status_code == 404
    assert client.get(f"{BASE}/services.csv").status_code == 400
    assert Case.objects.count() == 0  # nothing half-written


def test_a_revoked_key_is_refused_and_each_key_has_its_rate_limit(client, users, city):
    limited, raw = services.issue_key(name="mini-program", rate_per_minute=2)
    assert [post_request(client, raw, city).status_code for _ in range(3)] == [200, 200, 429]
    services.revoke_key(limited)
    assert post_request(client, raw, city).status_code == 403


def test_status_notes_and_the_unit_flow_back_and_personal_data_never_leaves(client, users, city, key):
    _api_key, raw = key
    number = post_request(client, raw, city, phone="13912345678", email="me@example.com").json()[0][
        "service_request_id"
    ]
    case = Case.objects.get(number=number)
    services.add_note(case, actor=users.intake_operator, text="已派人处理")
    advance(case, users, city, CaseState.CLOSED)
    [shown] = client.get(f"{BASE}/requests/{number}.json").json()
    assert shown["status"] == "closed" and shown["status_notes"] == "已派人处理"
    assert shown["agency_responsible"] == city.gov1.name and shown["service_code"] == garbage().full_code
    listed = client.get(f"{BASE}/requests.json", {"status": "closed"}).json()
    assert [r["service_request_id"] for r in listed] == [number]
    assert client.get(f"{BASE}/requests.json", {"status": "open"}).json() == []
    for answer in (client.get(f"{BASE}/requests.xml"), client.get(reverse("public-track"), {"number": number})):
        assert answer.status_code == 200
        assert b"13912345678" not in answer.content and b"me@example.com" not in answer.content


def test_a_retried_report_with_its_key_makes_one_case(client, users, city, key):
    _api_key, raw = key
    first = post_request(client, raw, city, idempotency_key="k-1").json()[0]
    again = post_request(client, raw, city, idempotency_key="k-1").json()[0]
    assert first["service_request_id"] == again["service_request_id"] and Case.objects.count() == 1


def test_the_public_page_reports_with_a_photo_and_follows_the_case(client, users, city):
    page = client.get(reverse("public-report"))
    assert page.status_code == 200 and "citymgmt_device" in page.cookies
    point = inside(city)
    form = {
        "category": garbage().full_code,
        "description": "小区门口垃圾没人清",
        "latitude": point["lat"],
        "longitude": point["long"],
        "phone": "13700000000",
        "key": uuid.uuid4().hex,
        "photos": photo_file(),
    }
    sent = client.post(reverse("public-report"), form, REMOTE_ADDR=an_address())
    assert sent.status_code == 302
    case = Case.objects.get()
    assert case.source == CaseSource.PUBLIC and case.state == CaseState.REPORTED and case.attachments.count() == 1
    followed = client.get(sent["Location"])
    assert case.number in followed.content.decode() and b"13700000000" not in followed.content
    picture = client.get(reverse("public-photo", args=[case.attachments.get().pk]))
    assert picture.status_code == 200 and picture["Content-Type"] == "image/jpeg"
    assert client.get(reverse("public-track"), {"number": "2099000000"}).status_code == 404


def test_a_photo_of_a_staff_case_is_not_public(client, users, city):
    case = new_case(users, city, photos=check_photos([photo_file()], AttachmentKind.BEFORE))
    assert client.get(reverse("public-photo", args=[case.attachments.get().pk])).status_code == 404


def test_the_page_limits_reports_per_address_and_asks_a_question_when_told(client, users, city, settings):
    settings.PUBLIC_REPORTS_PER_HOUR = 1
    address, point = an_address(), inside(city)
    form = {
        "category": garbage().full_code,
        "description": "井盖丢了",
        "latitude": point["lat"],
        "longitude": point["long"],
    }
    first = client.post(reverse("public-report"), {**form, "key": "a" * 32}, REMOTE_ADDR=address)
    second = client.post(reverse("public-report"), {**form, "key": "b" * 32}, REMOTE_ADDR=address)
    assert (first.status_code, second.status_code) == (302, 429) and Case.objects.count() == 1
    settings.PUBLIC_REPORTS_PER_HOUR = 100
    settings.PUBLIC_CAPTCHA = True
    asked = client.get(reverse("public-report"))
    challenge = asked.context["form"]["challenge"].value()
    wrong = client.post(reverse("public-report"), {**form, "key": "c" * 32, "challenge": challenge, "answer": 99})
    assert wrong.status_code == 400 and Case.objects.count() == 1
    a, b = signing.loads(challenge, salt=CAPTCHA_SALT)
    right = client.post(reverse("public-report"), {**form, "key": "d" * 32, "challenge": challenge, "answer": a + b})
    assert right.status_code == 302 and Case.objects.count() == 2


def test_intake_blocks_an_abusive_reporter_and_only_the_desks_may(client, users, city, key):
    _api_key, raw = key
    number = post_request(client, raw, city, device_id="phone-1").json()[0]["service_request_id"]
    case = Case.objects.get(number=number)
    client.force_login(users.unit_operator)
    assert client.post(reverse("public-case", args=[case.pk]), {"do": "block", "reason": "x"}).status_code == 403
    client.force_login(users.intake_operator)
    page = client.get(reverse("public-case", args=[case.pk]))
    assert page.status_code == 200
    client.post(reverse("public-case", args=[case.pk]), {"do": "block", "reason": "反复虚假举报"})
    assert Block.objects.count() == 1
    client.post(reverse("public-case", args=[case.pk]), {"do": "note", "text": "感谢反映"})
    assert case.public_notes.get().text == "感谢反映"
    client.logout()
    refused = post_request(client, raw, city, device_id="phone-1")
    assert refused.status_code == 403 and Case.objects.count() == 1
    assert post_request(client, raw, city, device_id="phone-2").status_code == 200


def test_a_district_desk_cannot_open_another_districts_public_side(client, users, city, key):
    _api_key, raw = key
    point = city.grid21.geometry.point_on_surface
    elsewhere = {"lat": f"{point.y:.7f}", "long": f"{point.x:.7f}"}
    number = post_request(client, raw, city, **elsewhere).json()[0]["service_request_id"]
    client.force_login(users.district_operator)  # the first district's platform
    assert client.get(reverse("public-case", args=[Case.objects.get(number=number).pk])).status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_existing_georeport_v2_client_reads_services_and_requests(live_server, users, city):
    import requests
    from georeport import GeoReport

    _api_key, raw = services.issue_key(name="integration test")
    root = f"{live_server.url}{BASE}"
    sent = requests.post(
        f"{root}/requests.json",
        data={"api_key": raw, "service_code": garbage().full_code, "description": "路灯不亮", **inside(city)},
        files={"media": ("light.jpg", photo_file(), "image/jpeg")},
        timeout=30,
    )
    assert sent.status_code == 200, sent.text
    number = sent.json()[0]["service_request_id"]
    for output_format in ("json", "xml"):
        client = GeoReport(root, jurisdiction="citymgmt.local", output_format=output_format)
        services_list = client.get_service_list()
        assert garbage().full_code in {s["service_code"] for s in services_list}
        assert client.get_service_definition(garbage().full_code)["service_code"] == garbage().full_code
        found = client.get_service_request(number)
        assert found["service_request_id"] == number and found["status"] == "open"
        assert found["media_url"].startswith(live_server.url)
    assert requests.get(found["media_url"], timeout=30).headers["Content-Type"] == "image/jpeg"
    discovery = requests.get(f"{root}/discovery.json", timeout=30).json()
    assert discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is installed by ./dev")
def test_a_citizen_reports_from_a_phone_and_follows_the_case_to_closure(live_server, users, city, tmp_path):
    from playwright.sync_api import sync_playwright

    picture = tmp_path / "litter.jpg"
    Image.new("RGB", (1200, 900), (90, 120, 160)).save(picture, "JPEG")
    point, code = city.grid11.geometry.point_on_surface, garbage().full_code
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_context(
            viewport={"width": 390, "height": 844},
            is_mobile=True,
            geolocation={"latitude": point.y, "longitude": point.x},
            permissions=["geolocation"],
        ).new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{live_server.url}/public/")
        page.select_option("#id_category", code)
        page.fill("#id_description", "公交站旁垃圾没人清")
        page.set_input_files("#id_photos", str(picture))
        page.click("#locate-me")
        page.wait_for_selector(".leaflet-marker-icon")
        page.click("button[type=submit]")
        page.wait_for_url("**/public/track/**")
        number = page.url.split("number=")[1]
        browser.close()
    case = Case.objects.get(number=number)
    assert case.source == CaseSource.PUBLIC and case.grid == city.grid11 and not errors
    case = advance(case, users, city, CaseState.CLOSED)
    followed = Client().get(reverse("public-track"), {"number": number}).content.decode()
    assert str(selectors.PUBLIC_STATES[CaseState.CLOSED]) in followed and city.gov1.name in followed


def test_a_control_character_from_the_public_breaks_no_export_and_no_xml(client, users, city):
    """XML 1.0 and so XLSX cannot carry ASCII control characters: a description with one (typed, or stored before
    they were dropped at intake) made every export that held it answer 500 and Open311's XML ill-formed."""
    from openpyxl import load_workbook

    from cases.exports import write_cases

    point = inside(city)
    form = {"category": garbage().full_code, "description": "井盖\x0b丢了\x1f\ufffe", "key": "c" * 32}
    sent = client.post(reverse("public-report"), {**form, "latitude": point["lat"], "longitude": point["long"]})
    assert sent.status_code == 302
    case = Case.objects.get()
    assert case.description == "井盖丢了"
    Case.objects.filter(pk=case.pk).update(description="旧\x0b的", address="=路\x08口")  # stored before the fix
    staff = Client()
    staff.force_login(users.dispatcher)
    exported = staff.get(reverse("case-list"), {"export": "xlsx"})
    assert exported.status_code == 200
    cells = {c.value for sheet in load_workbook(io.BytesIO(exported.content)).worksheets for row in sheet for c in row}
    assert "旧的" in cells and "'=路口" in cells
    background = io.BytesIO()
    write_cases(Case.objects.all(), background)  # the long lists' export, written by the worker
    assert "旧的" in {c.value for row in load_workbook(background).worksheets[0] for c in row}
    xml = client.get(f"{BASE}/requests.xml")
    assert xml.status_code == 200
    [item] = ET.fromstring(xml.content).findall("request")
    assert item.findtext("service_request_id") == case.number and item.findtext("description") == "旧的"
