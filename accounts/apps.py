from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organizations")

    def ready(self):
        from . import signals  # noqa: F401  (the audit log's sources)
        from .roles import sync_roles

        post_migrate.connect(sync_roles, sender=self, dispatch_uid="accounts.sync_roles")
