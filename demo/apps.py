from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo city, built on top of every other app (as Zulip's populate_db sits above its actions)."""

    name = "demo"
    verbose_name = _("Demo city")
