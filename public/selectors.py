"""What the public may read about a case that came through the public channel: its status, the unit
responsible, the public notes and the photos without metadata. Never the reporter's details."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from cases.choices import TERMINAL_STATES, AttachmentKind, CaseState
from cases.models import Attachment, Case
from cases.workflow import Action

from .models import PublicNote, PublicReport

S = CaseState
PUBLIC_STATES = {
    S.REPORTED: _("Received, waiting for the command center to accept it."),
    S.VERIFYING: _("A supervisor is checking the problem on site."),
    S.PENDING_REGISTRATION: _("Accepted, being registered."),
    S.REGISTERED: _("Registered, being sent to the responsible unit."),
    S.DISPATCHED: _("The responsible unit is handling it."),
    S.RETURNED: _("Being sent to the responsible unit."),
    S.PARKED: _("Postponed: it will be handled when conditions allow."),
    S.HANDLED: _("Handled, waiting for an on-site check."),
    S.CHECKING: _("Handled, being checked on site."),
    S.PENDING_CLOSURE: _("Handled and checked, being closed."),
    S.CLOSED: _("Closed: the problem was solved."),
    S.NOT_ACCEPTED: _("Closed: not taken up."),
    S.NOT_REGISTERED: _("Closed: not taken up."),
    S.CANCELLED: _("Closed: not taken up."),
}


def public_cases() -> QuerySet[Case]:
    """Cases that came through the public channel, with what their public view needs in three queries."""
    photos = Attachment.objects.filter(kind__in=(AttachmentKind.BEFORE, AttachmentKind.AFTER)).select_related("event")
    return (
        Case.objects.filter(public_report__isnull=False)
        .select_related("category", "assignee")
        .prefetch_related(
            Prefetch("public_notes", queryset=PublicNote.objects.order_by("written_at", "pk")),
            Prefetch("attachments", queryset=photos, to_attr="public_photos_all"),
        )
    )


@dataclass(frozen=True)
class PublicView:
    case: Case

    @property
    def is_open(self) -> bool:
        return self.case.state not in TERMINAL_STATES

    @property
    def status_text(self) -> str:
        return str(PUBLIC_STATES.get(self.case.state, ""))

    @property
    def notes(self) -> list[PublicNote]:
        return list(self.case.public_notes.all())

    @property
    def status_notes(self) -> str:
        notes = self.notes
        return notes[-1].text if notes else self.status_text

    @property
    def agency(self) -> str:
        shown = self.case.state in (S.DISPATCHED, S.PARKED, S.HANDLED, S.CHECKING, S.PENDING_CLOSURE, S.CLOSED)
        return self.case.assignee.name if shown and self.case.assignee_id else ""

    @property
    def photos(self) -> list[Attachment]:
        """The reporter's own photos and the unit's photos after handling (the copies without metadata)."""
        return [
            a
            for a in getattr(self.case, "public_photos_all", [])
            if a.kind == AttachmentKind.AFTER or (a.event is not None and a.event.action == Action.REPORT)
        ]

    @property
    def closing_photo(self) -> Attachment | None:
        after = [a for a in self.photos if a.kind == AttachmentKind.AFTER]
        return after[-1] if after and self.case.state == S.CLOSED else None

    @property
    def media(self) -> Attachment | None:
        return self.closing_photo or next(iter(self.photos), None)


def find_public_case(number: str) -> Case | None:
    return public_cases().filter(number=number.strip()).first()


def public_photo(pk: int) -> Attachment | None:
    """A photo the public may see (of a public report: the report's photos and the unit's after photos)."""
    photo = Attachment.objects.select_related("case", "event").filter(pk=pk, case__public_report__isnull=False).first()
    if photo is None:
        return None
    case = photo.case
    case.public_photos_all = [photo]
    return photo if photo in PublicView(case).photos else None


def report_by_token(token: str) -> PublicReport | None:
    try:
        return PublicReport.objects.select_related("case").filter(token=uuid.UUID(token)).first()
    except ValueError:
        return None
