import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ALLOWED_PARENTS, AREA_BODIES, AREA_KINDS, OrgKind, UnitType
from .scope import ScopedQuerySet


class OrganizationQuerySet(ScopedQuerySet):
    scope_fields = ("",)

    def areas(self):
        return self.filter(kind__in=AREA_KINDS)

    def handling_units(self):
        return self.filter(kind=OrgKind.HANDLING_UNIT)


class Organization(models.Model):
    """A node of the organization tree, kept as a materialized path of primary keys ("/1/4/9/").

    The path makes "this node and everything under it" a single indexed prefix match, which is how
    every user's data scope is applied.
    """

    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices)
    unit_type = models.CharField(_("unit type"), max_length=16, choices=UnitType.choices, blank=True)
    code = models.CharField(
        _("code"), max_length=32, unique=True, help_text=_("Administrative or internal code, unique.")
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    path = models.CharField(_("path"), max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["path"]
        indexes = [models.Index(fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"])]

    def __str__(self):
        return self.name

    @transaction.atomic
    def save(self, *args, **kwargs):
        old_path = self.path
        super().save(*args, **kwargs)
        new_path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if new_path == old_path:
            return
        new_depth = new_path.count("/") - 2
        Organization.objects.filter(pk=self.pk).update(path=new_path, depth=new_depth)
        if old_path:  # moved: carry the subtree along
            Organization.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
                depth=models.F("depth") + (new_depth - self.depth),
            )
        self.path, self.depth = new_path, new_depth

    def clean(self):
        allowed = ALLOWED_PARENTS.get(self.kind, ())
        if self.parent is None and allowed:
            raise ValidationError({"parent": _("This kind of organization needs a parent.")})
        if self.parent is not None and self.parent.kind not in allowed:
            raise ValidationError(
                {
                    "parent": _("A %(kind)s cannot sit under a %(parent)s.")
                    % {"kind": self.get_kind_display(), "parent": self.parent.get_kind_display()}
                }
            )
        if self.parent is not None and self.pk and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": _("An organization cannot sit under itself.")})
        if (self.kind == OrgKind.HANDLING_UNIT) != bool(self.unit_type):
            raise ValidationError({"unit_type": _("A unit type is given for handling units, and only them.")})

    @property
    def is_area(self) -> bool:
        return self.kind in AREA_KINDS

    @property
    def scope_root(self) -> "Organization":
        """The node whose subtree members of this organization may see.

        A command center, district platform or supervisor team acts for the area it sits in; every
        other node (an area office, a handling unit) sees itself and what lies under it.
        """
        return (self.parent if self.kind in AREA_BODIES else None) or self

    def subtree(self):
        return Organization.objects.filter(path__startswith=self.path)

    def ancestors(self):
        ids = [int(pk) for pk in self.path.strip("/").split("/")[:-1]]
        return Organization.objects.filter(pk__in=ids).order_by("depth")

    def area(self, kind: OrgKind) -> "Organization | None":
        """The enclosing area of the given kind (for example the district of a street)."""
        if self.kind == kind:
            return self
        return self.ancestors().filter(kind=kind).first()


class User(AbstractUser):
    """A person using the platform. Roles are groups named after :class:`Role`."""

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organization"),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # An initial password (set by an administrator) must be changed at the first log-in; every password
    # expires after settings.PASSWORD_MAX_AGE_DAYS.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    password_changed_at = models.DateTimeField(_("password changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def password_expired(self) -> bool:
        days = settings.PASSWORD_MAX_AGE_DAYS
        return bool(days) and self.password_changed_at < timezone.now() - dt.timedelta(days=days)

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.username

    @property
    def roles(self) -> frozenset[str]:
        if not hasattr(self, "_roles"):
            from .directory import roles_of

            self._roles = roles_of(self.pk) if self.pk else frozenset()
        return self._roles

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    def may_act_as(self, *roles: str) -> bool:
        """Holds one of ``roles``, or is a superuser (who passes every role check)."""
        return self.is_superuser or self.has_role(*roles)


class AuditEvent(models.Model):
    """One entry of the security audit log (等保 2.0): log-ins, failed log-ins, lock-outs, permission
    denials and administrators' changes. Written by the platform only; never edited or deleted here."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Log-in")
        LOGIN_FAILED = "login_failed", _("Failed log-in")
        LOCKED_OUT = "locked_out", _("Locked out")
        LOGOUT = "logout", _("Log-out")
        DENIED = "denied", _("Permission denied")
        ADMIN_CHANGE = "admin_change", _("Administrator's change")
        PASSWORD_CHANGED = "password_changed", _("Password changed")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        "accounts.User", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    username = models.CharField(_("user name"), max_length=150, blank=True, db_index=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("The audit log cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The audit log cannot be changed."))
