import datetime as dt
import io
import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import DESK_ROLES, Role
from accounts.decorators import role_required
from accounts.models import Organization
from citymgmt.errors import Conflict
from citymgmt.paging import LongListPaginator
from citymgmt.spreadsheets import download, workbook
from dispatch.services import suggest_redispatch, suggest_unit
from gis.selectors import nearby_components
from gis.views import map_settings

from . import selectors
from .choices import CaseSource, CaseState
from .choices import CaseState as S
from .exports import INSTANT_ROWS, start_export, write_cases
from .forms import ReportForm, action_form
from .models import Attachment, CaseExport, Decision, ExportStatus
from .selectors import (
    DUPLICATE_DAYS,
    DUPLICATE_METRES,
    QUEUES_BY_NAME,
    CaseFilter,
    possible_duplicates,
    timing_light,
    visible_cases,
    with_step_start,
)
from .services import access_case, liaison, perform, report_case
from .services.core import authorize
from .workflow import ACTIONS, TRANSITIONS, available_transitions
from .worktime import day_range, month_end, month_named


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def all_visible(user, _query):
    """The case list's cases, for its export."""
    return visible_cases(user)


@login_required
def case_list(request):
    return case_list_page(request, visible_cases(request.user))


def case_list_page(request, cases, title=None, source=all_visible):
    """The case list (or its Excel export) of ``cases``, narrowed by the filters in the query string.
    ``source`` gives ``cases`` again for a background export (``cases.exports.Source``)."""
    cases = CaseFilter(request.GET, queryset=cases, request=request)
    if request.GET.get("export") == "xlsx":
        return export_list(request, cases.qs, source)
    page = LongListPaginator(with_step_start(cases.qs), 50).get_page(request.GET.get("page"))
    now = timezone.now()
    for case in page:
        case.light = timing_light(case, now)
    queue = QUEUES_BY_NAME.get(request.GET.get("queue", ""))
    return render(
        request,
        "cases/list.html",
        {
            "filter": cases,
            "page": page,
            "title": title or (queue.label if queue else _("Cases")),
        },
    )


def export_list(request, cases, source):
    """A short list downloads at once; a long one is written in the background, with its progress page."""
    total = cases.count()
    if total <= INSTANT_ROWS:
        out = io.BytesIO()
        write_cases(cases, out)
        return download(out.getvalue(), f"cases-{timezone.localdate():%Y%m%d}.xlsx")
    query = request.GET.copy()
    for name in ("export", "page"):
        query.pop(name, None)
    export = start_export(request.user, source, query.urlencode(), total)
    return redirect("case-export", pk=export.pk)


@login_required
def case_export(request, pk):
    export = get_object_or_404(CaseExport, pk=pk, user=request.user)
    if export.status == ExportStatus.DONE and request.GET.get("download"):
        return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.file.name.rsplit("/", 1)[-1])
    recent = CaseExport.objects.filter(user=request.user)[:10]
    return render(request, "cases/export.html", {"export": export, "recent": recent})


@login_required
def case_detail(request, pk):
    case = access_case(request.user, pk)
    forms = {
        t.action: (t, action_form(t.action, request.user, case)) for t in available_transitions(request.user, case)
    }
    suggestion = None
    for action, suggest in (("dispatch", suggest_unit), ("redispatch", suggest_redispatch)):
        if action in forms and (suggestion := suggest(case)) is not None:
            forms[action][1].fields["unit"].initial = suggestion.pk
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "light": timing_light(case),
            "action_forms": forms.values(),
            "events": case.events.select_related("actor", "actor_organization").prefetch_related("attachments"),
            "steps": case.steps.select_related("organization", "person"),
            "suggestion": suggestion,
            "components": nearby_components(case.location),
            "map": map_settings(),
            "can_relocate": "relocate" in forms,
            "public_desk": request.user.has_role(*DESK_ROLES),
            "duplicates": possible_duplicates(case, request.user)
            if case.state in (S.REPORTED, S.VERIFYING, S.PENDING_REGISTRATION)
            else (),
            "duplicate_window": (DUPLICATE_METRES, DUPLICATE_DAYS),
            "next_case": selectors.next_case(request.user, case),
        },
    )


@login_required
@require_POST
def case_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    case = access_case(request.user, pk)
    try:
        authorize(TRANSITIONS[action], request.user, case)
    except Conflict as error:
        messages.error(request, error.message)
        return redirect("case-detail", pk=pk)
    except PermissionDenied as error:
        messages.error(request, str(error) or _("Your role may not do this."))
        return redirect("case-detail", pk=pk)
    form = action_form(action, request.user, case, request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("case-detail", pk=pk)
    params = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    try:
        perform(case_id=pk, action=action, actor=request.user, **params)
    except Conflict as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, error_text(error))
    except PermissionDenied as error:
        messages.error(request, str(error) or _("Your role may not do this."))
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": TRANSITIONS[action].label})
    return redirect("case-detail", pk=pk)


@login_required
def case_report(request):
    preset = {"source": request.GET["source"]} if request.GET.get("source") in CaseSource.values else {}
    form = ReportForm(
        request.POST or None, request.FILES or None, user=request.user, scheme=settings.CATEGORY_SCHEME, initial=preset
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case, created = report_case(
                actor=request.user,
                idempotency_key=data["idempotency_key"],
                source=data["source"],
                category=data["category"],
                description=data["description"],
                location=data["location"],
                area=data["area"],
                address=data["address"],
                urgency=data["urgency"],
                component_code=data["component_code"],
                reporter_name=data.get("reporter_name", ""),  # none asked of a supervisor: they reported it
                reporter_phone=data.get("reporter_phone", ""),
                self_handled=data.get("self_handled", False),
                photos=data["photos"] + data.get("after_photos", []),
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Case %(number)s reported.") % {"number": case.number}
                if created
                else _("Case %(number)s was already reported.") % {"number": case.number},
            )
            if created and possible_duplicates(case, request.user).exists():
                messages.warning(
                    request,
                    _(
                        "Cases of the same kind were reported close by in the last days: "
                        "see “possible duplicates” on the case page."
                    ),
                )
            return redirect("case-detail", pk=case.pk)
    return render(
        request, "cases/report.html", {"form": form, "map": map_settings()}, status=400 if form.errors else 200
    )


@login_required
def city_map(request):
    return render(
        request,
        "cases/map.html",
        {
            "filter": CaseFilter(request=request),
            "sources": CaseSource.choices,
            "states": CaseState.choices,
            "map": map_settings(),
        },
    )


PHOTO_COPIES = {"thumb": "thumbnail", "photo": "public_image", "original": "image"}
# The upload as it came, with its camera metadata (GPS included), is evidence for those who rule on cases;
# everyone else who may see the case sees the copy re-encoded without metadata.
ORIGINAL_VIEWERS = (Role.ADMINISTRATOR, Role.LEADER, Role.SHIFT_LEADER)


@login_required
def case_photo(request, pk, copy):
    """A photo of a case the viewer may see: its thumbnail, the copy without metadata, or (for those who rule
    on cases) the original. Local files are sent from here; an object store answers a short-lived signed URL."""
    attachment = get_object_or_404(Attachment.objects.select_related("case"), pk=pk)
    access_case(request.user, attachment.case_id)  # 404 outside the viewer's scope
    if copy not in PHOTO_COPIES or (copy == "original" and not request.user.has_role(*ORIGINAL_VIEWERS)):
        raise Http404
    stored = getattr(attachment, PHOTO_COPIES[copy])
    if settings.S3_BUCKET:
        return redirect(stored.url)  # signed, expiring (AWS_QUERYSTRING_EXPIRE)
    response = FileResponse(stored.open("rb"), content_type=mimetypes.guess_type(stored.name)[0])
    # The copies never change (their names carry the content's digest): the browser may keep them.
    response["Cache-Control"] = "private, max-age=86400, immutable"
    return response


AGENDA_ROLES = (*liaison.DECIDERS, Role.UNIT_OPERATOR)  # the units attend, and report their follow-ups


@role_required(*AGENDA_ROLES)
def liaison_agenda(request):
    """The month's liaison meeting (会商会办): open and ruled disputes, long-overdue cases, per unit; in the
    page or as a workbook to print."""
    month = month_named(request.GET.get("month"), timezone.localdate().replace(day=1))
    agenda = selectors.liaison_agenda(request.user, *day_range(month, month_end(month)))
    sections = [
        (_("Disputes waiting for a ruling"), agenda["open"]),
        (_("Disputes ruled this month"), agenda["ruled"]),
        (_("Overdue at the unit for more than five days"), agenda["overdue"]),
    ]
    if request.GET.get("export") == "xlsx":
        sheets = {
            title: [
                {
                    _("Responsible unit"): str(case.assignee or ""),
                    _("Case number"): case.number,
                    _("Category"): case.category.name,
                    _("Address"): case.address,
                    _("Disputed since"): timezone.localtime(case.disputed_since).strftime("%Y-%m-%d %H:%M")
                    if case.disputed_since
                    else "",
                    _("Returns"): case.return_count,
                    _("Deadline"): timezone.localtime(case.handling_deadline).strftime("%Y-%m-%d %H:%M")
                    if case.handling_deadline
                    else "",
                }
                for case in cases
            ]
            for title, cases in sections
        }
        sheets[_("Follow-ups")] = [
            {
                _("Case number"): d.case.number,
                _("Decision"): d.text,
                _("Followed up by"): str(d.owner),
                _("Due"): d.due_on.isoformat(),
                _("Done"): timezone.localtime(d.done_at).strftime("%Y-%m-%d %H:%M") if d.done_at else "",
                _("Note"): d.done_note,
            }
            for d in selectors.follow_ups(request.user, day_range(month, month_end(month))[0])
        ]
        return download(workbook(sheets), f"liaison-{month:%Y-%m}.xlsx")
    context = {
        "month": month,
        "sections": sections,
        "follow_ups": selectors.follow_ups(request.user, day_range(month, month_end(month))[0]),
        "decides": request.user.may_act_as(*liaison.DECIDERS),
        "owners": Organization.objects.filter(kind__in=liaison.FOLLOWERS, is_active=True).order_by("path"),
        "today": timezone.localdate(),
    }
    return render(request, "cases/agenda.html", context)


@require_POST
@role_required(*liaison.DECIDERS)
def liaison_decide(request, pk):
    """A decision of the meeting on one case, with who follows it up by when."""
    case = access_case(request.user, pk)
    try:
        owner = Organization.objects.get(pk=int(request.POST.get("owner", "")))
        due_on = dt.date.fromisoformat(request.POST.get("due_on", ""))
        liaison.record_decision(
            actor=request.user, case=case, text=request.POST.get("text", ""), owner=owner, due_on=due_on
        )
    except (ValueError, Organization.DoesNotExist):
        messages.error(request, _("Give the decision, the body that follows it up and the due date."))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error) if isinstance(error, ValidationError) else str(error))
    else:
        messages.success(request, _("Decision on case %(number)s recorded.") % {"number": case.number})
    return redirect(f"{reverse('liaison-agenda')}?month={request.POST.get('month', '')}")


@require_POST
@role_required(*AGENDA_ROLES)
def follow_up_done(request, pk):
    decision = get_object_or_404(Decision.objects.restrict(request.user), pk=pk)
    try:
        liaison.complete_follow_up(actor=request.user, decision=decision, note=request.POST.get("note", ""))
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Follow-up reported done."))
    return redirect(f"{reverse('liaison-agenda')}?month={request.POST.get('month', '')}")
