from django.contrib import admin

from core.admin import AuditedAdmin
from responsibilities.models import (
    CommitteeMember,
    DutyDay,
    JointDefenceAgreement,
    Letter,
    LetterRound,
    LetterTemplate,
    PostDuty,
)


@admin.register(Letter)
class LetterAdmin(AuditedAdmin):
    """Read-only: letters change only through their services (issue, sign, countersign, supersede)."""

    list_display = ["year", "kind", "party_name", "issuing_unit", "status"]
    list_filter = ["year", "kind", "status"]
    search_fields = ["party_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(
    [LetterTemplate, PostDuty, LetterRound, CommitteeMember, DutyDay, JointDefenceAgreement], AuditedAdmin
)
