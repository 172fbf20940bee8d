"""Photos: checked by content (not by name), size- and pixel-limited, with a thumbnail and a public copy
re-encoded without metadata (EXIF, including GPS), stored through Django's storage API."""

import hashlib
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

from .choices import AttachmentKind
from .models import Attachment

MAX_BYTES = 10 * 1024 * 1024
# Decoding costs with the pixels: 25 MP takes a phone's full-resolution photo (12–24 MP) and keeps each
# photo's checks and copies well under a second.
MAX_PIXELS = 25_000_000
MAX_PHOTOS = 9  # per report or action
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
THUMBNAIL_SIZE = (320, 320)


@dataclass(frozen=True)
class Photo:
    """An uploaded photo that passed the checks."""

    name: str
    content: bytes
    kind: str
    extension: str


def check_photos(uploads, kind: str) -> list[Photo]:
    uploads = list(uploads)
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError(_("At most %(n)d photos at a time.") % {"n": MAX_PHOTOS})
    return [check_photo(upload, kind) for upload in uploads]


def check_photo(upload, kind: str) -> Photo:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(_("A photo may have at most %(mb)d MB.") % {"mb": MAX_BYTES // 1024 // 1024})
    content = upload.read()
    if len(content) > MAX_BYTES:
        raise ValidationError(_("A photo may have at most %(mb)d MB.") % {"mb": MAX_BYTES // 1024 // 1024})
    if kind == AttachmentKind.DOCUMENT and content.startswith(b"%PDF-"):  # papers of a dispute may be PDFs
        return Photo(name=getattr(upload, "name", "document"), content=content, kind=kind, extension="pdf")
    try:
        with Image.open(io.BytesIO(content)) as image:
            fmt = image.format
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("A photo may have at most %(mp)d megapixels.") % {"mp": MAX_PIXELS // 10**6})
            image.verify()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError(_("This file is not a JPEG, PNG or WebP image.")) from None
    if fmt not in FORMATS:
        raise ValidationError(_("This file is not a JPEG, PNG or WebP image."))
    return Photo(name=getattr(upload, "name", "photo"), content=content, kind=kind, extension=FORMATS[fmt])


def _encode(image: Image.Image, extension: str) -> bytes:
    out = io.BytesIO()
    if extension == "jpg":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    else:
        image.save(out, "PNG" if extension == "png" else "WEBP")
    return out.getvalue()


def _pixels(image: Image.Image, extension: str) -> Image.Image:
    """The image upright, as pixels only: re-encoding them writes no EXIF (so no GPS) or text chunks, which
    Pillow adds only when asked. The checks above bounded the pixels to decode."""
    upright = ImageOps.exif_transpose(image)
    has_alpha = upright.mode in ("RGBA", "LA", "P") and extension != "jpg"
    return upright.convert("RGBA" if has_alpha else "RGB")


def clean_copy(photo: Photo) -> bytes:
    """The photo upright and re-encoded without metadata."""
    with Image.open(io.BytesIO(photo.content)) as image:
        return _encode(_pixels(image, photo.extension), photo.extension)


def store_photos(case, event, photos, user) -> list:
    stored = []
    for number, photo in enumerate(photos, 1):
        digest = hashlib.sha256(photo.content).hexdigest()
        stem = f"{event.pk}-{number}-{digest[:12]}"
        if photo.extension == "pdf":
            stored.append(_store_document(case, event, photo, user, stem, digest))
            continue
        with Image.open(io.BytesIO(photo.content)) as image:
            clean = _pixels(image, photo.extension)
            public = _encode(clean, photo.extension)
            width, height = clean.size
            clean.thumbnail(THUMBNAIL_SIZE)
            thumb = _encode(clean, "jpg")
        attachment = Attachment(
            case=case,
            event=event,
            kind=photo.kind,
            size=len(photo.content),
            sha256=digest,
            width=width,
            height=height,
            uploaded_by=user,
        )
        attachment.image.save(f"{stem}.{photo.extension}", ContentFile(photo.content), save=False)
        attachment.public_image.save(f"{stem}-public.{photo.extension}", ContentFile(public), save=False)
        attachment.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(thumb), save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def _document_icon() -> bytes:
    """The thumbnail of every PDF: a page with "PDF" on it (documents are not rendered here)."""
    image = Image.new("RGB", (120, 160), (245, 247, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 111, 151), outline=(11, 83, 148), width=3)
    draw.text((44, 70), "PDF", fill=(11, 83, 148))
    return _encode(image, "jpg")


def _store_document(case, event, photo: Photo, user, stem: str, digest: str):
    """A PDF is kept as it came (no re-encoding: staff who see the case see the papers the parties gave)."""
    attachment = Attachment(
        case=case, event=event, kind=photo.kind, size=len(photo.content), sha256=digest, uploaded_by=user
    )
    attachment.image.save(f"{stem}.pdf", ContentFile(photo.content), save=False)
    attachment.public_image.save(f"{stem}-public.pdf", ContentFile(photo.content), save=False)
    attachment.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(_document_icon()), save=False)
    attachment.save()
    return attachment
