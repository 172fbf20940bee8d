"""Indicator snapshots: immutable results of one computation, with everything needed to trust them later."""

from django.conf import settings
from django.contrib.gis.db import models as gis_models
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
    status = models.CharField(_("status"), max_length=8, choices=SnapshotStatus.choices, default=SnapshotStatus.RUNNING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("started by")
    )

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


class ScoreFormula(models.Model):
    """A composite score 综合指标值 (0–100) for one kind of evaluation object: weighted components, each a
    rate (× 100, or its complement) or a count scored by brackets. Versioned; the newest active formula
    valid on a period's first day applies."""

    object_type = models.CharField(_("object type"), max_length=16)
    version = models.CharField(_("version"), max_length=16)
    valid_from = models.DateField(_("valid from"))
    is_active = models.BooleanField(_("active"), default=True)
    components = models.JSONField(
        _("components"),
        help_text=_(
            'A list of {"label", "weight", and either "rate" (+ "complement": true for 1 − rate) or '
            '"count" with "brackets": [[up to, score], …, [null, score]]}. Weights sum to 1.'
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("score formula")
        verbose_name_plural = _("score formulas")
        ordering = ["object_type", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["object_type", "version"], name="score_formula_version")]

    def __str__(self):
        return f"{self.object_type} {self.version}"


class OtherAssessment(models.Model):
    """Scores from outside the platform (e.g. monthly on-site inspections), entered by staff per unit and
    month; the unit's performance assessment combines them with the platform's score."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    unit = models.ForeignKey(
        "accounts.Organization", models.CASCADE, related_name="assessments", verbose_name=_("unit")
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("entered by")
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        verbose_name = _("other assessment")
        verbose_name_plural = _("other assessments")
        ordering = ["-month", "unit"]
        constraints = [models.UniqueConstraint(fields=["month", "unit"], name="one_assessment_per_unit_month")]

    def __str__(self):
        return f"{self.unit} {self.month:%Y-%m}: {self.score}"


def bulletin_path(instance, filename):
    return f"bulletins/{instance.month:%Y}/{filename}"


class Bulletin(models.Model):
    """The monthly bulletin (月度通报) as generated: archived, never regenerated in place."""

    month = models.DateField(_("month"))
    snapshot = models.ForeignKey(Snapshot, models.PROTECT, related_name="bulletins", verbose_name=_("snapshot"))
    pdf = models.FileField(_("PDF"), upload_to=bulletin_path)
    pages = models.PositiveSmallIntegerField(_("pages"), default=0)
    generated_at = models.DateTimeField(_("generated at"), auto_now_add=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("generated by"),
    )

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-month", "-generated_at"]

    def __str__(self):
        return f"{self.month:%Y-%m}"


class RecipientList(models.Model):
    """Who receives the monthly bulletin (e.g. each unit's leaders), one address per line."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    emails = models.TextField(_("e-mail addresses"), help_text=_("One address per line."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("recipient list")
        verbose_name_plural = _("recipient lists")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def addresses(self) -> list[str]:
        return [line.strip() for line in self.emails.splitlines() if line.strip()]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One bulletin to one address: retried until sent, and a failure stays visible to staff."""

    bulletin = models.ForeignKey(Bulletin, models.CASCADE, related_name="deliveries", verbose_name=_("bulletin"))
    recipient_list = models.ForeignKey(
        RecipientList, models.SET_NULL, null=True, related_name="deliveries", verbose_name=_("recipient list")
    )
    email = models.EmailField(_("e-mail address"))
    status = models.CharField(_("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["bulletin", "email"]
        constraints = [models.UniqueConstraint(fields=["bulletin", "email"], name="one_delivery_per_address")]

    def __str__(self):
        return f"{self.bulletin} → {self.email}"


class KeyArea(models.Model):
    """An area the center watches (a central business district, key roads, a market), drawn on the map or
    taken from a street or community: its trend and the effect of a campaign are analysed."""

    name = models.CharField(_("name"), max_length=100)
    geometry = gis_models.MultiPolygonField(_("area"), srid=4326)
    organization = models.ForeignKey(
        "accounts.Organization", models.PROTECT, related_name="+", verbose_name=_("kept by")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("key area")
        verbose_name_plural = _("key areas")
        ordering = ["name"]

    def __str__(self):
        return self.name
