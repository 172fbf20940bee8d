"""Recheck sampling (domain spec §8): each month a reproducible random sample of the closed city-appearance
cases, stratified by district and category, is rechecked by supervisors other than the reporter; "still
fixed" or "recurred" (which opens a new linked case). Consolidation rate = still fixed ÷ rechecked."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import Counter, defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from cases.attachments import Photo, clean_copy
from cases.choices import CaseSource, CaseState, ClosureType
from cases.models import Case
from cases.services import report_case
from cases.services.reporting import missed_by
from cases.worktime import current_calendar, day_range, month_end
from citymgmt.errors import Conflict
from gis.models import Grid
from notifications.services import notify

from ..choices import RecheckResult
from ..models import Recheck, RecheckDraw

DRAWERS = (Role.SHIFT_LEADER, Role.DISPATCHER, Role.ADMINISTRATOR)


class AlreadyRechecked(Conflict):
    code = "already_rechecked"


def population(month: dt.date):
    """The closed city-appearance cases of ``month`` (closed as fixed: normally or late), and every problem a
    supervisor handled on the spot (自处理: no unit and no check stood behind it, so it is sampled too)."""
    return Case.objects.filter(
        Q(category__major__city_appearance=True) | Q(self_handled=True),
        state=CaseState.CLOSED,
        closure_type__in=(ClosureType.NORMAL, ClosureType.OVERDUE),
        closed_at__range=day_range(month, month_end(month)),
    )


def allocate(strata: dict[str, int], total: int) -> dict[str, int]:
    """``total`` spread over the strata in proportion to their sizes (largest remainders; ties by key)."""
    size = sum(strata.values())
    if not size:
        return {}
    exact = {key: total * n / size for key, n in strata.items()}
    shares = {key: int(value) for key, value in exact.items()}
    left = total - sum(shares.values())
    for key in sorted(exact, key=lambda k: (-(exact[k] - shares[k]), k))[:left]:
        shares[key] += 1
    return shares


def draw_sample(month: dt.date, seed: int, rate: float, size: int) -> tuple[list[int], dict]:
    """The case ids drawn and the strata ({"district:category": [closed, drawn]}); the same for the same
    month, seed, rate and size."""
    rows = population(month).values_list("pk", "district_id", "category_id").order_by("pk")
    members: dict[str, list[int]] = defaultdict(list)
    for pk, district, category in rows:
        members[f"{district}:{category}"].append(pk)
    total = sum(len(ids) for ids in members.values())
    wanted = min(size, round(total * rate))
    shares = allocate({key: len(ids) for key, ids in members.items()}, wanted)
    rng = random.Random(seed)
    drawn = []
    for key in sorted(members):
        drawn += rng.sample(members[key], shares.get(key, 0))
    return sorted(drawn), {key: [len(members[key]), shares.get(key, 0)] for key in sorted(members)}


def choose_rechecker(case: Case, grids: dict[int, int | None], supervisors: dict, load: Counter) -> int | None:
    """The case's grid supervisor unless they reported it; else the least loaded supervisor of the
    street, then of the district, then of the city, who did not report it."""
    own = grids.get(case.grid_id)
    if own and own != case.reporter_id:
        return own
    for pool in (
        supervisors["street"].get(case.street_id, ()),
        supervisors["district"].get(case.district_id, ()),
        supervisors["all"],
    ):
        candidates = [s for s in pool if s != case.reporter_id]
        if candidates:
            return min(candidates, key=lambda s: (load[s], s))
    return None


def _supervisor_pools() -> dict:
    pools: dict = {"street": defaultdict(set), "district": defaultdict(set), "all": set()}
    active = set(User.objects.filter(is_active=True, groups__name=Role.SUPERVISOR).values_list("pk", flat=True))
    for supervisor, street, district in Grid.objects.filter(supervisor_id__in=active).values_list(
        "supervisor_id", "street_id", "district_id"
    ):
        pools["street"][street].add(supervisor)
        pools["district"][district].add(supervisor)
    pools["all"] = active
    return pools


@transaction.atomic
def draw(
    month: dt.date,
    *,
    actor: User | None,
    rate: float | None = None,
    size: int | None = None,
    seed: int | None = None,
    now: dt.datetime | None = None,
) -> RecheckDraw:
    """Draw ``month``'s rechecks (once per month) and send them to supervisors, due in RECHECK_DAYS working days."""
    if actor is not None and not actor.may_act_as(*DRAWERS):
        raise PermissionDenied(_("Only the command center draws rechecks."))
    month = month.replace(day=1)
    now = now or timezone.now()
    if month_end(month) >= timezone.localtime(now).date():
        raise ValidationError(_("Rechecks are drawn once the month is over."))
    if RecheckDraw.objects.filter(month=month).exists():
        raise ValidationError(_("%(month)s's rechecks were drawn already.") % {"month": f"{month:%Y-%m}"})
    rate = settings.RECHECK_RATE if rate is None else rate
    size = settings.RECHECK_SIZE if size is None else size
    if not 0 < rate <= 1 or size < 1:
        raise ValidationError(_("The rate lies between 0 and 1 and the size is at least 1."))
    seed = secrets.randbits(48) if seed is None else seed
    ids, strata = draw_sample(month, seed, rate, size)
    record = RecheckDraw.objects.create(
        month=month,
        seed=seed,
        rate=rate,
        size=size,
        population=sum(n for n, _d in strata.values()),
        strata=strata,
        created_by=actor,
        created_at=now,
    )
    calendar = current_calendar()
    due, days = timezone.localtime(now).date(), 0
    while days < settings.RECHECK_DAYS:
        due += dt.timedelta(days=1)
        days += calendar.is_workday(due)
    cases = Case.objects.filter(pk__in=ids).only("pk", "grid_id", "street_id", "district_id", "reporter_id")
    grids = dict(Grid.objects.filter(pk__in={c.grid_id for c in cases}).values_list("pk", "supervisor_id"))
    pools, load = _supervisor_pools(), Counter()
    rechecks = []
    for case in cases.order_by("pk"):
        supervisor = choose_rechecker(case, grids, pools, load)
        if supervisor is None:
            continue
        load[supervisor] += 1
        rechecks.append(Recheck(draw=record, case=case, supervisor_id=supervisor, due_on=due))
    Recheck.objects.bulk_create(rechecks)
    for supervisor, count in Counter(r.supervisor_id for r in rechecks).items():  # their field app lists them
        notify(
            case=None,
            user=User(pk=supervisor),
            kind="task",
            message=_("%(n)d rechecks sent to you, due %(due)s.") % {"n": count, "due": due.isoformat()},
        )
    return record


def record(recheck: Recheck, *, actor: User, result: str, note: str = "", photo: Photo | None = None) -> Recheck:
    """The supervisor's finding on site. "Recurred" opens a new case of the same category at the same place
    (reported by the rechecker) and, if the grid's supervisor had not reported it, counts as their 漏报."""
    if result not in (RecheckResult.FIXED, RecheckResult.RECURRED):
        raise ValidationError({"result": _("Say whether the problem is still fixed or has recurred.")})
    if photo is None:
        raise ValidationError({"photo": _("Take a photo of the place.")})
    with transaction.atomic():
        recheck = Recheck.objects.select_for_update().select_related("case__category", "draw").get(pk=recheck.pk)
        if recheck.supervisor_id != actor.pk:
            raise PermissionDenied(_("This recheck was sent to another supervisor."))
        if recheck.result:
            if recheck.result == result:
                return recheck  # the same answer sent again (a retry from the phone)
            raise AlreadyRechecked(
                _("This recheck was recorded already as “%(result)s”.") % {"result": recheck.get_result_display()}
            )
        recheck.result, recheck.note, recheck.done_at = result, note.strip()[:500], timezone.now()
        recheck.photo.save(f"{recheck.pk}.{photo.extension}", ContentFile(clean_copy(photo)), save=False)
        if result == RecheckResult.RECURRED:
            description = _("Recurred on recheck (case %(number)s): %(note)s") % {
                "number": recheck.case.number,
                "note": recheck.note or recheck.case.description,
            }
            open_recurrence(recheck, description, photos=[photo])
        recheck.save()
    return recheck


def open_recurrence(recheck: Recheck, description: str, photos=(), now: dt.datetime | None = None) -> None:
    """A new case for the recurred problem: same category and place, reported by the rechecker (once: the
    recheck's key makes a retry return the same case), and the 漏报 of the grid's supervisor if any."""
    original = recheck.case
    recheck.new_case, _created = report_case(
        actor=recheck.supervisor,
        idempotency_key=f"recheck-{recheck.pk}",
        source=CaseSource.SUPERVISOR,
        category=original.category,
        location=original.location,
        area=original.community or original.street or original.district,
        address=original.address,
        description=description,
        photos=photos,
        now=now,
    )
    recheck.missed_by_id = missed_by(recheck.new_case, found_by_supervisor=True)
