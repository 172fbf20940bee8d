"""The classification of components and events (domain spec section 6): major and minor categories of
each standard, with the defaults a case of each minor category starts from."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.choices import UnitType

from .choices import CategoryKind, CategoryScheme, LimitUnit, Urgency


class MajorCategory(models.Model):
    scheme = models.CharField(_("scheme"), max_length=20, choices=CategoryScheme.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=CategoryKind.choices)
    code = models.CharField(_("code"), max_length=2)
    name = models.CharField(_("name"), max_length=64)
    city_appearance = models.BooleanField(
        _("city appearance"),
        default=False,
        help_text=_("Closed cases of this class are drawn for rechecks (the consolidation rate, 巩固率)."),
    )

    class Meta:
        verbose_name = _("major category")
        verbose_name_plural = _("major categories")
        db_table = "cases_majorcategory"  # created by cases, before the classification had an app of its own
        ordering = ["scheme", "kind", "code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "kind", "code"], name="major_category_unique")]

    def __str__(self):
        return f"{self.code} {self.name}"


class Category(models.Model):
    """A minor category, with the defaults a case of this category starts from."""

    major = models.ForeignKey(MajorCategory, models.PROTECT, related_name="minors", verbose_name=_("major"))
    code = models.CharField(_("minor code"), max_length=3)
    full_code = models.CharField(_("full code"), max_length=8, editable=False, db_index=True)
    name = models.CharField(_("name"), max_length=64)
    is_local_extension = models.BooleanField(
        _("local extension"), default=False, help_text=_("Added by this city, not part of the standard.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    urgency = models.CharField(_("default urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    limit_amount = models.PositiveIntegerField(_("handling limit"))
    limit_unit = models.CharField(_("limit unit"), max_length=4, choices=LimitUnit.choices)
    default_unit_type = models.CharField(
        _("default responsible unit type"), max_length=16, choices=UnitType.choices, blank=True
    )
    registration_criteria = models.TextField(_("registration criteria"), blank=True)
    closure_criteria = models.TextField(_("closure criteria"), blank=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        db_table = "cases_category"
        ordering = ["major__scheme", "full_code"]
        constraints = [models.UniqueConstraint(fields=["major", "code"], name="minor_category_unique")]

    def __str__(self):
        return f"{self.full_code} {self.name}"

    def save(self, *args, **kwargs):
        self.full_code = f"{self.major.code}{self.code}"
        super().save(*args, **kwargs)

    @property
    def scheme(self) -> str:
        return self.major.scheme

    @property
    def kind(self) -> str:
        return self.major.kind
