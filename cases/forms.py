"""Web forms: the report form, and one small form per action built from the state machine's params."""

import uuid

from django import forms
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db.models import Case as Case_
from django.db.models import When
from django.utils.translation import gettext_lazy as _

from accounts.choices import OrgKind, Role
from accounts.models import Organization, User
from citymgmt.pickers import PickerSelect
from classification.choices import Urgency
from classification.models import Category

from .attachments import check_photos
from .choices import SUPERVISOR_SOURCES, AttachmentKind, CaseSource
from .models import Case
from .workflow import TRANSITIONS, Input


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos at once, each checked by content (type, size, pixels)."""

    def __init__(self, *args, kind=AttachmentKind.OTHER, **kwargs):
        self.kind = kind
        accepted = "image/jpeg,image/png,image/webp" + (",application/pdf" if kind == AttachmentKind.DOCUMENT else "")
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accepted}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return check_photos([super(PhotosField, self).clean(f, initial) for f in files], self.kind)


class CategoryChoiceField(forms.ModelChoiceField):
    widget = PickerSelect

    def label_from_instance(self, obj):
        return f"{obj.full_code} {obj.major.name} / {obj.name}"


class PickerChoiceField(forms.ModelChoiceField):
    widget = PickerSelect


class PersonChoiceField(PickerChoiceField):
    """People by name (the log-in name only tells them apart)."""

    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name and name != obj.username else obj.username


def recent_categories(user: User, limit: int = 5) -> list[int]:
    """The categories the user reported last, most recent first."""
    recent: list[int] = []
    for category in (
        Case.objects.filter(created_by=user).order_by("-reported_at").values_list("category", flat=True)[:50]
    ):
        if category not in recent:
            recent.append(category)
    return recent[:limit]


class ReportForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=CaseSource.choices)
    category = CategoryChoiceField(label=_("Category"), queryset=Category.objects.none())
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    address = forms.CharField(label=_("Address"), required=False, max_length=200)
    latitude = forms.FloatField(widget=forms.HiddenInput, required=False)
    longitude = forms.FloatField(widget=forms.HiddenInput, required=False)
    area = PickerChoiceField(
        label=_("Street or community"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Needed only when no point is picked on the map."),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=[("", _("Category default")), *Urgency.choices], required=False
    )
    component_code = forms.CharField(label=_("Component identifier"), required=False, max_length=17)
    reporter_name = forms.CharField(label=_("Reporter name"), required=False, max_length=64)
    reporter_phone = forms.CharField(label=_("Reporter phone"), required=False, max_length=32)
    self_handled = forms.BooleanField(label=_("Handled on the spot"), required=False)
    photos = PhotosField(label=_("Photos"), kind=AttachmentKind.BEFORE)
    after_photos = PhotosField(label=_("Photos after handling on the spot"), kind=AttachmentKind.AFTER)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, user: User, scheme: str, **kwargs):
        super().__init__(*args, **kwargs)
        recent = recent_categories(user)  # first in the picker, before the code order
        self.fields["category"].queryset = (
            Category.objects.filter(is_active=True, major__scheme=scheme)
            .select_related("major")
            .annotate(recent=Case_(*(When(pk=pk, then=i) for i, pk in enumerate(recent)), default=len(recent)))
            .order_by("recent", "full_code")
        )
        self.fields["area"].queryset = (
            Organization.objects.restrict(user).filter(kind__in=(OrgKind.STREET, OrgKind.COMMUNITY)).order_by("path")
        )
        self.initial.setdefault("idempotency_key", uuid.uuid4().hex)  # a resubmitted form makes no second case
        if user.has_role(Role.SUPERVISOR):  # daily collection, or a special collection they are in
            self.fields["source"].choices = [c for c in CaseSource.choices if c[0] in SUPERVISOR_SOURCES]
            self.initial.setdefault("source", CaseSource.SUPERVISOR)
            del self.fields["reporter_name"], self.fields["reporter_phone"]  # they are the reporter
        else:
            self.fields["source"].choices = [c for c in CaseSource.choices if c[0] != CaseSource.SUPERVISOR]
            del self.fields["self_handled"], self.fields["after_photos"]

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            raise ValidationError(_("Pick the point on the map again."))
        data["location"] = Point(lon, lat, srid=4326) if lat is not None else None
        if data["location"] is None and not data.get("area"):
            raise ValidationError(_("Pick the point on the map, or choose the street or community."))
        return data


def _choices(spec: Input, blank) -> list:
    """The declared choices, after an empty one (e.g. "Keep") when the input may be left out."""
    choices = list(spec.choices.choices) if spec.choices else []
    return choices if spec.required else [("", blank), *choices]


NO_LABELS = {"fixed": _("No, rework")}

# One web form field per kind of input; the input's declaration (cases.workflow) gives label and bounds.
FORM_FIELDS = {
    "unit": lambda spec, user, case: PickerChoiceField(
        label=spec.label,
        required=spec.required,
        queryset=Organization.objects.restrict(user)
        .filter(kind__in=(OrgKind.HANDLING_UNIT, OrgKind.DISTRICT_PLATFORM), is_active=True)
        .order_by("kind", "name"),
    ),
    "supervisor": lambda spec, user, case: PersonChoiceField(
        label=spec.label,
        required=spec.required,
        empty_label=_("Any supervisor of the area"),
        queryset=User.objects.filter(groups__name=Role.SUPERVISOR, is_active=True).order_by("full_name", "username"),
    ),
    "person": lambda spec, user, case: PersonChoiceField(
        label=spec.label,
        required=spec.required,
        queryset=User.objects.filter(organization_id=case.assignee_id, is_active=True).order_by(
            "full_name", "username"
        ),
    ),
    "boolean": lambda spec, user, case: forms.TypedChoiceField(
        label=spec.label,
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Yes")), ("no", NO_LABELS.get(spec.name, _("No")))],
        widget=forms.RadioSelect,
    ),
    "category": lambda spec, user, case: CategoryChoiceField(
        label=spec.label,
        required=spec.required,
        empty_label=_("Keep"),
        queryset=Category.objects.filter(is_active=True, major__scheme=case.category.major.scheme).select_related(
            "major"
        ),
    ),
    "choice": lambda spec, user, case: forms.ChoiceField(
        label=spec.label,
        required=spec.required,
        choices=_choices(spec, _("Automatic") if spec.name == "closure_type" else _("Keep")),
    ),
    "integer": lambda spec, user, case: forms.IntegerField(
        label=spec.label, required=spec.required, min_value=spec.minimum, max_value=spec.maximum
    ),
    "float": lambda spec, user, case: forms.FloatField(
        label=spec.label, required=spec.required, min_value=spec.minimum, max_value=spec.maximum
    ),
    "date": lambda spec, user, case: forms.DateField(
        label=spec.label, required=spec.required, widget=forms.DateInput(attrs={"type": "date"})
    ),
    # any unit or platform of the city, e.g. the body a unit holds responsible (not only those in its scope)
    "body": lambda spec, user, case: PickerChoiceField(
        label=spec.label,
        required=spec.required,
        queryset=Organization.objects.filter(
            kind__in=(OrgKind.HANDLING_UNIT, OrgKind.DISTRICT_PLATFORM), is_active=True
        ).order_by("kind", "name"),
    ),
    "text": lambda spec, user, case: forms.CharField(label=spec.label, required=spec.required, max_length=500),
}


def action_form(action: str, user: User, case, data=None, files=None) -> forms.Form:
    """The web form of an action, derived from its declaration."""
    transition = TRANSITIONS[action]
    fields = {spec.name: FORM_FIELDS[spec.kind](spec, user, case) for spec in transition.inputs}
    fields["note"] = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    fields["photos"] = PhotosField(label=_("Photos"), kind=transition.photo_kind)
    form_class = type(f"{action.title()}Form", (forms.Form,), fields)
    return form_class(data, files, prefix=action)
