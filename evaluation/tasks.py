import datetime as dt

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from citymgmt.queue import enqueue

from . import services
from .bulletin import generate_bulletin as generate
from .delivery import MAX_ATTEMPTS, queue_deliveries, send
from .models import Delivery, DeliveryStatus, Snapshot, SnapshotStatus


@shared_task(name="evaluation.compute_snapshot")
def compute_snapshot(snapshot_id: int) -> int:
    """Idempotent: a redelivered task (its worker died) leaves a finished or failed snapshot alone."""
    snapshot = Snapshot.objects.get(pk=snapshot_id)
    if snapshot.status == SnapshotStatus.RUNNING:
        services.compute_snapshot(snapshot)
    return snapshot.pk


@shared_task(name="evaluation.recover_interrupted")
def recover_interrupted() -> int:
    """Snapshots left running by a worker that died (and whose task was lost) are marked failed."""
    return services.recover_interrupted()


@shared_task(name="evaluation.compute_previous_month")
def compute_previous_month() -> int:
    """Month end: the previous month's indicators, then its bulletin."""
    start, end = services.previous_month(timezone.localdate())
    snapshot = services.compute_snapshot(services.start_snapshot(start=start, end=end))
    enqueue(generate_bulletin, start.isoformat())
    return snapshot.pk


@shared_task(name="evaluation.generate_bulletin")
def generate_bulletin(month: str, user_id: int | None = None) -> int:
    bulletin = generate(dt.date.fromisoformat(month), user_id and get_user_model().objects.get(pk=user_id))
    for delivery in queue_deliveries(bulletin):
        enqueue(send_delivery, delivery.pk)  # one that cannot be queued stays pending, shown on the dashboard
    return bulletin.pk


@shared_task(name="evaluation.send_delivery", bind=True, max_retries=MAX_ATTEMPTS - 1)
def send_delivery(self, delivery_id: int) -> str:
    """Send one bulletin e-mail; on failure try again after 1, 2, 4, 8 minutes, then give up visibly."""
    delivery = Delivery.objects.select_related("bulletin").get(pk=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        return delivery.status
    if not send(delivery) and delivery.status == DeliveryStatus.PENDING:
        raise self.retry(countdown=60 * 2 ** (delivery.attempts - 1))
    return delivery.status
