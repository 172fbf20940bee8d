import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citymgmt.settings")

app = Celery("citymgmt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="citymgmt.ping")
def ping() -> str:
    """Answers "pong": lets health checks and tests see that a worker consumes the queue."""
    return "pong"
