"""Registry of the PDF documents a page can ask for in the background.

A feature registers each kind of document once (in its ``AppConfig.ready``)::

    register_document(
        "reports.monthly_summary",
        label=_("Monthly safety summary"),
        action="report.download",
        build=build_monthly_summary,
    )

``build(document, progress)`` reads ``document.params`` and ``document.requested_by``
(always through ``for_user`` selectors: the worker acts for that person), calls
``progress(percent)`` as it goes and returns a ``DocumentSpec``. Rendering, storing
and the status page are done by ``core`` (``document_request`` → Celery → ``document_render``).
The worker holds the document under a lease (``core.leases``): a worker killed mid-render
leaves it to the sweep, which sends it to another worker; the status page stops polling and
offers to ask again once ``JOB_WAIT_LIMIT_SECONDS`` have passed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DocumentSpec:
    """What to render: a template under ``templates/reports/pdf/``, its context and the file's title.

    A builder whose document already exists as a file (a finalised report's stored PDF) passes
    its bytes as ``pdf``; they are served as they are, not rendered again."""

    template: str
    title: str
    context: dict = field(default_factory=dict)
    pdf: bytes | None = None


@dataclass(frozen=True)
class DocumentKind:
    key: str
    label: str
    build: Callable
    action: str | None = None


_kinds: dict[str, DocumentKind] = {}


def register_document(key: str, *, label, build: Callable, action: str | None = None) -> None:
    existing = _kinds.get(key)
    if existing is not None and existing.build is not build:
        raise ValueError(f"Document kind {key!r} is already registered.")
    _kinds[key] = DocumentKind(key=key, label=label, build=build, action=action)


def document_kind(key: str) -> DocumentKind | None:
    return _kinds.get(key)
