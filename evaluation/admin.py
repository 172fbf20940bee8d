from django.contrib import admin

from citymgmt.admin import ReadOnlyAdminMixin

from .models import Bulletin, Delivery, OtherAssessment, RecipientList, ScoreFormula, Snapshot, SnapshotRow


class RowInline(admin.TabularInline):
    model = SnapshotRow
    fields = ("object_type", "object_name", "counts", "rates")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: snapshots are made by the computation and never changed."""

    list_display = ("period_start", "period_end", "as_of", "status", "progress", "rule_version", "created_by")
    list_filter = ("status", "rule_version")
    date_hierarchy = "period_start"
    search_fields = ("rule_version",)


@admin.register(ScoreFormula)
class ScoreFormulaAdmin(admin.ModelAdmin):
    list_display = ("object_type", "version", "valid_from", "is_active", "note")
    list_filter = ("object_type", "is_active")
    search_fields = ("version", "note")


@admin.register(OtherAssessment)
class OtherAssessmentAdmin(admin.ModelAdmin):
    list_display = ("month", "unit", "score", "entered_by", "entered_at")
    list_filter = ("month",)
    search_fields = ("unit__name", "note")
    autocomplete_fields = ("unit",)

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("month", "pages", "generated_at", "generated_by", "pdf")
    date_hierarchy = "month"
    search_fields = ("month",)


@admin.register(RecipientList)
class RecipientListAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active")
    search_fields = ("name", "emails")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("bulletin", "email", "status", "attempts", "sent_at", "last_error")
    list_filter = ("status", "bulletin")
    search_fields = ("email", "last_error")

    def has_add_permission(self, request):
        return False
