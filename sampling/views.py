"""The sampling pages: the library on a map, task planning, the coverage and problems board, special
collections, recheck draws, and the supervisor's own day (usable on a phone). Each calls the services and
selectors; none writes a model itself."""

import datetime as dt
import re
import tempfile

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import OFFICE_ROLES, Role
from accounts.decorators import role_required
from cases.models import Case
from cases.worktime import month_end, month_named
from citymgmt.errors import Conflict
from citymgmt.spreadsheets import download, workbook
from classification.models import Category
from gis.imports import ImportRefused
from gis.views import map_settings

from . import forms, statistics
from .areas import drawn_area
from .models import Library, Recheck, RecheckDraw, Sample, SampleKind, SpecialCollection
from .selectors import sample_cases, todays_work, visible_rechecks, visible_samples, visible_specials, visible_tasks
from .services import library as library_services
from .services import patrols, rechecks, tasks

STAFF = OFFICE_ROLES


def _month(value: str | None) -> dt.date:
    return month_named(value, timezone.localdate().replace(day=1))


def _fail(request, error: Exception) -> None:
    text = " ".join(error.messages) if isinstance(error, ValidationError) else str(getattr(error, "message", error))
    messages.error(request, text)


def _can_plan(user) -> bool:
    return user.may_act_as(*tasks.PLANNERS)


@role_required(*STAFF)
def library(request):
    versions = list(Library.objects.all())
    chosen = next((v for v in versions if str(v.pk) == request.GET.get("library")), None)
    chosen = chosen or Library.in_force(timezone.localdate()) or (versions[0] if versions else None)
    samples = visible_samples(request.user, chosen)
    kind = request.GET.get("kind", "")
    if kind:
        samples = samples.filter(kind__code=kind)
    if text := request.GET.get("q", "").strip():
        samples = samples.filter(name__icontains=text)
    page = Paginator(samples.order_by("kind__order", "code"), 50).get_page(request.GET.get("page"))
    context = {
        "versions": versions,
        "chosen": chosen,
        "kinds": SampleKind.objects.all(),
        "kind": kind,
        "q": text,
        "page": page,
        "summary": statistics.library_summary(visible_samples(request.user, chosen)),
        "can_plan": _can_plan(request.user),
        "version_form": forms.VersionForm(),
        "import_form": forms.ImportForm(),
        "map": map_settings(),
    }
    return render(request, "sampling/library.html", context)


@require_POST
@role_required(Role.ADMINISTRATOR, Role.DISPATCHER, Role.SHIFT_LEADER)
def new_version(request):
    form = forms.VersionForm(request.POST)
    if form.is_valid():
        try:
            made = library_services.new_version(**form.cleaned_data)
        except ValidationError as error:
            _fail(request, error)
        else:
            messages.success(request, _("Version %(name)s created.") % {"name": made})
            return redirect(f"{reverse('sampling-library')}?library={made.pk}")
    else:
        messages.error(request, _("Give the version a name and a first day."))
    return redirect("sampling-library")


@require_POST
@role_required(Role.ADMINISTRATOR, Role.DISPATCHER, Role.SHIFT_LEADER)
def import_samples(request):
    form = forms.ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the version, the kind and the file."))
        return redirect("sampling-library")
    upload = form.cleaned_data["file"]
    suffix = ".zip" if upload.name.lower().endswith(".zip") else ".geojson"
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        try:
            report = library_services.import_samples(copy.name, form.cleaned_data["library"], form.cleaned_data["kind"])
        except ImportRefused as refused:
            messages.error(
                request, _("The file was refused: %(errors)s") % {"errors": "; ".join(refused.report.errors[:10])}
            )
        except ValidationError as error:
            _fail(request, error)
        else:
            messages.success(request, _("%(n)d samples imported.") % {"n": report.written})
    return redirect(f"{reverse('sampling-library')}?library={form.cleaned_data['library'].pk}")


@role_required(*STAFF)
def sample_detail(request, pk):
    sample = get_object_or_404(
        Sample.objects.restrict(request.user).select_related("kind", "library", "district"), pk=pk
    )
    form = forms.SampleForm(request.POST or None, initial={"name": sample.name, "level": sample.level})
    if request.method == "POST":
        if not _can_plan(request.user):
            raise PermissionDenied
        if form.is_valid():
            sample.name, sample.level = form.cleaned_data["name"], form.cleaned_data["level"]
            try:
                library_services.save_sample(sample)
            except ValidationError as error:
                _fail(request, error)
            else:
                messages.success(request, _("Sample saved."))
                return redirect("sampling-sample", pk=sample.pk)
    cases = Paginator(sample_cases(request.user, sample), 30).get_page(request.GET.get("page"))
    context = {
        "sample": sample,
        "form": form,
        "cases": cases,
        "tasks": visible_tasks(request.user).filter(sample=sample).order_by("-starts_on")[:30],
        "visits": sample.visits.select_related("patrol__supervisor").order_by("-day")[:30],
        "geojson": sample.geometry.geojson,
        "can_plan": _can_plan(request.user),
        "map": map_settings(),
    }
    return render(request, "sampling/sample.html", context)


@role_required(*STAFF)
def planning(request):
    month = _month(request.GET.get("month"))
    first, last = month, month_end(month)
    rows = visible_tasks(request.user).filter(starts_on__lte=last, ends_on__gte=first)
    if supervisor := request.GET.get("supervisor", ""):
        rows = rows.filter(supervisor_id=supervisor) if supervisor.isdigit() else rows
    if kind := request.GET.get("kind", ""):
        rows = rows.filter(sample__kind__code=kind)
    covered = {row.task.pk: row for row in statistics.coverage(first, last, rows).tasks}
    page = Paginator(rows.order_by("supervisor__full_name", "sample__kind__order", "sample__code", "starts_on"), 50)
    page = page.get_page(request.GET.get("page"))
    context = {
        "month": month,
        "page": page,
        "rows": [(task, covered.get(task.pk)) for task in page],
        "kinds": SampleKind.objects.all(),
        "kind": kind,
        "supervisor": supervisor,
        "supervisors": forms.supervisors(),
        "assign_form": forms.AssignForm(initial={"starts_on": first, "ends_on": last}),
        "change_form": forms.ChangeForm(auto_id=False, initial={"on": timezone.localdate()}),
        "can_plan": _can_plan(request.user),
        "library": Library.in_force(first),
        "map": map_settings(),
    }
    return render(request, "sampling/planning.html", context)


def _codes(text: str) -> list[str]:
    return [code for code in re.split(r"[\s,，;；]+", text.strip()) if code]


@require_POST
@role_required(*tasks.PLANNERS)
def assign(request):
    form = forms.AssignForm(request.POST)
    back = redirect(f"{reverse('sampling-planning')}?month={request.POST.get('starts_on', '')[:7]}")
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return back
    data = form.cleaned_data
    try:
        library = Library.in_force(data["starts_on"])
        codes = _codes(data["samples"])
        samples = list(visible_samples(request.user, library).filter(code__in=codes))
        if len(samples) != len(set(codes)):
            missing = sorted(set(codes) - {s.code for s in samples})
            raise ValidationError(_("No such sample in your area: %(codes)s") % {"codes": ", ".join(missing)})
        made = tasks.assign(
            actor=request.user,
            supervisor=data["supervisor"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            samples=samples,
            area=drawn_area(data["area"]),
            times=data["times"],
            per=data["per"],
        )
    except (ValidationError, PermissionDenied) as error:
        _fail(request, error)
    else:
        messages.success(request, _("%(n)d tasks assigned.") % {"n": len(made)})
    return back


@require_POST
@role_required(*tasks.PLANNERS)
def change_task(request, pk):
    task = get_object_or_404(visible_tasks(request.user), pk=pk)
    form = forms.ChangeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            tasks.change(
                task,
                actor=request.user,
                on=data["on"],
                supervisor=data["supervisor"],
                times=data["times"],
                per=data["per"] or None,
                note=data["note"],
            )
        except (ValidationError, PermissionDenied) as error:
            _fail(request, error)
        else:
            messages.success(request, _("Task changed; the history keeps both."))
    else:
        messages.error(request, _("Give the day the change takes effect."))
    return redirect(f"{reverse('sampling-planning')}?month={task.starts_on:%Y-%m}")


@require_POST
@role_required(*tasks.PLANNERS)
def copy_plan(request):
    month = _month(request.POST.get("month"))
    target = month_end(month) + dt.timedelta(days=1)
    try:
        count = tasks.copy_plan(
            actor=request.user, source=(month, month_end(month)), target=(target, month_end(target))
        )
    except ValidationError as error:
        _fail(request, error)
    else:
        messages.success(request, _("%(n)d tasks planned for %(month)s.") % {"n": count, "month": f"{target:%Y-%m}"})
    return redirect(f"{reverse('sampling-planning')}?month={target:%Y-%m}")


@role_required(*STAFF)
def board(request):
    """Coverage per supervisor, district and kind; missed patrols; problems per km / per sample; top samples;
    special versus daily collection; the month's trend; Excel export."""
    month = _month(request.GET.get("month"))
    first, last = month, month_end(month)
    covered = statistics.coverage(first, last, visible_tasks(request.user))
    cases = Case.objects.restrict(request.user)
    samples = visible_samples(request.user, Library.in_force(first))
    months = [(month.replace(day=1) - dt.timedelta(days=31 * i)).replace(day=1) for i in range(11, -1, -1)]
    names = {t.task.supervisor_id: t.task.supervisor.get_full_name() for t in covered.tasks}
    districts = {t.task.sample.district_id: t.task.sample.district.name for t in covered.tasks}
    kinds = {t.task.sample.kind_id: t.task.sample.kind.name for t in covered.tasks}
    context = {
        "month": month,
        "total": covered.total,
        "by_supervisor": sorted(
            ((names[k], v) for k, v in covered.by(lambda t: t.supervisor_id).items()),
            key=lambda r: (r[1]["rate"] or 0, r[0]),
        ),
        "by_district": sorted((districts[k], v) for k, v in covered.by(lambda t: t.sample.district_id).items()),
        "by_kind": sorted((kinds[k], v) for k, v in covered.by(lambda t: t.sample.kind_id).items()),
        "missed": covered.missed if request.GET.get("export") == "xlsx" else covered.missed[:30],
        "missed_count": len(covered.missed),
        "problems": statistics.problems(first, last, samples, cases),
        "trend": statistics.trend(months, cases, samples),
        "months": months,
        "special": statistics.special_vs_daily(first, last, cases),
        "consolidation": statistics.consolidation_table(first, last, visible_rechecks(request.user)),
    }
    if request.GET.get("export") == "xlsx":
        return _board_workbook(context)
    return render(request, "sampling/board.html", context)


def _board_workbook(context) -> HttpResponse:
    def coverage_rows(rows, label):
        return [
            {label: name, _("Assigned"): v["assigned"], _("Patrolled"): v["patrolled"], _("Coverage"): v["rate"]}
            for name, v in rows
        ]

    sheets = {
        _("Supervisors"): coverage_rows(context["by_supervisor"], _("Supervisor")),
        _("Districts"): coverage_rows(context["by_district"], _("District")),
        _("Missed patrols"): [
            {
                _("Supervisor"): r.task.supervisor.get_full_name(),
                _("Sample"): r.task.sample.name,
                _("Assigned"): r.required,
                _("Patrolled"): r.done,
                _("Missed"): r.missed,
            }
            for r in context["missed"]
        ],
        _("Problems"): [
            {
                _("Kind"): g["kind__name"],
                _("Level"): g["level"],
                _("Samples"): g["samples"],
                _("km"): g["km"],
                _("Problems"): g["problems"],
                _("Per km or per sample"): g["per_unit"],
            }
            for g in context["problems"]["groups"]
        ],
        _("Top samples"): [
            {_("Sample"): t["sample"].name, _("Code"): t["sample"].code, _("Problems"): t["problems"]}
            for t in context["problems"]["top"]
        ],
    }
    return download(workbook(sheets), f"sampling-{context['month']:%Y-%m}.xlsx")


@role_required(*STAFF)
def specials(request):
    form = forms.SpecialForm(request.POST or None)
    if request.method == "POST":
        if not _can_plan(request.user):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            codes = _codes(data["categories"])
            categories = list(Category.objects.filter(full_code__in=codes))
            try:
                if len(categories) != len(set(codes)):
                    raise ValidationError(_("Unknown category code among %(codes)s.") % {"codes": ", ".join(codes)})
                org = request.user.organization
                district = org.scope_root if org and org.scope_root.kind == "district" else None
                special = SpecialCollection(
                    name=data["name"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    note=data["note"],
                    area=drawn_area(data["area"]),
                    district=district,
                )
                tasks.save_special(special, actor=request.user, supervisors=data["supervisors"], categories=categories)
            except (ValidationError, PermissionDenied) as error:
                _fail(request, error)
            else:
                messages.success(request, _("Special collection %(name)s set up.") % {"name": special.name})
                return redirect("sampling-specials")
    rows = (
        visible_specials(request.user)
        .prefetch_related("supervisors", "categories")
        .annotate(reports=Count("findings"))
        .order_by("-starts_at")
    )
    context = {"form": form, "rows": rows[:100], "can_plan": _can_plan(request.user), "map": map_settings()}
    return render(request, "sampling/specials.html", context)


@role_required(*STAFF)
def recheck_list(request):
    month = _month(request.GET.get("month"))
    draw = RecheckDraw.objects.filter(month=month).first()
    rows = visible_rechecks(request.user).filter(draw=draw) if draw else Recheck.objects.none()
    form = forms.DrawForm(
        request.POST or None, initial={"month": month, "rate": settings.RECHECK_RATE, "size": settings.RECHECK_SIZE}
    )
    if request.method == "POST" and form.is_valid():
        try:
            made = rechecks.draw(
                form.cleaned_data["month"],
                actor=request.user,
                rate=form.cleaned_data["rate"],
                size=form.cleaned_data["size"],
            )
        except (ValidationError, PermissionDenied) as error:
            _fail(request, error)
        else:
            messages.success(request, _("%(n)d closed cases drawn for rechecks.") % {"n": made.rechecks.count()})
            return redirect(f"{request.path}?month={made.month:%Y-%m}")
    context = {
        "month": month,
        "draw": draw,
        "form": form,
        "can_draw": request.user.may_act_as(*rechecks.DRAWERS),
        "page": Paginator(rows.order_by("result", "due_on", "pk"), 50).get_page(request.GET.get("page")),
        "consolidation": statistics.consolidation_table(month, month_end(month), visible_rechecks(request.user)),
        "draws": RecheckDraw.objects.all()[:24],
    }
    return render(request, "sampling/rechecks.html", context)


@role_required(Role.SUPERVISOR)
def my_work(request):
    today = timezone.localdate()
    context = todays_work(request.user, today) | {"today": today, "record_form": forms.RecordForm()}
    return render(request, "sampling/my_work.html", context)


@require_POST
@role_required(Role.SUPERVISOR)
def record_recheck(request, pk):
    recheck = get_object_or_404(Recheck, pk=pk, supervisor=request.user)
    form = forms.RecordForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            done = rechecks.record(recheck, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied, Conflict) as error:
            _fail(request, error)
        else:
            if done.new_case:
                messages.success(
                    request, _("Recorded: recurred. New case %(number)s reported.") % {"number": done.new_case.number}
                )
            else:
                messages.success(request, _("Recorded: still fixed."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("sampling-my-work")


@require_POST
@role_required(Role.SUPERVISOR)
def patrol(request):
    """Start or finish the day's patrol from the page (the points go through the API)."""
    try:
        if request.POST.get("do") == "finish":
            open_patrol = request.user.patrols.filter(finished_at__isnull=True).first()
            if open_patrol:
                done = patrols.finish(open_patrol, actor=request.user)
                messages.success(
                    request,
                    _("Patrol finished: %(n)d samples covered.") % {"n": done.visits.filter(covered=True).count()},
                )
        else:
            special = None
            if request.POST.get("special"):
                special = get_object_or_404(SpecialCollection, pk=request.POST["special"])
            patrols.start(actor=request.user, key=request.POST.get("key", ""), special=special)
            messages.success(request, _("Patrol started: keep this page open while you patrol."))
    except (ValidationError, PermissionDenied) as error:
        _fail(request, error)
    return redirect("sampling-my-work")
