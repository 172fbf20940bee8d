"""GeoJSON of the spatial base for the maps, filtered by bounding box (``in_bbox=west,south,east,north``)
and attributes; geocoding and its reverse."""

import math

from django.contrib.gis.geos import Point, Polygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.filters import InBBoxFilter
from rest_framework_gis.pagination import GeoJsonPagination

from accounts.api import ScopedViewSet, StaffReferenceViewSet

from ..geocoding import locate, nearest_address, search_address
from ..models import Boundary, Camera, Component, Grid
from ..selectors import visible_cameras
from .serializers import BoundarySerializer, CameraSerializer, ComponentSerializer, GridSerializer


class BBoxFilter(InBBoxFilter):
    """rest_framework_gis's, with a malformed or non-finite box answered 400 (``parse_bbox``)."""

    def get_filter_bbox(self, request):
        value = request.query_params.get(self.bbox_param)
        return parse_bbox(value) if value else None


class Pages(GeoJsonPagination):
    page_size = 500
    page_size_query_param = "page_size"
    max_page_size = 5000

    def get_page_size(self, request):
        return super().get_page_size(request) or self.page_size  # page_size=0 is not "everything"

    def get_paginated_response_schema(self, schema):
        """rest_framework_gis renames ``results`` to ``features`` but still requires ``results``…"""
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = ["features" if name == "results" else name for name in paginated.get("required", [])]
        # …and puts the whole FeatureCollection (…List) where its array of features belongs.
        features = paginated["properties"]["features"]
        if features.get("$ref", "").endswith("List"):
            paginated["properties"]["features"] = {"type": "array", "items": {"$ref": features["$ref"][: -len("List")]}}
        return paginated


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("kind", str, enum=["district", "street", "community"])]),
    retrieve=extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)]),
)
class BoundaryViewSet(StaffReferenceViewSet):
    """Area outlines; ``kind`` = district, street or community."""

    serializer_class = BoundarySerializer
    pagination_class = None  # a few hundred outlines at most
    filter_backends = [BBoxFilter]
    bbox_filter_field = "geometry"
    bbox_filter_include_overlapping = True

    def get_queryset(self):
        return (
            Boundary.objects.filter(organization__kind=self.request.query_params.get("kind", "district"))
            .select_related("organization")
            .order_by("organization__code")
        )


class GridViewSet(StaffReferenceViewSet):
    serializer_class = GridSerializer
    pagination_class = Pages
    filter_backends = [BBoxFilter]
    bbox_filter_field = "geometry"
    bbox_filter_include_overlapping = True
    queryset = Grid.objects.select_related("community", "street", "district").order_by("code")


class ComponentViewSet(StaffReferenceViewSet):
    serializer_class = ComponentSerializer
    pagination_class = Pages
    filter_backends = [BBoxFilter]
    bbox_filter_field = "location"

    def get_queryset(self):
        components = Component.objects.select_related("category", "grid", "maintainer").order_by("code")
        params = self.request.query_params
        if params.get("category"):
            components = components.filter(category__full_code__startswith=params["category"])
        if params.get("status"):
            components = components.filter(status=params["status"])
        return components


class CameraViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Cameras the user's organization owns or that were shared with it."""

    queryset = Camera.objects.all()
    serializer_class = CameraSerializer
    pagination_class = None
    filter_backends = [BBoxFilter]
    bbox_filter_field = "location"

    def in_scope(self, user):
        return visible_cameras(user)

    def scoped(self, rows):
        return rows.order_by("code")


def parse_bbox(value: str) -> Polygon:
    """``west,south,east,north`` in degrees, as a polygon; anything else is a 400 with the reason."""
    try:
        west, south, east, north = (float(v) for v in value.split(","))
    except ValueError:
        west = south = east = north = math.nan
    if not all(math.isfinite(v) for v in (west, south, east, north)) or not (
        -180 <= west < east <= 180 and -90 <= south < north <= 90
    ):
        raise ValidationError({"in_bbox": _("Give the box as west,south,east,north in degrees.")})
    return Polygon.from_bbox((west, south, east, north))


class CandidateSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()
    longitude = serializers.FloatField()
    latitude = serializers.FloatField()


class PlaceSerializer(serializers.Serializer):
    grid = serializers.CharField()
    community = serializers.CharField()
    street = serializers.CharField()
    district = serializers.CharField()
    address = serializers.CharField()


@extend_schema_view(
    get=extend_schema(
        parameters=[OpenApiParameter("q", str, required=True, description="An address, road, place or area name.")],
        responses={200: CandidateSerializer(many=True)},
    )
)
class GeocodeView(APIView):
    """Gazetteer: ``q`` → candidate points (places, roads, streets and communities)."""

    def get(self, request):
        return Response(
            [
                {"name": c.name, "kind": c.kind, "longitude": round(c.point.x, 7), "latitude": round(c.point.y, 7)}
                for c in search_address(request.query_params.get("q", ""))
            ]
        )


@extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter("longitude", float, required=True),
            OpenApiParameter("latitude", float, required=True),
        ],
        responses={200: PlaceSerializer, 400: OpenApiTypes.OBJECT},
    )
)
class ReverseGeocodeView(APIView):
    """``longitude``, ``latitude`` → unit grid, community, street, district and a readable address."""

    def get(self, request):
        try:
            point = Point(float(request.query_params["longitude"]), float(request.query_params["latitude"]), srid=4326)
        except (KeyError, ValueError):
            raise ValidationError({"longitude": _("Give longitude and latitude in degrees.")}) from None
        grid = locate(point).grid  # OutsideCity → 400
        return Response(
            {
                "grid": grid.code,
                "community": grid.community.name,
                "street": grid.street.name,
                "district": grid.district.name,
                "address": nearest_address(point),
            }
        )
