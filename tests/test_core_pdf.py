"""PDF rendering: Chinese text, page numbers, repeated table headers, files from storage, background runs."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from core.choices import DocumentStatus
from core.models import GeneratedDocument
from safetybank.pdf import render_pdf

pytestmark = pytest.mark.django_db


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_chinese_pdf_reads_back_with_its_chinese_text_and_page_numbers():
    context = {"title": "城关营业部安全检查", "days": []}
    pdf = render_pdf("reports/pdf/business_calendar.html", context, language="zh-hans")
    text = pages_text(pdf)[0]
    assert "城关营业部安全检查" in text
    assert "周末休息" in text
    assert "第 1 页 / 共 1 页" in text
    fonts = {str(font["/BaseFont"]) for font in PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()}
    assert all("Noto-Sans-CJK-SC" in name for name in fonts), fonts


def test_english_pdf_numbers_pages_in_english():
    pdf = render_pdf("reports/pdf/business_calendar.html", {"title": "Calendar", "days": []}, language="en")
    assert "Page 1 of 1" in pages_text(pdf)[0]


def test_a_long_table_breaks_across_pages_and_repeats_its_header(settings, tmp_path):
    template = tmp_path / "templates" / "reports" / "pdf"
    template.mkdir(parents=True)
    (template / "long.html").write_text(
        '{% extends "reports/pdf/base.html" %}{% block body %}<table><thead><tr><th>检查项目表头</th></tr></thead>'
        "<tbody>{% for i in rows %}<tr><td>第{{ i }}项 门窗已锁好</td></tr>{% endfor %}</tbody></table>{% endblock %}"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}]
    pdf = render_pdf("reports/pdf/long.html", {"rows": range(1, 121)}, language="zh-hans")
    texts = pages_text(pdf)
    assert len(texts) >= 3
    assert all("检查项目表头" in text for text in texts)
    assert f"第 2 页 / 共 {len(texts)} 页" in texts[1]
    # Every row appears exactly once: none is cut in half or lost at a break.
    joined = "".join(texts)
    assert all(joined.count(f"第{i}项") == 1 for i in (1, 60, 120))


def test_images_are_read_from_storage_by_the_renderer(settings, tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, "PNG")
    name = default_storage.save("attachments/test/photo.png", ContentFile(out.getvalue()))
    template = tmp_path / "templates" / "reports" / "pdf"
    template.mkdir(parents=True)
    (template / "img.html").write_text(
        '{% extends "reports/pdf/base.html" %}{% load core_tags %}'
        '{% block body %}<p>照片</p><img src="{{ name|pdf_storage_url }}" style="width: 40mm">'
        '<img src="http://127.0.0.1:9/never.png">{% endblock %}'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}]
    pdf = render_pdf("reports/pdf/img.html", {"name": name}, language="zh-hans")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert len(page.images) == 1  # the stored photo is in; the network one was not fetched


def test_a_pdf_asked_for_from_a_page_is_built_in_the_background_and_downloaded(
    org, login, django_capture_on_commit_callbacks
):
    client = login(org.officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("document_request", args=["core.business_calendar"]), {"year": "2026"})
    document = GeneratedDocument.objects.get()
    assert response["Location"] == reverse("document_status", args=[document.pk])
    assert document.status == DocumentStatus.DONE and document.progress == 100
    assert document.title == "2026 年营业日历"

    partial = client.get(reverse("document_status", args=[document.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="done"' in partial and "hx-trigger" not in partial
    download = client.get(reverse("document_download", args=[document.pk]))
    text = "".join(pages_text(b"".join(download.streaming_content)))
    assert "春节" in text and "2026-02-14" in text and "调休上班日" in text

    assert login(org.outsider).get(reverse("document_status", args=[document.pk])).status_code == 404


def test_a_waiting_document_polls_its_status(org, login):
    document = GeneratedDocument.objects.create(
        kind="core.business_calendar", requested_by=org.officer, language="zh-hans", progress=40
    )
    partial = login(org.officer).get(reverse("document_status", args=[document.pk]), HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert 'hx-trigger="every 2s"' in html and "40%" in html


def test_rendering_twice_renders_once(org, django_capture_on_commit_callbacks):
    from core.services import document_render, document_request

    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(kind="core.business_calendar", by=org.officer, params={"year": 2026})
    first_file = GeneratedDocument.objects.get(pk=document.pk).file.name
    assert document_render(document_id=document.pk) is False
    assert GeneratedDocument.objects.get(pk=document.pk).file.name == first_file


def test_an_unknown_document_kind_is_404(org, login):
    assert login(org.officer).post(reverse("document_request", args=["nope"])).status_code == 404
