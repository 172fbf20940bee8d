"""Which samples a patrol's track covered (domain spec §8): computed in PostGIS in the city's metric
projection, or with GEOS on SpatiaLite (``geometry.share_covered``, the same rule)."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.utils import timezone

from . import geometry
from .geometry import SIMPLIFY_M, degrees, is_covered, share_covered
from .models import CollectionTask, Library, Patrol, Sample, Visit

# The buffer is made once per patrol, of the track simplified to SIMPLIFY_M (GPS noise is a few metres; a
# shift's 2,880 fixes become a few hundred vertices); ST_DWithin in degrees (a generous margin) picks the
# samples near the track through the geometry index before any metric work.
SHARES_SQL = """
WITH t AS MATERIALIZED (
    SELECT track, ST_Buffer(ST_Simplify(ST_Transform(track, %(srid)s), %(simplify)s), %(buffer)s) AS near
    FROM sampling_patrol WHERE id = %(patrol)s)
SELECT s.id,
       CASE WHEN GeometryType(s.geometry) IN ('LINESTRING', 'MULTILINESTRING') THEN
                LEAST(1.0, ST_Length(ST_Intersection(ST_Transform(s.geometry, %(srid)s), t.near))
                           / NULLIF(ST_Length(ST_Transform(s.geometry, %(srid)s)), 0))
            WHEN GeometryType(s.geometry) IN ('POLYGON', 'MULTIPOLYGON') THEN
                CASE WHEN ST_Intersects(s.geometry, t.track) THEN 1.0 ELSE 0.0 END
            ELSE CASE WHEN ST_Intersects(ST_Transform(s.geometry, %(srid)s), t.near) THEN 1.0 ELSE 0.0 END
       END
FROM sampling_sample s, t
WHERE s.library_id = %(library)s AND ST_DWithin(s.geometry, t.track, %(margin)s)
"""


def shares(patrol: Patrol, library: Library) -> dict[int, float]:
    """Sample id → share covered, for the samples near the track."""
    if patrol.track is None:
        return {}
    buffer_m = settings.SAMPLING_TRACK_BUFFER_M
    if geometry.postgis():
        with connection.cursor() as cursor:
            cursor.execute(
                SHARES_SQL,
                {
                    "srid": settings.GIS_METRIC_SRID,
                    "patrol": patrol.pk,
                    "buffer": buffer_m,
                    "library": library.pk,
                    "margin": degrees(buffer_m),
                    "simplify": SIMPLIFY_M,
                },
            )
            return {pk: float(share or 0) for pk, share in cursor.fetchall()}
    near = Sample.objects.filter(library=library, geometry__intersects=patrol.track.buffer(degrees(buffer_m)))
    return {s.pk: share_covered(s.geometry, patrol.track, buffer_m) for s in near}


def record_visits(patrol: Patrol) -> list[Visit]:
    """Replace the patrol's visits with those its track makes now (a late batch of points may add some)."""
    day = timezone.localtime(patrol.started_at).date()
    library = Library.in_force(day)
    Visit.objects.filter(patrol=patrol).delete()
    if library is None:
        return []
    found = {pk: share for pk, share in shares(patrol, library).items() if share > 0}
    tasks = dict(
        CollectionTask.objects.filter(supervisor_id=patrol.supervisor_id, sample_id__in=found)
        .active_on(day)
        .values_list("sample_id", "pk")
    )
    visits = [
        Visit(
            patrol=patrol,
            sample_id=pk,
            task_id=tasks.get(pk),
            day=day,
            share=round(share, 4),
            covered=is_covered(share),
        )
        for pk, share in found.items()
    ]
    return Visit.objects.bulk_create(visits)
