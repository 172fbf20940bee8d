from django.urls import path

from . import open311, views

urlpatterns = [
    path("", views.report, name="public-report"),
    path("track/", views.track, name="public-track"),
    path("photos/<int:pk>/", views.photo, name="public-photo"),
    path("areas.geojson", views.areas, name="public-areas"),
    path("cases/<int:pk>/", views.case_public, name="public-case"),
]

open311_urlpatterns = [
    path("", open311.discovery, {"fmt": "json"}, name="open311-root"),
    path("discovery.<str:fmt>", open311.discovery, name="open311-discovery"),
    path("services.<str:fmt>", open311.service_list, name="open311-services"),
    path("services/<str:code>.<str:fmt>", open311.service_definition, name="open311-service"),
    path("requests.<str:fmt>", open311.requests_, name="open311-requests"),
    path("requests/<str:number>.<str:fmt>", open311.one_request, name="open311-request"),
    path("tokens/<str:token>.<str:fmt>", open311.token, name="open311-token"),
]
