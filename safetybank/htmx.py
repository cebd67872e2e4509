"""One place that decides between the full page and the HTMX fragment of the same view.

    return render_partial(request, "drills/drill_detail.html", "drills/partials/_body.html", context)

An HTMX request (``HX-Request``, read by django-htmx as ``request.htmx``) gets the fragment; any
other request the whole page, which includes the same fragment.
"""

from __future__ import annotations

from django.shortcuts import render


def is_htmx(request) -> bool:
    return bool(getattr(request, "htmx", False))


def render_partial(request, full_template: str, partial_template: str, context: dict, *, status: int = 200):
    """The fragment for HTMX, the whole page otherwise."""
    return render(request, partial_template if is_htmx(request) else full_template, context, status=status)
