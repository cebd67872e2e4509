from django.contrib import admin

from core.admin import AuditedAdmin
from dashboards.models import RiskWeights


@admin.register(RiskWeights)
class RiskWeightsAdmin(AuditedAdmin):
    list_display = ("__str__", "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")
