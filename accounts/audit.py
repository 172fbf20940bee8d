"""Writing the security audit log: who did what security-relevant thing, from where, when."""

from __future__ import annotations

from django.http import HttpRequest

from citymgmt.clients import client_address

from .models import AuditEvent, User


def record(
    kind: str, request: HttpRequest | None = None, *, user: User | None = None, username: str = "", detail: str = ""
) -> AuditEvent:
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        address=client_address(request) if request is not None else None,
        path=(request.get_full_path() if request is not None else "")[:300],
        detail=str(detail)[:500],
    )
