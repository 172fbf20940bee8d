import datetime as dt

from celery import shared_task
from django.core.exceptions import ValidationError
from django.utils import timezone

from .services import findings, patrols, rechecks


@shared_task(name="sampling.place_reports")
def place_reports() -> int:
    return findings.place_new_reports()


@shared_task(name="sampling.finish_abandoned")
def finish_abandoned() -> int:
    return patrols.finish_abandoned()


@shared_task(name="sampling.draw_previous_month")
def draw_previous_month() -> int | None:
    first = timezone.localdate().replace(day=1)
    month = (first - dt.timedelta(days=1)).replace(day=1)
    try:
        return rechecks.draw(month, actor=None).pk
    except ValidationError:  # drawn already by hand
        return None
