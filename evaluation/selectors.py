"""Reads for the dashboard: the latest finished snapshot of a month, scored and ranked rows.

Who sees what (domain spec §9): aggregated results — rates, scores and ranks of every district, street
and unit — are visible to every user with access to evaluation, ranked city-wide; case-level data (the
cases behind a count) stays within each user's scope, so a row outside it is shown without its drill-down
(``ScoredRow.in_scope``). The posts' per-person figures are shown to the command center and leaders."""

import datetime as dt
from dataclasses import dataclass

from accounts.choices import OrgKind
from accounts.models import Organization
from cases.worktime import month_end

from .models import OtherAssessment, Snapshot, SnapshotRow, SnapshotStatus
from .scores import assessment, composite, formula_for, rating

KEY_RATES = ("handling_rate", "on_time_handling_rate", "closure_rate", "on_time_closure_rate", "rework_rate")


def month_snapshot(month: dt.date) -> Snapshot | None:
    return (
        Snapshot.objects.filter(period_start=month, period_end=month_end(month), status=SnapshotStatus.DONE)
        .order_by("-as_of")
        .first()
    )


@dataclass
class ScoredRow:
    row: SnapshotRow
    score: float | None
    rating: str
    rank: int | None = None
    previous_score: float | None = None
    previous_rank: int | None = None
    other_score: float | None = None
    assessment: float | None = None
    in_scope: bool = True  # the viewer may open the cases behind its counts

    @property
    def change(self) -> float | None:
        if self.score is None or self.previous_score is None:
            return None
        return round(self.score - self.previous_score, 2)


def scored_rows(snapshot: Snapshot, object_type: str) -> list[ScoredRow]:
    """Every object of the type, scored and ranked among all of them."""
    formula = formula_for(object_type, snapshot.period_start)
    rows = snapshot.rows.filter(object_type=object_type)
    scored = []
    for row in rows:
        score = composite(formula, row.counts, row.rates) if formula else None
        scored.append(ScoredRow(row, score, rating(score)))
    ranked = sorted((s for s in scored if s.score is not None), key=lambda s: -s.score)
    for position, item in enumerate(ranked, 1):
        item.rank = position
    return sorted(scored, key=lambda s: (s.rank is None, s.rank or 0, s.row.object_name))


def ids_in_scope(user) -> set[int]:
    return set(Organization.objects.restrict(user).values_list("pk", flat=True))


def sees_whole_city(scope: set[int]) -> bool:
    """Whether a viewer with this scope sees every case of the city (so that city-wide counts drill down)."""
    return Organization.objects.filter(pk__in=scope, kind=OrgKind.CITY).exists()


def ranking(
    snapshot: Snapshot, previous: Snapshot | None, object_type: str, scope: set[int] | None = None
) -> list[ScoredRow]:
    """Scored rows of every object, ranked city-wide, with last month's score and rank; those outside
    ``scope`` (organization ids; None for all) are marked so that their cases are not linked."""
    rows = scored_rows(snapshot, object_type)
    for item in rows:
        item.in_scope = scope is None or item.row.object_id in scope
    if previous is not None:
        before = {s.row.object_id: s for s in scored_rows(previous, object_type)}
        for item in rows:
            if item.row.object_id in before:
                item.previous_score, item.previous_rank = (
                    before[item.row.object_id].score,
                    before[item.row.object_id].rank,
                )
    if object_type == "unit":
        others = dict(OtherAssessment.objects.filter(month=snapshot.period_start).values_list("unit_id", "score"))
        for item in rows:
            item.other_score = others.get(item.row.object_id)
            item.assessment = assessment(item.score, item.other_score)
    return rows


def trend(months: list[dt.date]) -> list[tuple[dt.date, dict]]:
    """The city's rates month by month (months without a finished snapshot are left out)."""
    points = []
    for month in months:
        snapshot = month_snapshot(month)
        if snapshot:
            city = snapshot.rows.filter(object_type="city").first()
            if city:
                counts = {name: city.counts.get(name, 0) for name in ("reports", "dispatched", "rechecked")}
                points.append((month, city.rates | counts))
    return points
