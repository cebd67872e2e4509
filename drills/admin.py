"""Admin for superusers only. Emergency plans (versioned), drills and study sessions are records,
read-only here: they change through the pages and their services. Annual targets are audited settings."""

from django.contrib import admin

from core.admin import AuditedAdmin, RecordAdmin
from drills.models import AnnualDrillPlan, Drill, EmergencyPlan, StudySession

admin.site.register([EmergencyPlan, Drill, StudySession], RecordAdmin)
admin.site.register(AnnualDrillPlan, AuditedAdmin)
