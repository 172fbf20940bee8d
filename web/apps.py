from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The web shell: log-in, each role's workbench, navigation and the live push to open pages."""

    name = "web"
    verbose_name = _("Web shell")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
