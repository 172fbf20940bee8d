"""Reference data that every request reads and almost nothing changes (organizations, roles, categories, stage
limits), kept in each process so that a request costs no query for it.

A save or delete of a watched model clears this process's copy and, once committed, moves a generation mark
in the shared cache; every process compares the mark at most once a second and drops its copies when it
moved. A change made anywhere is so seen everywhere within a second. Without the shared cache (Redis down)
each process simply re-reads at most once a second. Bulk ``QuerySet.update`` bypasses the signals: call
``changed()`` after one.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

log = logging.getLogger(__name__)
T = TypeVar("T")
GENERATION_KEY = "memo:generation"
CHECK_EVERY = 1.0  # seconds

_memos: list[Memo] = []


class _Seen:
    generation: str | None = None  # the mark last read from the shared cache
    checked = 0.0  # when (time.monotonic)


_seen = _Seen()


class Memo(Generic[T]):
    """``load()``'s result, kept until a watched model changes. Treat it as read-only: it is shared."""

    def __init__(self, load: Callable[[], T], *watched: type[models.Model]) -> None:
        self.load, self.loaded = load, False
        self.value: T | None = None
        _memos.append(self)
        for model in watched:
            watch(model)

    def __call__(self) -> T:
        refresh()
        if not self.loaded:
            self.value, self.loaded = self.load(), True
        return self.value  # type: ignore[return-value]


def clear() -> None:
    """Drop this process's copies (the next read loads afresh)."""
    for memo in _memos:
        memo.value, memo.loaded = None, False


def refresh() -> None:
    now = time.monotonic()
    if now - _seen.checked < CHECK_EVERY:
        return
    _seen.checked = now
    try:
        generation = cache.get(GENERATION_KEY)
    except Exception:  # the shared cache is down: trust nothing older than a second
        log.debug("memo: shared cache unavailable", exc_info=True)
        generation = uuid.uuid4().hex
    if generation != _seen.generation:
        _seen.generation = generation
        clear()


def changed(**kwargs: object) -> None:
    """A watched row changed: forget it here at once, and everywhere once the change is committed."""
    if kwargs.get("update_fields") == frozenset({"last_login"}):  # a user signed in: nothing anyone copied
        return
    clear()
    transaction.on_commit(_announce)


def _announce() -> None:
    clear()
    generation = uuid.uuid4().hex
    _seen.generation = generation
    try:
        cache.set(GENERATION_KEY, generation, None)
    except Exception:
        log.warning("memo: could not tell other processes of a change", exc_info=True)


_watched: set[type[models.Model]] = set()


def watch(model: type[models.Model], *, creations: bool = True) -> None:
    """Forget the copies when a row of ``model`` changes (``creations=False``: a new row changes nothing
    copied, as a new API token)."""
    if model in _watched:
        return
    _watched.add(model)
    uid = f"memo-{model._meta.label}"
    if model._meta.auto_created:  # a many-to-many table (a user's groups): added to or removed from
        m2m_changed.connect(changed, sender=model, dispatch_uid=uid)
        return
    post_save.connect(changed if creations else _changed_unless_new, sender=model, dispatch_uid=f"{uid}-save")
    post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}-delete")


def _changed_unless_new(**kwargs: object) -> None:
    if not kwargs.get("created"):
        changed(**kwargs)
