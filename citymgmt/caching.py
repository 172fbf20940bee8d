"""The shared cache (Redis) for results that are costly to compute and may be reused a while; fail-open: with
the cache down, the result is computed every time instead of failing the request."""

import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

log = logging.getLogger(__name__)
T = TypeVar("T")


def cached(key: str, compute: Callable[[], T], seconds: int) -> T:
    try:
        value = cache.get(key)
    except Exception:
        log.warning("cache unavailable: %s computed without it", key.split(":")[0], exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, seconds)
        except Exception:
            log.warning("cache unavailable: %s not kept", key.split(":")[0], exc_info=True)
    return value
