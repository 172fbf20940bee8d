"""A working day in the browser (Debian's Chromium): each desk signs in and opens its workbench, every queue,
a case and the map; one case goes through its whole life in the browser, each step taken by the right desk;
a supervisor reports from a phone (390 × 844); the leader drills down from a headline rate and downloads the
bulletin. Fails on any script error, any answer of 400 or more, any untranslated English shown.
(The ORM is used only outside the browser's blocks: its event loop forbids it.)"""

import shutil

import pytest
from django.utils.translation import trans_real

from accounts.models import User

from .conftest import DESKS, PASSWORD
from .lifecycle import S, new_case
from .test_translations import untranslated

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is installed by ./dev"),
]


def socket(message: str) -> bool:
    """The test server speaks HTTP only: the pages' live-notice socket cannot connect (the sockets are tested
    with the real channel layer in test_screen and test_integration)."""
    return "WebSocket connection to" in message or ("404" in message and "/ws/" in message)


class Watched:
    """A Chromium page that keeps what went wrong: script errors and failed answers."""

    def __init__(self, playwright, live_server, **context):
        self.browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        self.page = self.browser.new_context(locale="zh-CN", **context).new_page()
        self.url, self.problems = live_server.url, []
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.page.on(
            "console", lambda m: self.problems.append(m.text) if m.type == "error" and not socket(m.text) else None
        )
        self.page.on("response", lambda r: self.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    def sign_in(self, username):
        self.page.context.clear_cookies()
        self.go("/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        with self.page.expect_navigation():
            self.page.click("button[type=submit]")

    def go(self, path):
        self.page.goto(self.url + path if path.startswith("/") else path)
        self.page.wait_for_load_state("networkidle")

    def until(self, condition, seconds=10):
        """Poll a condition (wait_for_function evaluates a string, which the CSP forbids)."""
        for _ in range(seconds * 10):
            if self.page.evaluate(condition):
                return
            self.page.wait_for_timeout(100)
            raise AssertionError(f"never true: {condition}")

    def open_form(self, action):
        """The action's form on the case page, unfolded."""
        form = self.page.locator(f"form[action$='/{action}/']")
        details = form.locator("xpath=ancestor::details")
        if details.count() and details.get_attribute("open") is None:
            details.locator("summary").click()
        return form

    def submit(self, action):
        form = self.open_form(action)
        with self.page.expect_navigation():
            form.locator("button[type=submit]").click()


@pytest.fixture
def catalogue():
    return {
        str(msgid)
        for msgid, text in trans_real.translation("zh-hans")._catalog.items()
        if isinstance(msgid, str) and msgid != text and len(msgid) > 2
    }


def test_every_desk_opens_its_workbench_queues_a_case_and_the_map(live_server, users, city, histories, catalogue):
    from playwright.sync_api import sync_playwright

    names = set(User.objects.values_list("username", flat=True))
    seen, english = {}, {}
    with sync_playwright() as playwright:
        browser = Watched(playwright, live_server, viewport={"width": 1920, "height": 1080})
        page = browser.page
        for desk in DESKS:
            browser.sign_in(getattr(users, desk).username)
            queues = [a.get_attribute("href") for a in page.locator("a.queue").all()]
            visited = ["/"] + queues
            for path in queues:
                browser.go(path)
                if found := untranslated(page.content(), catalogue, names):
                    english[f"{desk} {path}"] = found
            browser.go("/cases/?queue=open" if desk != "administrator" else "/cases/")
            first = page.locator("table.cases a[href^='/cases/']").first
            if first.count():
                case_path = first.get_attribute("href")
                browser.go(case_path)
                visited.append(case_path)
                if found := untranslated(page.content(), catalogue, names):
                    english[f"{desk} {case_path}"] = found
            browser.go("/map/")
            browser.until("document.querySelectorAll('.leaflet-tile-loaded').length > 0")
            if found := untranslated(page.content(), catalogue, names):
                english[f"{desk} map"] = found
            seen[desk] = visited
        problems = browser.problems
        browser.browser.close()
    assert problems == [], "\n".join(problems)
    assert english == {}
    assert all(len(paths) >= 2 for paths in seen.values()), seen  # every desk had its workbench and a case


def test_a_case_goes_from_a_phone_report_to_closure_in_the_browser(live_server, users, city, tmp_path):
    from playwright.sync_api import sync_playwright

    from cases.models import Case

    waiting = new_case(users, city)  # another case at intake: the "next case" after accepting
    with sync_playwright() as playwright:
        phone = Watched(playwright, live_server, viewport={"width": 390, "height": 844}, is_mobile=True)
        phone.sign_in(users.supervisor.username)
        phone.go("/cases/new/")
        page = phone.page
        assert page.locator("input[name=reporter_phone]").count() == 0  # they are the reporter
        page.locator(".ts-control").first.click()  # the category picker, searched by pinyin initials
        page.keyboard.type("bllj")
        page.locator(".ts-dropdown .option:has-text('暴露垃圾')").first.click()
        chosen = page.locator("select[name=category] option:checked").inner_text()
        page.fill("textarea[name=description]", "路边有暴露垃圾")
        page.locator("#picker-map").scroll_into_view_if_needed()
        map_box, submit_box = page.locator("#picker-map").bounding_box(), page.locator(".report-submit").bounding_box()
        area = page.locator("select[name=area]")
        area.evaluate("(el, v) => el.tomselect.setValue(v)", str(city.s11.pk))
        fits = page.evaluate("document.documentElement.scrollWidth <= 390")
        with page.expect_navigation():
            page.click(".report-submit")
        reported_at = page.url
        phone_problems = phone.problems
        phone.browser.close()
    case = Case.objects.exclude(pk=waiting.pk).get()
    assert (
        "暴露垃圾" in chosen
        and case.category.name == "暴露垃圾"
        and case.state == S.REPORTED
        and f"/cases/{case.pk}/" in reported_at
    )
    assert map_box["y"] < submit_box["y"] and fits and phone_problems == []

    steps = [
        ("intake_operator", "accept", {}),
        ("shift_leader", "register", {}),
        ("dispatcher", "dispatch", {"unit": city.gov1.pk}),
        ("unit_operator_d1", "handle", {}),
        ("intake_operator", "send_check", {}),
        ("supervisor", "check", {"fixed": "yes"}),
        ("shift_leader", "close", {}),
    ]
    with sync_playwright() as playwright:
        desk = Watched(playwright, live_server, viewport={"width": 1920, "height": 1080})
        next_link = None
        for who, action, fields in steps:
            desk.sign_in(getattr(users, who).username)
            desk.go(f"/cases/{case.pk}/")
            desk.open_form(action)
            for name, value in fields.items():
                field = desk.page.locator(f"[name='{action}-{name}']")
                if field.first.get_attribute("type") == "radio":
                    desk.page.check(f"[name='{action}-{name}'][value='{value}']")
                else:
                    field.evaluate("(el, v) => el.tomselect ? el.tomselect.setValue(v) : (el.value = v)", str(value))
            if action == "handle":
                desk.page.fill(f"textarea[name='{action}-note']", "已清理")
            desk.submit(action)
            if action == "accept":
                next_link = desk.page.locator(".next-case a").get_attribute("href")
        desk_problems = desk.problems
        desk.browser.close()
    case.refresh_from_db()
    assert case.state == S.CLOSED, case.state
    assert next_link == f"/cases/{waiting.pk}/"
    assert desk_problems == []


def test_the_leader_drills_down_from_a_rate_and_downloads_the_bulletin(live_server, users, november):
    from playwright.sync_api import sync_playwright

    from evaluation.bulletin import generate_bulletin

    generate_bulletin(november.period_start, users.leader)
    with sync_playwright() as playwright:
        browser = Watched(playwright, live_server, viewport={"width": 1920, "height": 1080})
        browser.sign_in(users.leader.username)
        browser.go("/evaluation/?month=2026-11")
        page = browser.page
        card = page.locator("section.kpi").nth(1)  # on-time handling
        part, total = (int(a.inner_text()) for a in card.locator("a").all()[:2])
        card.locator("a").nth(2).click()  # the cases the rate misses
        page.wait_for_load_state("networkidle")
        missed = int(page.locator("h1 small").inner_text())
        browser.go("/evaluation/?month=2026-11")
        link = page.locator(".bulletins a.button").first.get_attribute("href")
        answer = page.request.get(browser.url + link)  # as the browser's session
        pdf = answer.body()[:5] if answer.headers["content-type"] == "application/pdf" else b""
        problems = browser.problems
        browser.browser.close()
    assert missed == total - part and total > 0
    assert pdf == b"%PDF-"
    assert problems == []
