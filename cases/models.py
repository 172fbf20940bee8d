from django.conf import settings
from django.contrib.gis.db import models as gis_models
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.scope import ScopedQuerySet
from classification.choices import LimitUnit, Urgency
from classification.models import Category

from .choices import (
    TERMINAL_STATES,
    AttachmentKind,
    CaseSource,
    CaseState,
    ClosureType,
    PendingRequest,
    Stage,
    state_label,
)

# --- Working calendar ------------------------------------------------------------------------------------


class CalendarDay(models.Model):
    """An override of the official holiday calendar for one day (and the only source for years that the
    holiday package has no data for)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date} {_('working day') if self.is_workday else _('day off')}"


class WorkSchedule(models.Model):
    """The daily working hours in force from ``valid_from`` until the next schedule starts."""

    name = models.CharField(_("name"), max_length=64)
    valid_from = models.DateField(_("valid from"), unique=True)

    class Meta:
        verbose_name = _("work schedule")
        verbose_name_plural = _("work schedules")
        ordering = ["-valid_from"]

    def __str__(self):
        return f"{self.name} ({self.valid_from})"


class WorkPeriod(models.Model):
    schedule = models.ForeignKey(WorkSchedule, models.CASCADE, related_name="periods", verbose_name=_("schedule"))
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))

    class Meta:
        verbose_name = _("working period")
        verbose_name_plural = _("working periods")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="period_ends_after_start")
        ]

    def __str__(self):
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError(_("A working period must end after it starts."))


# --- Stage time limits ------------------------------------------------------------------------------------


class StageLimit(models.Model):
    """The time limit of a center step (intake, registration, dispatch, …); handling limits come from the
    category. Defaults: 15 working minutes [seed] and 30 for verification and checks [default]."""

    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, unique=True)
    amount = models.PositiveIntegerField(_("limit"))
    unit = models.CharField(_("limit unit"), max_length=4, choices=LimitUnit.choices)

    class Meta:
        verbose_name = _("stage limit")
        verbose_name_plural = _("stage limits")
        ordering = ["stage"]

    def __str__(self):
        return f"{self.get_stage_display()}: {self.amount} {self.get_unit_display()}"


# --- Cases ----------------------------------------------------------------------------------------------


class CaseSequence(models.Model):
    """Last case number given out per year, on SQLite (PostgreSQL counts with a sequence per year:
    ``cases.numbering``)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class CaseQuerySet(ScopedQuerySet):
    # Visible to the area's platforms and staff and to the unit holding it (street and community lie inside
    # the district, so the district covers every area scope above a street).
    scope_fields = ("district", "street", "assignee")

    def open(self):
        return self.exclude(state__in=TERMINAL_STATES)


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=16, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=16, choices=CaseSource.choices)
    category = models.ForeignKey(
        Category, models.PROTECT, related_name="cases", verbose_name=_("category"), db_index=False
    )  # indexed with the report time below
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    description = models.TextField(_("description"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    location = gis_models.PointField(_("location"), srid=4326, null=True, blank=True)
    grid = models.ForeignKey(
        "gisbase.Grid", models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("unit grid")
    )
    community = models.ForeignKey(
        Organization, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("community")
    )
    street = models.ForeignKey(
        Organization, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("street")
    )
    district = models.ForeignKey(  # indexed first in case_district_state
        Organization, models.PROTECT, related_name="+", verbose_name=_("district"), db_index=False
    )
    component_code = models.CharField(_("component identifier"), max_length=17, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_cases",
        verbose_name=_("reporter"),
    )
    reporter_name = models.CharField(_("reporter name"), max_length=64, blank=True)
    reporter_phone = models.CharField(_("reporter phone"), max_length=32, blank=True)
    self_handled = models.BooleanField(_("handled on the spot"), default=False)

    state = models.CharField(_("state"), max_length=24, choices=CaseState.choices)  # indexed first in case_queue
    assignee = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("responsible unit"),
    )
    platform = models.ForeignKey(
        Organization, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("district platform")
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_cases",
        verbose_name=_("supervisor on task"),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_cases",
        verbose_name=_("person in charge"),
        help_text=_("The named person of the responsible unit who handles the case."),
    )
    stage_deadline = models.DateTimeField(_("stage deadline"), null=True, blank=True, db_index=True)
    handling_deadline = models.DateTimeField(_("handling deadline"), null=True, blank=True)
    return_count = models.PositiveSmallIntegerField(_("returns"), default=0)
    rework_count = models.PositiveSmallIntegerField(_("reworks"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    extension_hours = models.PositiveIntegerField(_("extension hours"), default=0)
    is_overdue = models.BooleanField(_("overdue"), default=False, db_index=True)
    is_urged = models.BooleanField(_("urged"), default=False)
    disputed_since = models.DateTimeField(_("disputed since"), null=True, blank=True)
    pending_request = models.CharField(
        _("pending request"), max_length=12, choices=PendingRequest.choices, blank=True, default=""
    )
    requested_hours = models.PositiveIntegerField(_("requested hours"), default=0)
    requested_until = models.DateField(_("postponed until"), null=True, blank=True)
    closure_type = models.CharField(_("closure type"), max_length=12, choices=ClosureType.choices, blank=True)

    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(  # indexed first in case_idempotency_key
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
        db_index=False,
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, null=True, blank=True, editable=False)
    # What the first submission with the key asked for: the same key with other contents is refused.
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at"]
        constraints = [
            models.UniqueConstraint(fields=["created_by", "idempotency_key"], name="case_idempotency_key"),
        ]
        indexes = [
            models.Index(fields=["state", "assignee"], name="case_queue"),
            models.Index(fields=["district", "state"], name="case_district_state"),
            # a list of one category, newest first, without walking every case newer than its page
            models.Index(fields=["category", "-reported_at"], name="case_category_reported"),
        ]

    def __str__(self):
        return self.number

    def get_state_display(self) -> str:  # type: ignore[no-redef]  # Django keeps a model's own get_FOO_display
        return state_label(self.state)

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_STATES


class CaseEvent(models.Model):
    """One immutable entry of a case's history: every change of state (and every urge or request)."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="events", verbose_name=_("case"))
    action = models.CharField(_("action"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name=_("actor")
    )
    actor_role = models.CharField(_("role"), max_length=24, blank=True)
    actor_organization = models.ForeignKey(
        Organization, models.PROTECT, null=True, related_name="+", verbose_name=_("organization")
    )
    at = models.DateTimeField(_("time"))
    from_state = models.CharField(_("from"), max_length=24, choices=CaseState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=24, choices=CaseState.choices)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["action", "at"], name="event_action_at")]  # the live counters

    def __str__(self):
        return f"{self.case} {self.action} {self.from_state}→{self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError(_("Case events cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(_("Case events cannot be deleted."))

    def get_from_state_display(self) -> str:  # type: ignore[no-redef]
        return state_label(self.from_state)

    def get_to_state_display(self) -> str:  # type: ignore[no-redef]
        return state_label(self.to_state)


class ImmutableError(Exception):
    pass


class CaseStep(models.Model):
    """One step of the case with its holder and deadline (domain spec section 5, design note): every
    indicator is a grouped count over these rows."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="steps", verbose_name=_("case"))
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    organization = models.ForeignKey(
        Organization, models.PROTECT, null=True, related_name="+", verbose_name=_("organization")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name=_("done by")
    )
    entered_at = models.DateTimeField(_("entered at"))
    deadline = models.DateTimeField(_("deadline"), null=True)
    completed_at = models.DateTimeField(_("completed at"), null=True)
    on_time = models.BooleanField(_("on time"), null=True)
    outcome = models.CharField(_("outcome"), max_length=32, blank=True)
    sent_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent to"),
        help_text=_("The supervisor a verification or check was sent to: the step is due to them."),
    )
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    extension_hours = models.PositiveIntegerField(_("extension hours"), default=0)

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        ordering = ["entered_at", "pk"]
        indexes = [
            models.Index(fields=["stage", "entered_at"], name="step_stage_entered"),
            # the open steps an organization holds (its overdue queue): few, whatever the history
            models.Index(
                fields=["organization", "stage"], name="step_open_held", condition=models.Q(completed_at__isnull=True)
            ),
        ]

    def __str__(self):
        return f"{self.case} {self.stage}"


class LedgerEntry(models.Model):
    """One version of a case's ledger: every fact the indicators need, as the case stood from ``valid_from``
    until ``valid_to`` (open: the current version). The state machine writes a version with each action
    that changes a fact (``cases.ledger``), so that the facts as of any time T are one row per case, and
    only the deadline still needs comparing with T."""

    case = models.ForeignKey(
        Case,
        models.CASCADE,
        related_name="ledger",
        verbose_name=_("case"),
        db_index=False,  # see the indexes
    )
    valid_from = models.DateTimeField(_("valid from"))
    valid_to = models.DateTimeField(_("valid to"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"))
    # Copies of the case's keys (kept equal to the case's on every version), so that counting needs no join
    # with the cases: plain columns, no constraint or index to slow the state machine's writes.
    source = models.CharField(max_length=16)
    self_handled = models.BooleanField(default=False)
    reporter_id = models.BigIntegerField(null=True)
    district_id = models.BigIntegerField()
    street_id = models.BigIntegerField(null=True)
    community_id = models.BigIntegerField(null=True)
    grid_id = models.BigIntegerField(null=True)
    category_id = models.BigIntegerField()
    major_id = models.BigIntegerField()
    state = models.CharField(_("state"), max_length=24, choices=CaseState.choices)
    unit = models.ForeignKey(
        Organization,
        models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("holding unit"),
    )
    missed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("missed by"),
        help_text=_("The grid's supervisor, if a public report had no report of theirs near it before."),
    )
    accepted = models.BooleanField(default=False)
    to_verify = models.BooleanField(default=False)
    verified = models.BooleanField(default=False)
    verified_on_time = models.BooleanField(default=False)
    found = models.BooleanField(default=False)
    registered = models.BooleanField(default=False)
    registered_on_time = models.BooleanField(default=False)
    dispatched = models.BooleanField(default=False)
    dispatched_late = models.BooleanField(default=False)
    wrongly_dispatched = models.BooleanField(default=False)
    ever_parked = models.BooleanField(default=False)
    handled = models.BooleanField(default=False)
    handling_late = models.BooleanField(default=False)
    handling_deadline = models.DateTimeField(null=True, blank=True)  # of the open handling step
    due_at = models.DateTimeField(null=True, blank=True)  # the latest handling step's deadline, open or not
    reworks = models.PositiveSmallIntegerField(default=0)
    extensions = models.PositiveSmallIntegerField(default=0)
    extension_hours = models.PositiveIntegerField(default=0)
    to_check = models.BooleanField(default=False)
    checked = models.BooleanField(default=False)
    checked_late = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["case", "valid_from", "pk"]
        indexes = [
            models.Index(fields=["case", "valid_to"], name="ledger_case_current"),
            models.Index(fields=["reported_at", "valid_from"], name="ledger_reported"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.state} {self.valid_from:%Y-%m-%d %H:%M}"


def attachment_path(instance, filename):
    return f"cases/{instance.case.reported_at:%Y/%m}/{instance.case.number}/{filename}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, models.CASCADE, related_name="attachments", verbose_name=_("case"))
    event = models.ForeignKey(CaseEvent, models.CASCADE, null=True, related_name="attachments", verbose_name=_("event"))
    kind = models.CharField(_("kind"), max_length=8, choices=AttachmentKind.choices)
    image = models.ImageField(_("image"), upload_to=attachment_path)
    public_image = models.ImageField(_("public copy"), upload_to=attachment_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=attachment_path)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"{self.case} {self.get_kind_display()}"


class DecisionQuerySet(ScopedQuerySet):
    scope_fields = ("case__district", "case__street", "case__assignee", "owner")


class Decision(models.Model):
    """A liaison meeting's decision on a case (会商会办) and its follow-up: which body does what, by when."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="decisions", verbose_name=_("case"))
    month = models.DateField(_("meeting month"))
    text = models.CharField(_("decision"), max_length=500)
    owner = models.ForeignKey(Organization, models.PROTECT, related_name="follow_ups", verbose_name=_("followed up by"))
    due_on = models.DateField(_("follow-up due"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    decided_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    done_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    done_note = models.CharField(_("follow-up note"), max_length=300, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("done by")
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return f"{self.case} {self.text[:30]}"


class ExportStatus(models.TextChoices):
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class CaseExport(models.Model):
    """A large case list written to Excel in the background: who asked, which list (its source and query
    string, applied again in the asker's scope), how far it has got, and the file once written."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("user"))
    source = models.CharField(_("list"), max_length=200)  # the dotted path of the list's source
    query = models.TextField(_("query"), blank=True)
    total = models.PositiveIntegerField(_("cases"), default=0)
    done = models.PositiveIntegerField(_("written"), default=0)
    status = models.CharField(_("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.RUNNING)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case export")
        verbose_name_plural = _("case exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} {self.source} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100
