"""Every page, rendered in Chinese as each role meets it, shows no English the catalogue should have
translated: no text equal to a message of the catalogue, and no run of English words outside the few names
that stay as they are (Open311, Excel, GeoJSON…)."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from accounts.models import User
from cases.choices import CaseState
from cases.models import Case, CaseEvent

from .test_query_counts import pages, sampled  # noqa: F401  (a fixture)

# Names that stay as they are: standards, formats, the language switch's own "English", a statistic's authors.
KEEP = {"Open311", "GeoReport", "Excel", "PNG", "GeoJSON", "API", "PDF", "citymgmt", "OpenStreetMap", "Leaflet"}
KEEP |= {"English", "Getis-Ord", "Gi"}
ENGLISH_RUN = re.compile(r"[A-Za-z][a-z]+(?:[ '-][A-Za-z][a-z]+)+")
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "label"}


class Shown(HTMLParser):
    """The text a reader sees: text nodes outside scripts and styles, and the attributes shown as text."""

    def __init__(self):
        super().__init__()
        self.texts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.hidden += 1
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value:
                self.texts.append(value)
            if name == "value" and tag == "input" and dict(attrs).get("type") in ("submit", "button"):
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.texts.append(data.strip())


def untranslated(html: str, messages: set[str], names: set[str]) -> list[str]:
    parser = Shown()
    parser.feed(html)
    found = []
    for text in parser.texts:
        if text in names or text in KEEP:
            continue
        if text in messages:
            found.append(text)
            continue
        for run in ENGLISH_RUN.findall(text):
            if not set(run.split()) <= KEEP:
                found.append(run)
    return found


@pytest.fixture
def messages():
    catalogue = trans_real.translation("zh-hans")._catalog  # msgid → the Chinese text
    return {
        str(msgid) for msgid, text in catalogue.items() if isinstance(msgid, str) and msgid != text and len(msgid) > 2
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("november", "sampled")
def test_no_page_shows_untranslated_english(users, city, histories, messages):
    web, _api = pages(users, city, histories)
    extra = [
        ("forbidden page", "supervisor", reverse("dashboard")),
        ("case detail, district", "district_operator", reverse("case-detail", args=[histories["overdue"].pk])),
        ("case detail, intake", "intake_operator", reverse("case-detail", args=[histories["registered_only"].pk])),
        ("admin index", "administrator", "/admin/"),
        ("admin user", "administrator", reverse("admin:accounts_user_change", args=[users.dispatcher.pk])),
        ("admin periodic task", "administrator", "/admin/django_celery_beat/periodictask/add/"),
    ]
    names = set(User.objects.values_list("username", flat=True))  # the test users' names are role codes
    problems = {}
    for name, who, url in web + extra:
        if "export" in name:
            continue
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(getattr(users, who))
        response = client.get(url)
        assert response.status_code in (200, 403), (name, response.status_code)
        if found := untranslated(response.content.decode(), messages, names):
            problems[name] = sorted(set(found))
    assert not problems, "\n".join(f"{name}: {found}" for name, found in problems.items())


@pytest.mark.parametrize(("language", "closed"), [("zh-hans", "已结案"), ("en", "Closed")])
def test_a_state_is_named_in_the_active_language_as_djangos_own_method_would(language, closed):
    """Case and CaseEvent name their states from the enumeration (Django's generated method hashed every
    choice's label per call); the names are Django's, and a value outside the enumeration shows as it is."""
    state = Case._meta.get_field("state")
    with translation.override(language):
        for value in [*CaseState.values, "retired_state"]:
            assert Case(state=value).get_state_display() == Case(state=value)._get_FIELD_display(state)
        assert Case(state="closed").get_state_display() == closed
        event = CaseEvent(from_state="", to_state="closed")
        assert (event.get_from_state_display(), event.get_to_state_display()) == ("", closed)
