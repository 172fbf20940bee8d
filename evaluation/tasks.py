from celery import shared_task
from django.utils import timezone

from . import services
from .models import Snapshot


@shared_task(name="evaluation.compute_snapshot")
def compute_snapshot(snapshot_id: int) -> int:
    return services.compute_snapshot(Snapshot.objects.get(pk=snapshot_id)).pk


@shared_task(name="evaluation.compute_previous_month")
def compute_previous_month() -> int:
    start, end = services.previous_month(timezone.localdate())
    return services.compute_snapshot(services.start_snapshot(start=start, end=end)).pk
