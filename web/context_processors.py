from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.choices import OFFICE_ROLES, Role
from cases.views import AGENDA_ROLES
from evaluation.views import VIEWERS
from notifications.models import Notification
from sampling.views import STAFF as SAMPLING_STAFF


def navigation(request):
    """The header's links (only those the user may follow) and the unread-notice count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        (_("Workbench"), reverse("home")),
        (_("Cases"), reverse("case-list")),
        (_("Map"), reverse("city-map")),
        (_("Report"), reverse("case-report")),
    ]
    if user.has_role(*AGENDA_ROLES):
        items.append((_("Liaison"), reverse("liaison-agenda")))
    if user.may_act_as(*SAMPLING_STAFF):
        items.append((_("Sampling"), reverse("sampling-library")))
    if user.has_role(Role.SUPERVISOR):
        items += [(_("My tasks"), reverse("sampling-my-work")), (_("Field app"), reverse("field-app"))]
    if user.may_act_as(*VIEWERS):
        items += [(_("Evaluation"), reverse("dashboard")), (_("Analysis"), reverse("analysis-hotspots"))]
    if user.may_act_as(*OFFICE_ROLES):
        items.append((_("Command screen"), reverse("command-screen")))
    if user.is_staff:
        items += [(_("Administration"), reverse("admin:index")), (_("API"), reverse("api-docs"))]
    return {"nav_items": items, "unread_notices": Notification.objects.for_user(user).unread().count()}
