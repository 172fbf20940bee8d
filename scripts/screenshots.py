"""Screenshots of pages as a user meets them, in headless Chromium (Debian's), for review and the docs.

    python scripts/screenshots.py BASE_URL OUT_DIR USER:PASSWORD:PATH:NAME [...]

Logs in as USER (unless USER is "-"), opens PATH and saves OUT_DIR/NAME.png at 1366×900.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def main(base: str, out: str, shots: list[str]) -> None:
    Path(out).mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for shot in shots:
            user, password, path, name = shot.split(":", 3)
            page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            if user != "-":
                page.goto(f"{base}/login/")
                page.fill("#id_username", user)
                page.fill("#id_password", password)
                page.click("button[type=submit]")
                page.wait_for_load_state("networkidle")
            page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=f"{out}/{name}.png", full_page=True)
            print(f"{out}/{name}.png  {page.title()}")
            page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
