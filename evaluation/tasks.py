from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from . import services
from .models import Snapshot


@shared_task(name="evaluation.compute_snapshot")
def compute_snapshot(snapshot_id: int) -> int:
    return services.compute_snapshot(Snapshot.objects.get(pk=snapshot_id)).pk


@shared_task(name="evaluation.compute_previous_month")
def compute_previous_month() -> int:
    """Month end: the previous month's indicators, then its bulletin."""
    start, end = services.previous_month(timezone.localdate())
    snapshot = services.compute_snapshot(services.start_snapshot(start=start, end=end))
    generate_bulletin.delay(start.isoformat())
    return snapshot.pk


@shared_task(name="evaluation.generate_bulletin")
def generate_bulletin(month: str, user_id: int | None = None) -> int:
    import datetime as dt

    from .bulletin import generate_bulletin as generate

    return generate(dt.date.fromisoformat(month), user_id and get_user_model().objects.get(pk=user_id)).pk
