"""The public channel's writes: issuing and revoking keys, taking a public report into the intake queue,
the notes the public reads, and blocking an abusive reporter."""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts import directory
from accounts.choices import DESK_ROLES, Role
from accounts.models import User
from cases.choices import CaseSource
from cases.models import Case
from cases.services import report_case
from classification.models import Category
from gis.geocoding import search_address

from .choices import BlockKind
from .models import ApiKey, Block, PublicNote, PublicReport

NOTE_WRITERS = DESK_ROLES  # who answers the public and may refuse an abusive reporter
WEB_ACCOUNT = "public-web"


class Blocked(PermissionDenied):
    pass


def digest(kind: str, value: str) -> str:
    """A keyed digest: enough to recognise a reporter again, useless to anyone without the secret key."""
    return salted_hmac(f"public.{kind}", value.strip().lower()).hexdigest()


def allow(bucket: str, limit: int, seconds: int) -> bool:
    """A fixed-window counter in the cache (Redis). When the cache is down, requests pass (as the API's)."""
    key = f"public-limit:{bucket}:{int(time.time() // seconds)}"
    try:
        cache.add(key, 0, seconds + 5)
        return cache.incr(key) <= limit
    except Exception:
        return True


# --- keys -------------------------------------------------------------------------------------------------


def service_account(username: str, name: str) -> User:
    """The account a channel's reports come from: a member of the command center with the intake role (the
    role that records reports from outside), no password and no token, so nobody can sign in as it."""
    center = directory.tree().command_center()
    account, created = User.objects.get_or_create(
        username=username, defaults={"full_name": name, "organization": center, "is_active": True}
    )
    if created:
        account.set_unusable_password()
        account.save()
        account.groups.add(Group.objects.get_or_create(name=Role.INTAKE_OPERATOR)[0])
    return account


def issue_key(
    *, name: str, source: str = CaseSource.PUBLIC, rate_per_minute: int = 30, raw: str = ""
) -> tuple[ApiKey, str]:
    """A new key; the key itself is returned once and never stored (``raw``: a given key, for the demo)."""
    raw = raw or secrets.token_urlsafe(32)
    with transaction.atomic():
        account = service_account(f"api-{secrets.token_hex(4)}", _("Integration: %(name)s") % {"name": name})
        key = ApiKey.objects.create(
            name=name,
            source=source,
            rate_per_minute=rate_per_minute,
            prefix=raw[:8],
            digest=digest("key", raw),
            account=account,
        )
    return key, raw


def revoke_key(key: ApiKey) -> None:
    ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def key_for(raw: str) -> ApiKey | None:
    """The active key ``raw`` names, or None."""
    if not raw:
        return None
    key = ApiKey.objects.select_related("account").filter(digest=digest("key", raw), revoked_at__isnull=True).first()
    if key is not None:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key


# --- reports ---------------------------------------------------------------------------------------------


def reporter_digests(*, device: str = "", address: str = "", contact: str = "") -> dict[str, str]:
    given = {BlockKind.DEVICE: device, BlockKind.ADDRESS: address, BlockKind.CONTACT: contact}
    return {str(kind): digest(kind, value) for kind, value in given.items() if value}


def locate_address(address: str) -> Point:
    """The first gazetteer match for an address given instead of a point."""
    found = search_address(address, limit=1)
    if not found:
        raise ValidationError({"address_string": _("This address was not found in the city.")})
    return found[0].point


def submit(
    *,
    channel: str,
    category: Category,
    description: str,
    location: Point | None = None,
    address: str = "",
    photos: list[Any] | tuple[Any, ...] = (),
    name: str = "",
    phone: str = "",
    email: str = "",
    device_id: str = "",
    client_address: str = "",
    media_url: str = "",
    api_key: ApiKey | None = None,
    idempotency_key: str | None = None,
) -> tuple[PublicReport, bool]:
    """A report from the public into the intake queue (not registered: intake accepts it or not, and
    non-supervisor reports are verified on site). Raises ``Blocked`` for a reporter marked as abusive."""
    digests = reporter_digests(device=device_id, address=client_address, contact=phone or email)
    if any(Block.objects.filter(kind=k, digest=d).exists() for k, d in digests.items()):
        raise Blocked(_("Reports from this reporter are not accepted. Call the hotline 12345."))
    if location is None:
        if not address.strip():
            raise ValidationError({"location": _("Give the problem's location or its address.")})
        location = locate_address(address)
    account = api_key.account if api_key else service_account(WEB_ACCOUNT, _("Public web page"))
    with transaction.atomic():
        case, created = report_case(
            actor=account,
            idempotency_key=idempotency_key,
            source=api_key.source if api_key else CaseSource.PUBLIC,
            category=category,
            description=description,
            location=location,
            address=address,
            photos=photos,
            reporter_name=name.strip() or _("Member of the public"),
            reporter_phone=phone.strip(),
        )
        report, _new = PublicReport.objects.get_or_create(
            case=case,
            defaults={
                "channel": channel,
                "api_key": api_key,
                "email": email,
                "device_id": device_id[:64],
                "media_url": media_url,
                "digests": digests,
            },
        )
    return report, created


def add_note(case: Case, *, actor: User, text: str) -> PublicNote:
    if not actor.has_role(*NOTE_WRITERS):
        raise PermissionDenied(_("Only the center's and the districts' desks write to the public."))
    if not text.strip():
        raise ValidationError({"text": _("Write the note.")})
    return PublicNote.objects.create(case=case, text=text.strip()[:500], written_by=actor)


def block_reporter(case: Case, *, actor: User, reason: str) -> list[Block]:
    """Refuse further reports from the device, address and contact this public report came from."""
    if not actor.has_role(*NOTE_WRITERS):
        raise PermissionDenied(_("Only the center's and the districts' desks may block a reporter."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this reporter is blocked.")})
    report = PublicReport.objects.filter(case=case).first()
    if report is None or not report.digests:
        raise ValidationError(_("This case did not come through the public channel."))
    blocks = []
    for kind, value in report.digests.items():
        block, _created = Block.objects.get_or_create(
            kind=kind, digest=value, defaults={"reason": reason.strip()[:200], "case": case, "blocked_by": actor}
        )
        blocks.append(block)
    return blocks
