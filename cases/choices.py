from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    """Domain spec section 3: a case is in exactly one of these."""

    REPORTED = "reported", _("Reported")
    VERIFYING = "verifying", _("Verifying")
    PENDING_REGISTRATION = "pending_registration", _("Pending registration")
    REGISTERED = "registered", _("Registered")
    DISPATCHED = "dispatched", _("Dispatched")
    RETURNED = "returned", _("Returned")
    HANDLED = "handled", _("Handled")
    CHECKING = "checking", _("Checking")
    PENDING_CLOSURE = "pending_closure", _("Pending closure")
    PARKED = "parked", _("Parked")
    CLOSED = "closed", _("Closed")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    NOT_REGISTERED = "not_registered", _("Not registered")
    CANCELLED = "cancelled", _("Cancelled")


TERMINAL_STATES = (CaseState.CLOSED, CaseState.NOT_ACCEPTED, CaseState.NOT_REGISTERED, CaseState.CANCELLED)
VOIDED_STATES = (CaseState.NOT_ACCEPTED, CaseState.NOT_REGISTERED, CaseState.CANCELLED)
OPEN_STATES = tuple(s for s in CaseState if s not in TERMINAL_STATES)
_STATE_LABELS = {state.value: state.label for state in CaseState}


def state_label(value: str) -> str:
    """A state's name in the active language, and a value outside the enumeration as it is — as Django's
    generated ``get_state_display``, which looks the value up among every choice's lazy label on each call (a
    list of cases paid that per row)."""
    label = _STATE_LABELS.get(value)
    return value if label is None else str(label)


class CaseSource(models.TextChoices):
    SUPERVISOR = "supervisor", _("Supervisor")
    PUBLIC = "public", _("Public")
    HOTLINE = "hotline", _("Hotline 12345/12319")
    VIDEO = "video", _("Video patrol")
    LEADER = "leader", _("Leader instruction")
    MEDIA = "media", _("Media")
    SPECIAL = "special", _("Special inspection")


SUPERVISOR_SOURCES = (CaseSource.SUPERVISOR, CaseSource.SPECIAL)  # reports made by the supervisors


class ClosureType(models.TextChoices):
    NORMAL = "normal", _("Normal")
    OVERDUE = "overdue", _("Overdue")
    ERRONEOUS = "erroneous", _("Erroneous")
    SPECIAL = "special", _("Special")


class Stage(models.TextChoices):
    """A step of the case's path, each with its own holder and deadline (one CaseStep row each)."""

    INTAKE = "intake", _("Intake")
    VERIFY = "verify", _("Verification")
    REGISTER = "register", _("Registration")
    DISPATCH = "dispatch", _("Dispatch")
    HANDLE = "handle", _("Handling")
    SEND_CHECK = "send_check", _("Sending the check task")
    CHECK = "check", _("Check")
    CLOSE = "close", _("Closure review")
    PARK = "park", _("Parked")
    RULE = "rule", _("Ruling on a dispute")


class PendingRequest(models.TextChoices):
    NONE = "", _("None")
    EXTENSION = "extension", _("Extension")
    PARK = "park", _("Postponement")


class AttachmentKind(models.TextChoices):
    BEFORE = "before", _("Before handling")
    AFTER = "after", _("After handling")
    OTHER = "other", _("Other")
    DOCUMENT = "document", _("Document")  # a party's or a ruling's papers: a photo or a PDF
