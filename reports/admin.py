"""Admin for superusers only. Reports and Safety Month activities are records, read-only here
(their services generate, finalise, publish and correct them); campaigns are audited settings."""

from django.contrib import admin

from core.admin import AuditedAdmin, RecordAdmin
from reports.models import Activity, Campaign, Report


@admin.register(Report)
class ReportAdmin(RecordAdmin):
    list_display = ("unit", "kind", "period_start", "version", "status", "is_current")
    list_filter = ("kind", "status", "is_current")


@admin.register(Campaign)
class CampaignAdmin(AuditedAdmin):
    list_display = ("unit", "year", "theme", "start", "end")


@admin.register(Activity)
class ActivityAdmin(RecordAdmin):
    list_display = ("campaign", "unit", "date", "kind", "title", "participants")
