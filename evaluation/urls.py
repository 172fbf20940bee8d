from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("compute/", views.compute, name="dashboard-compute"),
    path("assessments/", views.assessments, name="assessments"),
    path("bulletin/", views.bulletin, name="bulletin-generate"),
    path("bulletin/<int:pk>.pdf", views.bulletin_pdf, name="bulletin-pdf"),
]
