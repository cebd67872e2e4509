"""What the API shows of each record and what it accepts. Reads are plain field lists; writes are
validated here only for shape (types, lengths) — every business rule is the service's."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from branches.models import Premises, Unit
from drills.models import Drill, StudySession
from facilities.models import Facility, FacilityTest
from incidents.models import Incident
from inspections.hazards.models import Hazard
from inspections.models import Answer, Assignment, ChecklistItem, ChecklistTemplate, Inspection
from reports.models import Report
from responsibilities.models import Letter


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_field(PersonRefSerializer(allow_null=True))
class PersonField(serializers.RelatedField):
    """A person as their id and name, never more (no e-mail, phone or post history)."""

    def to_representation(self, value):
        return {"id": value.pk, "name": value.full_name or value.username}


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "department_kind", "parent", "depth", "phone", "address"]


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "nullable": True, "example": "08:30"})
class LocalTimeField(serializers.TimeField):
    """A local time of day (opening hours) as "HH:MM", without a time zone."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", read_only=True, **kwargs)


EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class RecordedTimeField(serializers.DateTimeField):
    """A time something happened at the bank: from the year 2000 on (a year 291 is a typing error)."""

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if moment < EARLIEST:
            raise serializers.ValidationError(_("Enter a time from the year 2000 on."))
        return moment


class PremisesSerializer(serializers.ModelSerializer):
    opens_at = LocalTimeField()
    closes_at = LocalTimeField()

    class Meta:
        model = Premises
        fields = ["id", "unit", "code", "name", "kind", "address", "opens_at", "closes_at", "open_24h", "is_active"]


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "code", "defence", "text", "text_en", "answer_type", "photo_on_fail", "order"]


class ChecklistSerializer(serializers.ModelSerializer):
    version = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "code", "purpose", "name", "name_en", "owner_unit", "version", "items"]

    def get_version(self, template) -> int | None:
        version = template.current_version
        return version.number if version else None

    @staticmethod
    def _items(template):
        version = template.current_version
        return version.items.order_by("order", "pk") if version else []

    @extend_schema_field(ChecklistItemSerializer(many=True))
    def get_items(self, template):
        return ChecklistItemSerializer(self._items(template), many=True).data


class AssignmentSerializer(serializers.ModelSerializer):
    checklist = serializers.CharField(source="version.template.name", read_only=True)
    assignee = PersonField(read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "level",
            "checklist",
            "unit",
            "premises",
            "performer_post",
            "assignee",
            "period_start",
            "period_end",
            "slot",
            "status",
            "completed_at",
        ]


class AnswerSerializer(serializers.ModelSerializer):
    item = ChecklistItemSerializer(read_only=True)

    class Meta:
        model = Answer
        fields = ["id", "item", "result", "number", "text", "note", "answered_at"]


class InspectionSerializer(serializers.ModelSerializer):
    checklist = serializers.CharField(source="version.template.name", read_only=True)
    inspector = PersonField(read_only=True)
    cosigned_by = PersonField(read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "assignment",
            "level",
            "checklist",
            "unit",
            "premises",
            "inspector",
            "unannounced",
            "status",
            "started_at",
            "submitted_at",
            "performed_at",
            "too_fast",
            "cosigned_at",
            "cosigned_by",
            "corrects",
        ]


class InspectionDetailSerializer(InspectionSerializer):
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "summary", "answers"]


class PhotosMixin(serializers.Serializer):
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=10)


class AnswerWriteSerializer(PhotosMixin):
    answer = serializers.IntegerField(help_text=_("The id of the answer row (one per checklist item)."))
    result = serializers.ChoiceField(choices=["", "pass", "fail", "na"], required=False, allow_blank=True)
    number = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    text = serializers.CharField(required=False, allow_blank=True, max_length=500)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class SubmitSerializer(serializers.Serializer):
    performed_at = RecordedTimeField(required=False, allow_null=True)


class AcknowledgeSerializer(serializers.Serializer):
    objection = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class HazardSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)
    found_by = PersonField(read_only=True)
    responsible = PersonField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Hazard
        fields = [
            "id",
            "code",
            "unit",
            "premises",
            "item_code",
            "description",
            "category",
            "grade",
            "status",
            "found_by",
            "found_at",
            "responsible",
            "deadline",
            "source_inspection",
            "closed_at",
            "fixed_on_spot",
            "is_overdue",
            "escalation_level",
            "is_repeat",
        ]


class HazardReportSerializer(PhotosMixin):
    premises = serializers.IntegerField()
    description = serializers.CharField(max_length=2000)
    category = serializers.ChoiceField(choices=Hazard._meta.get_field("category").choices)
    grade = serializers.ChoiceField(choices=Hazard._meta.get_field("grade").choices, required=False)
    item_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class HazardAssignSerializer(serializers.Serializer):
    responsible = serializers.IntegerField()
    deadline = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class HazardGradeSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Hazard._meta.get_field("grade").choices)
    reason = serializers.CharField(max_length=300)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class EvidenceSerializer(PhotosMixin):
    note = serializers.CharField(max_length=1000)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class HazardPlanSerializer(serializers.Serializer):
    """The six contents of a major danger's governance plan, as on the page."""

    targets = serializers.CharField(max_length=4000)
    methods = serializers.CharField(max_length=4000)
    funds = serializers.CharField(max_length=4000)
    organisation = serializers.CharField(max_length=4000)
    time_limit = serializers.DateField()
    safety_measures = serializers.CharField(max_length=4000)


class DrillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Drill
        fields = [
            "id",
            "unit",
            "kind",
            "scenario",
            "status",
            "planned_date",
            "unannounced",
            "held_at",
            "duration_minutes",
            "score",
        ]


class StudySessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = StudySession
        fields = ["id", "unit", "topic", "kind", "date", "duration_minutes", "presenter"]


class DrillRecordSerializer(PhotosMixin):
    held_at = RecordedTimeField()
    duration_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60)
    score = serializers.IntegerField(required=False, allow_null=True, default=None)
    evaluation = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    attended = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=500)


class DrillPlanSerializer(serializers.Serializer):
    """The fields of the page's drill-planning form, which does the checking (premises of the unit...)."""

    unit = serializers.IntegerField()
    premises = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=100)
    kind = serializers.ChoiceField(choices=Drill._meta.get_field("kind").choices)
    scenario = serializers.CharField(max_length=200)
    planned_date = serializers.DateField()
    plan = serializers.IntegerField(required=False, allow_null=True)
    lead = serializers.IntegerField(required=False, allow_null=True)
    unannounced = serializers.BooleanField(required=False, default=False)


class StudySessionWriteSerializer(serializers.Serializer):
    """The fields of the page's study-session form, which does the checking (attendees of the unit...)."""

    unit = serializers.IntegerField()
    topic = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=StudySession._meta.get_field("kind").choices)
    date = serializers.DateField()
    duration_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60)
    presenter = serializers.IntegerField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    attendees = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=500)


class LetterSerializer(serializers.ModelSerializer):
    signatory = PersonField(read_only=True)

    class Meta:
        model = Letter
        fields = [
            "id",
            "year",
            "kind",
            "issuing_unit",
            "party_name",
            "signatory",
            "post",
            "unit",
            "premises",
            "title",
            "title_en",
            "status",
            "issued_at",
            "signed_at",
            "on_paper",
            "countersigned_at",
        ]


class LetterDetailSerializer(LetterSerializer):
    class Meta(LetterSerializer.Meta):
        fields = [*LetterSerializer.Meta.fields, "text", "text_en"]


class LetterSignSerializer(serializers.Serializer):
    typed_name = serializers.CharField(max_length=100)


class FacilitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Facility
        fields = [
            "id",
            "unit",
            "premises",
            "kind",
            "name",
            "model_name",
            "supplier",
            "install_date",
            "status",
            "channels",
            "retention_days",
            "quantity",
            "expiry_date",
        ]


class FacilityTestSerializer(serializers.ModelSerializer):
    tester = PersonField(read_only=True)

    class Meta:
        model = FacilityTest
        fields = ["id", "facility", "test_kind", "tested_on", "tester", "result", "notes", "hazard", "recorded_at"]


class FacilityTestWriteSerializer(PhotosMixin):
    test_kind = serializers.ChoiceField(choices=FacilityTest._meta.get_field("test_kind").choices)
    tested_on = serializers.DateField()
    result = serializers.ChoiceField(choices=FacilityTest._meta.get_field("result").choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    police_receipt = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class IncidentSerializer(serializers.ModelSerializer):
    reported_by = PersonField(read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "unit",
            "premises",
            "kind",
            "occurred_at",
            "description",
            "loss_amount",
            "police_report_no",
            "status",
            "reported_by",
            "reported_at",
            "closed_at",
        ]
        read_only_fields = ["unit", "status", "reported_by", "reported_at", "closed_at"]


class IncidentReportSerializer(PhotosMixin):
    premises = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Incident._meta.get_field("kind").choices)
    occurred_at = RecordedTimeField()
    description = serializers.CharField(max_length=4000)
    loss_amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, default=0)
    police_report_no = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class IncidentFollowUpSerializer(PhotosMixin):
    status = serializers.ChoiceField(choices=Incident._meta.get_field("status").choices)
    follow_up = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    loss_amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    police_report_no = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = [
            "id",
            "unit",
            "kind",
            "period_start",
            "period_end",
            "version",
            "is_current",
            "status",
            "generated_at",
            "finalised_at",
            "published_at",
        ]
