from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import TokenView
from cases.api.views import CaseLayerView, CaseViewSet, DecisionViewSet
from gis.api.views import (
    BoundaryViewSet,
    CameraViewSet,
    ComponentViewSet,
    GeocodeView,
    GridViewSet,
    ReverseGeocodeView,
)
from sampling.api.views import DrawViewSet, PatrolViewSet, RecheckViewSet, SampleViewSet, SpecialViewSet, TaskViewSet

router = DefaultRouter()
router.register("cases", CaseViewSet, basename="api-case")
router.register("liaison/decisions", DecisionViewSet, basename="api-decision")
router.register("gis/areas", BoundaryViewSet, basename="api-area")
router.register("gis/grids", GridViewSet, basename="api-grid")
router.register("gis/components", ComponentViewSet, basename="api-component")
router.register("gis/cameras", CameraViewSet, basename="api-camera")
router.register("sampling/samples", SampleViewSet, basename="api-sample")
router.register("sampling/tasks", TaskViewSet, basename="api-task")
router.register("sampling/specials", SpecialViewSet, basename="api-special")
router.register("sampling/patrols", PatrolViewSet, basename="api-patrol")
router.register("sampling/rechecks", RecheckViewSet, basename="api-recheck")
router.register("sampling/draws", DrawViewSet, basename="api-draw")

urlpatterns = [
    path("token/", TokenView.as_view(), name="api-token"),
    path("gis/cases/", CaseLayerView.as_view(), name="api-case-layer"),
    path("gis/geocode/", GeocodeView.as_view(), name="api-geocode"),
    path("gis/reverse/", ReverseGeocodeView.as_view(), name="api-reverse-geocode"),
    path("", include(router.urls)),
]
