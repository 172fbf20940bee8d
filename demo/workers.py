"""Running the demo's independent pieces of work (months of cases, months of indicators) in forked worker
processes, one per core, each with its own database connection."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, connections

_TASK: Callable | None = None  # what the workers run, inherited through the fork
_WRITING = multiprocessing.get_context("fork").Lock()  # one worker writes at a time (SQLite has one writer)
_INHERITED: list = []  # the parent's database connections: never used nor closed in a worker


def _start() -> None:
    for conn in connections.all(initialized_only=True):
        _INHERITED.append(conn.connection)
        conn.connection = None  # the worker opens its own


def _run(item):
    return _TASK(item)


@contextmanager
def writing() -> Iterator[None]:
    """Hold while writing a piece of work: the workers compute in parallel and write in turn (on SQLite a
    second writer would wait, and one that had read first would fail at once)."""
    with _WRITING:
        yield


@contextmanager
def forked(task: Callable, items: Iterable, processes: int) -> Iterator[Iterator]:
    """``task`` applied to each item, results in order: in ``processes`` forked workers, or here for one.
    Workers see only what is committed, so inside a transaction the work is done here."""
    global _TASK
    items = list(items)
    if processes <= 1 or len(items) <= 1 or connection.in_atomic_block:
        yield map(task, items)
        return
    _TASK = task
    try:
        with multiprocessing.get_context("fork").Pool(processes, initializer=_start) as pool:
            yield pool.imap(_run, items)
    finally:
        _TASK = None
