from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("compute/", views.compute, name="dashboard-compute"),
]
