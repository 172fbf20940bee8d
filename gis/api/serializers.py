from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from ..models import Boundary, Camera, Component, Grid


class BoundarySerializer(GeoFeatureModelSerializer):
    name = serializers.CharField(source="organization.name")
    code = serializers.CharField(source="organization.code")
    kind = serializers.CharField(source="organization.kind")

    class Meta:
        model = Boundary
        geo_field = "geometry"
        fields = ["organization", "name", "code", "kind"]


class GridSerializer(GeoFeatureModelSerializer):
    community_name = serializers.CharField(source="community.name")
    street_name = serializers.CharField(source="street.name")
    district_name = serializers.CharField(source="district.name")

    class Meta:
        model = Grid
        geo_field = "geometry"
        fields = ["id", "code", "community", "community_name", "street_name", "district_name", "area_m2"]


class ComponentSerializer(GeoFeatureModelSerializer):
    category_code = serializers.CharField(source="category.full_code")
    category_name = serializers.CharField(source="category.name")
    grid_code = serializers.CharField(source="grid.code", default=None)
    maintainer_name = serializers.CharField(source="maintainer.name", default=None)
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = Component
        geo_field = "location"
        fields = [
            "id",
            "code",
            "name",
            "category_code",
            "category_name",
            "grid_code",
            "owner",
            "maintainer_name",
            "status",
            "status_display",
        ]


class CameraSerializer(GeoFeatureModelSerializer):
    class Meta:
        model = Camera
        geo_field = "location"
        fields = ["id", "code", "name", "stream_url", "is_active"]
