"""Render a template to PDF with WeasyPrint: CJK fonts, page numbers, clean table breaks.

    pdf_bytes = render_pdf("reports/pdf/monthly_summary.html", context, language="zh-hans")

Templates extend ``reports/pdf/base.html``. Images and files are referenced with
``storage:<name>`` (``{{ attachment.file.name|pdf_storage_url }}``) or ``static:<path>``;
the fetcher reads them from storage directly, because a background worker has no
session to fetch pages with. Nothing is fetched from the network.
"""

from __future__ import annotations

import gc
import logging
import mimetypes
from pathlib import PurePosixPath

from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import override
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# WeasyPrint narrates every layout step at INFO; a worker log needs only its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans CJK", "Noto Sans", sans-serif'


class StorageURLFetcher(URLFetcher):
    """Resolve ``storage:`` and ``static:`` URLs from disk; refuse everything else except inline data."""

    def __init__(self):
        super().__init__(allowed_protocols=["data", "storage", "static"], fail_on_errors=False)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        scheme, _sep, rest = url.partition(":")
        scheme = scheme.lower()
        if scheme == "storage":
            name = _clean_name(rest)
            with default_storage.open(name, "rb") as handle:
                return URLFetcherResponse(url, handle.read(), {"Content-Type": _mime(name)})
        if scheme == "static":
            name = _clean_name(rest)
            path = finders.find(name)
            if not path:
                raise ValueError(f"static file not found: {name}")
            with open(path, "rb") as handle:
                return URLFetcherResponse(url, handle.read(), {"Content-Type": _mime(name)})
        if scheme == "data":
            return super().fetch(url, headers)
        raise ValueError(f"PDF rendering does not fetch {scheme!r} URLs")


def _clean_name(name: str) -> str:
    path = PurePosixPath(name.lstrip("/"))
    if ".." in path.parts:
        raise ValueError("no parent references in PDF resource names")
    return str(path)


def _mime(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def page_css() -> str:
    """Page set-up in the active language: A4, CJK font on text and SVG, footer "第 N 页 / 共 M 页"."""
    # "{page}" and "{pages}" mark where the counters go; the rest is translated text.
    pattern = _("Page {page} of {pages}")
    parts = []
    for chunk in pattern.replace("{pages}", "\0pages\0").replace("{page}", "\0page\0").split("\0"):
        if chunk in ("page", "pages"):
            parts.append(f"counter({chunk})")
        elif chunk:
            parts.append('"' + chunk.replace("\\", "\\\\").replace('"', '\\"') + '"')
    footer = " ".join(parts)
    return f"""
@page {{
  size: A4;
  margin: 18mm 15mm 20mm 15mm;
  @bottom-center {{ content: {footer}; font-family: {FONT_FAMILY}; font-size: 9pt; color: #555; }}
}}
html {{ font-family: {FONT_FAMILY}; font-size: 10.5pt; line-height: 1.5; }}
svg, svg text {{ font-family: {FONT_FAMILY}; }}
table {{ width: 100%; border-collapse: collapse; }}
thead {{ display: table-header-group; }}
tfoot {{ display: table-footer-group; }}
tr, img, svg {{ break-inside: avoid; }}
th, td {{ border: 0.5pt solid #999; padding: 2pt 4pt; vertical-align: top; text-align: left; }}
h1, h2, h3 {{ break-after: avoid; }}
"""


def render_pdf(template: str, context: dict | None = None, *, language: str) -> bytes:
    """Render ``template`` with ``context`` in ``language`` and return the PDF bytes."""
    with override(language):
        html = render_to_string(template, {**(context or {}), "pdf_language": language})
        fonts = FontConfiguration()
        stylesheet = CSS(string=page_css(), font_config=fonts)
        fetcher = StorageURLFetcher()
        document = HTML(string=html, base_url="storage:/", url_fetcher=fetcher)
        pdf = document.write_pdf(stylesheets=[stylesheet], font_config=fonts)
    # A rendered document leaves ~1.5 MiB of reference cycles (boxes, styles, fonts) that the collector
    # reaches only now and then: a worker rendering 100 reports grew 110 → 256 MiB; collected after each,
    # it stays at ~150 MiB (docs/benchmarks.md). A collection costs a few ms beside ~0.75 s of rendering.
    del document, stylesheet, fonts
    gc.collect()
    return pdf


def pdf_response(data: bytes, filename: str, *, inline: bool = False):
    """An HTTP response carrying a rendered PDF under a safe ``Content-Disposition``.

    ``filename`` may hold Chinese or quotes: Django escapes it, or RFC 5987-encodes it
    (``filename*=utf-8''...``) when it is not ASCII. ``inline=True`` opens it in the browser.
    """
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response
