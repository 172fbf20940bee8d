"""Spatial base data: area boundaries and unit grids (单元网格). Coordinates are WGS 84 (SRID 4326)."""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from classification.models import Category

from .choices import ComponentStatus, DataSource, LandKind, PlaceKind, RoadLevel

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
        Organization,
        models.PROTECT,
        related_name="grids",
        verbose_name=_("community"),
        limit_choices_to={"kind": "community"},
    )
    # Denormalised from the community so that geocoding and area filters need no tree walk.
    street = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("street"))
    district = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("district"))
    geometry = models.PolygonField(_("geometry"), srid=4326)
    area_m2 = models.FloatField(_("area (m²)"), default=0)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsibility_grids",
        verbose_name=_("responsible supervisor"),
        help_text=_("The supervisor whose responsibility grid (责任网格) includes it."),
    )

    class Meta:
        verbose_name = _("unit grid")
        verbose_name_plural = _("unit grids")
        ordering = ["code"]

    def __str__(self):
        return self.code


COMPONENT_CODE = RegexValidator(
    r"^[0-9]{16,17}$", _("A component identifier has 16 digits (CJ/T 214) or 17 digits (GB/T 47678.5).")
)


class Component(models.Model):
    """A public facility of the component census (部件普查), with the attributes of the standard."""

    code = models.CharField(_("identifier"), max_length=17, unique=True, validators=[COMPONENT_CODE])
    category = models.ForeignKey(Category, models.PROTECT, related_name="components", verbose_name=_("category"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    location = models.PointField(_("location"), srid=4326)
    grid = models.ForeignKey(
        Grid, models.SET_NULL, null=True, blank=True, related_name="components", verbose_name=_("unit grid")
    )
    competent_department = models.CharField(_("competent department"), max_length=100, blank=True)
    owner = models.CharField(_("owner unit"), max_length=100, blank=True)
    maintainer = models.ForeignKey(
        Organization,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="maintained",
        verbose_name=_("maintenance unit"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ComponentStatus.choices, default=ComponentStatus.INTACT
    )
    data_source = models.CharField(
        _("data source"), max_length=12, choices=DataSource.choices, default=DataSource.SURVEYED
    )
    since = models.DateField(_("initial date"), null=True, blank=True)
    changed = models.DateField(_("change date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("component")
        verbose_name_plural = _("components")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name or self.category.name}"


class Camera(models.Model):
    """A video camera; the city's cameras are shared with the districts listed."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, unique=True)
    location = models.PointField(_("location"), srid=4326)
    stream_url = models.CharField(_("stream address"), max_length=300, blank=True)
    owner = models.ForeignKey(Organization, models.PROTECT, related_name="cameras", verbose_name=_("owner"))
    shared_with = models.ManyToManyField(
        Organization, blank=True, related_name="shared_cameras", verbose_name=_("shared with")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Road(models.Model):
    """A road centre line: for the address gazetteer and as a sample of the sampling library."""

    name = models.CharField(_("name"), max_length=100, db_index=True)
    level = models.CharField(_("level"), max_length=12, choices=RoadLevel.choices)
    geometry = models.LineStringField(_("centre line"), srid=4326)
    length_m = models.FloatField(_("length (m)"))
    district = models.ForeignKey(
        Organization, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("district")
    )

    class Meta:
        verbose_name = _("road")
        verbose_name_plural = _("roads")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Place(models.Model):
    """A named place: farmers' markets and residential compounds (samples) and landmarks (gazetteer)."""

    name = models.CharField(_("name"), max_length=100, db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=PlaceKind.choices)
    location = models.PointField(_("location"), srid=4326)
    address = models.CharField(_("address"), max_length=200, blank=True)
    community = models.ForeignKey(
        Organization, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("community")
    )

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class Land(models.Model):
    """Water and green space, drawn on the platform's own base map."""

    name = models.CharField(_("name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=LandKind.choices)
    geometry = models.MultiPolygonField(_("geometry"), srid=4326)

    class Meta:
        verbose_name = _("water or green space")
        verbose_name_plural = _("water and green spaces")

    def __str__(self):
        return self.name or self.get_kind_display()
