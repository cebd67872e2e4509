"""Admin for superusers only; plans, drills and study are changed through the pages and their services."""

from django.contrib import admin

from core.admin import AuditedAdmin
from drills.models import AnnualDrillPlan, Drill, EmergencyPlan, StudySession

for model in (EmergencyPlan, AnnualDrillPlan, Drill, StudySession):
    admin.site.register(model, AuditedAdmin)
