from django.contrib import admin

from core.admin import AuditedAdmin
from reports.models import Activity, Campaign, Report


@admin.register(Report)
class ReportAdmin(AuditedAdmin):
    list_display = ("unit", "kind", "period_start", "version", "status", "is_current")
    list_filter = ("kind", "status", "is_current")
    readonly_fields = ("numbers",)


@admin.register(Campaign)
class CampaignAdmin(AuditedAdmin):
    list_display = ("unit", "year", "theme", "start", "end")


@admin.register(Activity)
class ActivityAdmin(AuditedAdmin):
    list_display = ("campaign", "unit", "date", "kind", "title", "participants")
