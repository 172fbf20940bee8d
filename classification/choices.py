from django.db import models
from django.utils.translation import gettext_lazy as _


class CategoryScheme(models.TextChoices):
    """Classification standards the platform can load side by side (domain spec section 6)."""

    GBT47678 = "gbt47678.5-2026", "GB/T 47678.5-2026"
    CJT214 = "cjt214-2007", "CJ/T 214-2007"


class CategoryKind(models.TextChoices):
    COMPONENT = "component", _("Component")
    EVENT = "event", _("Event")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class LimitUnit(models.TextChoices):
    """Units a time limit is counted in (domain spec section 4)."""

    WORKING_MINUTES = "wmin", _("working minutes")
    WORKING_HOURS = "wh", _("working hours")
    WORKING_DAYS = "wd", _("working days")
    NATURAL_HOURS = "h", _("natural hours")
    NATURAL_DAYS = "d", _("natural days")
