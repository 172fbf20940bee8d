"""Queueing Celery tasks without letting a broker outage become a server error."""

import logging

log = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> str | None:
    """Queue ``task``; returns why it could not be queued (the broker is unreachable), or None."""
    try:
        task.delay(*args, **kwargs)
    except Exception as error:  # kombu's OperationalError, redis' ConnectionError, …
        log.warning("could not queue %s%r", task.name, args, exc_info=True)
        return str(error) or type(error).__name__
    return None
