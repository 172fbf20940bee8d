"""Reports placed on the sample library (the nearest sample within SAMPLING_MATCH_M, of the version in force
on the report's day) and on the patrol, task and special collection they were made on."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from cases.choices import CaseSource
from cases.models import Case

from ..geometry import degrees, nearest
from ..models import CollectionTask, Finding, Library, Patrol, SpecialCollection

RECENT = dt.timedelta(days=7)  # reports not yet placed are looked for this far back


def finding_for(case: Case, libraries: dict[dt.date, Library | None] | None = None) -> Finding:
    day = timezone.localtime(case.reported_at).date()
    libraries = {} if libraries is None else libraries
    if day not in libraries:
        libraries[day] = Library.in_force(day)
    library, finding = libraries[day], Finding(case=case)
    if case.location is None or library is None:
        return finding
    within = settings.SAMPLING_MATCH_M
    candidates = library.samples.filter(geometry__intersects=case.location.buffer(degrees(within)))
    finding.sample = nearest(case.location, candidates, within)
    if case.reporter_id is None:
        return finding
    finding.patrol = (
        Patrol.objects.filter(supervisor_id=case.reporter_id, started_at__lte=case.reported_at)
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=case.reported_at))
        .order_by("-started_at")
        .first()
    )
    if finding.sample is not None:
        finding.task = (
            CollectionTask.objects.filter(supervisor_id=case.reporter_id, sample=finding.sample).active_on(day).first()
        )
    if case.source == CaseSource.SPECIAL:
        finding.special = special_for(case)
    return finding


def special_for(case: Case) -> SpecialCollection | None:
    specials = SpecialCollection.objects.filter(
        supervisors=case.reporter_id, starts_at__lte=case.reported_at, ends_at__gte=case.reported_at
    ).prefetch_related("categories")
    for special in specials:
        categories = {c.pk for c in special.categories.all()}
        if categories and case.category_id not in categories:
            continue
        if special.area is not None and not special.area.intersects(case.location):
            continue
        return special
    return None


def place(cases) -> int:
    """Write (or rewrite) the findings of ``cases``."""
    libraries: dict = {}
    findings = [finding_for(case, libraries) for case in cases]
    Finding.objects.filter(case__in=[f.case_id for f in findings]).delete()
    Finding.objects.bulk_create(findings, batch_size=2000)
    return len(findings)


def place_new_reports(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return place(Case.objects.filter(reported_at__gte=now - RECENT, finding__isnull=True).order_by("pk")[:5000])


def place_patrol_reports(patrol: Patrol) -> int:
    until = patrol.finished_at or timezone.now()
    return place(Case.objects.filter(reporter_id=patrol.supervisor_id, reported_at__range=(patrol.started_at, until)))
