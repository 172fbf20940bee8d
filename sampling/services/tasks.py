"""Collection tasks (samples assigned to supervisors for a window of days) and special collections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.gis.geos import Polygon
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from accounts.scope import check_in_scope

from ..choices import Per
from ..models import CollectionTask, Library, Sample, SpecialCollection

PLANNERS = (Role.DISPATCHER, Role.SHIFT_LEADER, Role.DISTRICT_OPERATOR, Role.ADMINISTRATOR)


def check_planner(actor: User) -> None:
    if not actor.may_act_as(*PLANNERS):
        raise PermissionDenied(_("Only the center's and the districts' staff plan collection."))


def check_supervisor(user: User) -> None:
    if not user.is_active or not user.has_role(Role.SUPERVISOR):
        raise ValidationError({"supervisor": _("%(name)s is not an active supervisor.") % {"name": user}})


def _check_window(starts_on: dt.date, ends_on: dt.date, times: int, per: str) -> None:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The task ends before it starts.")})
    if per not in Per.values:
        raise ValidationError({"per": _("Unknown frequency.")})
    if not 1 <= times <= 20:
        raise ValidationError({"times": _("Between 1 and 20 times.")})


def samples_in(area: Polygon, library: Library) -> list[Sample]:
    return list(library.samples.filter(geometry__intersects=area))


@transaction.atomic
def assign(
    *,
    actor: User,
    supervisor: User,
    starts_on: dt.date,
    ends_on: dt.date,
    samples: Iterable[Sample] = (),
    area: Polygon | None = None,
    times: int = 1,
    per: str = Per.DAY,
) -> list[CollectionTask]:
    """One task per sample (the samples given, or those an area drawn on the map touches, of the library in
    force on the first day). A sample the supervisor already has for those days is not given twice."""
    check_planner(actor)
    check_supervisor(supervisor)
    _check_window(starts_on, ends_on, times, per)
    library = Library.in_force(starts_on)
    if library is None:
        raise ValidationError(_("No sample library is in force on %(day)s.") % {"day": starts_on})
    chosen = list(samples)
    if area is not None:
        chosen += samples_in(area, library)
    if not chosen:
        raise ValidationError(_("Choose samples, or draw an area that holds some."))
    if any(s.library_id != library.pk for s in chosen):
        raise ValidationError(_("The samples belong to another version of the library than the one in force."))
    for sample in chosen:
        check_in_scope(actor, sample.district)
    held = set(
        CollectionTask.objects.filter(
            supervisor=supervisor, starts_on__lte=ends_on, ends_on__gte=starts_on
        ).values_list("sample_id", flat=True)
    )
    tasks = [
        CollectionTask(
            sample=sample,
            supervisor=supervisor,
            starts_on=starts_on,
            ends_on=ends_on,
            times=times,
            per=per,
            area=area,
            created_by=actor,
        )
        for sample in {s.pk: s for s in chosen}.values()
        if sample.pk not in held
    ]
    return CollectionTask.objects.bulk_create(tasks)


@transaction.atomic
def change(
    task: CollectionTask,
    *,
    actor: User,
    on: dt.date,
    supervisor: User | None = None,
    times: int | None = None,
    per: str | None = None,
    note: str = "",
) -> CollectionTask:
    """From ``on``, the task goes to another supervisor and/or another frequency: it ends the day before
    and a successor takes over to its end, so both stand in the history."""
    check_planner(actor)
    task = CollectionTask.objects.select_for_update().select_related("sample__district").get(pk=task.pk)
    check_in_scope(actor, task.sample.district)
    if hasattr(task, "next"):
        raise ValidationError(_("This task was changed already; change its successor."))
    if not task.starts_on < on <= task.ends_on:
        raise ValidationError(
            {
                "on": _("A change takes effect between the task's second and last day (%(a)s–%(b)s).")
                % {"a": task.starts_on, "b": task.ends_on}
            }
        )
    successor = CollectionTask(
        sample=task.sample,
        supervisor=supervisor or task.supervisor,
        starts_on=on,
        ends_on=task.ends_on,
        times=times or task.times,
        per=per or task.per,
        area=task.area,
        previous=task,
        change_note=note.strip(),
        created_by=actor,
    )
    check_supervisor(successor.supervisor)
    _check_window(successor.starts_on, successor.ends_on, successor.times, successor.per)
    task.ends_on = on - dt.timedelta(days=1)
    task.save(update_fields=["ends_on"])
    successor.save()
    return successor


@transaction.atomic
def copy_plan(*, actor: User, source: tuple[dt.date, dt.date], target: tuple[dt.date, dt.date]) -> int:
    """Next period's tasks as this period's stand at its end (same supervisors and frequencies), on the
    samples of the same codes in the library in force when the target period starts."""
    check_planner(actor)
    library = Library.in_force(target[0])
    if library is None:
        raise ValidationError(_("No sample library is in force on %(day)s.") % {"day": target[0]})
    by_code = {s.code: s for s in library.samples.all()}
    last_day = source[1]
    tasks = CollectionTask.objects.restrict(actor).active_on(last_day).select_related("sample", "supervisor")
    existing = set(
        CollectionTask.objects.filter(starts_on__lte=target[1], ends_on__gte=target[0]).values_list(
            "supervisor_id", "sample__code"
        )
    )
    new = [
        CollectionTask(
            sample=by_code[t.sample.code],
            supervisor=t.supervisor,
            starts_on=target[0],
            ends_on=target[1],
            times=t.times,
            per=t.per,
            area=t.area,
            created_by=actor,
        )
        for t in tasks
        if t.sample.code in by_code and t.supervisor.is_active and (t.supervisor_id, t.sample.code) not in existing
    ]
    CollectionTask.objects.bulk_create(new, batch_size=2000)
    return len(new)


def save_special(special: SpecialCollection, *, actor: User, supervisors, categories=()) -> SpecialCollection:
    check_planner(actor)
    if special.ends_at <= special.starts_at:
        raise ValidationError({"ends_at": _("The collection ends before it starts.")})
    if special.district is not None:
        check_in_scope(actor, special.district)
    supervisors = list(supervisors)
    if not supervisors:
        raise ValidationError({"supervisors": _("Choose the supervisors who collect.")})
    for supervisor in supervisors:
        check_supervisor(supervisor)
    with transaction.atomic():
        special.created_by = special.created_by or actor
        special.full_clean()
        special.save()
        special.supervisors.set(supervisors)
        special.categories.set(list(categories))
    return special
