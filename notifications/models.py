from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scope import ScopedQuerySet


class NotificationQuerySet(ScopedQuerySet):
    def for_user(self, user):
        return self.filter(models.Q(user=user) | models.Q(organization_id=user.organization_id))

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """In-app notice to a user or to everyone of an organization; pushed to open workbenches too."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("organization"),
    )
    # Any app may notify about a case; the reference is by name so that this low app imports none above it.
    case = models.ForeignKey(
        "cases.Case", models.CASCADE, null=True, blank=True, related_name="notifications", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=24)
    message = models.CharField(_("message"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        db_table = "dispatch_notification"  # the table it was created in, before it moved here
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]

    def __str__(self):
        return self.message
