"""Admin for superusers only; every change is audited and nothing is reverted from a screen."""

from django.contrib import admin

from core.admin import AuditedAdmin
from incidents.models import Incident


@admin.register(Incident)
class IncidentAdmin(AuditedAdmin):
    list_display = ["occurred_at", "kind", "premises", "loss_amount", "status", "reported_by"]
    list_filter = ["kind", "status"]
    list_select_related = ["premises", "reported_by"]
