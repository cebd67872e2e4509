"""The upload policy and scoped serving of attachments."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import override
from PIL import ExifTags, Image
from pypdf import PdfWriter

from core.forms import AttachmentField, AttachmentForm
from core.models import CalendarDay
from core.services import attachment_create

pytestmark = pytest.mark.django_db


def jpeg_with_gps(size=(640, 480)) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.DateTime] = "2026:03:02 08:05:00"
    exif[ExifTags.Base.Make] = "Phone"
    exif[ExifTags.IFD.Exif] = {ExifTags.Base.DateTimeOriginal: "2026:03:02 08:04:59"}
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (30.0, 15.0, 7.0), 3: "E", 4: (120.0, 5.0, 3.0)}
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def errors_of(name, content, content_type="application/octet-stream", language="zh-hans"):
    with override(language):
        form = AttachmentForm(files={"file": upload(name, content, content_type)})
        assert not form.is_valid()
        return " ".join(form.errors["file"])


def test_a_text_file_named_like_a_photo_is_refused(org):
    message = errors_of("现场.jpg", b"this is just text, not a photo", "image/jpeg")
    assert message == "“现场.jpg”的文件名像照片，但内容不是图片。"
    english = errors_of("site.jpg", b"this is just text", "image/jpeg", language="en")
    assert english == "“site.jpg” is named like a photo, but its content is not an image."


def test_a_pdf_that_is_not_one_is_refused(org):
    assert errors_of("报告.pdf", b"hello, I am not a PDF", "application/pdf") == "“报告.pdf”不是有效的 PDF 文档。"
    truncated = pdf_bytes()[:40]
    assert "不是有效的 PDF 文档" in errors_of("broken.pdf", truncated, "application/pdf")


def test_an_oversized_file_is_refused_with_both_sizes(org, settings):
    settings.ATTACHMENT_MAX_BYTES = 50 * 1024
    message = errors_of("big.jpg", jpeg_with_gps() + b"\0" * 60 * 1024, "image/jpeg", language="en")
    assert message.startswith("The file is ") and "files may be at most 50.0\xa0KB" in message


def test_a_decompression_bomb_is_refused_not_a_server_error(org):
    # 8000 × 8000 one-bit pixels: a few kilobytes on disk, 64 million pixels when decoded.
    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, "PNG")
    assert len(out.getvalue()) < 200_000
    message = errors_of("bomb.png", out.getvalue(), "image/png")
    assert "8000 × 8000" in message and "最多允许 40.0 百万像素" in message


def test_another_kind_of_file_is_refused(org):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    assert "JPEG、PNG 或 WebP" in errors_of("anim.gif", out.getvalue())
    assert "既不是照片" in errors_of("notes.docx", b"PK\x03\x04 some zip")


def _owner(org):
    """An object whose page every post of branch 1 may open: a drill at outlet A."""
    from tests.test_drills_access import _drill

    return _drill(org)


def test_the_content_decides_not_the_name(org):
    form = AttachmentForm(files={"file": upload("scan.txt", pdf_bytes(), "text/plain")})
    assert form.is_valid(), form.errors
    checked = form.cleaned_data["file"]
    assert (checked.kind, checked.original_name) == ("pdf", "scan.pdf")


def test_photos_are_re_encoded_without_location_but_keep_the_capture_time(org, settings):
    form = AttachmentForm(files={"file": upload("../../etc/门锁.jpeg", jpeg_with_gps(), "image/jpeg")})
    assert form.is_valid(), form.errors
    attachment = attachment_create(owner=_owner(org), upload=form.cleaned_data["file"], by=org.officer)

    stored = Path(attachment.file.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert "门锁" not in attachment.file.name and attachment.file.name.startswith("attachments/")
    assert attachment.original_name == "门锁.jpg"
    exif = Image.open(stored).getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert ExifTags.Base.Make not in exif
    assert exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] == "2026:03:02 08:04:59"
    assert attachment.taken_at.isoformat() == "2026-03-02T08:04:59+08:00"
    thumbnail = Image.open(attachment.thumbnail.path)
    assert max(thumbnail.size) == 320


def test_several_photos_at_once_report_each_bad_one(org):
    class PhotosForm(AttachmentForm):
        file = AttachmentField(multiple=True)

    files = MultiValueDict({"file": [upload("a.jpg", jpeg_with_gps()), upload("b.jpg", b"not a photo")]})
    form = PhotosForm(files=files)
    assert not form.is_valid()
    assert "“b.jpg”" in " ".join(form.errors["file"])
    files = MultiValueDict({"file": [upload("a.jpg", jpeg_with_gps()), upload("c.pdf", pdf_bytes())]})
    form = PhotosForm(files=files)
    assert form.is_valid() and [c.kind for c in form.cleaned_data["file"]] == ["image", "pdf"]


def test_an_attachment_of_branch_one_is_404_for_an_outsider(org, login):
    checked = AttachmentForm(files={"file": upload("门锁.jpg", jpeg_with_gps())})
    assert checked.is_valid()
    attachment = attachment_create(owner=_owner(org), upload=checked.cleaned_data["file"], by=org.officer)
    url = reverse("attachment", args=[attachment.pk])

    assert login(org.outsider).get(url).status_code == 404
    assert login(org.outsider).get(reverse("attachment_thumbnail", args=[attachment.pk])).status_code == 404
    response = login(org.officer).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline;")
    assert "%E9%97%A8%E9%94%81.jpg" in response["Content-Disposition"]  # 门锁.jpg, RFC 5987-encoded
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_a_hostile_file_name_cannot_break_the_download_header(org, login):
    checked = AttachmentForm(files={"file": upload('a"; filename=evil.html\r\n.pdf', pdf_bytes())})
    assert checked.is_valid()
    attachment = attachment_create(owner=_owner(org), upload=checked.cleaned_data["file"], by=org.officer)
    response = login(org.security).get(reverse("attachment", args=[attachment.pk]))
    assert attachment.original_name == "a filename=evil.html.pdf"
    assert response["Content-Disposition"] == 'attachment; filename="a filename=evil.html.pdf"'
    assert response["Content-Type"] == "application/pdf"


def test_an_attachment_of_an_unscoped_owner_is_never_served(org, login):
    # A calendar day declares no selector: files hung on such an object are refused to everyone.
    day = CalendarDay.objects.first()
    checked = AttachmentForm(files={"file": upload("x.pdf", pdf_bytes())})
    assert checked.is_valid()
    attachment = attachment_create(owner=day, upload=checked.cleaned_data["file"], by=org.headoffice)
    assert login(org.headoffice).get(reverse("attachment", args=[attachment.pk])).status_code == 404
