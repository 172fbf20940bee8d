from django.contrib import admin

from .models import Category, MajorCategory


@admin.register(MajorCategory)
class MajorCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "scheme", "city_appearance")
    list_filter = ("scheme", "kind", "city_appearance")
    list_editable = ("city_appearance",)
    search_fields = ("code", "name")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("full_code", "name", "major", "urgency", "limit_amount", "limit_unit", "is_active")
    list_filter = ("major__scheme", "major__kind", "major", "urgency", "limit_unit", "is_local_extension", "is_active")
    list_editable = ("urgency", "limit_amount", "limit_unit", "is_active")
    search_fields = ("full_code", "name", "major__name")
    list_select_related = ("major",)
    list_per_page = 100
