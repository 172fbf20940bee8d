import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import OrgKind
from accounts.models import Organization
from cases.choices import CaseSource
from citymgmt.pickers import PickerSelect
from classification.models import Category, MajorCategory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AnalysisForm(forms.Form):
    """The period and the kind of problem an analysis looks at (the last full month by default)."""

    start = forms.DateField(label=_("Reported from"), required=False, widget=DATE)
    end = forms.DateField(label=_("Reported until"), required=False, widget=DATE)
    major = forms.ModelChoiceField(label=_("Major category"), queryset=MajorCategory.objects.all(), required=False)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True).order_by("full_code"),
        required=False,
        widget=PickerSelect,
    )
    source = forms.ChoiceField(label=_("Source"), choices=[("", "—"), *CaseSource.choices], required=False)
    area = forms.ModelChoiceField(
        label=_("District or street"),
        queryset=Organization.objects.filter(kind__in=(OrgKind.DISTRICT, OrgKind.STREET)).order_by("path"),
        required=False,
        widget=PickerSelect,
    )

    def period(self) -> tuple[dt.date, dt.date]:
        this_month = timezone.localdate().replace(day=1)
        last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
        data = self.cleaned_data if self.is_valid() else {}
        start = data.get("start") or last_month
        end = data.get("end") or max(start, this_month - dt.timedelta(days=1))
        return (start, end) if start <= end else (end, start)

    def kind(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "category": data["category"].pk if data.get("category") else None,
            "major": data["major"].pk if data.get("major") else None,
            "source": data.get("source") or None,
            "area": data["area"] if data.get("area") else None,
        }


class KeyAreaForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    geometry = forms.CharField(widget=forms.HiddenInput, required=False)
    area = forms.ModelChoiceField(
        label=_("Or a street or community"), queryset=Organization.objects.none(), required=False, widget=PickerSelect
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = (
            Organization.objects.restrict(user).filter(kind__in=(OrgKind.STREET, OrgKind.COMMUNITY)).order_by("path")
        )


class BeforeAfterForm(forms.Form):
    around = forms.DateField(label=_("Around"), widget=DATE)
    days = forms.IntegerField(label=_("Days on each side"), min_value=7, max_value=180, initial=28)
