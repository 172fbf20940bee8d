"""API authentication and rate limits (kept apart from ``citymgmt.api``, which DRF's settings would import
while DRF itself is being imported)."""

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import throttling
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

log = logging.getLogger(__name__)


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=settings.API_TOKEN_HOURS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's tokens, valid for settings.API_TOKEN_HOURS after they were issued (log-out revokes them)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token.created < timezone.now() - token_lifetime():
            token.delete()
            raise AuthenticationFailed(_("The token has expired: ask for a new one."))
        return user, token


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
