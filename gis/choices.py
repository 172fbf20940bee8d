from django.db import models
from django.utils.translation import gettext_lazy as _


class ComponentStatus(models.TextChoices):
    """Component status per the standard (CJ/T 214, GB/T 47678.5)."""

    INTACT = "intact", _("Intact")
    DAMAGED = "damaged", _("Damaged")
    LOST = "lost", _("Lost")
    ABANDONED = "abandoned", _("Abandoned")
    REMOVED = "removed", _("Removed")


class DataSource(models.TextChoices):
    SURVEYED = "surveyed", _("Surveyed")
    TOPOGRAPHIC = "topographic", _("Topographic map")
    BASE_DATA = "base", _("Base geographic data")
    OTHER = "other", _("Other")


class RoadLevel(models.TextChoices):
    MAIN = "main", _("Main road")
    SECONDARY = "secondary", _("Secondary road")
    BACK_LANE = "lane", _("Back lane")


class PlaceKind(models.TextChoices):
    MARKET = "market", _("Farmers' market")
    COMPOUND = "compound", _("Residential compound")
    LANDMARK = "landmark", _("Landmark")


class LandKind(models.TextChoices):
    """What the base map draws under the streets."""

    WATER = "water", _("Water")
    GREEN = "green", _("Park or green space")
