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
