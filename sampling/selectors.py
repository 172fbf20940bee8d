"""Reads of the sampling subsystem, each within the user's scope: a district sees its own samples, tasks,
rechecks and statistics; a supervisor sees the tasks and rechecks sent to them."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from cases.models import Case

from .models import CollectionTask, Library, Patrol, Recheck, Sample, SpecialCollection


def visible_samples(user: User, library: Library | None) -> QuerySet[Sample]:
    rows = Sample.objects.restrict(user).select_related("kind", "district", "street")
    return rows.filter(library=library) if library else rows.none()


def visible_tasks(user: User) -> QuerySet[CollectionTask]:
    return CollectionTask.objects.restrict(user).select_related("sample__kind", "sample__district", "supervisor")


def visible_specials(user: User) -> QuerySet[SpecialCollection]:
    """A district's own special collections and the city-wide ones."""
    rows = SpecialCollection.objects.all()
    own = SpecialCollection.objects.restrict(user).values("pk")
    return rows.filter(Q(district__isnull=True) | Q(pk__in=own)).select_related("district")


def visible_rechecks(user: User) -> QuerySet[Recheck]:
    return Recheck.objects.restrict(user).select_related("case__category", "case__district", "supervisor", "new_case")


def sample_cases(user: User, sample: Sample) -> QuerySet[Case]:
    """The cases placed on a sample (its drill-down), within the user's scope."""
    return (
        Case.objects.restrict(user)
        .filter(finding__sample=sample)
        .select_related("category", "district", "assignee")
        .order_by("-reported_at")
    )


def todays_work(user: User, today: dt.date) -> dict:
    """A supervisor's day: the samples to patrol today, the rechecks to do, the special collections on, the
    open patrol."""
    tasks = (
        CollectionTask.objects.filter(supervisor=user)
        .active_on(today)
        .select_related("sample__kind")
        .annotate(done_today=Count("visits", filter=Q(visits__day=today, visits__covered=True)))
        .order_by("sample__kind__order", "sample__name")
    )
    return {
        "tasks": tasks,
        "rechecks": Recheck.objects.filter(supervisor=user, result="")
        .select_related("case__category")
        .order_by("due_on", "pk"),
        "specials": SpecialCollection.objects.filter(
            supervisors=user, starts_at__date__lte=today, ends_at__date__gte=today
        ).prefetch_related("categories"),
        "patrol": Patrol.objects.filter(supervisor=user, finished_at__isnull=True).first(),
    }
