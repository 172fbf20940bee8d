"""Sending the bulletin by e-mail. Each address is a Delivery row; the Celery task retries a failed send with
growing delays and, after the last try, marks it failed and tells the command center. Nothing is lost
silently: every attempt's error is kept on the row and shown on the dashboard and in the admin."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import OrgKind
from accounts.models import Organization
from notifications.services import notify

from .models import Bulletin, Delivery, DeliveryStatus, RecipientList

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@transaction.atomic
def queue_deliveries(bulletin: Bulletin) -> list[Delivery]:
    """A pending delivery for every address of every active list (an address on two lists gets one)."""
    made = {}
    for recipients in RecipientList.objects.filter(is_active=True):
        for address in recipients.addresses:
            if address not in made:
                made[address], _created = Delivery.objects.get_or_create(
                    bulletin=bulletin, email=address, defaults={"recipient_list": recipients}
                )
    return list(made.values())


def send(delivery: Delivery) -> bool:
    """One attempt; records the outcome. Returns whether it was sent."""
    delivery.attempts += 1
    bulletin = delivery.bulletin
    try:
        message = EmailMessage(
            subject=_("Digital city management bulletin, %(month)s") % {"month": f"{bulletin.month:%Y-%m}"},
            body=_("The monthly bulletin of %(month)s is attached.") % {"month": f"{bulletin.month:%Y-%m}"},
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[delivery.email],
        )
        with bulletin.pdf.open("rb") as pdf:
            message.attach(f"bulletin-{bulletin.month:%Y-%m}.pdf", pdf.read(), "application/pdf")
        message.send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 - any failure is recorded and retried
        delivery.last_error = f"{timezone.now():%Y-%m-%d %H:%M:%S} {error!r}"[:2000]
        log.warning("bulletin %s to %s failed (attempt %d): %r", bulletin.pk, delivery.email, delivery.attempts, error)
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
            _tell_center(delivery)
        delivery.save(update_fields=["attempts", "last_error", "status"])
        return False
    delivery.status, delivery.sent_at = DeliveryStatus.SENT, timezone.now()
    delivery.save(update_fields=["attempts", "status", "sent_at"])
    return True


def _tell_center(delivery: Delivery) -> None:
    center = Organization.objects.filter(kind=OrgKind.COMMAND_CENTER).order_by("depth").first()
    notify(
        case=None,
        organization=center,
        kind="delivery",
        message=_("The bulletin of %(month)s could not be sent to %(email)s after %(n)d attempts: %(error)s")
        % {
            "month": f"{delivery.bulletin.month:%Y-%m}",
            "email": delivery.email,
            "n": delivery.attempts,
            "error": delivery.last_error[-120:],
        },
    )
