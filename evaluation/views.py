import datetime as dt
import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.choices import OFFICE_ROLES, OrgKind, Role
from accounts.decorators import role_required
from accounts.models import Organization
from accounts.scope import restrict
from cases.selectors import dispute_figures, visible_cases
from cases.views import case_list_page
from cases.worktime import month_end, month_named
from citymgmt.queue import enqueue
from citymgmt.spreadsheets import download, workbook
from gis.views import map_settings

from . import areas, hotspots, indicators, live, patterns, services, trends
from .forms import AnalysisForm, BeforeAfterForm, KeyAreaForm
from .models import Bulletin, KeyArea, OtherAssessment, Snapshot, SnapshotStatus
from .selectors import KEY_RATES, ids_in_scope, month_snapshot, ranking, scored_rows, sees_whole_city, trend
from .tasks import compute_snapshot, generate_bulletin

VIEWERS = OFFICE_ROLES
ASSESSORS = (Role.LEADER, Role.ADMINISTRATOR)  # enter the other assessments, generate the bulletin
COMPUTERS = (Role.LEADER, Role.ADMINISTRATOR, Role.DISPATCHER)  # compute a month again


FORECAST_LEVELS = [
    ("district", gettext_lazy("Districts")),
    ("street", gettext_lazy("Streets")),
    ("major", gettext_lazy("Major categories")),
]


def _month(value: str | None) -> dt.date:
    return month_named(value, services.previous_month(timezone.localdate())[0])


@login_required
def indicator_cases(request):
    """The cases behind one count of a snapshot (``fact``), judged as of its time (``as_of``), in the
    viewer's scope; the query string's case filters narrow them to one row of the table."""
    if request.GET.get("as_of") and parse_datetime(request.GET["as_of"]) is None:
        return HttpResponseBadRequest(_("Give the time as ISO 8601."))
    return case_list_page(request, indicator_case_list(request.user, request.GET), source=indicator_case_list)


def indicator_case_list(user, query):
    """The cases of one count (``fact``), less those of another (``without``: e.g. dispatched but not handled on
    time, what a rate misses), judged as of ``as_of``, in the user's scope."""
    as_of = parse_datetime(query.get("as_of", "")) or timezone.now()
    conditions = indicators.facts(as_of)
    cases = visible_cases(user)
    fact, without = query.get("fact", ""), query.get("without", "")
    if fact not in conditions or (without and without not in conditions):
        return cases.none()
    rows = indicators.in_force(as_of).filter(conditions[fact])
    if without:
        rows = rows.exclude(conditions[without])
    return cases.filter(pk__in=rows.values("case"))


@role_required(*VIEWERS)
def dashboard(request):
    month = _month(request.GET.get("month"))
    snapshot = month_snapshot(month)
    previous = month_snapshot(services.months_back(month, 2)[0])
    rates = {r.name: r.label for r in indicators.RATES}
    context = {
        "month": month,
        "snapshot": snapshot,
        "previous": previous,
        "key_rates": [(k, rates[k]) for k in KEY_RATES],
        "months": services.months_back(services.previous_month(timezone.localdate())[0], 12)[::-1],
        "bulletins": Bulletin.objects.filter(month=month)[:5],
        "may_assess": request.user.may_act_as(*ASSESSORS),
        "may_compute": request.user.may_act_as(*COMPUTERS),
    }
    context["running"] = Snapshot.objects.filter(status=SnapshotStatus.RUNNING, period_start=month)
    context["disputes"] = dispute_figures(*indicators.period(month, month_end(month)))
    if snapshot:
        ids = ids_in_scope(request.user)
        context["tables"] = [
            (_("Districts"), "district", ranking(snapshot, previous, "district", ids)),
            (_("Handling units"), "unit", ranking(snapshot, previous, "unit", ids)),
            (_("Streets"), "street", ranking(snapshot, previous, "street", ids)),
        ]
        if (
            request.user.is_superuser
            or request.user.has_role(Role.LEADER, Role.ADMINISTRATOR)
            or getattr(request.user.organization, "kind", "") == "center"
        ):
            context["post_tables"] = [
                (_("Supervisors"), scored_rows(snapshot, "supervisor")[:30]),
                (_("Intake operators"), scored_rows(snapshot, "intake")),
                (_("Shift leaders"), scored_rows(snapshot, "shift_leader")),
                (_("Dispatchers"), scored_rows(snapshot, "dispatcher")),
            ]
        context["breakdowns"] = [
            (_("By source"), "source", snapshot.rows.filter(object_type="source").order_by("object_name")),
            (_("By major category"), "major", snapshot.rows.filter(object_type="major").order_by("object_name")),
        ]
        context["facts"] = ("reports", "dispatched")
        # The breakdowns count the whole city: only a viewer who sees the whole city's cases drills down.
        context["sees_city_cases"] = sees_whole_city(ids)
        context["city"] = city = snapshot.rows.filter(object_type="city").first()
        context["previous_city"] = previous_city = (
            previous.rows.filter(object_type="city").first() if previous else None
        )
        by_name = {r.name: r for r in indicators.RATES}
        context["key_cards"] = [  # rate, last month's, and the counts behind it (to drill down to)
            (
                by_name[k],
                city.rates.get(k) if city else None,
                previous_city.rates.get(k) if previous_city else None,
                city.counts.get(by_name[k].numerator, 0) if city else 0,
                city.counts.get(by_name[k].denominator, 0) if city else 0,
            )
            for k in KEY_RATES
        ]
        points = trend(services.months_back(month, 12))
        context["trend"] = json.dumps(
            {
                "labels": [m.strftime("%Y-%m") for m, _r in points],
                "series": {
                    str(rates[k]): [round(100 * r[k], 2) if r.get(k) is not None else None for _m, r in points]
                    for k in ("on_time_handling_rate", "closure_rate", "on_time_closure_rate")
                },
                "volumes": {
                    _("Reports"): [r["reports"] for _m, r in points],
                    _("Dispatched"): [r["dispatched"] for _m, r in points],
                },
                "district_scores": {s.row.object_name: s.score for s in context["tables"][0][2]},
                "category_shares": {r.object_name: r.counts["reports"] for r in context["breakdowns"][1][2]},
            }
        )
    if snapshot and request.GET.get("export") == "xlsx":
        return _workbook(month, context, rates)
    return render(request, "evaluation/dashboard.html", context)


def _workbook(month, context, rates) -> HttpResponse:
    """Every table of the dashboard as a sheet: the rankings, the posts, the sources and the major categories."""
    sheets = {
        title: [
            {
                _("Rank"): s.rank,
                _("Name"): s.row.object_name,
                _("Reports"): s.row.counts.get("reports"),
                _("Dispatched"): s.row.counts.get("dispatched"),
                **{str(rates[k]): s.row.rates.get(k) for k in rates},
                _("Score"): s.score,
                _("Rating"): s.rating,
                _("Change"): s.change,
                _("Other assessment"): s.other_score,
                _("Performance assessment"): s.assessment,
            }
            for s in rows
        ]
        for title, _object_type, rows in context["tables"]
    }
    for title, rows in context.get("post_tables", ()):
        sheets[title] = [
            {
                _("Rank"): s.rank,
                _("Name"): s.row.object_name,
                **{str(rates.get(k, k)): v for k, v in s.row.rates.items()},
                _("Score"): s.score,
            }
            for s in rows
        ]
    for title, _param, rows in context["breakdowns"]:
        sheets[title] = [
            {
                _("Name"): r.object_name,
                _("Reports"): r.counts.get("reports"),
                _("Dispatched"): r.counts.get("dispatched"),
                **{str(rates[k]): r.rates.get(k) for k in rates},
            }
            for r in rows
        ]
    return download(workbook(sheets), f"evaluation-{month:%Y-%m}.xlsx")


@role_required(*ASSESSORS)
def assessments(request):
    """Staff enter the other assessment scores of each unit for a month."""
    month = _month(request.GET.get("month") or request.POST.get("month"))
    units = Organization.objects.restrict(request.user).handling_units().order_by("unit_type", "name")
    if request.method == "POST":
        scores = {unit.pk: request.POST.get(f"unit-{unit.pk}", "").strip() for unit in units}
        try:
            written = services.enter_assessments(month=month, scores=scores, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(n)d scores saved.") % {"n": written})
            return redirect(f"{reverse('dashboard')}?month={month:%Y-%m}")
    entered = dict(OtherAssessment.objects.filter(month=month).values_list("unit_id", "score"))
    return render(
        request,
        "evaluation/assessments.html",
        {
            "month": month,
            "rows": [(unit, entered.get(unit.pk)) for unit in units],
            "weight": round(100 * settings.PLATFORM_SCORE_WEIGHT),
        },
    )


@role_required(*COMPUTERS)
@require_POST
def compute(request):
    month = _month(request.POST.get("month"))
    snapshot = services.start_snapshot(start=month, end=month_end(month), user=request.user)
    if reason := enqueue(compute_snapshot, snapshot.pk):
        services.fail_snapshot(snapshot, _("Could not be queued (%(reason)s). Try again.") % {"reason": reason})
        messages.error(request, _("The computation could not be started: the task queue is unavailable. Try again."))
    else:
        messages.success(
            request, _("The indicators of %(month)s are being computed.") % {"month": month.strftime("%Y-%m")}
        )
    return redirect(f"{reverse('dashboard')}?month={month:%Y-%m}")


@role_required(*ASSESSORS)
@require_POST
def bulletin(request):
    month = _month(request.POST.get("month"))
    if month_snapshot(month) is None:
        messages.error(request, _("Compute the month's indicators first."))
    elif enqueue(generate_bulletin, month.isoformat(), request.user.pk):
        messages.error(request, _("The bulletin could not be started: the task queue is unavailable. Try again."))
    else:
        messages.success(request, _("The bulletin of %(month)s is being generated.") % {"month": f"{month:%Y-%m}"})
    return redirect(f"{reverse('dashboard')}?month={month:%Y-%m}")


@role_required(*VIEWERS)
def bulletin_pdf(request, pk):
    document = get_object_or_404(Bulletin, pk=pk)
    return FileResponse(
        document.pdf.open("rb"), content_type="application/pdf", filename=f"bulletin-{document.month:%Y-%m}.pdf"
    )


@role_required(*VIEWERS)
def history(request, object_type, object_id):
    """Vertical comparison: one district, street or unit month by month over the last twelve months."""
    if object_type not in ("district", "street", "community", "unit"):
        raise Http404
    organization = get_object_or_404(Organization, pk=object_id)  # aggregates are visible to all viewers (§9)
    month = _month(request.GET.get("month"))
    rates = {r.name: r.label for r in indicators.RATES}
    rows = []
    for m in services.months_back(month, 12):
        snapshot = month_snapshot(m)
        row = snapshot.rows.filter(object_type=object_type, object_id=object_id).first() if snapshot else None
        if row:
            rows.append((m, row))
    return render(
        request,
        "evaluation/history.html",
        {
            "organization": organization,
            "object_type": object_type,
            "rows": rows,
            "month": month,
            "rates": list(rates.items()),
        },
    )


@role_required(*OFFICE_ROLES)
def screen(request):
    """The live command center (大屏) for a wall: the city's, or the viewer's district's."""
    wall = live.screen_for(request.user)
    outlines = f"{reverse('gis-boundaries')}?kind={'street' if wall.district else 'district'}"
    context = {
        "wall": wall,
        "outlines": outlines,
        "counter_labels": [
            ("reported", _("Reported")),
            ("registered", _("Registered")),
            ("dispatched", _("Dispatched")),
            ("handled", _("Handled")),
            ("overdue", _("Overdue now")),
            ("closed", _("Closed")),
        ],
        "legend": [
            ("intake", _("At intake")),
            ("handling", _("With a unit")),
            ("checking", _("Being checked")),
            ("overdue", _("Overdue")),
            ("new", _("Just reported")),
            ("camera", _("Camera")),
        ],
        "screen_text": {
            "live": _("Live"),
            "reconnecting": _("Reconnecting… the figures are shown again once up to date"),
            "month": _("this month %s"),
            "open": _("open %s"),
            "hours": _("%s h"),
            "cases": _("cases"),
            "rate": _("on time %"),
            "other": _("Other"),
        },
    }
    return render(request, "evaluation/screen.html", context)


def _analysed(request):
    """The viewer's cases in the asked period and kind, the form, the period and the study area."""
    form = AnalysisForm(request.GET or None)
    start, end = form.period()
    cases = visible_cases(request.user).filter(
        hotspots.category_filter(**form.kind()), reported_at__date__gte=start, reported_at__date__lte=end
    )
    area = form.kind()["area"]
    district = next((o for o in [area, *area.ancestors()] if o.kind == OrgKind.DISTRICT), None) if area else None
    return form, start, end, cases, district or live.screen_for(request.user).district


def _page(form, start, end) -> dict:
    """What every analysis page shows above its own: the tabs, the filters, the period, the export."""
    return {"exportable": True, "form": form, "start": start, "end": end}


@role_required(*VIEWERS)
def analysis_hotspots(request):
    """Hot and cold spots (Gi*), the density, recurrent locations and the persistence of hot spots."""
    form, start, end, cases, district = _analysed(request)
    result = hotspots.analyse(cases, district.pk if district else None)
    months = services.months_back(start.replace(day=1), 6)
    lasting = hotspots.persistence(
        visible_cases(request.user).filter(hotspots.category_filter(**form.kind())),
        months,
        district.pk if district else None,
    )
    drill = {"reported_from": start.isoformat(), "reported_to": end.isoformat()} | {
        k: getattr(v, "pk", v) for k, v in form.kind().items() if v
    }
    repeated = hotspots.recurrent(cases)
    if request.GET.get("format") == "xlsx":
        sheets = {
            _("Hot and cold spots"): [
                {_("Grid"): s.code, _("Cases"): s.count, "Gi* z": s.z, "p": round(s.p, 5), _("Kind"): s.kind}
                for s in result.spots
            ],
            _("Recurrent locations"): [
                {_("Grid"): r["grid__code"], _("Category"): r["category__name"], _("Cases"): r["n"]} for r in repeated
            ],
            _("Persistent hot spots"): [{_("Grid"): r["code"], _("Months hot"): r["months"]} for r in lasting],
        }
        return download(workbook(sheets), f"hotspots-{start}-{end}.xlsx")
    context = _page(form, start, end) | {
        "result": result,
        "hot": result.hot[:20],
        "recurrent": repeated,
        "lasting": lasting[:20],
        "months": months,
        "drill": urlencode(drill),
        "outlines": f"{reverse('gis-boundaries')}?kind={'street' if district else 'district'}",
        "map_data": {
            "density": result.density(),
            "hot": [[*s.lonlat, s.code, s.count, s.z, s.level] for s in result.hot],
            "cold": [[*s.lonlat, s.code, s.count, s.z, s.level] for s in result.cold],
            "cases_url": reverse("case-list") + "?" + urlencode(drill),
        },
    }
    return render(request, "evaluation/analysis_hotspots.html", context)


@role_required(*VIEWERS)
def analysis_time(request):
    """When problems arise and when they are handled: the week's rhythm and the days off."""
    form, start, end, cases, _district = _analysed(request)
    vacuum = patterns.workdays_against_days_off(cases, start, end)
    if request.GET.get("format") == "xlsx":
        sheets = {
            _("Reports by hour and weekday"): [
                {_("Weekday"): d + 1, _("Hour"): h, _("Reports"): n} for d, h, n in patterns.hour_by_weekday(cases)
            ],
            _("Working days against days off (per day)"): vacuum,
            _("Hours from report to handled, by the hour of the report"): patterns.delay_by_hour(cases),
        }
        return download(workbook(sheets), f"time-patterns-{start}-{end}.xlsx")
    context = _page(form, start, end) | {
        "vacuum": vacuum,
        "chart_data": {"matrix": patterns.hour_by_weekday(cases), "delay": patterns.delay_by_hour(cases)},
        "labels": {
            "days": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
            "reports": _("Reports"),
            "hours": _("Hours to handled"),
        },
    }
    return render(request, "evaluation/analysis_time.html", context)


@role_required(*VIEWERS)
def analysis_types(request):
    """High-incidence types: categories by reports against the period before, the Pareto curve, the risers."""
    form, start, end, _cases, _district = _analysed(request)
    scoped = visible_cases(request.user).filter(hotspots.category_filter(**form.kind()))
    found = trends.types(scoped, start, end)
    if request.GET.get("format") == "xlsx":
        return download(workbook({_("High-incidence types"): found["rows"]}), f"types-{start}-{end}.xlsx")
    context = _page(form, start, end) | {
        **found,
        "chart_data": {
            "names": [r["name"] for r in found["rows"][:30]],
            "counts": [r["now"] for r in found["rows"][:30]],
            "cumulative": [r["cumulative"] for r in found["rows"][:30]],
        },
        "labels": {"reports": _("Reports"), "cumulative": _("Cumulative share %")},
    }
    return render(request, "evaluation/analysis_types.html", context)


@role_required(*VIEWERS)
def analysis_forecast(request):
    """Next month's reports per district, street and major category, with the error measured on past months,
    and the grids likely to be hot."""
    form, _start, _end, _cases, district = _analysed(request)
    scoped = visible_cases(request.user).filter(hotspots.category_filter(**form.kind()))
    today = timezone.localdate()
    last_three = services.months_back(today.replace(day=1), 4)[:-1]
    levels = [(label, trends.forecast(scoped, level, today)) for level, label in FORECAST_LEVELS]
    if request.GET.get("format") == "xlsx":
        sheets = {str(label): result["rows"] for label, result in levels}
        return download(workbook(sheets), f"forecast-{levels[0][1]['target']:%Y-%m}.xlsx")
    context = _page(form, _start, _end) | {
        "levels": levels,
        "likely_hot": hotspots.persistence(scoped, last_three, district.pk if district else None)[:20],
        "last_three": last_three,
    }
    return render(request, "evaluation/analysis_forecast.html", context)


@role_required(*VIEWERS)
def analysis_areas(request):
    """Key areas: those in the viewer's scope, and a new one drawn on the map or taken from an area."""
    form = KeyAreaForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            made = areas.create_area(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("analysis-area", pk=made.pk)
    kept = restrict(KeyArea.objects.all(), request.user, "organization").select_related("created_by")
    context = {"area_form": form, "areas": kept, "map": map_settings()}
    return render(request, "evaluation/analysis_areas.html", context)


@role_required(*VIEWERS)
def analysis_area(request, pk):
    """One key area: its trend over twelve months and the change around a date, tested against noise."""
    area = get_object_or_404(restrict(KeyArea.objects.all(), request.user, "organization"), pk=pk)
    kind = AnalysisForm(request.GET or None)
    cases = areas.inside(visible_cases(request.user).filter(hotspots.category_filter(**kind.kind())), area)
    today = timezone.localdate()
    asked = BeforeAfterForm(request.GET if "around" in request.GET else None)
    around, days = (
        (asked.cleaned_data["around"], asked.cleaned_data["days"])
        if asked.is_valid()
        else (today - dt.timedelta(days=28), 28)
    )
    year_ago = (today.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    context = {
        "area": area,
        "form": kind,
        "asked": asked if asked.is_bound else BeforeAfterForm(initial={"around": around, "days": days}),
        "comparison": areas.before_after(cases, around, days),
        "trend": areas.monthly(cases.filter(reported_at__date__gte=year_ago)),
        "geometry": area.geometry.geojson,
        "map": map_settings(),
    }
    return render(request, "evaluation/analysis_area.html", context)
