"""The front-end packages' files the pages load, found in node_modules (``settings.FRONTEND_PACKAGES``)."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage


def frontend_files() -> dict[str, Path]:
    """Each listed file by its static path (``vendor/echarts/echarts.min.js``) with where it lies."""
    return {
        f"{prefix}/{name}": settings.NODE_MODULES / directory / name
        for prefix, (directory, names) in settings.FRONTEND_PACKAGES.items()
        for name in names
    }


class FrontendFinder(BaseFinder):
    """Finds and collects the listed files of each front-end package under its prefix, and nothing else of the
    package: a whole distribution is mostly other builds and source maps (echarts ships 50 MB), which
    collectstatic copied, hashed and compressed for minutes."""

    def find(self, path, find_all=False, **kwargs):
        found = frontend_files().get(path)
        if found is None or not found.is_file():
            return []
        return [str(found)] if find_all or kwargs.get("all") else str(found)

    def list(self, ignore_patterns):
        for prefix, (directory, names) in settings.FRONTEND_PACKAGES.items():
            storage = FileSystemStorage(location=settings.NODE_MODULES / directory)
            storage.prefix = prefix  # as FileSystemFinder's: collected under static/<prefix>/
            for name in names:
                if storage.exists(name):
                    yield name, storage
