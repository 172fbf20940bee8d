from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .choices import Role
from .models import Organization, User


class MemberInline(admin.TabularInline):
    model = User
    fields = ("username", "full_name", "phone", "is_active")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("members")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("indented_name", "kind", "unit_type", "code", "parent", "is_active")
    list_filter = ("kind", "unit_type", "is_active")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path", "depth")
    inlines = [MemberInline]
    list_per_page = 100

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return "\u3000" * obj.depth + obj.name


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "organization", "role_names", "is_active", "last_login")
    list_filter = ("groups", "organization__kind", "is_active", "is_staff")
    search_fields = ("username", "full_name", "phone", "organization__name")
    autocomplete_fields = ("organization",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "phone", "email", "organization")}),
        (
            _("Roles and permissions"),
            {
                "fields": ("groups", "is_active", "is_staff", "is_superuser", "user_permissions"),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "organization", "groups", "password1", "password2"),
            },
        ),
    )

    @admin.display(description=_("roles"))
    def role_names(self, obj):
        return ", ".join(str(Role(name).label) for name in obj.roles)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization").prefetch_related("groups")
