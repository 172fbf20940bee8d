from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record
from accounts.models import AuditEvent, User
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


class PasswordChange(auth_views.PasswordChangeView):
    """Every user changes their own password here (an initial or expired one, before anything else)."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        User.objects.filter(pk=self.request.user.pk).update(must_change_password=False)
        record(AuditEvent.Kind.PASSWORD_CHANGED, self.request)
        messages.success(self.request, _("Your password is changed."))
        return response
