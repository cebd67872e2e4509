"""Access matrix of the inspection engine's pages."""

import datetime

import pytest

from inspections.choices import Level
from inspections.cycles import cycle_open
from inspections.models import Assignment, ChecklistTemplate, FrequencyRule, Inspection
from inspections.services import inspection_start_unannounced, inspection_submit, standard_content_install
from tests.access import ALL, AccessCase, check_access, check_post_only
from tests.inspection_helpers import answer_all

IN_B1 = ("headoffice", "president", "security", "outlethead", "officer")
NOT_HO = ("president", "security", "outlethead", "officer", "outsider")


def _engine(org):
    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    cycle_open(month=datetime.date(2026, 12, 1))


def _inspected(org):
    """A weekly check of outlet A by security with one failed item (so a hazard exists)."""
    _engine(org)
    template = ChecklistTemplate.objects.get(code="WEEKLY-CONTRACT")
    inspection = inspection_start_unannounced(
        premises=org.outlet_a, level=Level.L3_SECURITY, template=template, by=org.security
    )
    answer_all(inspection, org.security, fail=("WK-06",))
    inspection_submit(inspection=inspection, by=org.security)


def _draft(org):
    _engine(org)
    template = ChecklistTemplate.objects.get(code="WEEKLY-CONTRACT")
    inspection_start_unannounced(premises=org.outlet_a, level=Level.L3_SECURITY, template=template, by=org.security)


def _inspection(org):
    return [Inspection.objects.get().pk]


def _assignment(org):
    return [Assignment.objects.filter(premises=org.outlet_a, rule__code="L4-OPEN").first().pk]


ACCESS_CASES = [
    AccessCase("inspections:my_inspections", ok=ALL),
    AccessCase("inspections:assignment_detail", setup=_engine, args=_assignment, ok=IN_B1, hidden=("outsider",)),
    AccessCase("inspections:inspection_detail", setup=_inspected, args=_inspection, ok=IN_B1, hidden=("outsider",)),
    AccessCase("inspections:confirmation_letter", setup=_inspected, args=_inspection, ok=IN_B1, hidden=("outsider",)),
    AccessCase(
        "inspections:inspection_form",
        setup=_draft,
        args=_inspection,
        ok=("security",),
        forbidden=("headoffice", "president", "outlethead", "officer"),
        hidden=("outsider",),
    ),
    AccessCase("inspections:checklist_list", setup=_engine, ok=ALL),
    AccessCase(
        "inspections:template_detail",
        setup=_engine,
        args=lambda org: [ChecklistTemplate.objects.get(code="DAILY-OPEN").pk],
        ok=ALL,
    ),
    # Head office's standard checklists and rules are editable by head office only (out of others' scope).
    AccessCase(
        "inspections:checklist_edit",
        setup=_engine,
        args=lambda org: [ChecklistTemplate.objects.get(code="DAILY-OPEN").pk],
        ok=("headoffice",),
        hidden=NOT_HO,
    ),
    AccessCase(
        "inspections:checklist_create",
        ok=("headoffice", "security"),
        forbidden=("president", "outlethead", "officer", "outsider"),
    ),
    AccessCase("inspections:rule_list", setup=_engine, ok=ALL),
    AccessCase(
        "inspections:rule_edit",
        setup=_engine,
        args=lambda org: [FrequencyRule.objects.get(code="L3-CONTRACT").pk],
        ok=("headoffice",),
        hidden=NOT_HO,
    ),
    AccessCase(
        "inspections:compliance",
        setup=_engine,
        ok=("headoffice", "president", "security"),
        forbidden=("outlethead", "officer", "outsider"),
    ),
    AccessCase(
        "inspections:compliance_cell",
        setup=_engine,
        args=lambda org: [org.outlet_a.pk, "L3"],
        ok=("headoffice", "president", "security"),
        forbidden=("outlethead", "officer"),
        hidden=("outsider",),
    ),
]

POST_ONLY = {
    "inspections:unannounced": [],
    "inspections:inspection_submit": [1],
    "inspections:inspection_correct": [1],
    "inspections:answer_save": [1],
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", ACCESS_CASES, ids=lambda case: case.id)
def test_inspections_access_matrix(client, org, case):
    check_access(client, org, case)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_inspection_actions_need_sign_in_and_post(client, org, name):
    check_post_only(client, org, name, POST_ONLY[name])
