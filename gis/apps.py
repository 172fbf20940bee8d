from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GisConfig(AppConfig):
    name = "gis"
    label = "gisbase"  # "gis" is django.contrib.gis's label
    verbose_name = _("GIS base")
