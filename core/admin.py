"""Admin of the shared mechanisms (superusers only), the read-only audit trail, and the three
kinds of admin every app uses.

- ``RecordAdmin``: a workflow record (inspection, hidden danger, report, letter, drill,
  facility test...). Read-only: its state moves only through its app's services, which check
  the transition and write the reason; the admin shows it and its history.
- ``AuditedAdmin``: reference data (frequency rules, checklists, cadences, the calendar...).
  Editable; every save and delete is audited with the superuser and a reason code.
- ``ReadOnlyAdmin``: anything else shown for reference (notifications, signatures...).

``tests/test_admin_readonly.py`` holds every registered model to one of the three.
Audit records are never changed: every historical model of every audited app is
registered here read-only (no add, change or delete); the revert button of
simple-history is switched off in settings, and ``AuditedAdmin`` also refuses a
revert posted by hand. Signatures and attachments are evidence and read-only too.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.models import registered_models

from core.models import (
    Attachment,
    CalendarDay,
    ChannelDelivery,
    GeneratedDocument,
    Notification,
    Signature,
    UnitChannel,
    WeComApp,
)
from safetybank.admin import AuditedAdmin, NoWrites, ReadOnlyAdmin, ReadOnlyInline, RecordAdmin  # noqa: F401  (the kinds every app uses)
from safetybank.audit import reason_text
from safetybank.models import OutboxMessage


class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = [
        "history_date",
        "history_type",
        "history_object",
        "history_user",
        "reason",
        "ip_address",
        "request_path",
    ]
    list_filter = ["history_type"]
    date_hierarchy = "history_date"
    search_fields = ["history_change_reason", "request_path", "history_user__username", "history_user__full_name"]
    list_select_related = ["history_user"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    @admin.display(description=_("reason"))
    def reason(self, obj) -> str:
        return reason_text(obj.history_change_reason)


def register_audit_records(site: admin.AdminSite = admin.site) -> None:
    for model in list(registered_models.values()):
        history = getattr(model, model._meta.simple_history_manager_attribute, None)
        if history is None:
            continue
        historical = history.model
        if not site.is_registered(historical):
            site.register(historical, AuditRecordAdmin)


register_audit_records()


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ["date", "kind", "festival", "note"]
    list_filter = ["kind", "festival"]
    date_hierarchy = "date"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "kind", "title", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["title", "user__username", "user__full_name"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["uploaded_at", "original_name", "kind", "content_type", "object_id", "uploaded_by", "size"]
    list_filter = ["kind", "content_type"]
    exclude = ["file", "thumbnail"]  # files are opened through the scoped view, not by storage path


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["signed_at", "signer", "kind", "post", "content_type", "object_id", "ip_address"]
    list_filter = ["kind", "post", "content_type"]
    search_fields = ["signer__username", "signer__full_name", "content_sha256"]


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["requested_at", "kind", "requested_by", "status", "progress", "finished_at"]
    list_filter = ["status", "kind"]
    exclude = ["file"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """What waits to be published after a broker outage (empty "sent at"), and why it has not gone yet."""

    list_display = ["created_at", "task", "args", "attempts", "sent_at", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "task"]


@admin.register(UnitChannel)
class UnitChannelAdmin(AuditedAdmin):
    list_display = ["name", "unit", "kind", "language", "active"]
    list_filter = ["kind", "active"]
    exclude = ["secret"]  # set on the channel page; never shown back


@admin.register(WeComApp)
class WeComAppAdmin(AuditedAdmin):
    list_display = ["corp_id", "agent_id", "active"]


@admin.register(ChannelDelivery)
class ChannelDeliveryAdmin(ReadOnlyAdmin):
    """Every notice sent through a channel: attempts, the next try, the last error, or when it went."""

    list_display = [
        "created_at",
        "target",
        "notification",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "last_error",
    ]
    list_filter = ["status"]
    search_fields = ["target", "last_error"]
