"""Excel exports of case lists: the cases with the time of every step, and their full event log.

Written row by row (openpyxl's write-only mode, cases read in chunks), so memory stays flat however long the
list; a list longer than ``INSTANT_ROWS`` is written in the background (``CaseExport``) with its progress."""

import logging
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.core.files import File
from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from openpyxl import Workbook

from citymgmt.queue import run_in_background
from citymgmt.spreadsheets import neutralize

from .choices import CaseState
from .models import Case, CaseEvent, CaseExport, ExportStatus
from .workflow import action_label

log = logging.getLogger(__name__)
INSTANT_ROWS = 5_000  # answered at once; longer lists go to the background
CHUNK = 2_000
SHEET_ROWS = 1_048_575  # Excel's limit below the header
STEP_TIMES = [  # column, the state whose first reaching is timed (the latest, for repeated ones)
    ("registered", CaseState.REGISTERED),
    ("dispatched", CaseState.DISPATCHED),
    ("handled", CaseState.HANDLED),
    ("checked", CaseState.PENDING_CLOSURE),
    ("closed", CaseState.CLOSED),
]


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _chunks(cases: QuerySet[Case]) -> Iterator[list[Case]]:
    """The cases in order, a chunk at a time, by keyset on the primary key (no offset, no long cursor)."""
    cases = cases.select_related("category", "district", "street", "assignee").order_by("pk")
    last = 0
    while chunk := list(cases.filter(pk__gt=last)[:CHUNK]):
        yield chunk
        last = chunk[-1].pk


def _step_times(chunk: list[Case]) -> dict[tuple[int, str], Any]:
    rows = (
        CaseEvent.objects.filter(case__in=chunk, to_state__in=[state for _n, state in STEP_TIMES])
        .values_list("case", "to_state")
        .annotate(at=Max("at"))
    )
    return {(case, state): at for case, state, at in rows}


def _case_row(c: Case, times: dict) -> list:
    return [
        c.number,
        c.get_state_display(),
        c.get_source_display(),
        f"{c.category.full_code} {c.category.name}",
        str(c.district),
        str(c.street or ""),
        c.address,
        c.description,
        str(c.assignee or ""),
        _local(c.reported_at),
        *(_local(times.get((c.pk, state))) for _n, state in STEP_TIMES),
        _local(c.stage_deadline),
        c.is_overdue,
        c.return_count,
        c.rework_count,
        c.extension_count,
    ]


def write_cases(cases: QuerySet[Case], out: IO[bytes], progress: Callable[[int], None] | None = None) -> None:
    """The cases and their events as an .xlsx into ``out``; ``progress`` hears the count written so far."""
    book = Workbook(write_only=True)
    sheet, event_sheet = book.create_sheet(_("Cases")), book.create_sheet(_("Events"))
    sheet.append(
        [_("Case number"), _("State"), _("Source"), _("Category"), _("District"), _("Street"), _("Address")]
        + [_("Description"), _("Responsible unit"), _("Reported at")]
        + [str(CaseState(state).label) for _n, state in STEP_TIMES]
        + [_("Deadline"), _("Overdue"), _("Returns"), _("Reworks"), _("Extensions")]
    )
    event_sheet.append(
        [_("Case number"), _("Time"), _("Action"), _("From"), _("To"), _("Actor"), _("Organization"), _("Note")]
    )
    written = events = 0
    for chunk in _chunks(cases):
        times = _step_times(chunk)
        for c in chunk:
            sheet.append([neutralize(v) for v in _case_row(c, times)])
        numbers = {c.pk: c.number for c in chunk}
        for e in (
            CaseEvent.objects.filter(case__in=chunk)
            .select_related("actor", "actor_organization")
            .order_by("case", "at", "pk")
        ):
            if events < SHEET_ROWS:
                event_sheet.append([neutralize(v) for v in _event_row(e, numbers[e.case_id])])
            events += 1
        written += len(chunk)
        if progress:
            progress(written)
    if events > SHEET_ROWS:
        event_sheet.append([_("%(n)s more events do not fit on one sheet.") % {"n": events - SHEET_ROWS}])
    book.save(out)


def _event_row(e: CaseEvent, number: str) -> list:
    return [
        number,
        _local(e.at),
        action_label(e.action),
        str(CaseState(e.from_state).label) if e.from_state else "",
        str(CaseState(e.to_state).label),
        e.actor.get_full_name() if e.actor else "",
        str(e.actor_organization or ""),
        e.note,
    ]


# --- long lists in the background -------------------------------------------------------------------------

Source = Callable[[Any, QueryDict], QuerySet[Case]]  # a list's cases for a user, before the query's filters


def start_export(user, source: Source, query: str, total: int) -> CaseExport:
    """Record the export and hand it to a worker (in the embedded profile: a thread of this process). The
    worker finds the list again by the dotted path of its source function."""
    path = f"{source.__module__}.{source.__qualname__}"
    export = CaseExport.objects.create(user=user, source=path, query=query, total=total)
    from .tasks import export_cases

    def hand_over():
        if reason := run_in_background(export_cases, export.pk):  # the broker is down: say so, do not spin
            CaseExport.objects.filter(pk=export.pk).update(
                status=ExportStatus.FAILED, error=_("Could not be queued (%(reason)s). Try again.") % {"reason": reason}
            )

    transaction.on_commit(hand_over)
    return export


def run_export(export: CaseExport) -> CaseExport:
    """Write the file, saving the progress every chunk; a failure is kept with its reason."""
    from .selectors import CaseFilter

    query = QueryDict(export.query)
    source: Source = import_string(export.source)
    cases = CaseFilter(query, queryset=source(export.user, query), request=_Asker(export.user)).qs

    def progress(done: int) -> None:
        CaseExport.objects.filter(pk=export.pk).update(done=done)

    try:
        with tempfile.TemporaryFile() as out:
            write_cases(cases, out, progress)
            out.seek(0)
            export.file.save(f"cases-{timezone.localdate():%Y%m%d}-{export.pk}.xlsx", File(out), save=False)
        export.status, export.done = ExportStatus.DONE, export.total
    except Exception as error:  # kept for the asker to see; the worker goes on
        log.exception("export %s failed", export.pk)
        export.status, export.error = ExportStatus.FAILED, str(error) or type(error).__name__
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "status", "done", "error", "finished_at"])
    return export


class _Asker:
    """What the filters need of a request: the user (the queue filters are per user)."""

    def __init__(self, user):
        self.user = user
