"""API authentication and rate limits (kept apart from ``citymgmt.api``, which DRF's settings would import
while DRF itself is being imported)."""

import copy
import datetime as dt
import functools
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import throttling
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from . import memo

log = logging.getLogger(__name__)


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=settings.API_TOKEN_HOURS)


@functools.cache
def _tokens() -> memo.Memo[dict]:
    """The tokens this process has seen with their users (``citymgmt.memo``): a token costs no query after its
    first request. Forgotten when a user changes or a token is deleted (log-out, expiry), here at once and in
    every process within a second."""
    memo.watch(Token, creations=False)
    return memo.Memo(dict, get_user_model())


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's tokens, valid for settings.API_TOKEN_HOURS after they were issued (log-out revokes them)."""

    def authenticate_credentials(self, key):
        seen = _tokens()()
        if key not in seen:
            seen[key] = super().authenticate_credentials(key)  # refuses an unknown key or an inactive user
        user, token = seen[key]
        if token.created < timezone.now() - token_lifetime():
            token.delete()
            raise AuthenticationFailed(_("The token has expired: ask for a new one."))
        return copy.copy(user), token  # each request its own: views may note things on their user


class FailOpen:
    """A rate limit counts in the cache (Redis); when the cache is down, requests pass rather than fail."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:
            log.warning("rate limit skipped: cache unavailable", exc_info=True)
            return True


class AnonThrottle(FailOpen, throttling.AnonRateThrottle):
    pass


class UserThrottle(FailOpen, throttling.UserRateThrottle):
    pass


class TokenThrottle(FailOpen, throttling.AnonRateThrottle):
    """Asking for tokens, per address (password guessing is also locked out per account by django-axes)."""

    scope = "token"
