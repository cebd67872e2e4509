"""Admin for superusers only; every change is audited and nothing is reverted from a screen.
Facility tests are the signed ledger: read-only here, recorded through ``facility_test_record``."""

from django.contrib import admin

from core.admin import AuditedAdmin, RecordAdmin
from facilities.models import Cadence, Facility, FacilityTest, Investment


@admin.register(Cadence)
class CadenceAdmin(AuditedAdmin):
    list_display = ["test_kind", "facility_kind", "every", "unit", "remind_days", "is_active"]


@admin.register(Facility)
class FacilityAdmin(AuditedAdmin):
    list_display = ["name", "kind", "premises", "status", "install_date"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "premises__name", "premises__code"]
    list_select_related = ["premises"]


@admin.register(FacilityTest)
class FacilityTestAdmin(RecordAdmin):
    list_display = ["tested_on", "facility", "test_kind", "result", "tester"]
    list_filter = ["test_kind", "result"]
    list_select_related = ["facility__premises", "tester"]


@admin.register(Investment)
class InvestmentAdmin(AuditedAdmin):
    list_display = ["date", "premises", "kind", "amount", "description"]
    list_filter = ["kind"]
    list_select_related = ["premises"]
