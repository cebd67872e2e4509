"""The admin is no side door: workflow records are read-only there (their services own every
change), reference data stays editable but every change is audited, with who and why."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from core.admin import AuditedAdmin
from inspections.models import ChecklistTemplate, ChecklistVersion, FrequencyRule
from inspections.services import standard_content_install
from reports.choices import ReportStatus
from reports.models import Report
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Records with a life cycle or evidence value: never added, changed or deleted from the admin.
WORKFLOW = {
    "inspections.ChecklistVersion",
    "inspections.Inspection",
    "inspections.Answer",
    "inspections.Assignment",
    "inspections.InspectionCycle",
    "inspections.Hazard",
    "inspections.HazardPlan",
    "reports.Report",
    "reports.Activity",
    "responsibilities.Letter",
    "responsibilities.LetterRound",
    "drills.EmergencyPlan",
    "drills.Drill",
    "drills.StudySession",
    "facilities.FacilityTest",
    "incidents.Incident",
    "core.Signature",
    "core.Attachment",
    "core.Notification",
    "core.GeneratedDocument",
    "branches.RefusedAccess",
}
# Reference data: editable by a superuser, audited.
REFERENCE = {
    "inspections.FrequencyRule",
    "inspections.ChecklistTemplate",
    "inspections.HazardPolicy",
    "facilities.Cadence",
    "core.CalendarDay",
    "dashboards.RiskWeights",
    "responsibilities.LetterTemplate",
    "responsibilities.PostDuty",
    "drills.AnnualDrillPlan",
    "branches.Unit",
    "branches.Premises",
    "branches.User",
}


def _label(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def _is_ours(model) -> bool:
    """Our apps' models (third-party admins, such as the sign-in lockouts, are theirs to define)."""
    return (
        Path(model._meta.app_config.path).is_relative_to(Path(settings.BASE_DIR))
        and ".venv" not in Path(model._meta.app_config.path).parts
    )


def _is_audited(model) -> bool:
    return bool(getattr(model._meta, "simple_history_manager_attribute", None))


@pytest.fixture
def superuser(org):
    return UserFactory(username="root", is_superuser=True, is_staff=True, unit=org.ho_security)


@pytest.fixture
def admin_request(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    return request


def _writable(model_admin, request) -> bool:
    return any(
        (
            model_admin.has_add_permission(request),
            model_admin.has_change_permission(request),
            model_admin.has_delete_permission(request),
        )
    )


def test_workflow_records_are_read_only_in_every_app_admin(admin_request):
    registry = {_label(model): model_admin for model, model_admin in admin.site._registry.items()}
    missing = WORKFLOW - registry.keys()
    assert not missing, f"not shown in the admin: {missing}"
    writable = sorted(label for label in WORKFLOW if _writable(registry[label], admin_request))
    assert writable == []


def test_every_writable_admin_is_an_audited_admin_of_an_audited_model(admin_request):
    """A model the admin can change is reference data: audited, with who and why, never reverted."""
    side_doors = sorted(
        _label(model)
        for model, model_admin in admin.site._registry.items()
        if _writable(model_admin, admin_request)
        and not (isinstance(model_admin, AuditedAdmin) and _is_audited(model))
        and _is_ours(model)
    )
    assert side_doors == []
    registry = {_label(model): model_admin for model, model_admin in admin.site._registry.items()}
    assert {label for label in REFERENCE if _writable(registry[label], admin_request)} == REFERENCE


def test_every_audited_model_in_the_admin_shows_its_history_without_revert():
    plain = sorted(
        _label(model)
        for model, model_admin in admin.site._registry.items()
        if _is_audited(model) and not isinstance(model_admin, AuditedAdmin)
    )
    assert plain == []


@pytest.fixture
def report(org):
    return Report.objects.create(
        unit=org.sub1, kind="monthly", period_start=datetime.date(2026, 5, 1), period_end=datetime.date(2026, 5, 31)
    )


def test_superuser_cannot_publish_or_uncurrent_a_report_from_the_admin(superuser, report, login):
    client = login(superuser)
    url = reverse("admin:reports_report_change", args=[report.pk])
    response = client.post(
        url,
        {
            "unit": report.unit_id,
            "kind": report.kind,
            "period_start": "2026-05-01",
            "period_end": "2026-05-31",
            "version": 1,
            "status": ReportStatus.PUBLISHED,
            "is_current": "",
        },
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert (report.status, report.is_current) == (ReportStatus.DRAFT, True)
    assert client.post(reverse("admin:reports_report_delete", args=[report.pk]), {"post": "yes"}).status_code == 403
    assert Report.objects.filter(pk=report.pk).exists()


def test_superuser_cannot_rewrite_a_checklist_versions_items_from_the_admin(superuser, org, login):
    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    version = ChecklistVersion.objects.get(template__code="WEEKLY-CONTRACT")
    item = version.items.order_by("order").first()
    client = login(superuser)
    url = reverse("admin:inspections_checklistversion_change", args=[version.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'type="submit"' not in page.content.decode().split('id="content"')[1]
    response = client.post(
        url,
        {
            "template": version.template_id,
            "number": version.number,
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "1",
            "items-0-id": item.pk,
            "items-0-version": version.pk,
            "items-0-code": item.code,
            "items-0-defence": item.defence,
            "items-0-text": "随便写的",
            "items-0-answer_type": item.answer_type,
            "items-0-order": item.order,
        },
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.text != "随便写的"


def test_reference_data_is_editable_and_the_change_is_audited_with_who_and_why(superuser, org, login):
    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    template = ChecklistTemplate.objects.get(code="WEEKLY-CONTRACT")
    client = login(superuser)
    url = reverse("admin:inspections_checklisttemplate_change", args=[template.pk])
    response = client.post(
        url,
        {
            "code": template.code,
            "owner_unit": template.owner_unit_id,
            "purpose": template.purpose,
            "name": "每周包片检查（修订）",
            "name_en": template.name_en,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    latest = template.history.first()
    assert (latest.name, latest.history_user, latest.history_change_reason) == (
        "每周包片检查（修订）",
        superuser,
        "admin.change",
    )
    # The history screen shows the reason in the reader's language, and no revert.
    history = client.get(reverse("admin:inspections_checklisttemplate_history", args=[template.pk]))
    assert "在管理后台修改" in history.content.decode()
    assert "admin.change" not in history.content.decode()


def test_a_frequency_rule_deleted_in_the_admin_leaves_an_audit_row(superuser, org, login):
    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    rule = FrequencyRule.objects.create(
        code="TEST-RULE",
        owner_unit=org.head_office,
        level="L3",
        period="week",
        target="premises_of_kind",
        performer_post="security_department",
        template=ChecklistTemplate.objects.get(code="WEEKLY-CONTRACT"),
        valid_from=datetime.date(2026, 1, 1),
    )
    client = login(superuser)
    response = client.post(reverse("admin:inspections_frequencyrule_delete", args=[rule.pk]), {"post": "yes"})
    assert response.status_code == 302
    gone = FrequencyRule.history.filter(code="TEST-RULE").first()
    assert (gone.history_type, gone.history_user, gone.history_change_reason) == ("-", superuser, "admin.delete")


def test_every_admin_list_and_history_opens_for_a_superuser(superuser, report, login):
    client = login(superuser)
    failures = []
    for model in admin.site._registry:
        if not _is_ours(model):
            continue
        opts = model._meta
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if response.status_code != 200:
            failures.append((_label(model), response.status_code))
    history = client.get(reverse("admin:reports_report_history", args=[report.pk]))
    assert failures == [] and history.status_code == 200
