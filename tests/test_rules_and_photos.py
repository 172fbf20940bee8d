import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.attachments import MAX_BYTES, check_photo
from cases.choices import AttachmentKind
from cases.services import perform
from classification.models import Category
from dispatch.models import ResponsibilityRule
from dispatch.selectors import rule_gaps
from dispatch.services import suggest_unit
from tests.lifecycle import S, advance, garbage, new_case

pytestmark = pytest.mark.django_db


def rule(**kw):
    return ResponsibilityRule.objects.create(**kw)


def test_most_specific_rule_wins(users, city):
    g = garbage()
    rule(unit=city.dept)  # anything anywhere
    rule(major=g.major, unit=city.gov2)
    rule(major=g.major, area=city.d1, unit=city.gov1)
    case = new_case(users, city)  # street s11 in district 1
    assert suggest_unit(case) == city.gov1
    rule(category=g, area=city.city, unit=city.office11)  # a minor category beats a deeper area
    assert suggest_unit(case) == city.office11


def test_equally_specific_rules_naming_two_units_suggest_nobody(users, city):
    g = garbage()
    rule(category=g, area=city.d1, unit=city.gov1)
    rule(category=g, area=city.d1, unit=city.office11)
    assert suggest_unit(new_case(users, city)) is None


def test_gap_report_lists_missing_and_tied_owners(users, city):
    g = garbage()
    rule(major=g.major, unit=city.dept)
    rule(category=g, area=city.s11, unit=city.gov1)
    rule(category=g, area=city.s11, unit=city.office11)
    gaps = rule_gaps()
    tied = [gap for gap in gaps if gap.units]
    assert [(gap.category, gap.area) for gap in tied] == [(g, city.s11)]
    assert {u.pk for u in tied[0].units} == {city.gov1.pk, city.office11.pk}
    missing = {(gap.category.pk, gap.area.pk) for gap in gaps if not gap.units}
    other_major = Category.objects.exclude(major=g.major).filter(is_active=True).count()
    assert len(missing) == other_major * 3  # three streets, every category of another major class
    assert (g.pk, city.s12.pk) not in missing


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (800, 600), "orange")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 34.0, 12.0), 3: "E", 4: (120.0, 18.0, 0.0)}  # GPSInfo
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_photos_get_thumbnails_and_public_copies_without_location(users, city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = advance(new_case(users, city), users, city, S.DISPATCHED)
    raw = jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)
    photo = check_photo(SimpleUploadedFile("after.jpg", raw), AttachmentKind.AFTER)
    case = perform(case_id=case.pk, action="handle", actor=users.unit_operator_d1, note="已清理", photos=[photo])
    attachment = case.attachments.get()
    assert (attachment.kind, attachment.width, attachment.height) == (AttachmentKind.AFTER, 800, 600)
    assert attachment.event == case.events.last()
    public = Image.open(attachment.public_image.path)
    assert not public.getexif()  # no GPS, no maker
    thumb = Image.open(attachment.thumbnail.path)
    assert max(thumb.size) == 320
    assert Image.open(attachment.image.path).getexif().get_ifd(0x8825)  # the original keeps its evidence


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", b"this is text, not a picture", "不是 JPEG"),
        ("x.gif", None, "不是 JPEG"),
        ("huge.jpg", b"\xff" * (MAX_BYTES + 1), "不能超过 10 MB"),
    ],
)
def test_bad_uploads_are_refused_by_content(name, content, message):
    if content is None:
        out = io.BytesIO()
        Image.new("RGB", (10, 10)).save(out, "GIF")
        content = out.getvalue()
    with pytest.raises(ValidationError, match=message):
        check_photo(SimpleUploadedFile(name, content), AttachmentKind.BEFORE)


def test_too_many_pixels_are_refused():
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, "PNG")  # 48 MP, a few kB
    with pytest.raises(ValidationError, match="百万像素"):
        check_photo(SimpleUploadedFile("big.png", out.getvalue()), AttachmentKind.BEFORE)


def test_photos_are_served_by_a_view_that_checks_the_viewers_scope(client, users, city, settings, tmp_path):
    """DEBUG off (the production profile): the copy without metadata for everyone who may see the case,
    the original with its GPS for those who rule on cases, nothing for anyone else or anonymous."""
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    case = advance(new_case(users, city), users, city, S.DISPATCHED)
    photo = check_photo(SimpleUploadedFile("after.jpg", jpeg_with_gps()), AttachmentKind.AFTER)
    case = perform(case_id=case.pk, action="handle", actor=users.unit_operator_d1, note="已清理", photos=[photo])
    attachment = case.attachments.get()

    def get(who, copy):
        client.logout()
        if who:
            client.force_login(getattr(users, who))
        return client.get(reverse("case-photo", args=[attachment.pk, copy]))

    shown = get("unit_operator_d1", "photo")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg" and "max-age" in shown["Cache-Control"]
    assert not Image.open(io.BytesIO(b"".join(shown.streaming_content))).getexif()  # no GPS
    assert get("dispatcher", "thumb").status_code == 200
    assert get("unit_operator_d1", "original").status_code == 404  # the original is evidence, not for all
    original = get("shift_leader", "original")
    assert Image.open(io.BytesIO(b"".join(original.streaming_content))).getexif().get_ifd(0x8825)
    assert get("district_operator_d2", "photo").status_code == 404  # another district
    assert get(None, "photo").status_code == 302  # to the log-in
    assert client.get(f"/media/{attachment.image.name}").status_code == 404  # never as a file
    detail = api_detail(users.dispatcher, case)
    assert detail["attachments"][0]["photo"].endswith(reverse("case-photo", args=[attachment.pk, "photo"]))


def api_detail(user, case):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user)
    return api.get(f"/api/cases/{case.pk}/").json()


def test_at_most_nine_photos_at_a_time():
    from cases.attachments import MAX_PHOTOS, check_photos

    uploads = [SimpleUploadedFile(f"{n}.jpg", jpeg_with_gps()) for n in range(MAX_PHOTOS + 1)]
    with pytest.raises(ValidationError):
        check_photos(uploads, AttachmentKind.AFTER)
    assert len(check_photos(uploads[:MAX_PHOTOS], AttachmentKind.AFTER)) == MAX_PHOTOS
