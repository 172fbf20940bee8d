from django.contrib.auth import views as auth_views
from django.urls import path

from . import field, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChange.as_view(), name="password-change"),
    path("field/", field.app, name="field-app"),
    path("field/token/", field.token, name="field-token"),
    path("field/manifest.webmanifest", field.manifest, name="field-manifest"),
    path("field/sw.js", field.service_worker, name="field-sw"),
    path("field/icon-<int:size>.png", field.icon, name="field-icon"),
    path("favicon.ico", field.icon, {"size": 192}, name="favicon"),
]
