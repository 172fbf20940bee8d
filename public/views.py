"""The public pages (no log-in, phone first): report a problem, follow it by its number, its photos without
metadata; and, for the center's staff, a case's public side: notes to the reporter and blocking abuse."""

import mimetypes
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from accounts.decorators import role_required
from cases.services import access_case
from citymgmt.clients import client_address
from citymgmt.errors import Conflict
from classification.models import Category
from gis.selectors import outlines
from gis.views import map_settings

from . import selectors, services
from .choices import Channel
from .forms import BlockForm, NoteForm, PublicReportForm, TrackForm
from .models import Block, PublicNote, PublicReport

DEVICE_COOKIE = "citymgmt_device"


def device_of(request) -> str:
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    try:
        return uuid.UUID(value).hex
    except ValueError:
        return uuid.uuid4().hex


@require_http_methods(["GET", "POST"])
def report(request):
    device, address = device_of(request), client_address(request) or ""
    form = PublicReportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        limit = settings.PUBLIC_REPORTS_PER_HOUR
        if not (services.allow(f"web:{address}", limit, 3600) and services.allow(f"device:{device}", limit, 3600)):
            form.add_error(None, _("Too many reports from here in the last hour: please try again later."))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                public_report, _created = services.submit(
                    channel=Channel.WEB,
                    category=Category.objects.get(full_code=data["category"], major__scheme=settings.CATEGORY_SCHEME),
                    description=data["description"],
                    location=data["location"],
                    address=data["address"],
                    photos=data["photos"],
                    name=data["name"],
                    phone=data["phone"],
                    device_id=device,
                    client_address=address,
                    idempotency_key=data["key"],
                )
            except (ValidationError, PermissionDenied, Conflict) as error:
                form.add_error(None, " ".join(error.messages) if isinstance(error, ValidationError) else str(error))
                status = 403 if isinstance(error, PermissionDenied) else 400
            else:
                messages.success(
                    request,
                    _("Thank you. Your report is number %(number)s: keep it to follow the case.")
                    % {"number": public_report.case.number},
                )
                response = redirect(f"{reverse('public-track')}?number={public_report.case.number}")
                return remember(response, device)
        else:
            status = 400
    context = {"form": form, "map": map_settings(), "areas": reverse("public-areas")}
    return remember(render(request, "public/report.html", context, status=status), device)


def remember(response, device: str):
    response.set_cookie(DEVICE_COOKIE, device, max_age=2 * 365 * 86400, httponly=True, samesite="Lax")
    return response


def track(request):
    form = TrackForm(request.GET or None)
    case = selectors.find_public_case(form.cleaned_data["number"]) if form.is_valid() else None
    context = {"form": form, "view": selectors.PublicView(case) if case else None, "searched": form.is_bound}
    return render(request, "public/track.html", context, status=404 if form.is_bound and case is None else 200)


@cache_control(public=True, max_age=86400)
def photo(request, pk):
    """A public case's photo (the reporter's or the unit's after handling), re-encoded without metadata."""
    attachment = selectors.public_photo(pk)
    if attachment is None:
        raise Http404
    if settings.S3_BUCKET:
        return redirect(attachment.public_image.url)
    stored = attachment.public_image
    return FileResponse(stored.open("rb"), content_type=mimetypes.guess_type(stored.name)[0])


@cache_control(public=True, max_age=3600)
def areas(request):
    """District and street outlines for the public map."""
    return JsonResponse(outlines("street"))


@role_required(*services.NOTE_WRITERS)
@require_http_methods(["GET", "POST"])
def case_public(request, pk):
    """A case's public side for the desks: how it arrived, the notes the reporter reads, blocking an abuser."""
    case = access_case(request.user, pk)
    note_form, block_form = NoteForm(), BlockForm()
    if request.method == "POST":
        try:
            if request.POST.get("do") == "block":
                block_form = BlockForm(request.POST)
                if block_form.is_valid():
                    services.block_reporter(case, actor=request.user, reason=block_form.cleaned_data["reason"])
                    messages.success(request, _("This reporter's further reports will be refused."))
                    return redirect("public-case", pk=case.pk)
            else:
                note_form = NoteForm(request.POST)
                if note_form.is_valid():
                    services.add_note(case, actor=request.user, text=note_form.cleaned_data["text"])
                    messages.success(request, _("The note is published to the reporter."))
                    return redirect("public-case", pk=case.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    report = PublicReport.objects.select_related("api_key").filter(case=case).first()
    context = {
        "case": case,
        "report": report,
        "notes": PublicNote.objects.filter(case=case).select_related("written_by"),
        "blocked": Block.objects.filter(case=case).exists(),
        "note_form": note_form,
        "block_form": block_form,
        "status_text": selectors.PUBLIC_STATES.get(case.state, ""),
    }
    return render(request, "public/case.html", context)
