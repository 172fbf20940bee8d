import random
import uuid

from django import forms
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.choices import AttachmentKind
from cases.forms import PhotosField
from classification.models import Category

CAPTCHA_SALT = "public.captcha"
CAPTCHA_SECONDS = 1800


def grouped_categories(scheme: str) -> list:
    groups: dict[str, list] = {}
    in_force = Category.objects.filter(is_active=True, major__scheme=scheme).select_related("major")
    for c in in_force.order_by("full_code"):
        groups.setdefault(c.major.name, []).append((c.full_code, c.name))
    return [("", _("Choose what the problem is")), *groups.items()]


class PublicReportForm(forms.Form):
    category = forms.ChoiceField(label=_("What is the problem?"))
    description = forms.CharField(
        label=_("Describe it"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000, min_length=4
    )
    photos = PhotosField(label=_("Photos"), kind=AttachmentKind.BEFORE)
    address = forms.CharField(label=_("Address or landmark"), required=False, max_length=200)
    latitude = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=64)
    phone = forms.CharField(
        label=_("Your phone (optional)"),
        required=False,
        max_length=32,
        help_text=_("Only the command center sees it, to call you back if needed."),
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    answer = forms.IntegerField(required=False)
    challenge = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = grouped_categories(settings.CATEGORY_SCHEME)
        self.fields["key"].initial = uuid.uuid4().hex
        if settings.PUBLIC_CAPTCHA:
            a, b = self.question() or (random.randint(1, 9), random.randint(1, 9))
            self.fields["answer"].label = _("How much is %(a)d + %(b)d?") % {"a": a, "b": b}
            self.fields["answer"].required = True
            self.fields["challenge"].initial = signing.dumps([a, b], salt=CAPTCHA_SALT)
        else:
            del self.fields["answer"], self.fields["challenge"]

    def question(self) -> tuple[int, int] | None:
        """The question a submitted form was asked (signed, so that it cannot be chosen), if still valid."""
        try:
            a, b = signing.loads(self.data.get("challenge", ""), salt=CAPTCHA_SALT, max_age=CAPTCHA_SECONDS)
            return int(a), int(b)
        except (signing.BadSignature, TypeError, ValueError):
            return None

    def clean(self):
        data = super().clean()
        if settings.PUBLIC_CAPTCHA and "answer" in data:
            asked = self.question()
            if asked is None or sum(asked) != data.get("answer"):
                self.add_error("answer", _("The answer is not right."))
        if data.get("latitude") is not None and data.get("longitude") is not None:
            data["location"] = Point(data["longitude"], data["latitude"], srid=4326)
        else:
            data["location"] = None
            if not data.get("address", "").strip():
                raise ValidationError(_("Mark the place on the map, or give the address."))
        return data


class TrackForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=16)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note to the reporter"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class BlockForm(forms.Form):
    reason = forms.CharField(label=_("Why this reporter is blocked"), max_length=200)
