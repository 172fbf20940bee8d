from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "message", "organization", "user", "read_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("message", "organization__name", "user__username")
    list_select_related = ("organization", "user")
    raw_id_fields = ("case", "user", "organization")
