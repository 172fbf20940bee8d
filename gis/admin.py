from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from .models import Boundary, Grid


@admin.register(Boundary)
class BoundaryAdmin(LeafletGeoAdmin):
    list_display = ("organization",)
    list_filter = ("organization__kind",)
    search_fields = ("organization__name", "organization__code")
    autocomplete_fields = ("organization",)


@admin.register(Grid)
class GridAdmin(LeafletGeoAdmin):
    list_display = ("code", "community", "street", "district", "area_m2")
    list_filter = ("district",)
    search_fields = ("code", "community__name", "street__name")
    list_select_related = ("community", "street", "district")
    autocomplete_fields = ("community", "street", "district")
