"""Walk one case from report to closure through the browser, one demo account per step, and save a
screenshot of each step:  python scripts/walkthrough.py BASE_URL OUT_DIR

Two-level path: a supervisor reports exposed garbage in 东城区, intake accepts, the shift leader registers,
the dispatcher sends it to the district platform (the rules' suggestion), the district re-dispatches it to
a street office, which handles it with a photo; intake sends the check, the supervisor confirms, the shift
leader closes it."""

import io
import re
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
PASSWORD = "demo1234"


def photo(path: Path) -> Path:
    image = Image.new("RGB", (640, 480), (90, 140, 90))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def main(base: str, out: str) -> None:
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    after = photo(out_dir / "after.jpg")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page = context.new_page()

        def login(user):
            context.clear_cookies()
            page.goto(f"{base}/login/")
            page.fill("#id_username", user)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")

        def shot(name):
            page.screenshot(path=str(out_dir / f"{name}.png"), full_page=True)
            print(f"{name}: {page.title()}")

        def act(case_url, action, fill=None, files=None):
            page.goto(case_url)
            box = page.locator(f"details:has(form[action$='/{action}/'])")
            if box.get_attribute("open") is None:
                box.locator("summary").click()
            for name, value in (fill or {}).items():
                field = box.locator(f"[name='{action}-{name}']")
                tag = field.first.evaluate("e => e.tagName + (e.type || '')")
                if tag.startswith("SELECT"):
                    field.select_option(label=value) if not value.isdigit() else field.select_option(value)
                elif "radio" in tag:
                    box.locator(f"[name='{action}-{name}'][value='{value}']").check()
                else:
                    field.fill(value)
            for name, path in (files or {}).items():
                box.locator(f"[name='{action}-{name}']").set_input_files(str(path))
            box.locator("button[type=submit]").click()
            page.wait_for_load_state("networkidle")
            messages = page.locator(".messages li").all_inner_texts()
            first_class = page.locator(".messages li").first.get_attribute("class") or ""
            assert messages and "error" not in first_class, messages
            print(f"  {action}: {messages}")

        login("supervisor")
        shot("01-supervisor-workbench")
        page.goto(f"{base}/cases/new/")
        page.wait_for_load_state("networkidle")
        option = page.locator("#id_category option", has_text="暴露垃圾").first.get_attribute("value")
        page.select_option("#id_category", option)
        page.fill("#id_description", "春晖路与长安路交叉口东北角有一堆暴露垃圾，约2立方米。")
        page.fill("#id_address", "春晖路与长安路交叉口")
        page.locator("#picker-map path.leaflet-interactive").first.wait_for()
        box = page.locator("#picker-map path.leaflet-interactive").first.bounding_box()  # the first street
        page.mouse.click(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5)
        shot("02-report-form")
        page.click("form.report button[type=submit]")
        page.wait_for_url(re.compile(r".*/cases/\d+/$"))
        case_url = page.url
        shot("03-reported")

        login("intake")
        act(case_url, "accept")
        login("shiftlead")
        act(case_url, "register")
        login("dispatcher")
        page.goto(case_url)
        shot("04-dispatcher-case")
        act(case_url, "dispatch")  # the suggested unit is preselected
        login("district")
        shot("05-district-workbench")
        act(case_url, "redispatch", {"unit": "春晖街道办事处"})
        login("street")
        shot("06-street-workbench")
        act(case_url, "handle", {"note": "已清运完毕，现场已清洁。"}, {"photos": after})
        login("intake")
        act(case_url, "send_check")
        login("supervisor")
        act(case_url, "check", {"fixed": "yes", "note": "现场核查已整改"})
        login("shiftlead")
        act(case_url, "close")
        page.goto(case_url)
        shot("07-closed")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
