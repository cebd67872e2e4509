"""Admin for superusers only. Letters and letter rounds are records, read-only here (issued,
signed, countersigned and superseded through their services); templates, post duties, the
committee, the duty roster and agreements are audited reference data."""

from django.contrib import admin

from core.admin import AuditedAdmin, RecordAdmin
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
class LetterAdmin(RecordAdmin):
    list_display = ["year", "kind", "party_name", "issuing_unit", "status"]
    list_filter = ["year", "kind", "status"]
    search_fields = ["party_name"]


@admin.register(LetterRound)
class LetterRoundAdmin(RecordAdmin):
    list_display = ["year", "issuing_unit", "status", "issued_count"]
    list_filter = ["year", "status"]


admin.site.register([LetterTemplate, PostDuty, CommitteeMember, DutyDay, JointDefenceAgreement], AuditedAdmin)
