"""Role groups and their permissions, kept in step with the code on every ``migrate``."""

from fnmatch import fnmatch

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

from .choices import Role

# Patterns over "app_label.codename"; later apps add their own permissions here.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.ADMINISTRATOR: (
        "accounts.*",
        "auth.view_group",
        "cases.*",
        "classification.*",
        "dispatch.*",
        "notifications.*",
        "evaluation.*",
        "sampling.*",
        "gisbase.*",
        "django_celery_beat.*",
    ),
    Role.LEADER: ("*.view_*",),
    Role.SUPERVISOR: ("classification.view_*",),
    Role.INTAKE_OPERATOR: ("cases.view_*", "classification.view_*", "accounts.view_organization"),
    Role.SHIFT_LEADER: ("cases.view_*", "classification.view_*", "accounts.view_organization"),
    Role.DISPATCHER: ("cases.view_*", "classification.view_*", "accounts.view_organization"),
    Role.DISTRICT_OPERATOR: ("cases.view_*", "classification.view_*", "accounts.view_organization"),
    Role.UNIT_OPERATOR: ("classification.view_*",),
}


def sync_roles(**_signal_kwargs) -> None:
    """Create one group per role and give it exactly the permissions its patterns match."""
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    permissions = list(Permission.objects.select_related("content_type"))
    for role, patterns in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(
            [
                p
                for p in permissions
                if any(fnmatch(f"{p.content_type.app_label}.{p.codename}", pattern) for pattern in patterns)
            ]
        )
