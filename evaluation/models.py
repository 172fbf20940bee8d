"""Indicator snapshots: immutable results of one computation, with everything needed to trust them later."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SnapshotStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Snapshot(models.Model):
    """Indicators for one period, as of one moment, under one rule version and cohort rule.
    Recomputing makes a new snapshot; a finished one never changes."""

    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    as_of = models.DateTimeField(_("as of"))
    rule_version = models.CharField(_("rule version"), max_length=16)
    cohort_rule = models.CharField(_("cohort rule"), max_length=64)
    status = models.CharField(_("status"), max_length=8, choices=SnapshotStatus.choices,
                              default=SnapshotStatus.RUNNING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("started by"))

    class Meta:
        verbose_name = _("indicator snapshot")
        verbose_name_plural = _("indicator snapshots")
        ordering = ["-period_start", "-as_of"]
        indexes = [models.Index(fields=["period_start", "period_end", "status"], name="snapshot_period")]

    def __str__(self):
        return f"{self.period_start}–{self.period_end} @ {self.as_of:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk and Snapshot.objects.filter(pk=self.pk, status=SnapshotStatus.DONE).exists():
            raise ImmutableSnapshot(_("A finished snapshot cannot be changed; compute a new one."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status == SnapshotStatus.DONE:
            raise ImmutableSnapshot(_("A finished snapshot cannot be deleted."))
        return super().delete(*args, **kwargs)


class ImmutableSnapshot(Exception):
    pass


class SnapshotRow(models.Model):
    """The counts and rates of one evaluation object in a snapshot."""

    snapshot = models.ForeignKey(Snapshot, models.CASCADE, related_name="rows", verbose_name=_("snapshot"))
    object_type = models.CharField(_("object type"), max_length=16)
    object_id = models.BigIntegerField(_("object id"), null=True)
    object_name = models.CharField(_("object"), max_length=100)
    counts = models.JSONField(_("counts"))
    rates = models.JSONField(_("rates"))

    class Meta:
        verbose_name = _("snapshot row")
        verbose_name_plural = _("snapshot rows")
        ordering = ["object_type", "object_name"]
        indexes = [models.Index(fields=["snapshot", "object_type"], name="snapshot_row_object")]

    def __str__(self):
        return f"{self.snapshot} {self.object_type} {self.object_name}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableSnapshot(_("Snapshot rows cannot be changed."))
        super().save(*args, **kwargs)
