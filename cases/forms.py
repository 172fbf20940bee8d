"""Web forms: the report form, and one small form per action built from the state machine's params."""

import uuid

from django import forms
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.choices import OrgKind, Role
from accounts.models import Organization, User

from .attachments import check_photo
from .choices import AttachmentKind, CaseSource, ClosureType, Urgency
from .models import Category
from .workflow import TRANSITIONS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos at once, each checked by content (type, size, pixels)."""

    def __init__(self, *args, kind=AttachmentKind.OTHER, **kwargs):
        self.kind = kind
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [check_photo(super(PhotosField, self).clean(f, initial), self.kind) for f in files]


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_code} {obj.major.name} / {obj.name}"


class ReportForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=CaseSource.choices)
    category = CategoryChoiceField(label=_("Category"), queryset=Category.objects.none())
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    address = forms.CharField(label=_("Address"), required=False, max_length=200)
    latitude = forms.FloatField(widget=forms.HiddenInput, required=False)
    longitude = forms.FloatField(widget=forms.HiddenInput, required=False)
    area = forms.ModelChoiceField(label=_("Street or community"), queryset=Organization.objects.none(),
                                  required=False, help_text=_("Needed only when no point is picked on the map."))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=[("", _("Category default")), *Urgency.choices],
                                required=False)
    component_code = forms.CharField(label=_("Component identifier"), required=False, max_length=17)
    reporter_name = forms.CharField(label=_("Reporter name"), required=False, max_length=64)
    reporter_phone = forms.CharField(label=_("Reporter phone"), required=False, max_length=32)
    self_handled = forms.BooleanField(label=_("Handled on the spot"), required=False)
    photos = PhotosField(label=_("Photos"), kind=AttachmentKind.BEFORE)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, user: User, scheme: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = (
            Category.objects.filter(is_active=True, major__scheme=scheme).select_related("major").order_by("full_code")
        )
        self.fields["area"].queryset = (
            Organization.objects.restrict(user).filter(kind__in=(OrgKind.STREET, OrgKind.COMMUNITY)).order_by("path")
        )
        self.initial.setdefault("idempotency_key", uuid.uuid4().hex)  # a resubmitted form makes no second case
        if user.has_role(Role.SUPERVISOR):
            self.fields["source"].initial = CaseSource.SUPERVISOR
            self.fields["source"].widget = forms.HiddenInput()
        else:
            self.fields["source"].choices = [c for c in CaseSource.choices if c[0] != CaseSource.SUPERVISOR]
            del self.fields["self_handled"]

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            raise ValidationError(_("Pick the point on the map again."))
        data["location"] = Point(lon, lat, srid=4326) if lat is not None else None
        if data["location"] is None and not data.get("area"):
            raise ValidationError(_("Pick the point on the map, or choose the street or community."))
        return data


PARAM_FIELDS = {
    "unit": lambda user, case: forms.ModelChoiceField(
        label=_("Responsible unit"),
        queryset=Organization.objects.restrict(user).filter(
            kind__in=(OrgKind.HANDLING_UNIT, OrgKind.DISTRICT_PLATFORM), is_active=True).order_by("kind", "name")),
    "supervisor": lambda user, case: forms.ModelChoiceField(
        label=_("Supervisor"), required=False, empty_label=_("Any supervisor of the area"),
        queryset=User.objects.filter(groups__name=Role.SUPERVISOR, is_active=True).order_by("username")),
    "person": lambda user, case: forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.filter(organization_id=case.assignee_id, is_active=True)
        .order_by("username")),
    "found": lambda user, case: forms.TypedChoiceField(
        label=_("Found on site?"), coerce=lambda v: v == "yes", choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect),
    "fixed": lambda user, case: forms.TypedChoiceField(
        label=_("Fixed?"), coerce=lambda v: v == "yes", choices=[("yes", _("Yes")), ("no", _("No, rework"))],
        widget=forms.RadioSelect),
    "category": lambda user, case: CategoryChoiceField(
        label=_("Category"), required=False, empty_label=_("Keep"),
        queryset=Category.objects.filter(is_active=True, major__scheme=case.category.major.scheme)
        .select_related("major")),
    "urgency": lambda user, case: forms.ChoiceField(
        label=_("Urgency"), required=False, choices=[("", _("Keep")), *Urgency.choices]),
    "closure_type": lambda user, case: forms.ChoiceField(
        label=_("Closure type"), required=False, choices=[("", _("Automatic")), *ClosureType.choices]),
    "hours": lambda user, case: forms.IntegerField(label=_("Hours"), min_value=1, max_value=720, required=False),
    "longitude": lambda user, case: forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180),
    "latitude": lambda user, case: forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90),
    "until": lambda user, case: forms.DateField(label=_("Review on"), widget=forms.DateInput(attrs={"type": "date"})),
}
PHOTO_KIND = {"handle": AttachmentKind.AFTER, "check": AttachmentKind.AFTER, "verify": AttachmentKind.BEFORE}


def action_form(action: str, user: User, case, data=None, files=None) -> forms.Form:
    transition = TRANSITIONS[action]
    fields = {name: PARAM_FIELDS[name](user, case) for name in transition.params}
    fields["note"] = forms.CharField(label=_("Note"), required=False, max_length=2000,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    fields["photos"] = PhotosField(label=_("Photos"), kind=PHOTO_KIND.get(action, AttachmentKind.OTHER))
    form_class = type(f"{action.title()}Form", (forms.Form,), fields)
    return form_class(data, files, prefix=action)


