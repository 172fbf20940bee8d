from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from .models import (
    CollectionTask,
    Library,
    Patrol,
    Recheck,
    RecheckDraw,
    Sample,
    SampleKind,
    SpecialCollection,
    Visit,
)
from .services.library import place_sample


@admin.register(SampleKind)
class SampleKindAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "measure", "order")
    list_editable = ("name", "measure", "order")


@admin.register(Library)
class LibraryAdmin(admin.ModelAdmin):
    list_display = ("name", "starts_on", "note", "created_at")

    def get_readonly_fields(self, request, obj=None):
        return ("starts_on",) if obj is not None and obj.is_frozen else ()

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_frozen


@admin.register(Sample)
class SampleAdmin(LeafletGeoAdmin):
    """Samples of a version not yet in force are edited here or on the web; a version in force is frozen."""

    list_display = ("code", "name", "kind", "level", "length_m", "district", "street", "library")
    list_filter = ("library", "kind", "level", "district")
    search_fields = ("code", "name")
    list_select_related = ("kind", "district", "street", "library")
    readonly_fields = ("district", "street", "length_m")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.library.is_frozen:
            return [f.name for f in Sample._meta.fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.library.is_frozen

    def save_model(self, request, obj, form, change):
        place_sample(obj)
        super().save_model(request, obj, form, change)


@admin.register(CollectionTask)
class CollectionTaskAdmin(admin.ModelAdmin):
    list_display = ("sample", "supervisor", "starts_on", "ends_on", "times", "per", "previous")
    list_filter = ("per", "sample__kind", "starts_on")
    search_fields = ("sample__name", "sample__code", "supervisor__full_name")
    raw_id_fields = ("sample", "supervisor", "previous", "created_by")
    list_select_related = ("sample", "supervisor", "previous__sample")


@admin.register(SpecialCollection)
class SpecialCollectionAdmin(LeafletGeoAdmin):
    list_display = ("name", "district", "starts_at", "ends_at")
    filter_horizontal = ("supervisors", "categories")
    raw_id_fields = ("created_by",)


@admin.register(Patrol)
class PatrolAdmin(LeafletGeoAdmin):
    list_display = ("supervisor", "started_at", "finished_at", "points", "special")
    list_filter = ("started_at",)
    search_fields = ("supervisor__full_name", "supervisor__username")
    raw_id_fields = ("supervisor", "special")
    readonly_fields = ("points",)


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ("day", "sample", "patrol", "share", "covered")
    list_filter = ("covered", "day")
    raw_id_fields = ("patrol", "sample", "task")


@admin.register(RecheckDraw)
class RecheckDrawAdmin(admin.ModelAdmin):
    list_display = ("month", "rate", "size", "population", "seed", "created_at")
    readonly_fields = ("month", "rate", "size", "population", "seed", "strata", "created_by", "created_at")

    def has_add_permission(self, request):
        return False  # drawn by the service (web page, API or the monthly beat), reproducible from its seed


@admin.register(Recheck)
class RecheckAdmin(admin.ModelAdmin):
    list_display = ("case", "supervisor", "due_on", "result", "done_at", "new_case")
    list_filter = ("result", "draw")
    raw_id_fields = ("draw", "case", "supervisor", "new_case", "missed_by")
    search_fields = ("case__number",)
