"""Admin for superusers only. An incident is a record: read-only here, reported and followed up
through its services (audited)."""

from django.contrib import admin

from core.admin import RecordAdmin
from incidents.models import Incident


@admin.register(Incident)
class IncidentAdmin(RecordAdmin):
    list_display = ["occurred_at", "kind", "premises", "loss_amount", "status", "reported_by"]
    list_filter = ["kind", "status"]
    list_select_related = ["premises", "reported_by"]
