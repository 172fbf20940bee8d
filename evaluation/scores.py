"""Composite scores from a snapshot row's counts and rates, by the formula stored for its object type, and
each unit's performance assessment (platform score × weight + other assessments × the rest)."""

import datetime as dt
from decimal import Decimal

from django.conf import settings

from .models import ScoreFormula

# [std, informative annex, as the field's implementations quote it]; the area weight of 40 % for on-time
# closure is inferred so that the weights sum to 100 %. Area case-count brackets are this project's.
UNIT_CASE_BRACKETS = [[50, 100], [100, 90], [200, 75], [500, 60], [1000, 40], [None, 0]]
AREA_CASE_BRACKETS = [[500, 100], [1000, 90], [2000, 75], [4000, 60], [8000, 40], [None, 0]]
DEFAULT_FORMULAS = {
    "unit": [
        {"label": "case-count score", "count": "dispatched", "brackets": UNIT_CASE_BRACKETS, "weight": 0.10},
        {"label": "closure rate", "rate": "closure_rate", "weight": 0.30},
        {"label": "on-time handling rate", "rate": "on_time_handling_rate", "weight": 0.30},
        {"label": "1 − rework rate", "rate": "rework_rate", "complement": True, "weight": 0.30},
    ],
    "area": [
        {"label": "1 − supervisor-report share", "rate": "supervisor_report_share", "complement": True, "weight": 0.10},
        {"label": "case-count score", "count": "dispatched", "brackets": AREA_CASE_BRACKETS, "weight": 0.20},
        {"label": "closure rate", "rate": "closure_rate", "weight": 0.30},
        {"label": "on-time closure rate", "rate": "on_time_closure_rate", "weight": 0.40},
    ],
}
# Volume score, more is better [std]: ≤ 100 → 0, 101–300 → 40, 301–500 → 60, 501–1200 → 75, 1201–2000 → 90.
VOLUME_BRACKETS = [[100, 0], [300, 40], [500, 60], [1200, 75], [2000, 90], [None, 100]]
DEFAULT_FORMULAS |= {
    "supervisor": [
        {"label": "valid-report rate", "rate": "valid_report_rate", "weight": 0.40},
        {"label": "1 − missed rate", "rate": "missed_rate", "complement": True, "weight": 0.20},
        {"label": "on-time verification", "rate": "on_time_verification_rate", "weight": 0.20},
        {"label": "on-time check", "rate": "on_time_check_rate", "weight": 0.20},
    ],
    "intake": [
        {"label": "accepted-volume score", "count": "accepted", "brackets": VOLUME_BRACKETS, "weight": 0.25},
        {"label": "verification tasks sent on time", "rate": "on_time_intake_rate", "weight": 0.40},
        {"label": "check tasks sent on time", "rate": "check_sent_on_time_rate", "weight": 0.35},
    ],
    "shift_leader": [
        {"label": "on-time registration", "rate": "on_time_registration_rate", "weight": 0.25},
        {"label": "accurate registration", "rate": "accurate_registration_rate", "weight": 0.40},
        {"label": "on-time closure", "rate": "on_time_closure_review_rate", "weight": 0.35},
    ],
    "dispatcher": [
        {"label": "dispatch-volume score", "count": "dispatched", "brackets": VOLUME_BRACKETS, "weight": 0.20},
        {"label": "on-time dispatch", "rate": "on_time_dispatch_rate", "weight": 0.40},
        {"label": "accurate dispatch", "rate": "accurate_dispatch_rate", "weight": 0.40},
    ],
}
RATINGS = [(90, "A"), (75, "B"), (60, "C"), (40, "D"), (0, "E")]
AREA_TYPES = ("city", "district", "street", "community", "grid")


def formula_for(object_type: str, month: dt.date) -> ScoreFormula | None:
    kind = "area" if object_type in AREA_TYPES else object_type
    return (
        ScoreFormula.objects.filter(object_type=kind, is_active=True, valid_from__lte=month)
        .order_by("-valid_from")
        .first()
    )


def bracket_score(value: int, brackets) -> float:
    for up_to, score in brackets:
        if up_to is None or value <= up_to:
            return score
    return 0


def composite(formula: ScoreFormula, counts: dict, rates: dict) -> float | None:
    """0–100, or None when a rate the formula needs has no denominator this period."""
    rates = rates | {
        "supervisor_report_share": counts["reports_supervisor"] / counts["reports"]
        if counts.get("reports") and "reports_supervisor" in counts
        else None
    }
    total = 0.0
    for part in formula.components:
        if "count" in part:
            value = bracket_score(counts.get(part["count"], 0), part["brackets"])
        else:
            rate = rates.get(part["rate"])
            if rate is None:
                return None
            value = 100 * ((1 - rate) if part.get("complement") else rate)
        total += part["weight"] * value
    return round(total, 2)


def rating(score: float | None) -> str:
    if score is None:
        return ""
    return next(letter for floor, letter in RATINGS if score >= floor)


def assessment(platform_score: float | None, other_score: Decimal | None) -> float | None:
    """The unit's performance assessment: platform × PLATFORM_SCORE_WEIGHT + other × (1 − weight) [seed: 50 %]."""
    if platform_score is None or other_score is None:
        return None
    weight = settings.PLATFORM_SCORE_WEIGHT
    return round(platform_score * weight + float(other_score) * (1 - weight), 2)
