"""The public channel: the integrations' API keys, what a public report came with, the notes the public
reads, and the reporters intake marked as abusive."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.choices import CaseSource
from cases.models import Case

from .choices import BlockKind, Channel


class ApiKey(models.Model):
    """A key for an integration (12345 hotline, a WeChat mini-program, another system). Only its digest is
    kept; its reports come from its own service account with its own source tag and rate limit."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    source = models.CharField(_("source"), max_length=16, choices=CaseSource.choices, default=CaseSource.PUBLIC)
    rate_per_minute = models.PositiveIntegerField(_("reports per minute"), default=30)
    prefix = models.CharField(_("key begins with"), max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", editable=False, verbose_name=_("account")
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class PublicReport(models.Model):
    """How a public report arrived. The contact details are for the center's staff only: never shown on
    the public page or in the Open311 answers."""

    case = models.OneToOneField(Case, models.CASCADE, related_name="public_report", verbose_name=_("case"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    api_key = models.ForeignKey(ApiKey, models.PROTECT, null=True, blank=True, verbose_name=_("API key"))
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    device_id = models.CharField(_("device"), max_length=64, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    digests = models.JSONField(default=dict, editable=False)  # BlockKind → keyed digest, to block the reporter

    class Meta:
        verbose_name = _("public report")
        verbose_name_plural = _("public reports")

    def __str__(self):
        return str(self.case)


class PublicNote(models.Model):
    """A note for the reporter, written by the center: shown on the public page and in Open311."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="public_notes", verbose_name=_("case"))
    text = models.CharField(_("note"), max_length=500)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("public note")
        verbose_name_plural = _("public notes")
        ordering = ["written_at", "pk"]

    def __str__(self):
        return self.text


class Block(models.Model):
    """A reporter intake marked as abusive: their reports are refused."""

    kind = models.CharField(_("kind"), max_length=8, choices=BlockKind.choices)
    digest = models.CharField(max_length=64)
    reason = models.CharField(_("reason"), max_length=200)
    case = models.ForeignKey(Case, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("case"))
    blocked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    blocked_at = models.DateTimeField(_("blocked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("blocked reporter")
        verbose_name_plural = _("blocked reporters")
        constraints = [models.UniqueConstraint(fields=["kind", "digest"], name="one_block_per_reporter")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.reason}"
