"""The audit log's sources: log-ins and log-outs, failed log-ins and lock-outs, administrators' changes.
Log-out also revokes the user's API tokens."""

from axes.signals import user_locked_out
from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

from .audit import record
from .models import AuditEvent


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs):
    record(AuditEvent.Kind.LOGIN, request, user=user)


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    if user is not None:
        Token.objects.filter(user=user).delete()
        record(AuditEvent.Kind.LOGOUT, request, user=user)


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    record(AuditEvent.Kind.LOGIN_FAILED, request, username=credentials.get("username", ""))


@receiver(user_locked_out)
def locked_out(sender, request, username=None, ip_address=None, **kwargs):
    record(AuditEvent.Kind.LOCKED_OUT, request, username=username or "", detail=ip_address or "")


@receiver(post_save, sender=LogEntry)
def admin_change(sender, instance, created, **kwargs):
    if created:
        record(
            AuditEvent.Kind.ADMIN_CHANGE,
            user=instance.user,
            detail=f"{instance.get_action_flag_display()} {instance.content_type} {instance.object_repr}",
        )
