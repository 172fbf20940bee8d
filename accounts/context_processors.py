from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request):
    """The header's links, only those the user may follow."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [(_("Workbench"), reverse("home"))]
    if user.is_staff:
        items += [(_("Administration"), reverse("admin:index")), (_("API"), reverse("api-docs"))]
    return {"nav_items": items}
