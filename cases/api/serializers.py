from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.choices import OrgKind
from accounts.models import Organization
from classification.catalogue import active_category
from classification.choices import Urgency
from classification.models import Category

from ..choices import CaseSource
from ..models import Attachment, Case, CaseEvent, CaseStep, Decision
from ..workflow import ACTIONS, TRANSITIONS, Input


class OrgRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "code", "name", "kind"]


class CategoryRefSerializer(serializers.ModelSerializer):
    major = serializers.CharField(source="major.name")
    scheme = serializers.CharField(source="major.scheme")
    kind = serializers.CharField(source="major.kind")

    class Meta:
        model = Category
        fields = ["id", "full_code", "name", "major", "scheme", "kind"]


class CaseListSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    category = CategoryRefSerializer(read_only=True)
    district = OrgRefSerializer(read_only=True)
    street = OrgRefSerializer(read_only=True, allow_null=True)
    assignee = OrgRefSerializer(read_only=True, allow_null=True)
    grid = serializers.CharField(source="grid.code", default=None, read_only=True, allow_null=True)
    longitude = serializers.FloatField(source="location.x", default=None, read_only=True, allow_null=True)
    latitude = serializers.FloatField(source="location.y", default=None, read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "state",
            "state_display",
            "source",
            "category",
            "urgency",
            "address",
            "description",
            "longitude",
            "latitude",
            "grid",
            "district",
            "street",
            "assignee",
            "stage_deadline",
            "handling_deadline",
            "is_overdue",
            "is_urged",
            "pending_request",
            "reported_at",
            "closed_at",
        ]


class CaseReceiptSerializer(serializers.ModelSerializer):
    """The answer to a report or an action under ``Prefer: return=minimal``: what its sender keeps (the number,
    where the case stands and its deadlines), built from the case in hand without reading anything back."""

    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Case
        fields = ["id", "number", "state", "state_display", "stage_deadline", "handling_deadline", "reported_at"]


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_full_name", default=None)
    actor_organization = serializers.CharField(source="actor_organization.name", default=None)

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "action",
            "at",
            "from_state",
            "to_state",
            "actor",
            "actor_role",
            "actor_organization",
            "note",
            "data",
        ]


class StepSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.name", default=None)

    class Meta:
        model = CaseStep
        fields = ["stage", "organization", "entered_at", "deadline", "completed_at", "on_time", "outcome"]


class AttachmentSerializer(serializers.ModelSerializer):
    """The photo's addresses go through the scoped photo view (``original`` opens for those who rule on
    cases only); the stored files are never addressed directly."""

    thumbnail = serializers.SerializerMethodField()
    photo = serializers.SerializerMethodField()
    original = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "kind", "thumbnail", "photo", "original", "width", "height", "event"]

    def _url(self, attachment, copy) -> str:
        url = reverse("case-photo", args=[attachment.pk, copy])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_thumbnail(self, attachment) -> str:
        return self._url(attachment, "thumb")

    def get_photo(self, attachment) -> str:
        return self._url(attachment, "photo")

    def get_original(self, attachment) -> str:
        return self._url(attachment, "original")


class CaseDetailSerializer(CaseListSerializer):
    community = OrgRefSerializer(read_only=True, allow_null=True)
    platform = OrgRefSerializer(read_only=True, allow_null=True)
    events = EventSerializer(many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "component_code",
            "community",
            "platform",
            "reporter_name",
            "self_handled",
            "return_count",
            "rework_count",
            "extension_count",
            "extension_hours",
            "closure_type",
            "events",
            "steps",
            "attachments",
        ]


class PhotoListField(serializers.ListField):
    child = serializers.FileField()


class CategoryField(serializers.PrimaryKeyRelatedField):
    """An active category by key, from the process's catalogue (no query)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Category.objects.filter(is_active=True), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or (category := active_category(data)) is None:
            self.fail("does_not_exist", pk_value=data)
        return category


class CaseCreateSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=CaseSource.choices)
    category = CategoryField()
    description = serializers.CharField(max_length=2000)
    address = serializers.CharField(max_length=200, required=False, default="")
    longitude = serializers.FloatField(required=False, min_value=-180, max_value=180)
    latitude = serializers.FloatField(required=False, min_value=-90, max_value=90)
    area = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(kind__in=(OrgKind.DISTRICT, OrgKind.STREET, OrgKind.COMMUNITY)),
        required=False,
        help_text=_("District, street or community, when no point is given."),
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, default="")
    component_code = serializers.CharField(max_length=17, required=False, default="")
    reporter_name = serializers.CharField(max_length=64, required=False, default="")
    reporter_phone = serializers.CharField(max_length=32, required=False, default="")
    self_handled = serializers.BooleanField(required=False, default=False)
    idempotency_key = serializers.CharField(
        max_length=64, required=False, help_text=_("Or the Idempotency-Key header: the same key gives the same case.")
    )
    photos = PhotoListField(required=False, default=list)
    after_photos = PhotoListField(
        required=False, default=list, help_text=_("For a problem handled on the spot: the photos after.")
    )

    def validate(self, data):
        if ("longitude" in data) != ("latitude" in data):
            raise serializers.ValidationError(_("Give both longitude and latitude."))
        if "longitude" not in data and "area" not in data:
            raise serializers.ValidationError(_("Give the point (longitude, latitude) or the area."))
        return data


def _bounded(field_class, spec: Input, **kwargs):
    bounds = {k: v for k, v in (("min_value", spec.minimum), ("max_value", spec.maximum)) if v is not None}
    return field_class(required=spec.required, help_text=spec.help_text or spec.label, **bounds, **kwargs)


# One API field per kind of input; the input's declaration (cases.workflow) gives its bounds.
API_FIELDS = {
    "unit": lambda spec: _bounded(serializers.IntegerField, spec),
    "supervisor": lambda spec: _bounded(serializers.IntegerField, spec),
    "person": lambda spec: _bounded(serializers.IntegerField, spec),
    "category": lambda spec: _bounded(serializers.IntegerField, spec),
    "boolean": lambda spec: serializers.BooleanField(help_text=spec.label),
    "choice": lambda spec: serializers.ChoiceField(
        choices=spec.choices.choices, required=spec.required, help_text=spec.label
    ),
    "integer": lambda spec: _bounded(serializers.IntegerField, spec),
    "float": lambda spec: _bounded(serializers.FloatField, spec),
    "date": lambda spec: serializers.DateField(required=spec.required, help_text=spec.label),
    "body": lambda spec: _bounded(serializers.IntegerField, spec),
    "text": lambda spec: serializers.CharField(
        required=spec.required, allow_blank=not spec.required, max_length=500, help_text=spec.label
    ),
}


def action_serializer(action: str) -> type[serializers.Serializer]:
    """The API input of an action, derived from its declaration."""
    fields = {spec.name: API_FIELDS[spec.kind](spec) for spec in TRANSITIONS[action].inputs}
    fields["note"] = serializers.CharField(required=False, default="", max_length=2000, allow_blank=True)
    fields["photos"] = PhotoListField(required=False, default=list)
    name = "".join(part.title() for part in action.split("_")) + "ActionSerializer"
    return type(name, (serializers.Serializer,), fields)


ACTION_SERIALIZERS = {action: action_serializer(action) for action in ACTIONS}


class DecisionSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "case",
            "case_number",
            "month",
            "text",
            "owner",
            "owner_name",
            "due_on",
            "decided_at",
            "done_at",
            "done_note",
        ]
        read_only_fields = fields


class DecisionCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    text = serializers.CharField(max_length=500)
    owner = serializers.IntegerField(help_text="The handling unit or platform that follows the decision up.")
    due_on = serializers.DateField()


class FollowUpSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
