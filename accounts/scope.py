"""Data scope: the one helper every list, detail view and API endpoint restricts its rows with.

A user sees the subtree of their organization's *scope root* (see ``Organization.scope_root``): the
city's staff see the whole city, a district platform's operator its district, a handling unit only
itself. Superusers see everything; a user without an organization sees nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import Organization, User

UNRESTRICTED = None
M = TypeVar("M", bound=models.Model)


def scope_root(user: User) -> Organization | None:
    """The organization whose subtree the user may see; ``UNRESTRICTED`` (None) for superusers."""
    from .directory import organization

    if user.is_superuser:
        return UNRESTRICTED
    org = organization(user.organization_id) if user.is_authenticated else None
    if org is None or not org.is_active:
        raise PermissionDenied(_("Your account is not attached to an active organization."))
    return org.scope_root


def scope_key(user: User) -> str:
    """What the user's scope is named by in a shared cache key: users with the same scope root see the same rows."""
    try:
        root = scope_root(user)
    except PermissionDenied:
        return "none"
    return "all" if root is UNRESTRICTED else str(root.pk)


def restrict(queryset: models.QuerySet[M], user: User, *org_fields: str) -> models.QuerySet[M]:
    """Rows of ``queryset`` that ``user`` may see.

    ``org_fields`` name the foreign keys to Organization (``"district"``, ``"unit"``, or ``""`` for a
    queryset of organizations itself); a row is visible when any of them lies in the user's scope.
    """
    if not user.is_authenticated:
        return queryset.none()
    try:
        root = scope_root(user)
    except PermissionDenied:
        return queryset.none()
    from .directory import tree

    if root is UNRESTRICTED or tree().is_whole(root):
        return queryset
    # The subtree is small (hundreds of ids at most); naming them lets the database use each foreign
    # key's index (a bitmap OR across the fields) instead of joining the tree for every row.
    ids = tree().subtree_ids(root)
    condition = Q()
    for field in org_fields:
        condition |= Q(**{f"{field}__in" if field else "pk__in": ids})
    return queryset.filter(condition)


def in_scope(user: User, organization: Organization | None) -> bool:
    try:
        root = scope_root(user)
    except PermissionDenied:
        return False
    if root is UNRESTRICTED:
        return True
    return organization is not None and organization.path.startswith(root.path)


def check_in_scope(user: User, organization: Organization | None) -> None:
    if not in_scope(user, organization):
        raise PermissionDenied(_("This lies outside your organization's area."))


class ScopedQuerySet(models.QuerySet[M]):
    """A queryset with ``.restrict(user)``; subclasses name the organization fields to check."""

    scope_fields: tuple[str, ...] = ("organization",)

    def restrict(self, user: User) -> models.QuerySet[M]:
        return restrict(self, user, *self.scope_fields)

    def shows(self, user: User, row: M) -> bool:
        """Whether ``restrict(user)`` keeps ``row``, for a row in hand (no query; direct foreign keys only)."""
        from .directory import organization

        return any(in_scope(user, organization(getattr(row, f"{name}_id"))) for name in self.scope_fields)
