"""Property-based tests of the REST API against its own OpenAPI schema (schemathesis + hypothesis).

Every operation of /api/v1/ (reads and writes) is called with generated parameters and bodies,
signed in with a token as a scoped officer and as a branch security department: never a 5xx, every
response matches the schema, no credentials is a 401, and no object of another branch ever comes
back. Bounded: a few examples per operation (about a minute per persona on two cores).
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import ignored_auth, negative_data_rejection, positive_data_acceptance

from api.services import token_create
from branches.models import Premises, Unit
from incidents.models import Incident
from incidents.services import incident_report
from inspections.hazards.services import hazard_report
from tests.test_drills_access import _drill
from tests.test_facilities_access import make_alarm

pytestmark = pytest.mark.django_db(transaction=False)
EXAMPLES = {"GET": 3, "POST": 2}


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Called through the WSGI handler, a request would close the database connection at its end (as in
    production); the test's transaction lives on it, so keep it open, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(document)
    schema.app = WSGIHandler()
    return schema


def _branch2_records(org):
    """A hidden danger, an incident and a facility at outlet B (branch 2), which branch 1 must never see."""
    hazard_report(premises=org.outlet_b, description="隐患", category="fire", by=org.outsider)
    incident_report(
        incident=Incident(premises=org.outlet_b, kind="theft", occurred_at=timezone.now(), description="被盗"),
        by=org.outsider,
    )
    make_alarm(org, premises=org.outlet_b)


def _out_of_scope(row: dict, kind: str, units: set, premises: set) -> bool:
    if kind == "units":
        return row.get("id") not in units
    if kind == "premises":
        return row.get("id") not in premises
    return (row.get("unit") is not None and row["unit"] not in units) or (
        isinstance(row.get("premises"), int) and row["premises"] not in premises
    )


def _aim_at_real_records(case, targets: dict) -> None:
    """Writes with random ids would all be 404s: they go to a record in the reader's scope, so the
    services meet generated bodies (and must refuse them with a 400, never a 500)."""
    if case.method.upper() != "POST" or case.path_parameters is None:
        return
    kind = case.operation.path.split("/")[3]
    if "id" in case.path_parameters and kind in targets:
        case.path_parameters["id"] = targets[kind]
    if isinstance(case.body, dict):
        for field in ("premises", "responsible"):
            if field in case.body:
                case.body[field] = targets[field]


def _exercise(operation, *, persona: str, headers: dict, units: set, premises: set, targets: dict) -> None:
    """Call one operation with generated examples; AssertionError names what went wrong."""
    anonymous_checked = []
    examples = EXAMPLES[operation.method.upper()]

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def run(case):
        _aim_at_real_records(case, targets)
        response = case.call(headers=headers)
        assert response.status_code < 500, f"{case.method} {case.formatted_path} -> {response.status_code}"
        # Credentials are checked below, without any (ignored_auth would replay with our token); a
        # filter naming a premises or person outside the reader's scope is a 400, as on the pages;
        # generated write bodies are mostly refused by the services, with a problem (checked).
        case.validate_response(
            response, excluded_checks=[ignored_auth, positive_data_acceptance, negative_data_rejection]
        )
        if not anonymous_checked:  # once per operation: the same answer whatever the parameters
            anonymous = case.call(headers={"Accept-Language": "en"})
            assert anonymous.status_code == 401, f"{case.formatted_path} anonymous: {anonymous.status_code}"
            anonymous_checked.append(True)
        body = response.json() if 200 <= response.status_code < 300 and response.content else None
        rows = body.get("results", [body]) if isinstance(body, dict) else (body or [])
        kind = case.operation.path.split("/")[3]
        leaked = [row for row in rows if isinstance(row, dict) and _out_of_scope(row, kind, units, premises)]
        assert not leaked, f"{persona} got rows of another branch from {case.formatted_path}: {leaked}"

    run()


def _check_operations(org, persona):
    _branch2_records(org)
    user = getattr(org, persona)
    units = set(Unit.objects.for_user(user).values_list("pk", flat=True))
    premises = set(Premises.objects.for_user(user).values_list("pk", flat=True))
    assert org.outlet_b.pk not in premises
    targets = {
        "hazards": hazard_report(premises=org.outlet_a, description="灭火器过期", category="fire", by=org.officer).pk,
        "facilities": make_alarm(org).pk,
        "drills": _drill(org).pk,
        "premises": org.outlet_a.pk,
        "responsible": org.outlethead.pk,
    }
    _token, key = token_create(owner=user, name="schemathesis", days=1)
    headers = {"Authorization": f"Bearer {key}", "Accept-Language": "en"}
    failures = []
    for result in _schema().get_all_operations():
        operation = result.ok()
        if operation.path.endswith("/pdf/"):
            continue  # a PDF per example would take the time of the whole run (tests/test_api_access.py opens it)
        try:
            _exercise(operation, persona=persona, headers=headers, units=units, premises=premises, targets=targets)
        except AssertionError as error:
            failures.append(f"{operation.method} {operation.path}: {error}")
    assert not failures, "\n".join(failures)


@pytest.mark.timeout(240)
def test_api_as_a_scoped_officer_never_fails_and_never_leaks(org):
    _check_operations(org, "officer")


@pytest.mark.timeout(240)
def test_api_as_a_security_department_never_fails_and_never_leaks(org):
    _check_operations(org, "security")
