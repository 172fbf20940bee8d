"""Messages of Django's admin and of django-celery-beat that their own Chinese catalogues leave out, named
here so that ``makemessages`` puts them in the project's catalogue (which Django reads first)."""

from django.utils.translation import gettext_noop as _

MESSAGES = (
    _("Model name"),
    _("Add link"),
    _("Change or view list link"),
    _("Execution Options"),
)
