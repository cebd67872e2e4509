"""The REST API under /api/v1/. Thin like the pages: the queryset is the app's ``for_user`` selector
(scope: 404), ``PostMayDo`` the post→action table (403, logged), and each write calls one service.
Services refuse with a translated ``ValidationError``, which ``api.problems`` answers as a 400."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions as drf_exceptions
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api import serializers as s
from api.permissions import PostMayDo
from api.problems import problem
from branches.filters import PremisesFilter, UnitFilter
from branches.models import Premises, Unit, User
from branches.permissions import log_refusal
from core.forms import AttachmentField
from core.services import attachments_create
from core.views import client_ip
from drills.forms import DrillPlanForm, StudySessionForm
from drills.selectors import drills_for, study_sessions_for
from drills.services import drill_candidates, drill_plan, drill_record, study_session_save
from facilities.filters import FacilityFilter, FacilityTestFilter
from facilities.selectors import facilities_for, tests_for
from facilities.services import facility_test_record
from incidents.filters import IncidentFilter
from incidents.models import Incident
from incidents.selectors import incidents_for
from incidents.services import incident_follow_up, incident_report
from inspections.choices import HazardGrade
from inspections.daily import rules as daily_rules
from inspections.daily import selectors as daily_selectors
from inspections.daily import services as daily_services
from inspections.hazards import rectification
from inspections.hazards import rules as hazard_rules
from inspections.hazards import selectors as hazard_selectors
from inspections.hazards import services as hazard_services
from inspections.hazards.filters import HazardFilter
from inspections.models import Answer, Assignment
from inspections.selectors import inspections_for, templates_for
from inspections.services import answer_save, inspection_acknowledge, inspection_start, inspection_submit
from reports.selectors import reports_for
from reports.services import report_pdf
from responsibilities.selectors import letters_for
from responsibilities.services import letter_sign
from safetybank.heavy import busy_message, turn
from safetybank.pdf import pdf_response

PROBLEM = OpenApiResponse(description="Problem details (RFC 9457)")
ERRORS = {400: PROBLEM, 403: PROBLEM, 404: PROBLEM}


def _photos(files):
    """Uploaded photos through the one upload policy (decoded, re-encoded, capped)."""
    return AttachmentField(multiple=True, required=False).clean(files) if files else []


def _form_errors(form):
    """The page's form refused the body: its translated messages, per field, as a 400."""
    return drf_exceptions.ValidationError(
        {field: [str(message) for message in messages] for field, messages in form.errors.items()}
    )


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """Read-only rows from the app's scoped selector; ``read_action`` for reads, ``actions`` per route.

    The post is checked on lists and, for one object, after it was found in scope (404 first)."""

    permission_classes = [PostMayDo]
    lookup_value_regex = r"[0-9]+"
    read_action: str = ""
    route_actions: dict[str, str] = {}
    detail_serializer_class = None

    def selector(self, user):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drawing the schema: no person, no rows
            return self.get_serializer_class().Meta.model.objects.none()
        queryset = self.selector(self.request.user)
        return queryset.order_by(*(queryset.query.order_by or ["-pk"]))

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class:
            return self.detail_serializer_class
        return super().get_serializer_class()


class UnitViewSet(ScopedViewSet):
    serializer_class = s.UnitSerializer
    filterset_class = UnitFilter
    read_action = "unit.view"

    def selector(self, user):
        return Unit.objects.for_user(user).order_by("path")


class PremisesViewSet(ScopedViewSet):
    serializer_class = s.PremisesSerializer
    filterset_class = PremisesFilter
    read_action = "premises.view"

    def selector(self, user):
        return Premises.objects.for_user(user).order_by("code")


class ChecklistViewSet(ScopedViewSet):
    serializer_class = s.ChecklistSerializer
    read_action = "checklist.view"

    def selector(self, user):
        return templates_for(user=user).order_by("code")


class AssignmentViewSet(ScopedViewSet):
    """The person's own assignments; ``today`` is the daily-check list of the phone page."""

    serializer_class = s.AssignmentSerializer
    read_action = "inspection.view"
    route_actions = {"today": "inspection.perform", "start": "inspection.perform"}

    def selector(self, user):
        if self.action == "today":
            return daily_selectors.todays_checks(user=user)
        return Assignment.objects.for_user(user).select_related("premises", "unit", "version__template", "assignee")

    @extend_schema(summary="Today's daily checks", responses=s.AssignmentSerializer(many=True))
    @action(detail=False)
    def today(self, request):
        return self.list(request)

    @extend_schema(request=None, responses={201: s.InspectionSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        inspection = inspection_start(assignment=self.get_object(), by=request.user)
        return Response(s.InspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)


class InspectionViewSet(ScopedViewSet):
    """Inspections and daily checks: started from an assignment, answered item by item (with photos),
    submitted, co-signed and acknowledged through the inspection services."""

    serializer_class = s.InspectionSerializer
    detail_serializer_class = s.InspectionDetailSerializer
    read_action = "inspection.view"
    route_actions = {
        "answer": "inspection.perform",
        "submit": "inspection.perform",
        "cosign": "inspection.cosign",
        "acknowledge": "inspection.acknowledge",
    }

    def selector(self, user):
        queryset = inspections_for(user=user).select_related("cosigned_by", "assignment")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("answers__item")
        return queryset.order_by("-started_at", "-pk")

    @extend_schema(request=s.AnswerWriteSerializer, responses={200: s.AnswerSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        inspection = self.get_object()
        data = _valid(s.AnswerWriteSerializer, request)
        row = get_object_or_404(
            Answer.objects.for_user(request.user).select_related("item"), pk=data["answer"], inspection=inspection
        )
        uploads = _photos(data.get("photos"))
        row = answer_save(
            answer=row,
            by=request.user,
            result=data.get("result", row.result),
            number=data.get("number", row.number),
            text=data.get("text", row.text),
            note=data.get("note", row.note),
        )
        if uploads:
            attachments_create(owner=row, uploads=uploads, by=request.user)
        return Response(s.AnswerSerializer(row).data)

    @extend_schema(request=s.SubmitSerializer, responses={200: s.HazardSerializer(many=True), **ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit: a daily check with the time stated (its time rules apply); any other inspection as it is.
        Answers the hidden dangers the failed items raised."""
        inspection = self.get_object()
        data = _valid(s.SubmitSerializer, request)
        if daily_rules.purpose_of(inspection) in daily_rules.DAILY:
            hazards = daily_services.daily_check_submit(
                inspection=inspection, by=request.user, performed_at=data.get("performed_at")
            )
        else:
            hazards = inspection_submit(inspection=inspection, by=request.user)
        return Response(s.HazardSerializer(hazards, many=True).data)

    @extend_schema(request=None, responses={204: None, **ERRORS})
    @action(detail=True, methods=["post"])
    def cosign(self, request, pk=None):
        daily_services.daily_check_cosign(inspection=self.get_object(), by=request.user, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.AcknowledgeSerializer, responses={204: None, **ERRORS})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        data = _valid(s.AcknowledgeSerializer, request)
        inspection_acknowledge(
            inspection=self.get_object(), by=request.user, ip=client_ip(request), objection=data.get("objection", "")
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _hazard_step(name: str, serializer_class, run, url_path: str | None = None):
    """One workflow transition of a hidden danger: validate the body's shape, call the one service."""

    @extend_schema(request=serializer_class, responses={200: s.HazardSerializer, **ERRORS})
    def step(self, request, pk=None):
        hazard = self.get_object()
        data = _valid(serializer_class, request)
        run(hazard=hazard, by=request.user, request=request, **data)
        return Response(s.HazardSerializer(self.get_object()).data)

    step.__name__ = name
    return action(detail=True, methods=["post"], url_path=url_path or name)(step)


def _responsible(request, pk: int) -> User:
    person = User.objects.for_user(request.user).filter(pk=pk, is_active=True).first()
    if person is None:
        raise ValidationError(_("Choose a responsible person in your scope."))
    return person


class HazardViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """The hidden-danger register (same filters as the page), reporting, and every workflow step."""

    serializer_class = s.HazardSerializer
    filterset_class = HazardFilter
    read_action = "hazard.view"
    # The post a step needs, as on the page; finer rules (who verifies...) are the services'.
    route_actions = {
        "create": "hazard.report",
        "assign": "hazard.manage",
        "grade": "hazard.grade",
        "start": "hazard.view",
        "submit_fix": "hazard.view",
        "fix_on_spot": "hazard.report",
        "verify": "hazard.verify",
        "send_back": "hazard.verify",
        "plan": "hazard.view",
    }

    def selector(self, user):
        return (
            hazard_selectors.hazards_for(user=user)
            .select_related("found_by", "responsible")
            .order_by("-found_at", "-pk")
        )

    @extend_schema(request=s.HazardReportSerializer, responses={201: s.HazardSerializer, **ERRORS})
    def create(self, request):
        data = _valid(s.HazardReportSerializer, request)
        premises = get_object_or_404(Premises.objects.for_user(request.user), pk=data["premises"])
        hazard = hazard_services.hazard_report(
            premises=premises,
            description=data["description"],
            category=data["category"],
            grade=data.get("grade") or HazardGrade.GENERAL,
            item_code=data["item_code"],
            uploads=_photos(data.get("photos")),
            by=request.user,
        )
        return Response(s.HazardSerializer(hazard).data, status=status.HTTP_201_CREATED)

    assign = _hazard_step(
        "assign",
        s.HazardAssignSerializer,
        lambda hazard, by, request, responsible, deadline, note: rectification.hazard_assign(
            hazard=hazard, by=by, responsible=_responsible(request, responsible), deadline=deadline, note=note
        ),
    )
    grade = _hazard_step(
        "grade",
        s.HazardGradeSerializer,
        lambda hazard, by, request, grade, reason: rectification.hazard_grade(
            hazard=hazard, by=by, grade=grade, reason=reason
        ),
    )
    start = _hazard_step(
        "start",
        s.NoteSerializer,
        lambda hazard, by, request, note: rectification.hazard_start(hazard=hazard, by=by, note=note),
    )
    submit_fix = _hazard_step(
        "submit_fix",
        s.EvidenceSerializer,
        lambda hazard, by, request, note, photos: rectification.hazard_submit_fix(
            hazard=hazard, by=by, note=note, uploads=_photos(photos)
        ),
        url_path="submit-fix",
    )
    fix_on_spot = _hazard_step(
        "fix_on_spot",
        s.EvidenceSerializer,
        lambda hazard, by, request, note, photos: rectification.hazard_fix_on_spot(
            hazard=hazard, by=by, note=note, uploads=_photos(photos)
        ),
        url_path="fix-on-spot",
    )
    verify = _hazard_step(
        "verify",
        s.NoteSerializer,
        lambda hazard, by, request, note: rectification.hazard_verify(hazard=hazard, by=by, note=note),
    )
    send_back = _hazard_step(
        "send_back",
        s.ReasonSerializer,
        lambda hazard, by, request, reason: rectification.hazard_send_back(hazard=hazard, by=by, reason=reason),
        url_path="send-back",
    )

    @extend_schema(request=s.HazardPlanSerializer, responses={200: s.HazardSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        """Write (or revise) a major danger's governance plan: as on the page, only whoever may work on it
        (the responsible person, or the security department with it in scope) while it is open."""
        hazard = self.get_object()
        if not (hazard.is_open and hazard_rules.may_work_on(hazard, request.user)):
            log_refusal(request, "hazard.manage")
            raise drf_exceptions.PermissionDenied
        data = _valid(s.HazardPlanSerializer, request)
        rectification.hazard_plan_save(hazard=hazard, by=request.user, **data)
        return Response(s.HazardSerializer(self.get_object()).data)


class DrillViewSet(mixins.CreateModelMixin, ScopedViewSet):
    serializer_class = s.DrillSerializer
    read_action = "drill.view"
    route_actions = {"create": "drill.plan", "record": "drill.record"}

    def selector(self, user):
        return drills_for(user=user).order_by("-planned_date", "-pk")

    @extend_schema(request=s.DrillPlanSerializer, responses={201: s.DrillSerializer, **ERRORS})
    def create(self, request):
        """Plan a drill: the unit is looked up in scope (404), the page's form checks the rest (premises of
        the unit, plan and organiser in scope), then the one service plans it."""
        data = _valid(s.DrillPlanSerializer, request)
        unit = get_object_or_404(Unit.objects.for_user(request.user), pk=data["unit"])
        form = DrillPlanForm(
            data={**data, "unit": unit.pk, "plan": data.get("plan") or "", "lead": data.get("lead") or ""},
            user=request.user,
        )
        if not form.is_valid():
            raise _form_errors(form)
        drill = drill_plan(**form.cleaned_data, by=request.user)
        return Response(s.DrillSerializer(drill).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.DrillRecordSerializer, responses={200: s.DrillSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """Record (or correct) what happened; who attended is chosen among those expected, as on the page."""
        drill = self.get_object()
        data = _valid(s.DrillRecordSerializer, request)
        candidates = list(drill_candidates(drill))
        by_pk = {person.pk: person for person in candidates}
        if set(data["attended"]) - set(by_pk):
            raise ValidationError(_("Only people expected at this drill can be marked as attending."))
        uploads = _photos(data.get("photos"))
        drill = drill_record(
            drill=drill,
            by=request.user,
            held_at=data["held_at"],
            duration_minutes=data["duration_minutes"],
            score=data["score"],
            evaluation=data["evaluation"],
            expected=candidates,
            attended=[by_pk[pk] for pk in data["attended"]],
        )
        if uploads:
            attachments_create(owner=drill, uploads=uploads, by=request.user)
        return Response(s.DrillSerializer(drill).data)


class StudySessionViewSet(mixins.CreateModelMixin, ScopedViewSet):
    serializer_class = s.StudySessionSerializer
    read_action = "study.view"
    route_actions = {"create": "study.record"}

    def selector(self, user):
        return study_sessions_for(user=user).order_by("-date", "-pk")

    @extend_schema(request=s.StudySessionWriteSerializer, responses={201: s.StudySessionSerializer, **ERRORS})
    def create(self, request):
        """Record a study session: the page's form checks it (units and people in scope, attendees of the
        unit, not in the future), then the one service saves it."""
        data = _valid(s.StudySessionWriteSerializer, request)
        form = StudySessionForm(
            data={**data, "presenter": data.get("presenter") or "", "attendees": data["attendees"]},
            user=request.user,
        )
        if not form.is_valid():
            raise _form_errors(form)
        session = study_session_save(
            session=form.save(commit=False), attendees=form.cleaned_data["attendees"], by=request.user
        )
        return Response(s.StudySessionSerializer(session).data, status=status.HTTP_201_CREATED)


class LetterViewSet(ScopedViewSet):
    serializer_class = s.LetterSerializer
    detail_serializer_class = s.LetterDetailSerializer
    read_action = "letter.view"

    def selector(self, user):
        return letters_for(user=user).select_related("signatory").order_by("-year", "-pk")

    @extend_schema(request=s.LetterSignSerializer, responses={204: None, **ERRORS})
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        letter = self.get_object()
        data = _valid(s.LetterSignSerializer, request)
        letter_sign(letter=letter, by=request.user, typed_name=data["typed_name"], ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class FacilityViewSet(ScopedViewSet):
    serializer_class = s.FacilitySerializer
    filterset_class = FacilityFilter
    read_action = "facility.view"
    route_actions = {"record_test": "facility.test"}

    def selector(self, user):
        return facilities_for(user=user).order_by("premises__code", "kind", "pk")

    @extend_schema(request=s.FacilityTestWriteSerializer, responses={201: s.FacilityTestSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="tests")
    def record_test(self, request, pk=None):
        facility = self.get_object()
        data = _valid(s.FacilityTestWriteSerializer, request)
        test = facility_test_record(
            facility=facility,
            test_kind=data["test_kind"],
            tested_on=data["tested_on"],
            result=data["result"],
            notes=data["notes"],
            police_receipt=data["police_receipt"],
            uploads=_photos(data.get("photos")),
            ip=client_ip(request),
            by=request.user,
        )
        return Response(s.FacilityTestSerializer(test).data, status=status.HTTP_201_CREATED)


class FacilityTestViewSet(ScopedViewSet):
    serializer_class = s.FacilityTestSerializer
    filterset_class = FacilityTestFilter
    read_action = "facility.view"

    def selector(self, user):
        return tests_for(user=user).select_related("tester").order_by("-tested_on", "-pk")


class IncidentViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """Incidents the person reported, or every one in scope for ``incident.view_all``; reporting."""

    serializer_class = s.IncidentSerializer
    filterset_class = IncidentFilter
    read_action = "incident.report"
    route_actions = {"follow_up": "incident.manage"}

    def selector(self, user):
        return incidents_for(user=user).select_related("reported_by").order_by("-occurred_at", "-pk")

    @extend_schema(request=s.IncidentFollowUpSerializer, responses={200: s.IncidentSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        """The security department records the follow-up (investigating, closed); the service refuses what
        the page refuses (closing without the actions taken, reopening)."""
        incident = self.get_object()
        data = _valid(s.IncidentFollowUpSerializer, request)
        incident = incident_follow_up(
            incident=incident,
            by=request.user,
            status=data["status"],
            follow_up=data["follow_up"],
            loss_amount=data["loss_amount"],
            police_report_no=data["police_report_no"],
            reason=data["reason"],
            uploads=_photos(data.get("photos")),
        )
        return Response(s.IncidentSerializer(incident).data)

    @extend_schema(request=s.IncidentReportSerializer, responses={201: s.IncidentSerializer, **ERRORS})
    def create(self, request):
        data = _valid(s.IncidentReportSerializer, request)
        premises = get_object_or_404(Premises.objects.for_user(request.user), pk=data["premises"])
        incident = Incident(
            premises=premises,
            kind=data["kind"],
            occurred_at=data["occurred_at"],
            description=data["description"],
            loss_amount=data["loss_amount"],
            police_report_no=data["police_report_no"],
        )
        incident = incident_report(incident=incident, by=request.user, uploads=_photos(data.get("photos")))
        return Response(s.IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)


class ReportViewSet(ScopedViewSet):
    serializer_class = s.ReportSerializer
    read_action = "report.view"

    def selector(self, user):
        return reports_for(user=user).order_by("-period_start", "unit__path", "-version")

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, **ERRORS, 503: PROBLEM})
    @action(detail=True)
    def pdf(self, request, pk=None):
        """The report's PDF in the reader's language: a frozen version's stored file, a draft fresh."""
        report = self.get_object()
        with turn() as held:  # a heavy page, as on the site (safetybank/heavy.py)
            if held:
                pdf = report_pdf(report=report, language=request.LANGUAGE_CODE)
                return pdf_response(pdf, f"report-{report.pk}.pdf")
        return problem(status.HTTP_503_SERVICE_UNAVAILABLE, busy_message(), headers={"Retry-After": "10"})
