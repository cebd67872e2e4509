"""Access matrix of the inspection engine's pages."""

import datetime

import pytest

from inspections.choices import Level
from inspections.cycles import cycle_open
from inspections.models import Assignment, ChecklistTemplate, FrequencyRule, Inspection
from inspections.services import inspection_start_unannounced, inspection_submit, standard_content_install
from tests.access import (
    ALL,
    POST_PERSONAS,
    AccessCase,
    PostCase,
    check_access,
    check_post,
    check_post_only,
    post_params,
)
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


def _answered(org):
    """Security's unannounced weekly check of outlet A, every item answered, not yet submitted."""
    _draft(org)
    answer_all(Inspection.objects.get(), org.security)


def _own_checklist(org):
    from inspections.services import checklist_create

    checklist_create(
        owner_unit=org.branch1,
        code="B1-NIGHT",
        purpose="weekly_contracted",
        name="夜间检查",
        name_en="",
        by=org.security,
    )
    return [ChecklistTemplate.objects.get(code="B1-NIGHT").pk]


_ITEMS = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-code": "N-01", "form-0-defence": "civil"}
_ITEMS |= {"form-0-text": "夜间值守人员在岗", "form-0-answer_type": "pass_fail", "note": "新增"}
_RULE = {
    "period": "month",
    "count": 2,
    "performer_post": "security_department",
    "season_start_month": "",
    "season_end_month": "",
}
POST_CASES = [
    PostCase(
        "inspections:unannounced",
        setup=_engine,
        data=lambda org: {
            "premises": org.outlet_a.pk,
            "level": "L3",
            "template": ChecklistTemplate.objects.get(code="WEEKLY-CONTRACT").pk,
        },
        ok=("headoffice", "security"),
        refused=("president", "outlethead", "officer", "outsider"),  # not their level; outlet A not theirs
        forbidden=("teller",),
    ),
    PostCase(
        "inspections:assignment_detail",
        setup=_engine,
        args=_assignment,
        data=lambda org: {"premises": org.outlet_a.pk},
        ok=("officer",),  # the assignee
        refused=("headoffice", "president", "security", "outlethead"),
        forbidden=("teller",),
        hidden=("outsider",),
    ),
    PostCase(
        "inspections:inspection_detail",
        label="acknowledge",
        setup=_inspected,
        args=_inspection,
        data={"acknowledge": "1", "objection": ""},
        ok=("outlethead", "president"),
        forbidden=("headoffice", "security", "officer", "teller"),
        hidden=("outsider",),
    ),
    PostCase(
        "inspections:answer_save",
        setup=_draft,
        args=lambda org: [Inspection.objects.get().answers.first().pk],
        data={"result": "pass"},
        ok=("security",),
        refused=("headoffice", "president", "outlethead", "officer"),
        forbidden=("teller",),
        hidden=("outsider",),
    ),
    PostCase(
        "inspections:inspection_submit",
        setup=_answered,
        args=_inspection,
        ok=("security",),
        refused=("headoffice", "president", "outlethead", "officer"),
        forbidden=("teller",),
        hidden=("outsider",),
    ),
    PostCase(
        "inspections:inspection_correct",
        setup=_inspected,
        args=_inspection,
        data={"reason": "漏填一项"},
        ok=("security", "headoffice", "president"),  # the inspector's side: the inspector and superiors
        forbidden=("teller",),
        hidden=("outsider",),
    ),
    # The inspected outlet's staff may not correct the inspector's record (issue 15): they object through the
    # acknowledgement. (inspections/rules.py may_correct).
    PostCase(
        "inspections:inspection_correct",
        label="the inspected outlet corrects the inspector's inspection",
        setup=_inspected,
        args=_inspection,
        data={"reason": "我不同意"},
        refused=("officer", "outlethead"),
    ),
    PostCase(
        "inspections:checklist_create",
        data={"code": "B1-NEW", "purpose": "weekly_contracted", "name": "新检查表", "name_en": ""},
        ok=("headoffice", "security"),
        forbidden=("president", "outlethead", "officer", "teller", "outsider"),
    ),
    PostCase(
        "inspections:checklist_edit",
        args=_own_checklist,
        data=_ITEMS,
        ok=("headoffice", "security"),
        forbidden=("president",),
        hidden=("outlethead", "officer", "teller", "outsider"),  # a branch's checklist is not an outlet's to edit
    ),
    PostCase(
        "inspections:rule_edit",
        setup=_engine,
        args=lambda org: [FrequencyRule.objects.get(code="L3-CONTRACT").pk],
        data=lambda org: {**_RULE, "template": FrequencyRule.objects.get(code="L3-CONTRACT").template_id},
        ok=("headoffice",),
        hidden=tuple(p for p in POST_PERSONAS if p != "headoffice"),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", post_params(POST_CASES))
def test_inspections_post_matrix(client, colleagues, case):
    check_post(client, colleagues, case)


@pytest.mark.django_db
@pytest.mark.parametrize("case", ACCESS_CASES, ids=lambda case: case.id)
def test_inspections_access_matrix(client, org, case):
    check_access(client, org, case)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_inspection_actions_need_sign_in_and_post(client, org, name):
    check_post_only(client, org, name, POST_ONLY[name])
