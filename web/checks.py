from django.conf import settings
from django.core.checks import Error, register


@register()
def frontend_packages(app_configs=None, **kwargs):
    """Every front-end library the pages load is installed (the map and the dashboard fail without them)."""
    return [
        Error(
            f"Front-end package missing: {settings.NODE_MODULES / path}",
            hint="Run `npm ci` (./dev setup does), as the image's build does.",
            id="web.E001",
        )
        for path in settings.FRONTEND_PACKAGES.values()
        if not (settings.NODE_MODULES / path).is_dir()
    ]
