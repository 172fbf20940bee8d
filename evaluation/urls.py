from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("screen/", views.screen, name="command-screen"),
    path("analysis/hotspots/", views.analysis_hotspots, name="analysis-hotspots"),
    path("analysis/time/", views.analysis_time, name="analysis-time"),
    path("analysis/types/", views.analysis_types, name="analysis-types"),
    path("analysis/forecast/", views.analysis_forecast, name="analysis-forecast"),
    path("analysis/areas/", views.analysis_areas, name="analysis-areas"),
    path("analysis/areas/<int:pk>/", views.analysis_area, name="analysis-area"),
    path("cases/", views.indicator_cases, name="indicator-cases"),
    path("compute/", views.compute, name="dashboard-compute"),
    path("assessments/", views.assessments, name="assessments"),
    path("<slug:object_type>/<int:object_id>/", views.history, name="evaluation-history"),
    path("bulletin/", views.bulletin, name="bulletin-generate"),
    path("bulletin/<int:pk>.pdf", views.bulletin_pdf, name="bulletin-pdf"),
]
