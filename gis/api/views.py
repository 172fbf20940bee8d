"""GeoJSON for the maps. Layers are filtered by bounding box (``in_bbox=west,south,east,north``) and
attributes; the case layer is a compact feature collection built straight from the database rows so that a
whole-city view of 10,000 open cases stays fast."""

from django.contrib.gis.geos import Point, Polygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.filters import InBBoxFilter
from rest_framework_gis.pagination import GeoJsonPagination

from cases.selectors import CaseFilter, visible_cases

from ..geocoding import locate, nearest_address, search_address
from ..models import Boundary, Component, Grid
from ..selectors import visible_cameras
from .serializers import BoundarySerializer, CameraSerializer, ComponentSerializer, GridSerializer

CASE_LAYER_LIMIT = 20_000


class Pages(GeoJsonPagination):
    page_size = 500
    page_size_query_param = "page_size"
    max_page_size = 5000


class BoundaryViewSet(viewsets.ReadOnlyModelViewSet):
    """Area outlines; ``kind`` = district, street or community."""

    serializer_class = BoundarySerializer
    pagination_class = None  # a few hundred outlines at most
    filter_backends = [InBBoxFilter]
    bbox_filter_field = "geometry"
    bbox_filter_include_overlapping = True

    def get_queryset(self):
        return Boundary.objects.filter(organization__kind=self.request.query_params.get("kind", "district")) \
            .select_related("organization").order_by("organization__code")


class GridViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = GridSerializer
    pagination_class = Pages
    filter_backends = [InBBoxFilter]
    bbox_filter_field = "geometry"
    bbox_filter_include_overlapping = True
    queryset = Grid.objects.select_related("community", "street", "district").order_by("code")


class ComponentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ComponentSerializer
    pagination_class = Pages
    filter_backends = [InBBoxFilter]
    bbox_filter_field = "location"

    def get_queryset(self):
        components = Component.objects.select_related("category", "grid", "maintainer").order_by("code")
        params = self.request.query_params
        if params.get("category"):
            components = components.filter(category__full_code__startswith=params["category"])
        if params.get("status"):
            components = components.filter(status=params["status"])
        return components


class CameraViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CameraSerializer
    pagination_class = None
    filter_backends = [InBBoxFilter]
    bbox_filter_field = "location"

    def get_queryset(self):
        return visible_cameras(self.request.user).order_by("code")


def parse_bbox(value: str) -> Polygon:
    try:
        west, south, east, north = (float(v) for v in value.split(","))
    except ValueError:
        raise ValidationError({"in_bbox": _("Give the box as west,south,east,north in degrees.")}) from None
    return Polygon.from_bbox((west, south, east, north))


class CaseLayerView(APIView):
    """Cases in the caller's area as GeoJSON points: state, category and number only (the case page has
    the rest). Takes the case list's filters, ``in_bbox`` and ``limit`` (at most 20,000)."""

    def get(self, request):
        cases = CaseFilter(request.query_params, queryset=visible_cases(request.user), request=request).qs
        cases = cases.filter(location__isnull=False)
        if request.query_params.get("in_bbox"):
            cases = cases.filter(location__intersects=parse_bbox(request.query_params["in_bbox"]))
        try:
            limit = min(int(request.query_params.get("limit", 10_000)), CASE_LAYER_LIMIT)
        except ValueError:
            raise ValidationError({"limit": _("Give a whole number.")}) from None
        rows = cases.order_by("-reported_at").values_list(
            "pk", "number", "state", "category__full_code", "category__name", "source", "is_overdue", "location",
        )[:limit]
        features = [
            {"type": "Feature", "id": pk,
             "geometry": {"type": "Point", "coordinates": [round(point.x, 6), round(point.y, 6)]},
             "properties": {"number": number, "state": state, "category": code, "category_name": name,
                            "source": source, "overdue": overdue}}
            for pk, number, state, code, name, source, overdue, point in rows
        ]
        return Response({"type": "FeatureCollection", "features": features})


class GeocodeView(APIView):
    """Gazetteer: ``q`` → candidate points (places, roads, streets and communities)."""

    def get(self, request):
        return Response([
            {"name": c.name, "kind": c.kind, "longitude": round(c.point.x, 7), "latitude": round(c.point.y, 7)}
            for c in search_address(request.query_params.get("q", ""))
        ])


class ReverseGeocodeView(APIView):
    """``longitude``, ``latitude`` → unit grid, community, street, district and a readable address."""

    def get(self, request):
        try:
            point = Point(float(request.query_params["longitude"]), float(request.query_params["latitude"]),
                          srid=4326)
        except (KeyError, ValueError):
            raise ValidationError({"longitude": _("Give longitude and latitude in degrees.")}) from None
        grid = locate(point).grid  # OutsideCity → 400
        return Response({
            "grid": grid.code, "community": grid.community.name, "street": grid.street.name,
            "district": grid.district.name, "address": nearest_address(point),
        })
