from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from cases.api.views import CaseViewSet

router = DefaultRouter()
router.register("cases", CaseViewSet, basename="api-case")

urlpatterns = [
    path("token/", obtain_auth_token, name="api-token"),
    path("", include(router.urls)),
]
