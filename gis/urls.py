from django.urls import path

from . import views

urlpatterns = [
    path("", views.city_map, name="city-map"),
    path("boundaries.geojson", views.boundaries, name="gis-boundaries"),
]
