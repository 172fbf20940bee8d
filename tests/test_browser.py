"""The pages work in Chromium under the Content Security Policy: no script or style is refused, the map,
the charts and Swagger UI render, and the selects that submit on change still do."""

import shutil

import pytest

from .conftest import PASSWORD
from .lifecycle import advance, new_case

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is installed by ./dev"),
]


def test_pages_render_under_the_content_security_policy(live_server, users, city):
    from playwright.sync_api import sync_playwright

    case = advance(new_case(users, city), users, city, "dispatched")
    refused = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", "dispatcher")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.url.rstrip("/") == live_server.url
        rendered = {}
        for path, probe in [
            ("/map/", "document.querySelectorAll('.leaflet-container').length"),
            (f"/cases/{case.pk}/", "document.querySelectorAll('form').length"),
            ("/api/docs/", "document.querySelectorAll('.opblock').length"),
        ]:
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)
            rendered[path] = page.evaluate(probe)
        page.goto(f"{live_server.url}/login/")  # the language switch submits on change, from a script file
        page.select_option("select#language", "en")
        page.wait_for_load_state("networkidle")
        english = page.locator("html").get_attribute("lang")
        browser.close()
    assert refused == []
    assert all(rendered.values()), rendered
    assert english == "en"


def test_a_supervisor_finishes_a_recheck_on_a_phone(live_server, users, city, tmp_path):
    """At 390 × 844, the supervisor's page fits the screen, shows the recheck sent to them, and takes the
    result with a photo from the camera (a file here)."""
    import datetime as dt

    from PIL import Image
    from playwright.sync_api import sync_playwright

    from sampling.models import Recheck, RecheckDraw

    from .lifecycle import at

    case = advance(new_case(users, city, now=at(2026, 10, 12, 9)), users, city, "closed", now=at(2026, 10, 12, 10))
    draw = RecheckDraw.objects.create(month=dt.date(2026, 10, 1), seed=1, rate=1, size=1)
    recheck = Recheck.objects.create(draw=draw, case=case, supervisor=users.supervisor, due_on=dt.date(2026, 11, 30))
    photo = tmp_path / "place.jpg"
    Image.new("RGB", (640, 480), (90, 140, 60)).save(photo, "JPEG")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", "supervisor")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(f"{live_server.url}/sampling/my/")
        shown = page.locator("details.field-item").first.inner_text()
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        form = page.locator(f"form[action$='/sampling/my/rechecks/{recheck.pk}/']")
        form.locator("input[value=fixed]").check()
        form.locator("input[type=file]").set_input_files(str(photo))
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        message = page.locator(".messages").inner_text()
        browser.close()
    assert case.category.name in shown
    assert fits
    assert message.strip()
    recheck.refresh_from_db()
    assert recheck.result == "fixed" and recheck.photo and recheck.done_at
