from celery import shared_task

from . import services


@shared_task(name="cases.flag_overdue")
def flag_overdue() -> int:
    return services.flag_overdue()
