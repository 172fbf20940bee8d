from django.core.checks import Error, register

from .staticfiles import frontend_files


@register()
def frontend_packages(app_configs=None, **kwargs):
    """Every front-end file the pages load is installed (the map and the dashboard fail without them)."""
    return [
        Error(
            f"Front-end file missing: {path}",
            hint="Run `npm ci` (./dev setup does), as the image's build does.",
            id="web.E001",
        )
        for path in frontend_files().values()
        if not path.is_file()
    ]
