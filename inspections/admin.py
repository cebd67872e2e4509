"""Admin for superusers only. Submitted inspections and hazards are changed through services, not here."""

from django.contrib import admin

from inspections.models import ChecklistItem, ChecklistTemplate, ChecklistVersion, FrequencyRule, InspectionCycle


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(ChecklistVersion)
class ChecklistVersionAdmin(admin.ModelAdmin):
    list_display = ["template", "number", "created_at"]
    inlines = [ItemInline]


admin.site.register(ChecklistTemplate)
admin.site.register(FrequencyRule)
admin.site.register(InspectionCycle)
