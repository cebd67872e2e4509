"""The one upload policy for photos and documents.

What a file *is* is decided by decoding its content — Pillow for images, pypdf for
PDFs — never by its name or declared content type. Images are re-encoded, which
drops everything but the pixels and the few metadata tags we choose to keep: the
capture time stays, location (GPS), camera serial numbers and maker notes go.
Every refusal is a ``ValidationError`` with a message in the user's language.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from core.choices import AttachmentKind

# Formats accepted as photos, and what each is saved as.
IMAGE_FORMATS = {"JPEG": ("JPEG", "jpg"), "PNG": ("PNG", "png"), "WEBP": ("WEBP", "webp")}
THUMBNAIL_SIZE = (320, 320)
IMAGE_NAME_RE = re.compile(r"\.(jpe?g|png|webp|gif|heic|bmp|tiff?)$", re.IGNORECASE)

# EXIF tags kept after re-encoding: when the photo was taken, nothing else.
KEEP_IFD0 = {ExifTags.Base.DateTime}
KEEP_EXIF_IFD = {
    ExifTags.Base.DateTimeOriginal,
    ExifTags.Base.DateTimeDigitized,
    ExifTags.Base.OffsetTime,
    ExifTags.Base.OffsetTimeOriginal,
    ExifTags.Base.OffsetTimeDigitized,
}

MESSAGES = {
    "empty": _("The file is empty."),
    "too_big": _("The file is %(size)s; files may be at most %(limit)s."),
    "not_image": _("“%(name)s” is named like a photo, but its content is not an image."),
    "not_pdf": _("“%(name)s” is not a valid PDF document."),
    "encrypted_pdf": _("“%(name)s” is protected with a password; upload it without the password."),
    "unknown": _("“%(name)s” is neither a photo (JPEG, PNG, WebP) nor a PDF document."),
    "image_format": _("Photos must be JPEG, PNG or WebP; “%(name)s” is %(format)s."),
    "too_many_pixels": _(
        "The photo is %(width)s × %(height)s pixels; photos may have at most %(limit)s million pixels. "
        "Take it again at a lower resolution."
    ),
    "damaged_image": _("The photo “%(name)s” is damaged or incomplete."),
}


@dataclass
class CheckedUpload:
    """An upload that passed the policy, ready to store: the bytes to keep, never the raw upload."""

    kind: str
    content: bytes
    extension: str
    original_name: str
    width: int | None = None
    height: int | None = None
    taken_at: datetime.datetime | None = None
    thumbnail: bytes | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def safe_display_name(name: str, extension: str) -> str:
    """The uploader's file name made harmless for display and Content-Disposition.

    Keeps Chinese and other letters; drops any folder part, control and quoting
    characters; the extension is the one of what the content really is.
    """
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = "".join(ch for ch in stem if unicodedata.category(ch)[0] not in "CZ" or ch == " ")
    stem = re.sub(r"[\"'<>:|?*;%]", "", stem).strip(" .") or "file"
    return f"{stem[:100]}.{extension}"


def check_upload(upload) -> CheckedUpload:
    """Apply the policy to an uploaded file; raise ``ValidationError`` with the reason when refused."""
    name = getattr(upload, "name", "") or ""
    display = name.replace("\\", "/").rsplit("/", 1)[-1][:100]
    size = getattr(upload, "size", None)
    limit = settings.ATTACHMENT_MAX_BYTES
    if size is not None and size > limit:
        raise _too_big(size, limit)
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_big(len(data), limit)
    if not data:
        raise ValidationError(MESSAGES["empty"], code="empty")

    if data.lstrip()[:5] == b"%PDF-":
        return _check_pdf(data, name, display)
    try:
        return _check_image(data, name, display)
    except UnidentifiedImageError:
        pass
    if name.lower().endswith(".pdf"):
        raise ValidationError(MESSAGES["not_pdf"], code="not_pdf", params={"name": display})
    if IMAGE_NAME_RE.search(name):
        raise ValidationError(MESSAGES["not_image"], code="not_image", params={"name": display})
    raise ValidationError(MESSAGES["unknown"], code="unknown", params={"name": display})


def _too_big(size: int, limit: int) -> ValidationError:
    return ValidationError(
        MESSAGES["too_big"], code="too_big", params={"size": filesizeformat(size), "limit": filesizeformat(limit)}
    )


def _check_pdf(data: bytes, name: str, display: str) -> CheckedUpload:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(MESSAGES["encrypted_pdf"], code="encrypted_pdf", params={"name": display})
        if len(reader.pages) == 0:
            raise ValueError("no pages")
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as exc:
        raise ValidationError(MESSAGES["not_pdf"], code="not_pdf", params={"name": display}) from exc
    # PDFs are kept byte for byte: the file is the evidence.
    return CheckedUpload(
        kind=AttachmentKind.PDF, content=data, extension="pdf", original_name=safe_display_name(name, "pdf")
    )


def _check_image(data: bytes, name: str, display: str) -> CheckedUpload:
    max_pixels = settings.ATTACHMENT_MAX_PIXELS
    with warnings.catch_warnings():
        # Pillow warns, then refuses, above its own limit; ours is checked first from the header.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as exc:
            raise _too_many_pixels(None, None, max_pixels) from exc
        except Image.DecompressionBombWarning as exc:
            raise _too_many_pixels(None, None, max_pixels) from exc
        if image.format not in IMAGE_FORMATS:
            raise ValidationError(
                MESSAGES["image_format"], code="image_format", params={"name": display, "format": image.format}
            )
        source_format = image.format
        if image.width * image.height > max_pixels:
            raise _too_many_pixels(image.width, image.height, max_pixels)
        try:
            image.load()
            exif = image.getexif()
            image = ImageOps.exif_transpose(image)
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValidationError(MESSAGES["damaged_image"], code="damaged_image", params={"name": display}) from exc

    fmt, extension = IMAGE_FORMATS[source_format]
    kept_exif, taken_at = _capture_time_only(exif)
    content = _encode(image, fmt, kept_exif)
    return CheckedUpload(
        kind=AttachmentKind.IMAGE,
        content=content,
        extension=extension,
        original_name=safe_display_name(name, extension),
        width=image.width,
        height=image.height,
        taken_at=taken_at,
        thumbnail=_thumbnail(image),
    )


def _too_many_pixels(width, height, limit) -> ValidationError:
    return ValidationError(
        MESSAGES["too_many_pixels"],
        code="too_many_pixels",
        params={"width": width or "?", "height": height or "?", "limit": round(limit / 1_000_000, 1)},
    )


def _capture_time_only(exif: Image.Exif) -> tuple[Image.Exif, datetime.datetime | None]:
    """A fresh EXIF block holding only the capture time, and that time as a datetime."""
    kept = Image.Exif()
    for tag in KEEP_IFD0:
        if tag in exif:
            kept[tag] = exif[tag]
    sub = {tag: value for tag, value in exif.get_ifd(ExifTags.IFD.Exif).items() if tag in KEEP_EXIF_IFD}
    if sub:
        kept[ExifTags.IFD.Exif] = sub
    raw = sub.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    taken_at = None
    if isinstance(raw, str):
        try:
            naive = datetime.datetime.strptime(raw.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
            # Cameras record local wall time; the bank's local time is the sensible reading.
            taken_at = timezone.make_aware(naive)
        except ValueError:
            taken_at = None
    return kept, taken_at


def _encode(image: Image.Image, fmt: str, exif: Image.Exif) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=85, optimize=True, exif=exif.tobytes())
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True, exif=exif.tobytes())
    else:
        image.save(out, "WEBP", quality=85, exif=exif.tobytes())
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    thumb = image.copy()
    thumb.thumbnail(THUMBNAIL_SIZE)
    if thumb.mode in ("RGBA", "LA", "P"):
        thumb = thumb.convert("RGBA")
        background = Image.new("RGB", thumb.size, "white")
        background.paste(thumb, mask=thumb.getchannel("A"))
        thumb = background
    elif thumb.mode != "RGB":
        thumb = thumb.convert("RGB")
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=80)
    return out.getvalue()
