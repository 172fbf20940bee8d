"""Responsibility rules (确权) and the notifications that tell units and staff what needs them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.choices import AREA_KINDS, OrgKind
from accounts.models import Organization
from accounts.scope import ScopedQuerySet
from cases.models import Case, Category, MajorCategory


class ResponsibilityRule(models.Model):
    """(category, area, component owner) → exactly one responsible unit; the most specific rule wins.

    Specificity, compared in this order: a minor category beats a major one beats any category; then a
    deeper area (community > street > district > city > anywhere); then a named component owner.
    """

    category = models.ForeignKey(Category, models.CASCADE, null=True, blank=True, related_name="rules",
                                 verbose_name=_("minor category"))
    major = models.ForeignKey(MajorCategory, models.CASCADE, null=True, blank=True, related_name="rules",
                              verbose_name=_("major category"))
    area = models.ForeignKey(Organization, models.CASCADE, null=True, blank=True, related_name="area_rules",
                             verbose_name=_("area"), limit_choices_to={"kind__in": AREA_KINDS})
    component_owner = models.CharField(_("component owner"), max_length=100, blank=True)
    unit = models.ForeignKey(
        Organization, models.CASCADE, related_name="unit_rules", verbose_name=_("responsible unit"),
        limit_choices_to={"kind__in": (OrgKind.HANDLING_UNIT, OrgKind.DISTRICT_PLATFORM)},
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

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
        area_depth = self.area.depth if self.area_id else -1
        return category_level, area_depth, int(bool(self.component_owner))


class NotificationQuerySet(ScopedQuerySet):
    def for_user(self, user):
        return self.filter(models.Q(user=user) | models.Q(organization_id=user.organization_id))

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """In-app notice to a user or to everyone of an organization; pushed to open workbenches too."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True,
                             related_name="notifications", verbose_name=_("user"))
    organization = models.ForeignKey(Organization, models.CASCADE, null=True, blank=True,
                                     related_name="notifications", verbose_name=_("organization"))
    case = models.ForeignKey(Case, models.CASCADE, null=True, blank=True, related_name="notifications",
                             verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=24)
    message = models.CharField(_("message"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]

    def __str__(self):
        return self.message
