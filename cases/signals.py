from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CalendarDay, WorkPeriod, WorkSchedule
from .worktime import invalidate_calendar


@receiver([post_save, post_delete], sender=CalendarDay)
@receiver([post_save, post_delete], sender=WorkSchedule)
@receiver([post_save, post_delete], sender=WorkPeriod)
def calendar_changed(**_kwargs):
    invalidate_calendar()
    transaction.on_commit(invalidate_calendar)  # other processes may have reloaded in between
