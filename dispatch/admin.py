from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import ResponsibilityRule
from .selectors import rule_gaps


@admin.register(ResponsibilityRule)
class ResponsibilityRuleAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "category",
        "major",
        "area",
        "component_owner",
        "unit",
        "is_active",
        "valid_from",
        "source",
    )
    list_filter = ("is_active", "major", "unit__unit_type", "area__kind", ("ruling", admin.EmptyFieldListFilter))
    search_fields = ("category__name", "major__name", "area__name", "unit__name", "component_owner")
    autocomplete_fields = ("category", "major", "area", "unit")
    list_select_related = ("category", "major", "area", "unit", "ruling__case")
    readonly_fields = ("ruling",)

    @admin.display(description=_("source"))
    def source(self, rule):
        """The disputed case whose ruling made the rule (the rule history's source)."""
        if rule.ruling is None:
            return "—"
        url = reverse("case-detail", args=[rule.ruling.case_id])
        return format_html('<a href="{}">{} {}</a>', url, _("Ruling on case"), rule.ruling.case.number)

    def get_urls(self):
        return [
            path("gaps/", self.admin_site.admin_view(self.gaps_view), name="dispatch_rule_gaps"),
            *super().get_urls(),
        ]

    def gaps_view(self, request):
        gaps = rule_gaps(request.GET.get("kind", "street"))
        return TemplateResponse(
            request,
            "admin/dispatch/rule_gaps.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Categories × areas without exactly one owner"),
                "missing": [g for g in gaps if not g.units][:2000],
                "ties": [g for g in gaps if g.units],
                "missing_count": sum(1 for g in gaps if not g.units),
                "ruled": ResponsibilityRule.objects.filter(ruling__isnull=False)
                .select_related("category", "area", "unit", "ruling__case")
                .order_by("-valid_from", "-pk")[:200],
                "opts": self.model._meta,
            },
        )
