"""API authentication and rate limits (kept apart from ``citymgmt.api``, which DRF's settings would import
while DRF itself is being imported)."""

import copy
import datetime as dt
import functools
import logging
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import throttling
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from . import memo
from .clients import client_address

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
    """A rate limit counts in the cache (Redis); when the cache is down, requests pass rather than fail.

    With Redis, the times of a client's requests within the rate's duration are a sorted set, trimmed, added to
    and counted in one round trip; DRF's own reads the whole list of times and writes it back pickled (two round
    trips on every API request). A refused request is taken out again, as DRF never records it. Without Redis
    (the embedded profile), DRF's own."""

    def get_ident(self, request):
        """The client's address (behind the trusted proxies: ``citymgmt.clients``), not DRF's own reading of a
        header any client can write."""
        return client_address(request) or ""

    def allow_request(self, request, view):
        try:
            store = caches[DEFAULT_CACHE_ALIAS]
            if self.rate is None or not isinstance(store, RedisCache):
                return super().allow_request(request, view)
            return self._counted(store, request, view)
        except Exception:
            log.warning("rate limit skipped: cache unavailable", exc_info=True)
            return True

    def _counted(self, store, request, view):
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        key, now, member = store.make_and_validate_key(self.key), self.timer(), uuid.uuid4().hex
        client = _client(store)
        pipe = client.pipeline()  # MULTI … EXEC: one round trip
        pipe.zremrangebyscore(key, "-inf", now - self.duration)
        pipe.zadd(key, {member: now})
        pipe.zcard(key)
        pipe.zrange(key, 0, 0, withscores=True)
        pipe.expire(key, int(self.duration) + 1)
        _trimmed, _added, count, oldest, _expiry = pipe.execute()
        if count <= self.num_requests:
            return True
        client.zrem(key, member)
        self.history = [oldest[0][1]] * (count - 1)  # what DRF's ``wait`` reads: the oldest time and how many
        self.now = now
        return False


def _client(store: RedisCache):
    """The cache's Redis client, made once per process (Django builds one for each command, which cost the rate
    limit more than its round trip)."""
    made = store._cache.__dict__.get("_citymgmt_client")
    if made is None:
        made = store._cache.__dict__["_citymgmt_client"] = store._cache.get_client(write=True)
    return made


class AnonThrottle(FailOpen, throttling.AnonRateThrottle):
    pass


class UserThrottle(FailOpen, throttling.UserRateThrottle):
    pass


class TokenThrottle(FailOpen, throttling.AnonRateThrottle):
    """Asking for tokens, per address (password guessing is also locked out per account by django-axes)."""

    scope = "token"
