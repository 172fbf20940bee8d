"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at ``/open311/v2/``: discovery, the service list
and definitions (the classification in force), ``POST requests`` with an API key, ``GET requests``,
``GET requests/{id}`` and ``GET tokens/{token}``, each in JSON and XML, errors in the specification's form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from xml.etree import ElementTree

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cases.attachments import check_photos
from cases.choices import AttachmentKind
from citymgmt.clients import client_address
from citymgmt.text import printable
from classification.models import Category

from . import selectors, services
from .choices import Channel

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-26T00:00:00+08:00"
MAX_REQUESTS = 1000
WINDOW = dt.timedelta(days=90)
# The XML form names each list's items (the JSON form is a plain array).
ITEM = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


def _xml(parent: ElementTree.Element, tag: str, value) -> None:
    node = ElementTree.SubElement(parent, tag)
    if isinstance(value, list):
        for item in value:
            _xml(node, ITEM[tag], item)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _xml(node, key, inner)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        node.text = printable(str(value))


def render(body, fmt: str, root: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        document = ElementTree.Element(root)
        for item in body if isinstance(body, list) else [body]:
            if isinstance(body, list):
                _xml(document, ITEM[root], item)
            else:
                for key, value in item.items():
                    _xml(document, key, value)
        text = b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(document, encoding="utf-8")
        return HttpResponse(text, content_type="text/xml; charset=utf-8", status=status)
    return JsonResponse(body, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def endpoint(view: Callable) -> Callable:
    """Format from the suffix, the jurisdiction checked, reads limited per client address, every error in the
    specification's form (``[{"code": …, "description": …}]``)."""

    @csrf_exempt
    @require_http_methods(["GET", "POST"])
    @wraps(view)
    def wrapper(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
        try:
            if fmt not in ("json", "xml"):
                fmt = "json"
                raise Open311Error(400, _("The format is json or xml."))
            jurisdiction = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
            if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION:
                raise Open311Error(404, _("jurisdiction_id not found."))
            address = client_address(request) or ""
            if request.method == "GET" and not services.allow(f"read:{address}", settings.OPEN311_READS_PER_MINUTE, 60):
                raise Open311Error(429, _("Too many requests: try again in a minute."))
            return view(request, fmt, **kwargs)
        except Open311Error as error:
            return render([{"code": error.status, "description": error.description}], fmt, "errors", error.status)
        except ValidationError as error:
            return render([{"code": 400, "description": " ".join(error.messages)}], fmt, "errors", 400)
        except PermissionDenied as error:
            return render([{"code": 403, "description": str(error)}], fmt, "errors", 403)
        except Http404 as error:
            return render([{"code": 404, "description": str(error)}], fmt, "errors", 404)

    return wrapper


def categories():
    return Category.objects.filter(is_active=True, major__scheme=settings.CATEGORY_SCHEME).select_related("major")


def service_of(category: Category) -> dict:
    return {
        "service_code": category.full_code,
        "service_name": category.name,
        "description": category.registration_criteria or category.name,
        "metadata": False,
        "type": "realtime",
        "keywords": f"{category.major.name},{category.major.get_kind_display()}",
        "group": category.major.name,
    }


def when(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def request_of(request: HttpRequest, view: selectors.PublicView) -> dict:
    case = view.case
    media = view.media
    return {
        "service_request_id": case.number,
        "status": "open" if view.is_open else "closed",
        "status_notes": view.status_notes,
        "service_name": case.category.name,
        "service_code": case.category.full_code,
        "description": case.description,
        "agency_responsible": view.agency,
        "service_notice": view.status_text,
        "requested_datetime": when(case.reported_at),
        "updated_datetime": when(case.updated_at),
        "expected_datetime": when(case.handling_deadline),
        "address": case.address,
        "address_id": None,
        "zipcode": None,
        "lat": round(case.location.y, 7) if case.location else None,
        "long": round(case.location.x, 7) if case.location else None,
        "media_url": request.build_absolute_uri(reverse("public-photo", args=[media.pk])) if media else None,
    }


@endpoint
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311-root"))
    return render(
        {
            "changeset": CHANGESET,
            "contact": settings.OPEN311_CONTACT,
            "key_service": settings.OPEN311_KEY_SERVICE,
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
        fmt,
        "discovery",
    )


@endpoint
def service_list(request, fmt):
    return render([service_of(c) for c in categories().order_by("full_code")], fmt, "services")


@endpoint
def service_definition(request, fmt, code):
    if not categories().filter(full_code=code).exists():
        raise Open311Error(404, _("service_code not found."))
    return render({"service_code": code, "attributes": []}, fmt, "service_definition")


@endpoint
def requests_(request, fmt):
    return create_request(request, fmt) if request.method == "POST" else list_requests(request, fmt)


def _date(request: HttpRequest, name: str) -> dt.datetime | None:
    raw = request.GET.get(name)
    if not raw:
        return None
    value = parse_datetime(raw.replace(" ", "+"))  # an unescaped "+" in a query string arrives as a space
    if value is None:
        raise Open311Error(400, _("%(name)s is a W3C date and time, e.g. 2026-01-01T00:00:00Z.") % {"name": name})
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def list_requests(request, fmt):
    cases = selectors.public_cases()
    ids = [i for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        cases = cases.filter(number__in=[i.strip() for i in ids][:MAX_REQUESTS])
    else:
        start, end = _date(request, "start_date"), _date(request, "end_date")
        end = end or (start + WINDOW if start else timezone.now())
        start = start or end - WINDOW
        if end - start > WINDOW:
            raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
        cases = cases.filter(reported_at__range=(start, end))
        if codes := [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]:
            cases = cases.filter(category__full_code__in=codes)
        statuses = {s.strip() for s in request.GET.get("status", "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, _("status is open or closed."))
        if statuses == {"open"}:
            cases = cases.exclude(state__in=selectors.TERMINAL_STATES)
        elif statuses == {"closed"}:
            cases = cases.filter(state__in=selectors.TERMINAL_STATES)
    rows = cases.order_by("-reported_at", "-pk")[:MAX_REQUESTS]
    return render([request_of(request, selectors.PublicView(c)) for c in rows], fmt, "service_requests")


@endpoint
def one_request(request, fmt, number):
    case = selectors.find_public_case(number)
    if case is None:
        raise Open311Error(404, _("service_request_id not found."))
    return render([request_of(request, selectors.PublicView(case))], fmt, "service_requests")


@endpoint
def token(request, fmt, token):
    report = selectors.report_by_token(token)
    if report is None:
        raise Open311Error(404, _("token not found."))
    return render([{"service_request_id": report.case.number, "token": str(report.token)}], fmt, "service_requests")


def _number(value: str, name: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise Open311Error(400, _("%(name)s is a number in degrees.") % {"name": name}) from None
    if not low <= number <= high:
        raise Open311Error(400, _("%(name)s is a number in degrees.") % {"name": name})
    return number


def create_request(request, fmt):
    data = request.POST
    key = services.key_for(data.get("api_key") or request.GET.get("api_key", ""))
    if key is None:
        raise Open311Error(403, _("api_key is missing or not valid."))
    if not services.allow(f"key:{key.digest[:16]}", key.rate_per_minute, 60):
        raise Open311Error(429, _("This key's rate limit is reached: try again in a minute."))
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    category = categories().filter(full_code=code).first()
    if category is None:
        raise Open311Error(404, _("service_code not found."))
    location = None
    if data.get("lat") or data.get("long"):
        location = Point(
            _number(data.get("long", ""), "long", -180, 180), _number(data.get("lat", ""), "lat", -90, 90), srid=4326
        )
    elif not data.get("address_string", "").strip():
        raise Open311Error(400, _("lat and long, or address_string, were not provided."))
    description = data.get("description", "").strip()
    if not description:
        raise Open311Error(400, _("description was not provided."))
    email = data.get("email", "").strip()
    if email:
        validate_email(email)
    idempotency_key = data.get("idempotency_key") or request.headers.get("Idempotency-Key") or None
    if idempotency_key is not None and len(idempotency_key) > 64:
        raise Open311Error(400, _("An idempotency key has 1 to 64 characters."))
    name = " ".join(p for p in (data.get("last_name", "").strip(), data.get("first_name", "").strip()) if p)
    report, _created = services.submit(
        channel=Channel.OPEN311,
        api_key=key,
        category=category,
        description=description[:2000],
        location=location,
        address=data.get("address_string", "").strip()[:200],
        photos=check_photos(request.FILES.getlist("media"), AttachmentKind.BEFORE),
        name=name[:64],
        phone=data.get("phone", "").strip()[:32],
        email=email,
        device_id=data.get("device_id", "").strip(),
        media_url=data.get("media_url", "").strip()[:500],
        idempotency_key=idempotency_key,
    )
    answer = {
        "service_request_id": report.case.number,
        "token": str(report.token),
        "service_notice": selectors.PUBLIC_STATES[report.case.state],
        "account_id": None,
    }
    return render([answer], fmt, "service_requests")
