from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from cases.choices import AttachmentKind
from cases.forms import MultipleFileInput, PhotosField
from citymgmt.pickers import PickerSelect

from .choices import Per, RecheckResult
from .models import Library, SampleKind


def supervisors():
    return get_user_model().objects.filter(groups__name=Role.SUPERVISOR, is_active=True).order_by("full_name")


class SupervisorField(forms.ModelChoiceField):
    widget = PickerSelect

    def label_from_instance(self, obj):
        return obj.get_full_name()


class VersionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    starts_on = forms.DateField(label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"}))
    copy_from = forms.ModelChoiceField(Library.objects.all(), label=_("Copy the samples of"), required=False)


class ImportForm(forms.Form):
    library = forms.ModelChoiceField(Library.objects.all(), label=_("Library version"))
    kind = forms.ModelChoiceField(SampleKind.objects.all(), label=_("Kind"))
    file = forms.FileField(label=_("GeoJSON, or a zipped Shapefile"))


class SampleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    level = forms.CharField(label=_("Level"), max_length=20, required=False)


class AssignForm(forms.Form):
    supervisor = SupervisorField(supervisors(), label=_("Supervisor"))
    starts_on = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    times = forms.IntegerField(label=_("Times"), min_value=1, max_value=20, initial=1)
    per = forms.ChoiceField(label=_("per"), choices=Per.choices, initial=Per.DAY)
    samples = forms.CharField(
        label=_("Sample codes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Codes separated by spaces or commas; or draw an area on the map."),
    )
    area = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors()


class ChangeForm(forms.Form):
    on = forms.DateField(label=_("Takes effect on"), widget=forms.DateInput(attrs={"type": "date"}))
    supervisor = SupervisorField(supervisors(), label=_("Supervisor"), required=False)
    times = forms.IntegerField(label=_("Times"), min_value=1, max_value=20, required=False)
    per = forms.ChoiceField(label=_("per"), choices=[("", "—"), *Per.choices], required=False)
    note = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors()


class SpecialForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    supervisors = forms.ModelMultipleChoiceField(supervisors(), label=_("Supervisors"))
    categories = forms.CharField(
        label=_("Problem types (codes)"),
        required=False,
        help_text=_("Category codes separated by spaces; empty for every type."),
    )
    note = forms.CharField(label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    area = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisors"].queryset = supervisors()
        self.fields["supervisors"].label_from_instance = lambda user: user.get_full_name()


class DrawForm(forms.Form):
    month = forms.DateField(
        label=_("Month of closure"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    rate = forms.FloatField(label=_("Sampling rate"), min_value=0.0001, max_value=1)
    size = forms.IntegerField(label=_("At most"), min_value=1, max_value=100_000)


class RecordForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"), choices=[c for c in RecheckResult.choices if c[0]], widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    photo = PhotosField(
        label=_("Photo"),
        kind=AttachmentKind.BEFORE,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}),
    )

    def clean_photo(self):
        photos = self.cleaned_data["photo"]
        if len(photos) != 1:
            raise forms.ValidationError(_("Take one photo of the place."))
        return photos[0]
