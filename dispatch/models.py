"""Responsibility rules (确权): which unit is responsible for which category in which area."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.choices import AREA_KINDS, OrgKind
from accounts.models import Organization
from classification.models import Category, MajorCategory


class ResponsibilityRule(models.Model):
    """(category, area, component owner) → exactly one responsible unit; the most specific rule wins.

    Specificity, compared in this order: a minor category beats a major one beats any category; then a
    deeper area (community > street > district > city > anywhere); then a named component owner.
    """

    category = models.ForeignKey(
        Category, models.CASCADE, null=True, blank=True, related_name="rules", verbose_name=_("minor category")
    )
    major = models.ForeignKey(
        MajorCategory, models.CASCADE, null=True, blank=True, related_name="rules", verbose_name=_("major category")
    )
    area = models.ForeignKey(
        Organization,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="area_rules",
        verbose_name=_("area"),
        limit_choices_to={"kind__in": AREA_KINDS},
    )
    component_owner = models.CharField(_("component owner"), max_length=100, blank=True)
    unit = models.ForeignKey(
        Organization,
        models.CASCADE,
        related_name="unit_rules",
        verbose_name=_("responsible unit"),
        limit_choices_to={"kind__in": (OrgKind.HANDLING_UNIT, OrgKind.DISTRICT_PLATFORM)},
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    ruling = models.ForeignKey(
        "cases.CaseEvent",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by the ruling"),
        help_text=_("The ruling on a disputed case (确权) this rule comes from."),
    )

    class Meta:
        verbose_name = _("responsibility rule")
        verbose_name_plural = _("responsibility rules")
        ordering = ["category", "major", "area"]

    def __str__(self):
        what = self.category or self.major or _("any category")
        return f"{what} @ {self.area or _('anywhere')} → {self.unit}"

    def clean(self):
        if self.category_id and self.major_id:
            raise ValidationError(_("Give a minor or a major category, not both."))
        if self.area_id and self.area.kind not in AREA_KINDS:
            raise ValidationError({"area": _("Choose an area: city, district, street or community.")})
        if self.unit_id and self.unit.kind not in (OrgKind.HANDLING_UNIT, OrgKind.DISTRICT_PLATFORM):
            raise ValidationError({"unit": _("Choose a handling unit or a district platform.")})

    @property
    def specificity(self) -> tuple[int, int, int]:
        category_level = 2 if self.category_id else 1 if self.major_id else 0
        area_depth = self.area.depth if self.area else -1
        return category_level, area_depth, int(bool(self.component_owner))
