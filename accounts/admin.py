from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .choices import Role
from .models import AuditEvent, Organization, User


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


def role_label(group) -> str:
    """A role's name in the reader's language (the group is named by the role's code)."""
    return str(Role(group.name).label) if group.name in Role.values else group.name


class RolesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return role_label(obj)


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        return queryset.filter(groups__name=self.value()) if self.value() else queryset


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "organization", "role_names", "is_active", "last_login")
    list_filter = (RoleFilter, "organization__kind", "is_active", "is_staff")
    search_fields = ("username", "full_name", "phone", "organization__name")
    autocomplete_fields = ("organization",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "phone", "email", "organization")}),
        (
            _("Roles and permissions"),
            {
                # Roles are what the platform checks: no permissions one by one (their names are not translated).
                "fields": ("groups", "is_active", "is_staff", "is_superuser"),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "password_changed_at")}),
        (_("Password"), {"fields": ("must_change_password",)}),
    )
    readonly_fields = ("password_changed_at",)
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "organization", "groups", "password1", "password2"),
            },
        ),
    )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs.update(form_class=RolesField, label=_("roles"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("roles"))
    def role_names(self, obj):
        return ", ".join(str(Role(name).label) for name in obj.roles)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization").prefetch_related("groups")

    def save_model(self, request, obj, form, change):
        if not change:  # the password an administrator sets is an initial one: changed at the first log-in
            obj.must_change_password = True
        super().save_model(request, obj, form, change)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log: searchable by staff, never edited."""

    list_display = ("at", "kind", "username", "address", "path", "detail")
    list_filter = ("kind", ("at", admin.DateFieldListFilter))
    search_fields = ("username", "address", "path", "detail")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
