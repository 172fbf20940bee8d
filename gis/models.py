"""Spatial base data: area boundaries and unit grids (单元网格). Coordinates are WGS 84 (SRID 4326)."""

from django.contrib.gis.db import models
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization

GRID_CODE = RegexValidator(
    r"^[0-9A-Z]{15}$", _("A unit grid code has 15 characters: county 6 + street 3 + community 3 + serial 3.")
)


class Boundary(models.Model):
    """The polygon of an area of the organization tree (city, district, street or community)."""

    organization = models.OneToOneField(
        Organization, models.CASCADE, primary_key=True, related_name="boundary", verbose_name=_("area")
    )
    geometry = models.MultiPolygonField(_("geometry"), srid=4326)

    class Meta:
        verbose_name = _("area boundary")
        verbose_name_plural = _("area boundaries")

    def __str__(self):
        return str(self.organization)


class Grid(models.Model):
    """A unit grid: about 10,000 m², inside exactly one community [std CJ/T 213]."""

    code = models.CharField(_("grid code"), max_length=15, unique=True, validators=[GRID_CODE])
    community = models.ForeignKey(
        Organization, models.PROTECT, related_name="grids", verbose_name=_("community"),
        limit_choices_to={"kind": "community"},
    )
    # Denormalised from the community so that geocoding and area filters need no tree walk.
    street = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("street"))
    district = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("district"))
    geometry = models.PolygonField(_("geometry"), srid=4326)
    area_m2 = models.FloatField(_("area (m²)"), default=0)

    class Meta:
        verbose_name = _("unit grid")
        verbose_name_plural = _("unit grids")
        ordering = ["code"]

    def __str__(self):
        return self.code
