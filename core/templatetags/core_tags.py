"""Template helpers of the shared mechanisms: the bell, attachment lists, PDF resource URLs, audit reasons."""

from django import template

from core import selectors
from safetybank.audit import reason_text

register = template.Library()


@register.inclusion_tag("core/partials/_bell.html", takes_context=True)
def notification_bell(context):
    """The navbar bell with the unread count (refreshed by HTMX every minute)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"unread_count": selectors.unread_count(user) if user is not None else 0}


@register.inclusion_tag("core/partials/_attachments.html")
def attachment_list(obj, attachments=None):
    """Thumbnails and links of the files attached to ``obj`` (served through the scoped view);
    ``attachments``: those files as the page already read them (a check's rows, ``answer_rows``),
    so a list of answers does not look each one's up again."""
    return {"attachments": list(selectors.attachments_of(obj) if attachments is None else attachments)}


@register.filter
def pdf_storage_url(name: str) -> str:
    """A stored file as the PDF renderer's fetcher reads it: ``{{ attachment.file.name|pdf_storage_url }}``."""
    return f"storage:{name}" if name else ""


@register.filter
def change_reason(value: str | None) -> str:
    """An audit record's reason in the reader's language: ``{{ h.history_change_reason|change_reason }}``."""
    return reason_text(value)
