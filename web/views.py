from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from accounts.scope import scope_root
from cases.selectors import queue_counts
from cases.worktime import current_calendar, years_without_official_data

from .selectors import organizations_in_scope_by_kind, unit_load, workbench_roles


@login_required
def home(request):
    """Each role lands on its own workbench; a user with several roles switches with ?role=."""
    roles = workbench_roles(request.user)
    if not roles:
        raise PermissionDenied
    role = request.GET.get("role") if request.GET.get("role") in roles else roles[0]
    try:
        area = scope_root(request.user)
    except PermissionDenied:
        area = None
    calendar = current_calendar()
    today = timezone.localdate()
    context = {
        "role": role,
        "roles": roles,
        "area": area,
        "scope_counts": organizations_in_scope_by_kind(request.user),
        "today_is_workday": calendar.is_workday(today),
        "today_periods": calendar.periods(today),
        "years_missing": years_without_official_data([today.year, today.year + 1]),
        "queues": queue_counts(request.user, role),
    }
    if role in ("dispatcher", "district_operator", "unit_operator", "leader"):
        context["units"] = unit_load(request.user)
    return render(request, f"workbench/{role}.html", context)
