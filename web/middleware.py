"""Password policy and the audit of permission denials, for every page."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.audit import record
from accounts.models import AuditEvent

# Where a user whose password must change may still go (the API refuses such a user a token instead).
OPEN_PREFIXES = ("/password/", "/logout/", "/i18n/", "/static/", "/login/", "/api/")


class PasswordPolicyMiddleware:
    """A signed-in user whose password is an initial one or has expired changes it before anything else.
    Every 403 answer is written to the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (user.must_change_password or user.password_expired)
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            messages.warning(request, _("Choose a new password before you go on."))
            return redirect(reverse("password-change"))
        response = self.get_response(request)
        if response.status_code == 403:
            record(AuditEvent.Kind.DENIED, request, detail=f"{request.method} {response.status_code}")
        return response
