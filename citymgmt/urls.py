from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cases import views as case_views
from public.urls import open311_urlpatterns

urlpatterns = [
    path("", include("web.urls")),
    path("cases/", include("cases.urls")),
    path("notifications/", include("notifications.urls")),
    path("map/", case_views.city_map, name="city-map"),
    path("map/", include("gis.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("sampling/", include("sampling.urls")),
    path("public/", include("public.urls")),
    path("open311/v2/", include(open311_urlpatterns)),
    path("api/", include("citymgmt.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
# Media are never served as files: photos go through cases.views.case_photo, which checks the viewer's
# scope; bulletins through their own view.

admin.site.site_header = admin.site.site_title = "citymgmt"
