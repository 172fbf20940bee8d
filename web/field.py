"""The supervisors' field app: an installable web app at /field/ (manifest, service worker, icons), served by
the platform itself. The app is a client of the API: reports, task results and patrol fixes wait in the
phone's IndexedDB with an idempotency key and are sent when the network is back (static/js/field.js)."""

import datetime as dt
import hashlib
import io
from functools import lru_cache

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_POST
from PIL import Image, ImageDraw

from accounts.choices import Role
from accounts.decorators import role_required
from accounts.services import issue_token
from cases.models import Case
from citymgmt.pickers import spelled
from classification.choices import Urgency
from classification.models import Category
from gis.views import map_settings

# What the app needs to start offline; the service worker caches these on install.
SHELL_ASSETS = (
    "css/app.css",
    "css/field.css",
    "js/field.js",
    "js/geo.js",
    "vendor/idb/umd.js",
    "leaflet/leaflet.css",
    "leaflet/leaflet.js",
    "leaflet/images/marker-icon.png",
    "leaflet/images/marker-icon-2x.png",
    "leaflet/images/marker-shadow.png",
)
ICON_SIZES = (192, 512)
FREQUENT_DAYS = 90


def category_choices(user) -> dict:
    """The categories in force, searchable by Chinese, pinyin initials or code; the supervisor's most
    reported ones of the last 90 days first."""
    since = timezone.now() - dt.timedelta(days=FREQUENT_DAYS)
    frequent = (
        Case.objects.filter(reporter=user, reported_at__gte=since)
        .values("category")
        .annotate(n=Count("pk"))
        .order_by("-n")[:8]
    )
    categories = Category.objects.filter(is_active=True, major__scheme=settings.CATEGORY_SCHEME).select_related("major")
    return {
        "categories": [
            {"id": c.pk, "code": c.full_code, "name": c.name, "major": c.major.name, "spelled": spelled(c.name)}
            for c in categories.order_by("full_code")
        ],
        "frequent": [row["category"] for row in frequent],
    }


def strings() -> dict:
    """What the app's script says, translated here (%d and %s are filled in by the script)."""
    return {
        "online": _("Online"),
        "offline": _("Offline"),
        "waiting": _("%d waiting to send, and %d track points."),
        "nothing_waiting": _("Nothing waiting: everything has arrived."),
        "refused": _("refused: %s"),
        "discard": _("Discard"),
        "arrived": _("case %s"),
        "sign_in": _("Sign in again so that what waits can be sent."),
        "saved_offline": _("Saved on this phone: it is sent as soon as there is network."),
        "sending": _("Sending…"),
        "accuracy": _("GPS position, accurate to %d m. Drag the marker to correct it."),
        "moved": _("Position set by hand."),
        "no_gps": _("No GPS position: tap the map where the problem is."),
        "no_camera": _("The camera cannot be opened: type the identifier."),
        "need_category": _("Choose what the problem is."),
        "need_place": _("Set the position: wait for GPS or tap the map."),
        "need_photo": _("Take at least one photo."),
        "need_after": _("Take a photo after fixing it."),
        "report": _("Report"),
        "verify": _("Verify"),
        "check": _("Check"),
        "recheck": _("Recheck"),
        "found": _("Found as reported"),
        "not_found": _("Not found"),
        "fixed": _("Fixed"),
        "not_fixed": _("Not fixed"),
        "still_fixed": _("Still fixed"),
        "recurred": _("Recurred"),
        "no_tasks": _("No task for you now."),
        "updated": _("Updated at %s"),
        "new_task": _("New task:"),
        "patrol": _("Patrol track"),
        "start_patrol": _("Start patrol"),
        "stop_patrol": _("Finish patrol"),
        "patrolling": _("Patrolling since %s: %d positions recorded."),
    }


@role_required(Role.SUPERVISOR)
def app(request):
    context = {
        "strings": strings(),
        "data": category_choices(request.user)
        | {
            "urgencies": Urgency.choices,
            "user": request.user.get_full_name() or request.user.username,
            "map": map_settings(),
        },
    }
    return render(request, "field/app.html", context)


@require_POST
@role_required(Role.SUPERVISOR)
def token(request):
    """The API token the app's queue sends with (valid API_TOKEN_HOURS): a report made offline is still sent
    when the web session has ended."""
    issued = issue_token(request.user)
    return JsonResponse({"token": issued.key, "expires": issued.created + dt.timedelta(hours=settings.API_TOKEN_HOURS)})


@cache_control(max_age=3600)
def manifest(request):
    icons = [
        {"src": reverse("field-icon", args=[size]), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
        for size in ICON_SIZES
        for purpose in ("any", "maskable")
    ]
    body = {
        "name": _("City management · field app"),
        "short_name": _("Field app"),
        "description": _("Report problems, do tasks and patrol, also without network."),
        "start_url": reverse("field-app"),
        "scope": reverse("field-app"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#073763",
        "theme_color": "#073763",
        "lang": "zh-CN",
        "icons": icons,
    }
    return JsonResponse(body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@never_cache
def service_worker(request):
    assets = [static(path) for path in SHELL_ASSETS]
    version = hashlib.sha256(("|".join(assets) + shell_stamp()).encode()).hexdigest()[:12]
    context = {"assets": assets, "version": version, "shell": reverse("field-app")}
    response = render(request, "field/sw.js", context, content_type="text/javascript")
    response["Service-Worker-Allowed"] = reverse("field-app")
    return response


@lru_cache(maxsize=1)
def shell_stamp() -> str:
    """Changes when the app's own files change (the hashed static names already do in production)."""
    files = [settings.BASE_DIR / "static/js/field.js", settings.BASE_DIR / "static/css/field.css"]
    files.append(settings.BASE_DIR / "templates/field/app.html")
    return "|".join(str(f.stat().st_mtime_ns) for f in files if f.exists())


@cache_control(max_age=86400)
def icon(request, size):
    if size not in ICON_SIZES:
        raise Http404
    return HttpResponse(draw_icon(size), content_type="image/png")


@lru_cache(maxsize=4)
def draw_icon(size: int) -> bytes:
    """A white map pin on the platform's blue, inside the safe zone of a maskable icon."""
    image = Image.new("RGB", (size, size), "#073763")
    pen = ImageDraw.Draw(image)
    u = size / 100
    pen.ellipse((32 * u, 22 * u, 68 * u, 58 * u), fill="white")
    pen.polygon([(35 * u, 48 * u), (65 * u, 48 * u), (50 * u, 78 * u)], fill="white")
    pen.ellipse((43 * u, 33 * u, 57 * u, 47 * u), fill="#073763")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
