"""Excel exports through pandas: the cases with the time of every step, and their full event log."""

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from citymgmt.spreadsheets import workbook

from .choices import CaseState
from .models import CaseEvent

MAX_ROWS = 100_000
STEP_TIMES = [  # column, the state whose first reaching is timed (the latest, for repeated ones)
    ("registered", CaseState.REGISTERED),
    ("dispatched", CaseState.DISPATCHED),
    ("handled", CaseState.HANDLED),
    ("checked", CaseState.PENDING_CLOSURE),
    ("closed", CaseState.CLOSED),
]


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def cases_workbook(cases) -> bytes:
    cases = cases.annotate(
        **{f"t_{name}": Max("events__at", filter=Q(events__to_state=state)) for name, state in STEP_TIMES}
    )[:MAX_ROWS]
    rows = [
        {
            _("Case number"): c.number,
            _("State"): c.get_state_display(),
            _("Source"): c.get_source_display(),
            _("Category"): f"{c.category.full_code} {c.category.name}",
            _("District"): str(c.district),
            _("Street"): str(c.street or ""),
            _("Address"): c.address,
            _("Description"): c.description,
            _("Responsible unit"): str(c.assignee or ""),
            _("Reported at"): _local(c.reported_at),
            **{CaseState(state).label: _local(getattr(c, f"t_{name}")) for name, state in STEP_TIMES},
            _("Deadline"): _local(c.stage_deadline),
            _("Overdue"): c.is_overdue,
            _("Returns"): c.return_count,
            _("Reworks"): c.rework_count,
            _("Extensions"): c.extension_count,
        }
        for c in cases
    ]
    events = (
        CaseEvent.objects.filter(case__in=[c.pk for c in cases])
        .select_related("case", "actor", "actor_organization")
        .order_by("case__number", "at", "pk")
    )
    event_rows = [
        {
            _("Case number"): e.case.number,
            _("Time"): _local(e.at),
            _("Action"): e.action,
            _("From"): CaseState(e.from_state).label if e.from_state else "",
            _("To"): CaseState(e.to_state).label,
            _("Actor"): e.actor.get_full_name() if e.actor else "",
            _("Organization"): str(e.actor_organization or ""),
            _("Note"): e.note,
        }
        for e in events
    ]
    return workbook({_("Cases"): rows, _("Events"): event_rows})
