import tempfile
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from accounts.choices import AREA_KINDS

from .imports import ImportRefused, import_file
from .models import Boundary, Camera, Component, Grid, Place, Road


@admin.register(Boundary)
class BoundaryAdmin(LeafletGeoAdmin):
    list_display = ("organization",)
    list_filter = ("organization__kind",)
    search_fields = ("organization__name", "organization__code")
    autocomplete_fields = ("organization",)


@admin.register(Grid)
class GridAdmin(LeafletGeoAdmin):
    list_display = ("code", "community", "street", "district", "supervisor", "area_m2")
    list_filter = ("district",)
    search_fields = ("code", "community__name", "street__name")
    list_select_related = ("community", "street", "district", "supervisor")
    autocomplete_fields = ("community", "street", "district", "supervisor")

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(import_view), name="gis_import"), *super().get_urls()]


@admin.register(Component)
class ComponentAdmin(LeafletGeoAdmin):
    list_display = ("code", "category", "owner", "maintainer", "status", "grid")
    list_filter = ("status", "category__major", "data_source")
    search_fields = ("code", "name", "owner", "category__name")
    list_select_related = ("category", "maintainer", "grid")
    raw_id_fields = ("grid",)
    autocomplete_fields = ("category", "maintainer")


@admin.register(Camera)
class CameraAdmin(LeafletGeoAdmin):
    list_display = ("code", "name", "owner", "is_active")
    list_filter = ("is_active", "owner")
    search_fields = ("code", "name")
    filter_horizontal = ("shared_with",)


@admin.register(Road)
class RoadAdmin(LeafletGeoAdmin):
    list_display = ("name", "level", "length_m", "district")
    list_filter = ("level", "district")
    search_fields = ("name",)


@admin.register(Place)
class PlaceAdmin(LeafletGeoAdmin):
    list_display = ("name", "kind", "community", "address")
    list_filter = ("kind",)
    search_fields = ("name", "address")
    raw_id_fields = ("community",)


class ImportForm(forms.Form):
    layer = forms.ChoiceField(
        label=_("Layer"),
        choices=[
            ("areas", _("Area outlines")),
            ("grids", _("Unit grids")),
            ("components", _("Components")),
            ("cameras", _("Cameras")),
        ],
    )
    kind = forms.ChoiceField(
        label=_("Area kind"), choices=[(k.value, k.label) for k in AREA_KINDS], initial="street", required=False
    )
    file = forms.FileField(label=_("GeoJSON file or zipped Shapefile"))
    dry_run = forms.BooleanField(label=_("Check only"), required=False)


def import_view(request):
    """Admin page: upload a file, see every problem, nothing is written unless all is well."""
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower() or ".geojson"
        with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
            handle.flush()
            try:
                data = form.cleaned_data
                report = import_file(handle.name, data["layer"], kind=data["kind"] or "street", dry_run=data["dry_run"])
                messages.success(
                    request,
                    _("%(n)d features checked, %(written)d written.")
                    % {"n": report.features, "written": report.written},
                )
            except ImportRefused as refused:
                report = refused.report
                messages.error(request, _("Refused: %(n)d problem(s), nothing imported.") % {"n": len(report.errors)})
    return TemplateResponse(
        request,
        "admin/gisbase/import.html",
        {
            **admin.site.each_context(request),
            "title": _("Import spatial data"),
            "form": form,
            "report": report,
        },
    )
