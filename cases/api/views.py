from django.contrib.gis.geos import Point
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action as drf_action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from ..attachments import check_photo
from ..choices import AttachmentKind
from ..forms import PHOTO_KIND
from ..selectors import CaseFilter, visible_cases
from ..services import access_case, perform, report_case
from ..workflow import ACTIONS, TRANSITIONS, IllegalTransition
from .serializers import ACTION_SERIALIZERS, CaseCreateSerializer, CaseDetailSerializer, CaseListSerializer


def photos(files, kind):
    return [check_photo(f, kind) for f in files]


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Cases in the caller's area. Every change of state is a POST to ``/api/cases/{id}/{action}/``."""

    filterset_class = CaseFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        cases = visible_cases(self.request.user).select_related("grid").order_by("-reported_at", "-pk")
        if self.action == "retrieve":
            cases = cases.select_related("community", "platform").prefetch_related(
                "events__actor", "events__actor_organization", "steps__organization", "attachments")
        return cases

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CaseDetailSerializer
        if self.action == "create":
            return CaseCreateSerializer
        return CaseListSerializer

    @extend_schema(
        request=CaseCreateSerializer, responses={201: CaseDetailSerializer, 200: CaseDetailSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
    )
    def create(self, request):
        serializer = CaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        location = Point(data.pop("longitude"), data.pop("latitude"), srid=4326) if "longitude" in data else None
        key = request.headers.get("Idempotency-Key") or data.pop("idempotency_key", None)
        data.pop("idempotency_key", None)
        case, created = report_case(
            actor=request.user, idempotency_key=key, location=location,
            photos=photos(data.pop("photos"), AttachmentKind.BEFORE), **data,
        )
        return Response(CaseDetailSerializer(self.get_queryset().get(pk=case.pk), context={"request": request}).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _make_action(name):
    serializer_class = ACTION_SERIALIZERS[name]

    @extend_schema(request=serializer_class, responses={200: CaseDetailSerializer},
                   summary=str(TRANSITIONS[name].label),
                   description=f"Allowed in states: {', '.join(TRANSITIONS[name].sources)}; "
                               f"roles: {', '.join(TRANSITIONS[name].roles)}. 409 in any other state.")
    def handler(self, request, pk=None):
        case = access_case(request.user, pk)
        if case.state not in TRANSITIONS[name].sources:  # say 409 before judging the input
            raise IllegalTransition(name, case.state)
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        params = dict(serializer.validated_data)
        files = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
        params["photos"] = photos(files or params.get("photos", []), PHOTO_KIND.get(name, AttachmentKind.OTHER))
        case = perform(case_id=pk, action=name, actor=request.user, **params)
        return Response(CaseDetailSerializer(get_object_or_404(self.get_queryset(), pk=case.pk),
                                             context={"request": request}).data)

    handler.__name__ = f"action_{name}"
    return drf_action(detail=True, methods=["post"], url_path=name, url_name=name,
                      serializer_class=serializer_class)(handler)


for _name in ACTIONS:
    setattr(CaseViewSet, f"action_{_name}", _make_action(_name))


