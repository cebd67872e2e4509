"""Admin for superusers only. Checklists and frequency rules are reference data (audited);
checklist versions, inspections, answers, assignments and hidden dangers are workflow records,
read-only here: they change only through the services (a used checklist version is immutable)."""

from django.contrib import admin

from core.admin import AuditedAdmin, ReadOnlyAdmin, ReadOnlyInline, RecordAdmin
from inspections.hazards.models import Hazard, HazardEvent, HazardPlan, HazardPolicy
from inspections.models import (
    Answer,
    Assignment,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistVersion,
    FrequencyRule,
    Inspection,
    InspectionCycle,
)


class ItemInline(ReadOnlyInline):
    model = ChecklistItem


class AnswerInline(ReadOnlyInline):
    model = Answer
    fields = ["item", "result", "number", "text", "note", "answered_at"]


class EventInline(ReadOnlyInline):
    model = HazardEvent
    fields = ["at", "kind", "by", "from_status", "to_status", "note"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(AuditedAdmin):
    list_display = ["code", "name", "purpose", "owner_unit", "is_active"]
    list_filter = ["purpose", "is_active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(FrequencyRule)
class FrequencyRuleAdmin(AuditedAdmin):
    list_display = ["code", "level", "period", "count", "target", "performer_post", "valid_from", "valid_until"]
    list_filter = ["level", "period"]
    search_fields = ["code"]


@admin.register(HazardPolicy)
class HazardPolicyAdmin(AuditedAdmin):
    list_display = ["__str__", "escalate_after_days", "repeat_window_days"]


@admin.register(ChecklistVersion)
class ChecklistVersionAdmin(RecordAdmin):
    list_display = ["template", "number", "created_at"]
    inlines = [ItemInline]


@admin.register(Inspection)
class InspectionAdmin(RecordAdmin):
    list_display = ["started_at", "level", "premises", "inspector", "status", "cosigned_by"]
    list_filter = ["level", "status"]
    list_select_related = ["premises", "inspector", "cosigned_by", "version__template"]
    inlines = [AnswerInline]


@admin.register(Answer)
class AnswerAdmin(RecordAdmin):
    list_display = ["inspection", "item", "result", "answered_at"]
    list_select_related = ["item", "inspection__premises", "inspection__version__template"]


@admin.register(Hazard)
class HazardAdmin(RecordAdmin):
    list_display = ["found_at", "premises", "item_code", "grade", "status", "responsible", "deadline"]
    list_filter = ["status", "grade", "category"]
    list_select_related = ["premises", "responsible"]
    inlines = [EventInline]


admin.site.register(HazardPlan, RecordAdmin)
admin.site.register([InspectionCycle, Assignment], ReadOnlyAdmin)
