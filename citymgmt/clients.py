"""Who is asking: the client's address, one definition for the lock-out, the rate limits and the audit log.

Each trusted proxy in front (``PROXY_COUNT``; nginx in docker-compose.yml makes 1) appends the address it was
reached from to ``X-Forwarded-For``, so the client is the ``PROXY_COUNT``-th address from the header's right end;
whatever a client wrote further left is its own claim and is never read. With no proxy the header is ignored.
django-ipware reads the header (non-strict: a client's extra entries shift nothing on the right)."""

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_address(request: HttpRequest) -> str | None:
    trusted = settings.PROXY_COUNT
    if trusted:
        address, _routable = get_client_ip(
            request, proxy_count=trusted - 1, request_header_order=["HTTP_X_FORWARDED_FOR"], strict=False
        )
        if address:
            return address
    return request.META.get("REMOTE_ADDR")  # no header: a request that did not come through the proxy
