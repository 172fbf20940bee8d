from django.urls import path

from . import views

urlpatterns = [
    path("boundaries.geojson", views.boundaries, name="gis-boundaries"),
    path("basemap/<slug:version>/<int:z>/<int:x>/<int:y>.png", views.basemap_tile, name="gis-basemap"),
]
