"""Log-in, sessions, tokens, headers and the audit log (the classified-protection baseline, OWASP ASVS L2)."""

import datetime as dt
import os
import secrets
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache, caches
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from citymgmt import memo
from citymgmt.authentication import UserThrottle
from demo.organizations import DEMO_PASSWORD

from .conftest import PASSWORD
from .test_settings import ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()  # rate-limit counters of earlier tests


def log_in(client, username, password, url="login"):
    return client.post(reverse(url), {"username": username, "password": password})


def test_twenty_wrong_passwords_lock_the_account_even_for_the_right_one(users, client):
    for _ in range(20):
        log_in(client, "dispatcher", "wrong-password")
    response = log_in(client, "dispatcher", PASSWORD)
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED, username="dispatcher").count() >= 5
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOCKED_OUT, username="dispatcher").exists()
    admin = Client()
    assert log_in(admin, "dispatcher", PASSWORD, "admin:login").status_code == 429  # the admin's log-in too
    AccessAttempt.objects.filter(username="dispatcher").delete()  # an administrator unlocks it
    assert log_in(Client(), "dispatcher", PASSWORD).status_code == 302


def test_one_address_guessing_several_accounts_is_locked_out(users, client):
    for name in ("leader", "intake_operator", "shift_leader", "supervisor", "district_operator"):
        log_in(client, name, "wrong-password")
    assert log_in(client, "unit_operator", PASSWORD).status_code == 429


def test_rapid_token_requests_are_limited_and_tokens_expire_and_are_revoked(users):
    api = APIClient()
    codes = [api.post("/api/token/", {"username": "nobody", "password": "x"}).status_code for _ in range(100)]
    assert 429 in codes and codes[-1] == 429
    cache.clear()
    AccessAttempt.objects.all().delete()
    token = api.post("/api/token/", {"username": "dispatcher", "password": PASSWORD}).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/cases/").status_code == 200
    Token.objects.filter(key=token).update(created=timezone.now() - dt.timedelta(hours=13))
    memo.changed()  # 13 hours on (a bulk update sends no signal; a token's issue time never changes otherwise)
    assert api.get("/api/cases/").status_code == 401  # expired
    cache.clear()
    token = APIClient().post("/api/token/", {"username": "dispatcher", "password": PASSWORD}).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.delete("/api/token/").status_code == 204
    assert api.get("/api/cases/").status_code == 401  # revoked
    client = Client()
    client.force_login(users.dispatcher)
    Token.objects.create(user=users.dispatcher)
    client.post(reverse("logout"))
    assert not Token.objects.filter(user=users.dispatcher).exists()  # log-out revokes the tokens


def test_a_token_is_looked_up_once_and_refused_at_once_when_revoked_or_its_user_deactivated(users):
    api = APIClient()
    token = Token.objects.create(user=users.dispatcher)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/gis/cameras/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/gis/cameras/").status_code == 200
    assert not [q for q in queries.captured_queries if "authtoken_token" in q["sql"]]
    users.dispatcher.is_active = False
    users.dispatcher.save()
    assert api.get("/api/gis/cameras/").status_code == 401
    users.dispatcher.is_active = True
    users.dispatcher.save()
    assert api.get("/api/gis/cameras/").status_code == 200
    token.delete()
    assert api.get("/api/gis/cameras/").status_code == 401


def test_the_schema_is_for_signed_in_users(users):
    assert APIClient().get("/api/schema/").status_code in (401, 403)
    api = APIClient()
    api.force_authenticate(users.dispatcher)
    assert api.get("/api/schema/").status_code == 200


def test_passwords_must_be_long_and_mixed_and_the_demo_password_is_not_one():
    for weak in (DEMO_PASSWORD, "abcdefghij", "1234567890ab"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Grid-Patrol-2026")


def test_an_initial_or_expired_password_is_changed_before_anything_else(users, client):
    user = users.supervisor
    user.must_change_password = True
    user.save()
    client.force_login(user)
    assert client.get(reverse("home"))["Location"] == reverse("password-change")
    response = client.post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": "Patrol-Grid-2026", "new_password2": "Patrol-Grid-2026"},
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PASSWORD_CHANGED, user=user).exists()
    type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    assert client.get(reverse("case-list"))["Location"] == reverse("password-change")  # expired after 90 days
    assert (
        APIClient().post("/api/token/", {"username": user.username, "password": "Patrol-Grid-2026"}).status_code == 403
    )


def test_log_ins_denials_and_admin_changes_are_audited_and_the_log_cannot_be_changed(users, city, client):
    assert log_in(client, "leader", PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN, username="leader").exists()
    client.force_login(users.unit_operator)
    assert client.get(reverse("dashboard")).status_code == 403
    denied = AuditEvent.objects.get(kind=AuditEvent.Kind.DENIED)
    assert denied.username == "unit_operator" and denied.path.startswith("/evaluation/") and denied.address
    client.force_login(users.administrator)
    client.post(
        reverse("admin:accounts_organization_change", args=[city.s11.pk]),
        {
            "name": "春晖街道（改）",
            "kind": city.s11.kind,
            "code": city.s11.code,
            "parent": city.d1.pk,
            "is_active": "on",
            "unit_type": "",
            "members-TOTAL_FORMS": 0,
            "members-INITIAL_FORMS": 0,
        },
    )
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ADMIN_CHANGE, username="administrator").exists()
    with pytest.raises(ValidationError):
        denied.save()
    with pytest.raises(ValidationError):
        denied.delete()
    page = client.get(reverse("admin:accounts_auditevent_changelist"), {"q": "unit_operator"})
    assert page.status_code == 200 and "unit_operator" in page.content.decode()
    assert client.get(reverse("admin:accounts_auditevent_change", args=[denied.pk])).status_code == 200
    assert client.post(reverse("admin:accounts_auditevent_delete", args=[denied.pk])).status_code == 403


def test_sessions_end_after_thirty_idle_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


def test_check_deploy_is_clean_in_the_production_profile(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECURE_SSL_REDIRECT", "DEBUG")} | {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "cm.example.gov.cn",
        "CITYMGMT_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_api_user_over_the_rate_is_refused_and_told_how_long_to_wait(users, monkeypatch):
    monkeypatch.setattr(UserThrottle, "THROTTLE_RATES", {"user": "3/min"})
    cache.clear()
    api = APIClient()
    api.force_authenticate(users.dispatcher)
    assert [api.get("/api/gis/areas/").status_code for _ in range(5)] == [200, 200, 200, 429, 429]
    refused = api.get("/api/gis/areas/")
    assert refused.status_code == 429 and 55 <= int(refused["Retry-After"]) <= 61
    other = APIClient()
    other.force_authenticate(users.district_operator)  # each user has a rate of their own
    assert other.get("/api/gis/areas/").status_code == 200
    # the refused requests were not counted: the three that passed are all the set holds
    redis = caches["default"]._cache.get_client(write=True)
    assert [redis.zcard(key) for key in redis.keys("*throttle_user_*")] in ([3, 1], [1, 3])
