"""The scheduler's admin (django-celery-beat) in the reader's language where it names a field by its code."""

from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin

PeriodicTaskAdmin.crontab_translation.short_description = _("Schedule in words")
