from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from citymgmt.admin import ReadOnlyAdminMixin

from . import services
from .models import ApiKey, Block, PublicReport


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are issued here (the key is shown once, on saving) and revoked, never edited into another key."""

    list_display = ("name", "prefix", "source", "rate_per_minute", "created_at", "last_used_at", "revoked_at")
    fields = ("name", "source", "rate_per_minute", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        key, raw = services.issue_key(name=obj.name, source=obj.source, rate_per_minute=obj.rate_per_minute)
        obj.pk, obj.prefix, obj.account_id = key.pk, key.prefix, key.account_id
        messages.warning(request, _("The new key is %(key)s — copy it now: it is not shown again.") % {"key": raw})

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the reports keep the key they came with

    @admin.action(description=gettext_lazy("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for key in queryset:
            services.revoke_key(key)


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    """Deleting a block lets the reporter report again."""

    list_display = ("kind", "reason", "case", "blocked_by", "blocked_at")
    readonly_fields = ("kind", "digest", "reason", "case", "blocked_by", "blocked_at")

    def has_add_permission(self, request):
        return False  # blocked from the case's public page, where the reporter is known


@admin.register(PublicReport)
class PublicReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "channel", "api_key", "email")
    list_filter = ("channel", "api_key")
    search_fields = ("case__number",)
