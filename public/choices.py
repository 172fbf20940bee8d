from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Public web page")
    OPEN311 = "open311", _("Open311 API")


class BlockKind(models.TextChoices):
    """What identifies a reporter: none of it is kept in the clear."""

    DEVICE = "device", _("Device")
    ADDRESS = "address", _("Network address")
    CONTACT = "contact", _("Phone or e-mail")
