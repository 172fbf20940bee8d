"""Computing indicator snapshots (the Celery task and the web call this)."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from cases.choices import CaseSource
from classification.models import Category, MajorCategory
from gis.models import Grid
from sampling import statistics

from . import indicators, posts
from .models import OtherAssessment, Snapshot, SnapshotRow, SnapshotStatus


def previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def months_back(month: dt.date, count: int) -> list[dt.date]:
    """The ``count`` months up to and including ``month`` (first days), oldest first."""
    months = [month]
    for _i in range(count - 1):
        months.insert(0, previous_month(months[0])[0])
    return months


def start_snapshot(*, start: dt.date, end: dt.date, user=None, as_of: dt.datetime | None = None) -> Snapshot:
    return Snapshot.objects.create(
        period_start=start,
        period_end=end,
        as_of=as_of or timezone.now(),
        rule_version=indicators.RULE_VERSION,
        cohort_rule=indicators.COHORT_RULES[settings.INDICATOR_COHORT],
        created_by=user,
    )


def _names(object_type: str, ids) -> dict:
    if object_type == "grid":
        return dict(Grid.objects.filter(pk__in=ids).values_list("pk", "code"))
    if object_type == "major":
        return {
            pk: f"{code} {name}"
            for pk, code, name in MajorCategory.objects.filter(pk__in=ids).values_list("pk", "code", "name")
        }
    if object_type == "category":
        return {
            pk: f"{code} {name}"
            for pk, code, name in Category.objects.filter(pk__in=ids).values_list("pk", "full_code", "name")
        }
    if object_type == "source":
        return {value: str(CaseSource(value).label) for value in ids}
    return dict(Organization.objects.filter(pk__in=ids).values_list("pk", "name"))


def compute_snapshot(snapshot: Snapshot) -> Snapshot:
    """Fill a running snapshot with one row per evaluation object, counted in the database."""
    try:
        entries = indicators.ledger(snapshot.period_start, snapshot.period_end, snapshot.as_of, snapshot.cohort_rule)
        rows = []
        with indicators.counting():
            every = indicators.count_all(entries, snapshot.as_of)
            people = posts.post_counts(entries, snapshot.as_of)
        add_sampling(snapshot, every, people)
        types = list(indicators.OBJECTS)
        for done, object_type in enumerate(types, 1):
            counted = every[object_type]
            names = _names(object_type, [r["object_id"] for r in counted if r["object_id"] is not None])
            for counts in counted:
                key = counts.pop("object_id")
                # Sources are words, not ids: the id stays empty and the word is kept with the counts.
                object_id = key if isinstance(key, int) else None
                if object_type == "source":
                    counts["source_key"] = key
                rows.append(
                    SnapshotRow(
                        snapshot=snapshot,
                        object_type=object_type,
                        object_id=object_id,
                        object_name=names.get(key, "") if key else "",
                        counts=counts,
                        rates=indicators.rates(counts),
                    )
                )
            Snapshot.objects.filter(pk=snapshot.pk).update(progress=int(90 * done / len(types)))
        names = dict(get_user_model().objects.values_list("pk", "full_name"))
        for post, persons in people.items():
            for person, counts in persons.items():
                rows.append(
                    SnapshotRow(
                        snapshot=snapshot,
                        object_type=post,
                        object_id=person,
                        object_name=names.get(person, ""),
                        counts=counts,
                        rates=posts.post_rates(post, counts),
                    )
                )
        with transaction.atomic():
            SnapshotRow.objects.bulk_create(rows, batch_size=2000)
            Snapshot.objects.filter(pk=snapshot.pk).update(
                status=SnapshotStatus.DONE, progress=100, finished_at=timezone.now()
            )
    except Exception as error:
        Snapshot.objects.filter(pk=snapshot.pk).update(status=SnapshotStatus.FAILED, error=repr(error)[:2000])
        raise
    snapshot.refresh_from_db()
    return snapshot


SAMPLING_COUNTS = ("rechecked", "still_fixed", "assigned", "patrolled")


def add_sampling(snapshot: Snapshot, every: dict, people: dict) -> None:
    """The sampling subsystem's figures of the period with each object's counts: rechecks (consolidation),
    and patrol coverage for the city and districts; with each supervisor's, coverage and 漏报 found on
    recheck visits."""
    first, last, as_of = snapshot.period_start, snapshot.period_end, snapshot.as_of
    sampled, supervised = statistics.snapshot_figures(first, last, as_of)
    for object_type, counted in every.items():
        figures = sampled.get(object_type, {})
        for counts in counted:
            found = figures.get(counts["object_id"]) or {}
            for name in SAMPLING_COUNTS:
                counts[name] = found.get(name, 0)
    supervisors = people.setdefault("supervisor", {})
    for person, figures in supervised.items():
        counts = supervisors.setdefault(person, {})
        counts.update(figures)
        counts["missed"] = counts.get("missed", 0) + figures["missed_on_recheck"]


RUNNING_AT_MOST = dt.timedelta(minutes=30)  # a month's snapshot takes seconds; far longer means interrupted


def fail_snapshot(snapshot: Snapshot, reason: str) -> None:
    Snapshot.objects.filter(pk=snapshot.pk, status=SnapshotStatus.RUNNING).update(
        status=SnapshotStatus.FAILED, error=reason, finished_at=timezone.now()
    )


def recover_interrupted(now: dt.datetime | None = None) -> int:
    """Mark failed, with the reason, every snapshot still running long after it started; returns how many."""
    now = now or timezone.now()
    return Snapshot.objects.filter(status=SnapshotStatus.RUNNING, created_at__lt=now - RUNNING_AT_MOST).update(
        status=SnapshotStatus.FAILED,
        error=_("Interrupted: no worker finished it within %(minutes)d minutes. Compute it again.")
        % {"minutes": RUNNING_AT_MOST.seconds // 60},
        finished_at=now,
    )


@transaction.atomic
def enter_assessments(*, month: dt.date, scores: dict[int, str], user) -> int:
    """Store other assessment scores (0–100) per unit for a month; empty values remove an entry."""
    allowed = set(Organization.objects.restrict(user).handling_units().values_list("pk", flat=True))
    errors, written = {}, 0
    for unit_id, raw in scores.items():
        if unit_id not in allowed:
            errors[str(unit_id)] = _("This unit is outside your area.")
            continue
        if raw in ("", None):
            OtherAssessment.objects.filter(month=month, unit_id=unit_id).delete()
            continue
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            value = None
        if value is None or not 0 <= value <= 100:
            errors[str(unit_id)] = _("A score between 0 and 100.")
            continue
        OtherAssessment.objects.update_or_create(
            month=month, unit_id=unit_id, defaults={"score": value, "entered_by": user}
        )
        written += 1
    if errors:
        raise ValidationError(errors)
    return written
