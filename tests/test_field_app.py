"""The supervisors' field app in a phone-sized Chromium: installable, a report made offline with a photo
arrives exactly once (also when the first answer is lost on the way), a verification task is done from the
phone; and its tasks are pushed over Channels."""

import shutil
import statistics
import time

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from cases.choices import CaseSource, CaseState
from cases.models import Case
from cases.services import perform
from web.consumers import UserEventsConsumer

from .conftest import PASSWORD
from .lifecycle import new_case
from .test_browser import signed_in

OFFLINE_REPORTS = 12
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def photo_path(tmp_path):
    path = tmp_path / "street.jpg"
    Image.new("RGB", (3000, 2000), (180, 120, 60)).save(path, "JPEG")  # a phone's full size: shrunk before upload
    return str(path)


def wait_until(page, expression, seconds=20):
    """Poll ``expression`` in the page (wait_for_function would evaluate a string, which the CSP refuses)."""
    for _ in range(seconds * 10):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {seconds} s: {expression}")


def where(city):
    point = city.grid11.geometry.point_on_surface
    return {"latitude": point.y, "longitude": point.x, "accuracy": 8}


def test_the_app_serves_its_manifest_service_worker_and_icons(client, users):
    client.force_login(users.supervisor)
    manifest = client.get(reverse("field-manifest")).json()
    assert manifest["start_url"] == "/field/" and manifest["display"] == "standalone"
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    worker = client.get(reverse("field-sw"))
    assert worker["Content-Type"].startswith("text/javascript") and b"/static/js/field.js" in worker.content
    assert client.get(reverse("field-icon", args=[512]))["Content-Type"] == "image/png"
    assert client.get(reverse("field-icon", args=[100])).status_code == 404
    assert client.get(reverse("field-app")).status_code == 200
    client.force_login(users.dispatcher)
    assert client.get(reverse("field-app")).status_code == 403


def test_an_action_retried_with_its_key_is_taken_once(users, city):
    case = new_case(users, city)
    perform(case_id=case.pk, action="send_verification", actor=users.intake_operator, supervisor=users.supervisor.pk)
    api = APIClient()
    api.force_authenticate(users.supervisor)
    url = f"/api/cases/{case.pk}/verify/"
    first = api.post(url, {"found": True}, format="json", HTTP_IDEMPOTENCY_KEY="task-1")
    again = api.post(url, {"found": True}, format="json", HTTP_IDEMPOTENCY_KEY="task-1")
    assert (first.status_code, again.status_code) == (200, 200)
    assert case.events.filter(action="verify").count() == 1
    other = api.post(url, {"found": True}, format="json", HTTP_IDEMPOTENCY_KEY="task-2")
    assert other.status_code == 409  # a new submission on a case that has moved on


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is installed by ./dev")
def test_a_report_made_offline_arrives_exactly_once(live_server, users, city, photo_path):
    from playwright.sync_api import sync_playwright

    errors = []
    with sync_playwright() as playwright:
        browser, page = signed_in(
            playwright, live_server, "supervisor", **PHONE, geolocation=where(city), permissions=["geolocation"]
        )
        context = page.context
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{live_server.url}/field/")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        wait_until(page, "document.getElementById('gps').className.includes('good')")
        page.reload()  # now under the service worker's control
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        wait_until(page, "document.getElementById('gps').className.includes('good')")

        context.set_offline(True)
        timings = []
        for n in range(1, OFFLINE_REPORTS + 1):  # the steps a supervisor takes, one report after another
            started = time.perf_counter()
            page.set_input_files("#photos", photo_path)
            page.wait_for_selector("#thumbs img")
            page.fill("#category-search", "bllj")  # 暴露垃圾 by its pinyin initials
            page.click("#category-list .choice >> nth=0")
            page.fill("#description", f"路边垃圾堆 {n}")
            page.click("#report button[type=submit]")
            wait_until(page, f"document.getElementById('outbox-count').textContent === '{n}'")
            timings.append(time.perf_counter() - started)
        page.close()  # the app is closed with the reports still on the phone

        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{live_server.url}/field/")  # offline: from the service worker's cache
        wait_until(page, f"document.getElementById('outbox-count').textContent === '{OFFLINE_REPORTS}'")
        page.click("[data-tab=outbox]")
        waiting = page.text_content("#outbox-summary")

        lost = []

        def lose_the_answer(route):  # the server takes the report, the phone never hears back
            if not lost:
                lost.append(route.fetch().status)
                route.abort()
            else:
                route.continue_()

        page.route("**/api/cases/", lose_the_answer)
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        wait_until(page, "document.querySelector('#outbox-summary')")
        while not lost:  # the first attempt, whose answer is lost
            page.wait_for_timeout(200)
        page.click("#send-now")  # the supervisor, or the 20-second timer, sends again
        wait_until(page, "document.getElementById('outbox-count').hidden")
        sent = page.text_content("#sent")
        browser.close()
    assert waiting.startswith(str(OFFLINE_REPORTS)) and lost == [201]
    cases = Case.objects.order_by("pk")
    assert [c.description for c in cases] == [f"路边垃圾堆 {n}" for n in range(1, OFFLINE_REPORTS + 1)]  # once each
    assert all(c.number in sent for c in cases[:OFFLINE_REPORTS])
    assert {(c.source, c.grid_id) for c in cases} == {(CaseSource.SUPERVISOR, city.grid11.pk)}
    photo = cases[0].attachments.get()
    assert max(photo.width, photo.height) == 1600  # made smaller on the phone
    assert not errors, errors
    print(f"scripted report: median {statistics.median(timings):.2f} s, slowest {max(timings):.2f} s")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is installed by ./dev")
def test_a_verification_task_is_done_from_the_phone(live_server, users, city, photo_path):
    from playwright.sync_api import sync_playwright

    case = new_case(users, city, source=CaseSource.PUBLIC)
    perform(case_id=case.pk, action="send_verification", actor=users.intake_operator, supervisor=users.supervisor.pk)
    errors = []
    with sync_playwright() as playwright:
        browser, page = signed_in(
            playwright, live_server, "supervisor", **PHONE, geolocation=where(city), permissions=["geolocation"]
        )
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{live_server.url}/field/")
        page.click("[data-tab=tasks]")
        page.wait_for_selector(f"article.task >> text={case.number}")
        page.click("article.task summary")
        page.set_input_files("article.task input[type=file]", photo_path)
        page.fill("article.task textarea", "现场确有垃圾")
        page.click("article.task .yes")
        page.click("[data-tab=outbox]")
        wait_until(page, f"document.getElementById('sent').textContent.includes('{case.number}')")  # it arrived
        assert page.evaluate("document.getElementById('outbox-count').hidden")
        browser.close()
    case.refresh_from_db()
    assert case.state == CaseState.PENDING_REGISTRATION
    verified = case.events.get(action="verify")
    assert verified.note == "现场确有垃圾" and verified.attachments.count() == 1
    assert not errors, errors


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_a_task_sent_to_a_supervisor_reaches_the_open_app(users, city):
    communicator = WebsocketCommunicator(UserEventsConsumer.as_asgi(), "/ws/events/")
    communicator.scope["user"] = users.supervisor
    connected, _ = await communicator.connect()
    assert connected
    case = await sync_to_async(new_case)(users, city, source=CaseSource.PUBLIC)
    await sync_to_async(perform)(
        case_id=case.pk, action="send_verification", actor=users.intake_operator, supervisor=users.supervisor.pk
    )
    pushed = await communicator.receive_json_from(timeout=5)
    assert pushed["kind"] == "task" and pushed["case"] == case.pk
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is installed by ./dev")
def test_chromium_finds_the_app_installable(live_server, users, tmp_path):
    """Chromium's own check (the one behind its "Install app" menu) finds nothing missing: a browser profile
    on disk, as on a phone (a private window is never offered an install)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            **PHONE,
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/login/?next=/field/")
        page.fill("input[name=username]", "supervisor")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/field/")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        errors = context.new_cdp_session(page).send("Page.getInstallabilityErrors")["installabilityErrors"]
        manifest = page.evaluate("document.querySelector('link[rel=manifest]').href")
        context.close()
    assert errors == [] and manifest.endswith("/field/manifest.webmanifest")
