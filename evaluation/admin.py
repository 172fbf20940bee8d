from django.contrib import admin

from .models import Snapshot, SnapshotRow


class RowInline(admin.TabularInline):
    model = SnapshotRow
    fields = ("object_type", "object_name", "counts", "rates")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    """Read-only: snapshots are made by the computation and never changed."""

    list_display = ("period_start", "period_end", "as_of", "status", "progress", "rule_version", "created_by")
    list_filter = ("status", "rule_version")
    date_hierarchy = "period_start"
    search_fields = ("rule_version",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
