"""The web stack's own cost, before a report does anything: WSGI applications for ``bench/intake.py --app``.

- ``plain``: reads the body and answers 201 — gunicorn, the kernel's loopback and the clients alone.
- ``drf``: the platform's Django (its settings and every middleware) with ``POST /api/cases/`` answered by a DRF view
  with the API's defaults — the token checked, the permission, the rate limit in Redis, the JSON parsed — that
  answers 201 without touching a case.
A report can be no faster than ``drf``: the two give the ceiling of the design's stack on the machine of the run.
"""

import os

from django.core.wsgi import get_wsgi_application


def plain(environ, start_response):
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("201 Created", [("Content-Type", "application/json"), ("Content-Length", "2")])
    return [b"{}"]


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citymgmt.settings")
drf = get_wsgi_application()

from django.conf import settings  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

from citymgmt.urls import urlpatterns as platform_urls  # noqa: E402


class Received(APIView):
    def post(self, request):
        request.data  # noqa: B018  (parsed, as a report's is)
        return Response({}, status=201)


settings.ROOT_URLCONF = __name__  # read at the first request
urlpatterns = [path("api/cases/", Received.as_view()), *platform_urls]
