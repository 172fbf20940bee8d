from django.urls import path

from . import views

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("new/", views.case_report, name="case-report"),
    path("exports/<int:pk>/", views.case_export, name="case-export"),
    path("liaison/", views.liaison_agenda, name="liaison-agenda"),
    path("liaison/<int:pk>/decide/", views.liaison_decide, name="liaison-decide"),
    path("liaison/follow-ups/<int:pk>/done/", views.follow_up_done, name="follow-up-done"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/<slug:action>/", views.case_action, name="case-action"),
    path("photos/<int:pk>/<slug:copy>/", views.case_photo, name="case-photo"),
]
