import hashlib

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action as drf_action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import ScopedViewSet
from accounts.models import Organization
from accounts.scope import scope_key
from citymgmt.api import prefers_minimal, represent, validated
from citymgmt.caching import cached
from citymgmt.paging import CasePagination
from gis.api.views import parse_bbox
from gis.selectors import clusters

from ..attachments import check_photos
from ..choices import AttachmentKind
from ..models import Case, Decision
from ..selectors import SCOPE_WIDE_QUEUES, CaseFilter, point_features, visible_cases
from ..services import access_case, liaison, perform, report_case
from ..services.core import already_taken, authorize
from ..workflow import ACTIONS, TRANSITIONS
from .serializers import (
    ACTION_SERIALIZERS,
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseListSerializer,
    CaseReceiptSerializer,
    DecisionCreateSerializer,
    DecisionSerializer,
    FollowUpSerializer,
)

CASE_LAYER_LIMIT = 20_000
CLUSTER_BELOW = 15  # zoom levels below street level get clusters rather than points
MAP_POINTS = 2_000  # a view with more cases than this gets clusters too
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, description="A retry with the same key answers the case again."
)
PREFER = OpenApiParameter(
    "Prefer",
    str,
    OpenApiParameter.HEADER,
    enum=["return=minimal"],
    description="return=minimal: answer with a receipt (id, number, state, deadlines) instead of the whole case.",
)
LAYER_SECONDS = 30  # how long a layer's counts per grid are reused (a new case shows on the clusters within it)


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Cases in the caller's area. Every change of state is a POST to ``/api/cases/{id}/{action}/``."""

    filterset_class = CaseFilter
    pagination_class = CasePagination

    queryset = Case.objects.all()

    def in_scope(self, user):
        return visible_cases(user)

    def scoped(self, cases):
        cases = cases.select_related("grid").order_by("-reported_at", "-pk")
        if self.action == "retrieve":
            cases = cases.select_related("community", "platform").prefetch_related(
                "events__actor", "events__actor_organization", "steps__organization", "attachments"
            )
        return cases

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CaseDetailSerializer
        if self.action == "create":
            return CaseCreateSerializer
        return CaseListSerializer

    def retrieve(self, request, pk=None):
        return Response(represent(CaseDetailSerializer, self.get_object(), request))

    def answer(self, request, case, status_code=status.HTTP_200_OK, *, as_reported=False):
        """The case after a write: a receipt when the request prefers ``return=minimal``, else the full detail,
        from what the report wrote (``as_reported``) or read again."""
        if prefers_minimal(request):
            response = Response(represent(CaseReceiptSerializer, case, request), status=status_code)
            response["Preference-Applied"] = "return=minimal"
            return response
        case = as_written(case) if as_reported else get_object_or_404(self.get_queryset(), pk=case.pk)
        return Response(represent(CaseDetailSerializer, case, request), status=status_code)

    @extend_schema(
        request=CaseCreateSerializer,
        responses={201: CaseDetailSerializer, 200: CaseDetailSerializer},
        parameters=[IDEMPOTENCY_KEY, PREFER],
    )
    def create(self, request):
        data = dict(validated(CaseCreateSerializer, request.data, request))
        location = Point(data.pop("longitude"), data.pop("latitude"), srid=4326) if "longitude" in data else None
        key = request.headers.get("Idempotency-Key") or data.pop("idempotency_key", None)
        data.pop("idempotency_key", None)
        if key is not None and not 1 <= len(key) <= 64:
            raise ValidationError({"idempotency_key": _("An idempotency key has 1 to 64 characters.")})
        case, created = report_case(
            actor=request.user,
            idempotency_key=key,
            location=location,
            photos=check_photos(data.pop("photos"), AttachmentKind.BEFORE)
            + check_photos(data.pop("after_photos"), AttachmentKind.AFTER),
            **data,
        )
        if not created:  # a retry: the case as it stands now
            return self.answer(request, case)
        return self.answer(request, case, status.HTTP_201_CREATED, as_reported=True)


def as_written(case: Case) -> Case:
    """The new case with its event, steps and photos as the report wrote them (no reading back)."""
    prefetched = case.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in case.written.items():
        related = getattr(case, name).all()
        related._result_cache, related._prefetch_done = rows, True
        prefetched[name] = related
    return case


def _make_action(name):
    serializer_class = ACTION_SERIALIZERS[name]

    @extend_schema(
        request=serializer_class,
        responses={200: CaseDetailSerializer},
        parameters=[IDEMPOTENCY_KEY, PREFER],
        summary=str(TRANSITIONS[name].label),
        description=f"Allowed in states: {', '.join(TRANSITIONS[name].sources)}; "
        f"roles: {', '.join(TRANSITIONS[name].roles)}; "
        f"{TRANSITIONS[name].check.__doc__ or ''} 409 in any other state, 403 for "
        f"anyone else.",
    )
    def handler(self, request, pk=None):
        key = request.headers.get("Idempotency-Key", "")[:64]
        case = access_case(request.user, pk)
        if key and already_taken(case, request.user, key):  # a retry from a phone's queue: done already
            return self.answer(request, case)
        authorize(TRANSITIONS[name], request.user, case)  # 403 or 409 before the input
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        params = dict(serializer.validated_data)
        files = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
        params["photos"] = check_photos(files or params.get("photos", []), TRANSITIONS[name].photo_kind)
        return self.answer(request, perform(case_id=pk, action=name, actor=request.user, client_key=key, **params))

    handler.__name__ = f"action_{name}"
    return drf_action(detail=True, methods=["post"], url_path=name, url_name=name, serializer_class=serializer_class)(
        handler
    )


for _name in ACTIONS:
    setattr(CaseViewSet, f"action_{_name}", _make_action(_name))


@extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter("in_bbox", str, description="west,south,east,north in degrees"),
            OpenApiParameter("limit", int, description="at most 20,000 (default 10,000)"),
            OpenApiParameter("zoom", int, description="the map's zoom: below 15, clusters instead of points"),
            OpenApiParameter("queue", str),
            OpenApiParameter("state", str, many=True),
            OpenApiParameter("source", str, many=True),
            OpenApiParameter("category", int),
            OpenApiParameter("area", int),
            OpenApiParameter("unit", int),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("reported_from", OpenApiTypes.DATE),
            OpenApiParameter("reported_to", OpenApiTypes.DATE),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        description="A GeoJSON FeatureCollection: ``features`` (not ``results``), each a Point with the case's "
        "number, state, category, category_name, source and overdue; ``total``, the cases matching (more than the "
        "features when the layer is capped at ``limit``, newest first). With ``zoom`` below 15: ``clustered``, each "
        "feature a cluster's centre with ``count`` and ``overdue``.",
    )
)
class CaseLayerView(APIView):
    """The map's case layer: cases in the caller's area as GeoJSON points with state, category and number
    only (the case page has the rest), built straight from the database rows so that a whole-city view of
    10,000 open cases stays fast. Takes the case list's filters, ``in_bbox`` and ``limit`` (at most 20,000)."""

    def get(self, request):
        cases = CaseFilter(request.query_params, queryset=visible_cases(request.user), request=request).qs
        cases = cases.filter(location__isnull=False)
        if request.query_params.get("in_bbox"):
            cases = cases.filter(location__intersects=parse_bbox(request.query_params["in_bbox"]))
        try:
            limit = min(int(request.query_params.get("limit", 10_000)), CASE_LAYER_LIMIT)
        except ValueError:
            limit = 0
        if limit < 1:
            raise ValidationError({"limit": _("Give a whole number from 1 to %(max)d.") % {"max": CASE_LAYER_LIMIT}})
        zoom = self.zoom(request)
        if zoom is not None and (zoom < CLUSTER_BELOW or cases.order_by()[: MAP_POINTS + 1].count() > MAP_POINTS):
            return self.clustered(cases, zoom, request)
        # A capped layer says so: the map shows "10,000 of 189,368" rather than silently stopping.
        features, total = point_features(cases, limit)
        body = f'{{"type":"FeatureCollection","features":{features},"total":{total},"limit":{limit}}}'
        return HttpResponse(body, content_type="application/json")

    @staticmethod
    def zoom(request) -> int | None:
        if "zoom" not in request.query_params:
            return None
        try:
            return int(request.query_params["zoom"])
        except ValueError:
            raise ValidationError({"zoom": _("Give the map's zoom level, a whole number.")}) from None

    @staticmethod
    def clustered(cases, zoom: int, request) -> Response:
        """Below street level (or where a view holds more than ``MAP_POINTS``) the cases are counted per grid in
        the database and gathered into squares of the screen here: a city of a million cases is a few hundred
        points. The counts per grid are kept ``LAYER_SECONDS`` for the filters and shared by everyone with the
        same scope (by the user for a queue of the user's own), so that zooming and panning regroup them without
        counting again, and a room of desks opening the map counts once."""
        params = sorted((k, v) for k, v in request.query_params.lists() if k not in ("zoom", "limit"))
        own = set(request.query_params.getlist("queue")) - SCOPE_WIDE_QUEUES
        whose = f"user-{request.user.pk}" if own else scope_key(request.user)
        key = f"case-layer:{whose}:{hashlib.sha1(repr(params).encode()).hexdigest()}"
        counts = cached(
            key,
            lambda: list(
                cases.order_by()
                .values_list("grid_id")
                .annotate(count=Count("pk"), overdue=Count("pk", filter=Q(is_overdue=True)))
            ),
            LAYER_SECONDS,
        )
        features = clusters(counts, zoom)
        total = sum(f["properties"]["count"] for f in features)
        return Response({"type": "FeatureCollection", "features": features, "total": total, "clustered": True})


class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The liaison meeting's decisions and their follow-ups (``open=1``: not yet done). ``POST`` records one on a
    case; ``done`` reports its follow-up done (the owner, or the meeting's organizers)."""

    queryset = Decision.objects.all()
    serializer_class = DecisionSerializer

    def scoped(self, rows):
        if self.request.query_params.get("open"):
            rows = rows.filter(done_at__isnull=True)
        return rows.select_related("case", "owner").order_by("due_on", "pk")

    @extend_schema(request=DecisionCreateSerializer, responses={201: DecisionSerializer})
    def create(self, request):
        serializer = DecisionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        owner = get_object_or_404(Organization, pk=data["owner"])
        made = liaison.record_decision(
            actor=request.user,
            case=access_case(request.user, data["case"]),
            text=data["text"],
            owner=owner,
            due_on=data["due_on"],
        )
        return Response(DecisionSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FollowUpSerializer, responses={200: DecisionSerializer})
    @drf_action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        serializer = FollowUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        done = liaison.complete_follow_up(
            actor=request.user, decision=self.get_object(), note=serializer.validated_data["note"]
        )
        return Response(DecisionSerializer(done).data)
