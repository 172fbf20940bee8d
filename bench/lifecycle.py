"""Case creation through the API, and full lifecycles (report → close, ten transitions) through the services.

.venv/bin/python bench/lifecycle.py [N]
"""

import random
import sys
import time

from common import points_in, prepare

prepare()

from django.contrib.gis.geos import Point  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts.models import Organization, User  # noqa: E402
from cases.services import perform, report_case  # noqa: E402
from classification.models import Category  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
rng = random.Random(1)
u = {
    name: User.objects.get(username=name)
    for name in ("intake", "shiftlead", "dispatcher", "district", "street", "supervisor")
}
garbage = Category.objects.get(major__scheme="gbt47678.5-2026", name="暴露垃圾")
platform = Organization.objects.get(code="990101-P")
office = Organization.objects.get(code="990101001-S")


point_in_first_street = points_in("990101001")  # the street whose office the district passes cases to


with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
    client = APIClient()
    client.force_authenticate(u["intake"])
    start = time.perf_counter()
    for i in range(N):
        lon, lat = point_in_first_street()
        response = client.post(
            "/api/cases/",
            {"source": "hotline", "category": garbage.pk, "description": f"基准{i}", "longitude": lon, "latitude": lat},
            format="json",
            HTTP_IDEMPOTENCY_KEY=f"bench-{time.time_ns()}-{i}",
        )
        assert response.status_code == 201, response.content
    api_rate = N / (time.perf_counter() - start)

    start = time.perf_counter()
    for i in range(N):
        lon, lat = point_in_first_street()
        case, _ = report_case(
            actor=u["intake"],
            source="hotline",
            category=garbage,
            description=f"流程{i}",
            location=Point(lon, lat, srid=4326),
        )
        for who, action, params in [
            ("intake", "send_verification", {}),
            ("supervisor", "verify", {"found": True}),
            ("shiftlead", "register", {}),
            ("dispatcher", "dispatch", {"unit": platform}),
            ("district", "redispatch", {"unit": office}),
            ("street", "handle", {"note": "ok"}),
            ("intake", "send_check", {}),
            ("supervisor", "check", {"fixed": True}),
            ("shiftlead", "close", {}),
        ]:
            case = perform(case_id=case.pk, action=action, actor=u[who], **params)
        assert case.state == "closed"
    lifecycle_rate = N / (time.perf_counter() - start)

print(f"API case creation (geocoded point, idempotency key): {api_rate:.1f} cases/s over {N}")
print(
    f"full lifecycle, report → close, 10 transitions:      {lifecycle_rate:.1f} cases/s "
    f"({lifecycle_rate * 10:.0f} transitions/s) over {N}"
)
