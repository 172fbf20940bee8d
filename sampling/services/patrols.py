"""Patrols: started and finished on the phone, GPS points uploaded in batches (retried, duplicated or out of
order, all fine), the track drawn from them in time order and the samples it covered recorded."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import LineString, Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User

from .. import geometry
from ..coverage import record_visits
from ..models import Patrol, SpecialCollection, TrackPoint
from .findings import place_patrol_reports

MAX_POINTS = 2000  # per batch: a phone uploading every few minutes sends tens
CLOCK_SKEW = dt.timedelta(minutes=10)
ABANDONED_AFTER = dt.timedelta(hours=12)


def check_own(actor: User, patrol: Patrol) -> None:
    if patrol.supervisor_id != actor.pk:
        raise PermissionDenied(_("This is another supervisor's patrol."))


def start(*, actor: User, key: str = "", special: SpecialCollection | None = None, at=None) -> tuple[Patrol, bool]:
    """A new patrol (or, for a key the phone sent before, the patrol it started then)."""
    if not actor.has_role(Role.SUPERVISOR):
        raise PermissionDenied(_("Only supervisors patrol."))
    if key and (existing := Patrol.objects.filter(supervisor=actor, key=key).first()):
        return existing, False
    if special is not None and not special.supervisors.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("You are not among this special collection's supervisors."))
    try:
        with transaction.atomic():
            for open_patrol in Patrol.objects.filter(supervisor=actor, finished_at__isnull=True):
                finish(open_patrol, actor=actor)  # one patrol at a time: starting a new one ends the last
            started = at or timezone.now()
            return Patrol.objects.create(supervisor=actor, key=key[:64], special=special, started_at=started), True
    except IntegrityError:  # the same key sent twice at once: the first one made it
        return Patrol.objects.get(supervisor=actor, key=key[:64]), False


def _fix(raw: Any, now: dt.datetime) -> TrackPoint:
    if not isinstance(raw, dict):
        raise ValidationError(_("Each point is an object with t, lat and lon."))
    try:
        taken = parse_datetime(str(raw.get("t", "")))
    except ValueError:  # well formed but no such time (a 13th month)
        taken = None
    try:
        lat, lon = float(raw["lat"]), float(raw["lon"])
        accuracy = float(raw["accuracy"]) if raw.get("accuracy") not in (None, "") else None
    except (KeyError, TypeError, ValueError):
        raise ValidationError(_("Each point needs a numeric lat and lon.")) from None
    if taken is None:
        raise ValidationError(_("Each point needs its time t (ISO 8601 with offset)."))
    if timezone.is_naive(taken):
        taken = timezone.make_aware(taken)
    finite = all(math.isfinite(v) for v in (lat, lon, 0 if accuracy is None else accuracy))
    if not finite or not (-90 <= lat <= 90 and -180 <= lon <= 180) or (accuracy is not None and accuracy < 0):
        raise ValidationError(_("A point lies outside the valid coordinates."))
    if taken > now + CLOCK_SKEW:
        raise ValidationError(_("A point is dated in the future: check the phone's clock."))
    return TrackPoint(taken_at=taken, location=Point(lon, lat, srid=4326), accuracy_m=accuracy)


def add_points(patrol: Patrol, *, actor: User, points: list) -> dict[str, int]:
    """Store a batch (a repeated point is stored once); a finished patrol's coverage is computed again."""
    check_own(actor, patrol)
    if not isinstance(points, list) or not points:
        raise ValidationError(_("Send a non-empty list of points."))
    if len(points) > MAX_POINTS:
        raise ValidationError(_("At most %(n)d points per batch.") % {"n": MAX_POINTS})
    now = timezone.now()
    fixes = [_fix(raw, now) for raw in points]
    for fix in fixes:
        fix.patrol = patrol
    with transaction.atomic():
        TrackPoint.objects.bulk_create(fixes, ignore_conflicts=True)
        if patrol.finished_at is not None:
            trace(patrol)
    return {"received": len(fixes), "points": TrackPoint.objects.filter(patrol=patrol).count()}


TRACK_SQL = """
UPDATE sampling_patrol SET points = f.n, track = CASE WHEN f.n >= 2 THEN f.line END
FROM (SELECT count(*) AS n, ST_MakeLine(location ORDER BY taken_at) AS line FROM sampling_trackpoint
      WHERE patrol_id = %(patrol)s AND coalesce(accuracy_m, 0) <= %(limit)s) AS f
WHERE id = %(patrol)s
"""


def trace(patrol: Patrol) -> Patrol:
    """The track from the accurate fixes in time order; the samples it covered; the reports made on it."""
    limit = settings.SAMPLING_MAX_ACCURACY_M
    if geometry.postgis():
        with connection.cursor() as cursor:
            cursor.execute(TRACK_SQL, {"patrol": patrol.pk, "limit": limit})
        patrol.refresh_from_db(fields=["points", "track"])
    else:
        fixes = TrackPoint.objects.filter(Q(accuracy_m__lte=limit) | Q(accuracy_m__isnull=True), patrol=patrol)
        coordinates = [location.coords for location in fixes.order_by("taken_at").values_list("location", flat=True)]
        patrol.points = len(coordinates)
        patrol.track = LineString(coordinates, srid=4326) if len(coordinates) >= 2 else None
        patrol.save(update_fields=["points", "track"])
    record_visits(patrol)
    place_patrol_reports(patrol)
    return patrol


@transaction.atomic
def finish(patrol: Patrol, *, actor: User, at=None) -> Patrol:
    check_own(actor, patrol)
    patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
    if patrol.finished_at is None:
        patrol.finished_at = max(at or timezone.now(), patrol.started_at)
        patrol.save(update_fields=["finished_at"])
        trace(patrol)
    return patrol


def finish_abandoned(now: dt.datetime | None = None) -> int:
    """Patrols left open (the phone switched off) are finished at their last point."""
    now = now or timezone.now()
    count = 0
    for patrol in Patrol.objects.filter(finished_at__isnull=True, started_at__lt=now - ABANDONED_AFTER):
        last = TrackPoint.objects.filter(patrol=patrol).order_by("-taken_at").values_list("taken_at", flat=True).first()
        finish(patrol, actor=patrol.supervisor, at=last or patrol.started_at)
        count += 1
    return count
