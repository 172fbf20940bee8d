"""Queueing Celery tasks without letting a broker outage become a server error."""

import logging
import threading

from django.conf import settings
from django.db import connections

log = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> str | None:
    """Queue ``task``; returns why it could not be queued (the broker is unreachable), or None."""
    try:
        task.delay(*args, **kwargs)
    except Exception as error:  # kombu's OperationalError, redis' ConnectionError, …
        log.warning("could not queue %s%r", task.name, args, exc_info=True)
        return str(error) or type(error).__name__
    return None


def run_in_background(task, *args) -> str | None:
    """Queue ``task`` for a worker; where tasks run in process (the embedded profile) run it on a thread,
    so that the request that asked for it answers at once."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        return enqueue(task, *args)

    def run():
        try:
            task.apply(args)
        finally:
            connections.close_all()

    threading.Thread(target=run, daemon=True).start()
    return None
