"""Screenshots of the city map: the whole city, then zoomed in with a grid and a component clicked.

python scripts/mapshots.py BASE_URL OUT_DIR
"""

import sys

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def main(base: str, out: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page.goto(f"{base}/login/")
        page.fill("#id_username", "dispatcher")
        page.fill("#id_password", "demo1234")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(f"{base}/map/")
        page.wait_for_function("document.getElementById('case-count').textContent !== '…'", timeout=60000)
        page.wait_for_timeout(1000)
        page.screenshot(path=f"{out}/map-city.png")
        print("cases shown:", page.inner_text("#case-count"))
        for layer in ("单元网格", "部件", "视频探头"):
            page.get_by_label(layer, exact=True).check()
        page.evaluate("() => { cityMap.setView([31.6365, 120.2290], 17); }")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(2500)
        box = page.locator("#city-map").bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)  # a grid
        page.wait_for_timeout(800)
        page.screenshot(path=f"{out}/map-grid.png")
        print("grid popup:", page.locator(".leaflet-popup-content").first.inner_text())
        page.keyboard.press("Escape")
        spot = page.evaluate("""() => { let found = null;
            cityMap.eachLayer((l) => { if (!found && l.options && l.options.color === '#5f3dc4' && l.getLatLng) {
                const p = cityMap.latLngToContainerPoint(l.getLatLng());
                if (p.x > 300 && p.y > 250) found = [p.x, p.y]; } });
            return found; }""")
        page.mouse.click(box["x"] + spot[0], box["y"] + spot[1])
        page.wait_for_timeout(800)
        page.screenshot(path=f"{out}/map-component.png")
        print("component popup:", page.locator(".leaflet-popup-content").first.inner_text())
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
