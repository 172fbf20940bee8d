"""Writes to organizations and users. Views, the admin's actions and commands call these."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from .choices import OrgKind, Role
from .models import Organization, User


@transaction.atomic
def create_organization(
    *, name: str, code: str, kind: OrgKind, parent: Organization | None = None, unit_type: str = "", **extra
) -> Organization:
    org = Organization(name=name, code=code, kind=kind, parent=parent, unit_type=unit_type, **extra)
    org.full_clean()
    org.save()
    return org


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    organization: Organization | None,
    roles: tuple[str, ...] = (),
    full_name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    **extra,
) -> User:
    user = User(
        username=username,
        organization=organization,
        full_name=full_name,
        is_staff=is_staff or Role.ADMINISTRATOR in roles,
        is_superuser=is_superuser,
        **extra,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


def issue_token(user: User) -> Token:
    """The user's API token, a new one once the old has expired (``API_TOKEN_HOURS`` after issue)."""
    lifetime = dt.timedelta(hours=settings.API_TOKEN_HOURS)
    Token.objects.filter(user=user, created__lt=timezone.now() - lifetime).delete()
    token, _created = Token.objects.get_or_create(user=user)
    return token
