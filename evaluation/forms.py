import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import CaseSource
from classification.models import Category, MajorCategory


class AnalysisForm(forms.Form):
    """The period and the kind of problem an analysis looks at (the last full month by default)."""

    start = forms.DateField(label=_("Reported from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Reported until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    major = forms.ModelChoiceField(label=_("Major category"), queryset=MajorCategory.objects.all(), required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True).order_by("full_code"), required=False
    )
    source = forms.ChoiceField(label=_("Source"), choices=[("", "—"), *CaseSource.choices], required=False)

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
        }
