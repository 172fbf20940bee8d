"""The monthly bulletin: HTML rendered to PDF by WeasyPrint with embedded Noto Sans CJK SC, charts drawn by
matplotlib. Built from one finished snapshot, so its figures are exactly the snapshot's."""

import base64
import datetime as dt
import io
import math

from django.core.files.base import ContentFile
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.choices import OrgKind
from cases.models import Case
from cases.selectors import dispute_figures
from gis.models import Boundary
from sampling import statistics
from sampling.models import Sample

from . import hotspots, indicators, patterns
from .models import Bulletin, Snapshot
from .selectors import KEY_RATES, month_snapshot, ranking, trend
from .services import months_back

FONT = "Noto Sans CJK SC"


def _chart(points) -> str:
    """The city's rates over the months, as a PNG data URI."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["font.sans-serif"] = [FONT]
    plt.rcParams["axes.unicode_minus"] = False
    labels = {r.name: str(r.label) for r in indicators.RATES}
    fig, ax = plt.subplots(figsize=(7.2, 2.6), dpi=150)
    months = [m.strftime("%Y-%m") for m, _r in points]
    for name, colour in (
        ("on_time_handling_rate", "#0b5394"),
        ("closure_rate", "#2f9e44"),
        ("on_time_closure_rate", "#e8590c"),
    ):
        ax.plot(
            range(len(months)),
            [100 * (r.get(name) or 0) for _m, r in points],
            marker="o",
            color=colour,
            label=labels[name],
            linewidth=1.6,
            markersize=3,
        )
    ax.set_xticks(range(len(months)), months)
    ax.set_ylim(85, 100)
    ax.yaxis.set_major_formatter(lambda v, _p: f"{v:.0f}%")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=7, frameon=False, ncol=3)
    ax.tick_params(labelsize=7)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _figure(width: float, height: float):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["font.sans-serif"] = [FONT]
    plt.rcParams["axes.unicode_minus"] = False
    return plt, *plt.subplots(figsize=(width, height), dpi=150)


def _png(plt, fig) -> str:
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _hotspot_map(found: hotspots.Analysis) -> str:
    """The month's reports per grid (grey, darker for more) and its hot spots (red), inside the districts."""
    plt, fig, ax = _figure(7.2, 4.2)
    for boundary in Boundary.objects.filter(organization__kind=OrgKind.DISTRICT).select_related("organization"):
        for polygon in boundary.geometry:
            x, y = zip(*polygon.exterior_ring.coords, strict=True)
            ax.plot(x, y, color="#868e96", linewidth=0.6)
        centre = boundary.geometry.point_on_surface
        ax.annotate(boundary.organization.name, (centre.x, centre.y), fontsize=7, color="#495057", ha="center")
    seen = found.counts > 0
    ax.scatter(*found.grid.lonlat[seen].T, s=1.5, c=found.counts[seen], cmap="Greys", marker="s", linewidths=0)
    if found.hot:
        ax.scatter(*zip(*(s.lonlat for s in found.hot), strict=True), s=3, c="#c92a2a", marker="s", linewidths=0)
    ax.set_aspect(1 / math.cos(math.radians(float(found.grid.lonlat[:, 1].mean()) if found.grid.size else 30)))
    ax.set_axis_off()
    return _png(plt, fig)


def _week_chart(matrix: list[list[int]]) -> str:
    """Reports by weekday and hour."""
    plt, fig, ax = _figure(7.2, 2.2)
    grid = [[0] * 24 for _ in range(7)]
    for day, hour, n in matrix:
        grid[day][hour] = n
    ax.imshow(grid, cmap="Blues", aspect="auto")
    ax.set_yticks(range(7), ["周一", "周二", "周三", "周四", "周五", "周六", "周日"])
    ax.set_xticks(range(0, 24, 2), [f"{h}时" for h in range(0, 24, 2)])
    ax.tick_params(labelsize=7)
    return _png(plt, fig)


def context(snapshot: Snapshot) -> dict:
    month = snapshot.period_start
    previous = month_snapshot(months_back(month, 2)[0])

    def ranked(object_type):
        return ranking(snapshot, previous, object_type)

    cases = indicators.cohort(snapshot.period_start, snapshot.period_end)
    rates = {r.name: r.label for r in indicators.RATES}
    units = ranked("unit")
    points = trend(months_back(month, 12))
    reported = Case.objects.filter(reported_at__range=indicators.period(snapshot.period_start, snapshot.period_end))
    found = hotspots.analyse(reported)
    return {
        "snapshot": snapshot,
        "month": month,
        "city": snapshot.rows.get(object_type="city"),
        "previous_city": previous.rows.filter(object_type="city").first() if previous else None,
        "key_rates": [(k, rates[k]) for k in KEY_RATES],
        "districts": ranked("district"),
        "units": units,
        "streets": ranked("street")[:15],
        "disputes": dispute_figures(*indicators.period(snapshot.period_start, snapshot.period_end)),
        "top_categories": cases.values("category__name", "category__major__name")
        .annotate(n=Count("pk"))
        .order_by("-n")[:10],
        "hot_streets": cases.values("street__name", "district__name").annotate(n=Count("pk")).order_by("-n")[:10],
        "problem_units": sorted(
            (s for s in units if s.row.counts["overdue_now"] or s.row.counts["reworked"]),
            key=lambda s: -(s.row.counts["overdue_now"] + s.row.counts["reworked"]),
        )[:15],
        "chart": _chart(points),
        "hotspot_map": _hotspot_map(found),
        "hot_grids": len(found.hot),
        "week_chart": _week_chart(patterns.hour_by_weekday(reported)),
        "consolidation_trend": [(m, r.get("consolidation_rate")) for m, r in points if r.get("rechecked")],
        "sampled_districts": [
            s for s in ranked("district") if s.row.counts.get("rechecked") or s.row.counts.get("assigned")
        ],
        "problems": statistics.problems(month, snapshot.period_end, Sample.objects.all()),
        "generated": timezone.now(),
        "font": FONT,
    }


def render_pdf(snapshot: Snapshot) -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    from weasyprint import HTML

    with translation.override("zh-hans"):
        html = render_to_string("evaluation/bulletin.html", context(snapshot))
    document = HTML(string=html).render()
    return document.write_pdf(), len(document.pages)


def generate_bulletin(month: dt.date, user=None) -> Bulletin:
    snapshot = month_snapshot(month)
    if snapshot is None:
        raise ValueError(f"no finished snapshot for {month:%Y-%m}")
    pdf, pages = render_pdf(snapshot)
    bulletin = Bulletin(month=month, snapshot=snapshot, generated_by=user, pages=pages)
    bulletin.pdf.save(f"bulletin-{month:%Y-%m}-{timezone.now():%Y%m%d%H%M%S}.pdf", ContentFile(pdf), save=False)
    bulletin.save()
    return bulletin
