"""The sample library and what is done with it (domain spec §8): collection tasks, special collections,
patrols with their tracks and the samples they covered, findings (reports placed on a sample) and
recheck sampling of closed cases (the consolidation rate)."""

import datetime as dt

from django.conf import settings
from django.contrib.gis.db import models as gis_models
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.scope import ScopedQuerySet
from cases.models import Case
from classification.models import Category

from .choices import Measure, Per, RecheckResult


class SampleKind(models.Model):
    """A kind of inspected object: roads, farmers' markets, residential compounds, and any the center adds."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    measure = models.CharField(_("measured"), max_length=4, choices=Measure.choices, default=Measure.COUNT)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sample kind")
        verbose_name_plural = _("sample kinds")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Library(models.Model):
    """One version of the sample library, in force from ``starts_on`` until the next version starts.
    A version whose first day has come is frozen: statistics of its days are computed on it for good;
    changes go into a new version."""

    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("in force from"), unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sample library version")
        verbose_name_plural = _("sample library versions")
        ordering = ["-starts_on"]

    def __str__(self):
        return f"{self.name} ({self.starts_on:%Y-%m-%d})"

    @property
    def is_frozen(self) -> bool:
        return self.starts_on <= timezone.localdate()

    @classmethod
    def in_force(cls, day: dt.date) -> "Library | None":
        return cls.objects.filter(starts_on__lte=day).order_by("-starts_on").first()


class SampleQuerySet(ScopedQuerySet):
    scope_fields = ("district", "street")


class Sample(models.Model):
    library = models.ForeignKey(Library, models.CASCADE, related_name="samples", verbose_name=_("library version"))
    kind = models.ForeignKey(SampleKind, models.PROTECT, related_name="samples", verbose_name=_("kind"))
    code = models.CharField(_("code"), max_length=32, help_text=_("Stable across library versions."))
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=20, blank=True, help_text=_("Road level, market grade…"))
    length_m = models.FloatField(_("length (m)"), null=True, blank=True)
    geometry = gis_models.GeometryField(_("geometry"), srid=4326)
    district = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("district"))
    street = models.ForeignKey(
        Organization, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("street")
    )
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)

    objects = SampleQuerySet.as_manager()

    class Meta:
        verbose_name = _("sample")
        verbose_name_plural = _("samples")
        ordering = ["kind__order", "code"]
        constraints = [models.UniqueConstraint(fields=["library", "code"], name="sample_code_per_version")]

    def __str__(self):
        return self.name


class TaskQuerySet(ScopedQuerySet):
    scope_fields = ("sample__district", "sample__street")

    def active_on(self, day: dt.date):
        return self.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class CollectionTask(models.Model):
    """A sample assigned to a supervisor for a window of days, to be patrolled ``times`` per ``per``.
    A change (another supervisor, another frequency) ends the task and starts its successor, so the
    history of who was to patrol what, when, is kept row by row."""

    sample = models.ForeignKey(Sample, models.PROTECT, related_name="tasks", verbose_name=_("sample"))
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="collection_tasks", verbose_name=_("supervisor")
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    times = models.PositiveSmallIntegerField(_("times"), default=1)
    per = models.CharField(_("per"), max_length=5, choices=Per.choices, default=Per.DAY)
    area = gis_models.PolygonField(_("drawn area"), srid=4326, null=True, blank=True)
    previous = models.OneToOneField(
        "self", models.SET_NULL, null=True, blank=True, related_name="next", verbose_name=_("replaces")
    )
    change_note = models.CharField(_("reason for the change"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name=_("assigned by")
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("collection task")
        verbose_name_plural = _("collection tasks")
        ordering = ["starts_on", "supervisor_id", "sample_id"]
        indexes = [models.Index(fields=["supervisor", "starts_on"], name="task_supervisor_day")]

    def __str__(self):
        return f"{self.sample} → {self.supervisor} ({self.starts_on}–{self.ends_on})"

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The task ends before it starts.")})


class SpecialQuerySet(ScopedQuerySet):
    scope_fields = ("district",)


class SpecialCollection(models.Model):
    """A special collection (专项采集): chosen supervisors look for chosen problems in a designated area
    for a window of time; their reports in it carry the special-inspection source."""

    name = models.CharField(_("name"), max_length=100)
    district = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
        help_text=_("Empty for a city-wide collection."),
    )
    area = gis_models.PolygonField(_("designated area"), srid=4326, null=True, blank=True)
    categories = models.ManyToManyField(Category, blank=True, related_name="+", verbose_name=_("problem types"))
    supervisors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="special_collections")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    note = models.TextField(_("instructions"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name=_("created by")
    )

    objects = SpecialQuerySet.as_manager()

    class Meta:
        verbose_name = _("special collection")
        verbose_name_plural = _("special collections")
        ordering = ["-starts_at"]

    def __str__(self):
        return self.name


class Patrol(models.Model):
    """One supervisor's patrol: the GPS points the phone uploaded, the track made of them in time order,
    and (once finished) the samples the track covered."""

    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="patrols", verbose_name=_("supervisor")
    )
    special = models.ForeignKey(
        SpecialCollection, models.SET_NULL, null=True, blank=True, related_name="patrols", verbose_name=_("special")
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    track = gis_models.LineStringField(_("track"), srid=4326, null=True, blank=True)
    points = models.PositiveIntegerField(_("points"), default=0)
    key = models.CharField(_("client key"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["supervisor", "started_at"], name="patrol_supervisor_time")]
        constraints = [
            models.UniqueConstraint(fields=["supervisor", "key"], condition=~Q(key=""), name="patrol_client_key")
        ]

    def __str__(self):
        return f"{self.supervisor} {self.started_at:%Y-%m-%d %H:%M}"


class TrackPoint(models.Model):
    """A GPS fix as the phone sent it; a fix sent twice (a retried batch) is stored once."""

    patrol = models.ForeignKey(Patrol, models.CASCADE, related_name="fixes", verbose_name=_("patrol"))
    taken_at = models.DateTimeField(_("taken at"))
    location = gis_models.PointField(_("location"), srid=4326)
    accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True)

    class Meta:
        verbose_name = _("track point")
        verbose_name_plural = _("track points")
        constraints = [models.UniqueConstraint(fields=["patrol", "taken_at"], name="track_point_once")]

    def __str__(self):
        return f"{self.patrol_id} {self.taken_at:%H:%M:%S}"


class Visit(models.Model):
    """A sample a patrol covered (or came near without covering: ``covered`` false, with its share)."""

    patrol = models.ForeignKey(Patrol, models.CASCADE, related_name="visits", verbose_name=_("patrol"))
    sample = models.ForeignKey(Sample, models.PROTECT, related_name="visits", verbose_name=_("sample"))
    task = models.ForeignKey(
        CollectionTask, models.SET_NULL, null=True, blank=True, related_name="visits", verbose_name=_("task")
    )
    day = models.DateField(_("day"))
    share = models.FloatField(_("share covered"))
    covered = models.BooleanField(_("covered"))

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [models.UniqueConstraint(fields=["patrol", "sample"], name="visit_once")]
        indexes = [models.Index(fields=["sample", "day"], name="visit_sample_day")]

    def __str__(self):
        return f"{self.sample} {self.day}"


class Finding(models.Model):
    """Where a report lies in the sample library: the nearest sample within tolerance (of the version in
    force on the report's day), and the patrol, task and special collection it was made on."""

    case = models.OneToOneField(Case, models.CASCADE, related_name="finding", verbose_name=_("case"))
    sample = models.ForeignKey(
        Sample, models.PROTECT, null=True, blank=True, related_name="findings", verbose_name=_("sample")
    )
    patrol = models.ForeignKey(
        Patrol, models.SET_NULL, null=True, blank=True, related_name="findings", verbose_name=_("patrol")
    )
    task = models.ForeignKey(
        CollectionTask, models.SET_NULL, null=True, blank=True, related_name="findings", verbose_name=_("task")
    )
    special = models.ForeignKey(
        SpecialCollection, models.SET_NULL, null=True, blank=True, related_name="findings", verbose_name=_("special")
    )

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self):
        return f"{self.case} → {self.sample or '—'}"


class RecheckDraw(models.Model):
    """One month's random sample of closed city-appearance cases, reproducible from its seed."""

    month = models.DateField(_("month of closure"), unique=True)
    seed = models.BigIntegerField(_("seed"))
    rate = models.FloatField(_("sampling rate"))
    size = models.PositiveIntegerField(_("at most"))
    population = models.PositiveIntegerField(_("closed cases"), default=0)
    strata = models.JSONField(_("strata"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name=_("drawn by")
    )
    created_at = models.DateTimeField(_("drawn at"), default=timezone.now)

    class Meta:
        verbose_name = _("recheck draw")
        verbose_name_plural = _("recheck draws")
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y-%m}"


class RecheckQuerySet(ScopedQuerySet):
    scope_fields = ("case__district", "case__street", "case__assignee")


def recheck_photo_path(instance, filename):
    return f"rechecks/{instance.draw.month:%Y/%m}/{filename}"


class Recheck(models.Model):
    """A second visit to a closed case by a supervisor other than its reporter: still fixed, or recurred
    (which opens a new case linked here)."""

    draw = models.ForeignKey(RecheckDraw, models.CASCADE, related_name="rechecks", verbose_name=_("draw"))
    case = models.ForeignKey(Case, models.CASCADE, related_name="rechecks", verbose_name=_("case"))
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="rechecks", verbose_name=_("supervisor")
    )
    due_on = models.DateField(_("due"))
    result = models.CharField(_("result"), max_length=8, choices=RecheckResult.choices, blank=True, default="")
    note = models.CharField(_("note"), max_length=500, blank=True)
    photo = models.ImageField(_("photo"), upload_to=recheck_photo_path, blank=True)
    done_at = models.DateTimeField(_("rechecked at"), null=True, blank=True, db_index=True)
    new_case = models.OneToOneField(
        Case, models.PROTECT, null=True, blank=True, related_name="recurrence_of", verbose_name=_("new case")
    )
    missed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("missed by"),
        help_text=_("The grid's supervisor, when the recurrence had not been reported by them (漏报)."),
    )

    objects = RecheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("recheck")
        verbose_name_plural = _("rechecks")
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["draw", "case"], name="recheck_once_per_draw")]

    def __str__(self):
        return f"{self.case} → {self.supervisor}"
