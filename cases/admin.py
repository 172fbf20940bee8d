from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citymgmt.admin import ReadOnlyAdminMixin

from .models import (
    CalendarDay,
    Case,
    CaseEvent,
    CaseStep,
    Decision,
    StageLimit,
    WorkPeriod,
    WorkSchedule,
)
from .worktime import years_without_official_data


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "is_workday", "note")
    list_filter = ("is_workday", ("date", admin.DateFieldListFilter))
    search_fields = ("note",)
    date_hierarchy = "date"

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return obj.date.strftime("%a")

    def changelist_view(self, request, extra_context=None):
        this_year = timezone.localdate().year
        missing = years_without_official_data([this_year, this_year + 1])
        if missing:
            messages.warning(
                request,
                _(
                    "The official holiday calendar has no data for %(years)s: enter its public holidays and "
                    "adjusted working days here, otherwise only weekends count as days off."
                )
                % {"years": ", ".join(map(str, missing))},
            )
        return super().changelist_view(request, extra_context)


class WorkPeriodInline(admin.TabularInline):
    model = WorkPeriod
    extra = 0
    min_num = 1


@admin.register(WorkSchedule)
class WorkScheduleAdmin(admin.ModelAdmin):
    list_display = ("name", "valid_from", "hours")
    inlines = [WorkPeriodInline]

    @admin.display(description=_("working periods"))
    def hours(self, obj):
        return ", ".join(str(p) for p in obj.periods.all())


@admin.register(StageLimit)
class StageLimitAdmin(admin.ModelAdmin):
    list_display = ("stage", "amount", "unit")
    list_editable = ("amount", "unit")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ("at", "action", "from_state", "to_state", "actor", "actor_organization", "note")


class StepInline(ReadOnlyInline):
    model = CaseStep
    fields = ("stage", "organization", "entered_at", "deadline", "completed_at", "on_time", "outcome")


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only here: cases change only through their actions (the workbench or the API)."""

    list_display = ("number", "state", "category", "district", "assignee", "reported_at", "is_overdue")
    list_filter = ("state", "source", "is_overdue", "district", "category__major")
    search_fields = ("number", "description", "address")
    list_select_related = ("category", "district", "assignee")
    date_hierarchy = "reported_at"
    inlines = [StepInline, EventInline]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    """The liaison meeting's decisions and their follow-ups (recorded on the agenda page)."""

    list_display = ("case", "text", "owner", "due_on", "done_at")
    list_filter = ("month", "done_at")
    search_fields = ("case__number", "text")
    raw_id_fields = ("case", "owner", "decided_by", "done_by")
    list_select_related = ("case", "owner")
