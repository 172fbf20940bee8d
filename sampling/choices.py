from django.db import models
from django.utils.translation import gettext_lazy as _


class Per(models.TextChoices):
    """The period a collection task's frequency counts in ("twice a week": times=2, per=week)."""

    DAY = "day", _("working day")
    WEEK = "week", _("week")
    MONTH = "month", _("month")


class RecheckResult(models.TextChoices):
    PENDING = "", _("Not yet rechecked")
    FIXED = "fixed", _("Still fixed")
    RECURRED = "recurred", _("Recurred")


class Measure(models.TextChoices):
    """How a kind of sample is measured for "problems per …" statistics."""

    LENGTH = "km", _("per km")
    COUNT = "each", _("per sample")
