from django.urls import path

from . import views

urlpatterns = [
    path("boundaries.geojson", views.boundaries, name="gis-boundaries"),
]
