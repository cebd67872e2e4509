"""Property-based tests of the REST API against its own OpenAPI schema (schemathesis + hypothesis).

Every GET operation of /api/v1/ is called with generated parameters, signed in with a token as a
scoped officer and as a branch security department: never a 5xx, every response matches the
schema, and no object of another branch ever comes back. Bounded: a few examples per operation.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from api.services import token_create
from inspections.hazards.services import hazard_report
from inspections.models import Hazard

pytestmark = pytest.mark.django_db(transaction=False)
EXAMPLES = 4


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


def _other_branch_ids(org):
    """Ids of rows that belong only to branch 2 (the outsider's), which branch 1 readers must never get."""
    return {"premises": {org.outlet_b.pk}, "units": {org.branch2.pk, org.sub2.pk}}


def _check_operations(org, persona):
    hazard_report(premises=org.outlet_b, description="隐患", category="fire", by=org.outsider)
    foreign_hazards = set(Hazard.objects.filter(premises=org.outlet_b).values_list("pk", flat=True))
    _token, key = token_create(owner=getattr(org, persona), name="schemathesis", days=1)
    headers = {"Authorization": f"Bearer {key}", "Accept-Language": "en"}
    schema = _schema()
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET" or operation.path.endswith("/pdf/"):
            continue

        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            response = case.call(headers=headers)
            assert response.status_code < 500, f"{case.path} -> {response.status_code}"
            # Credentials are checked below, without any (ignored_auth would replay with our token); a
            # filter naming a premises or person outside the reader's scope is a 400, as on the pages.
            case.validate_response(response, excluded_checks=[ignored_auth, positive_data_acceptance])
            anonymous = case.call(headers={"Accept-Language": "en"})
            assert anonymous.status_code == 401, f"{case.formatted_path} without credentials: {anonymous.status_code}"
            body = response.json() if response.status_code == 200 else {}
            rows = body.get("results", [body]) if isinstance(body, dict) else body
            ids = {row.get("id") for row in rows if isinstance(row, dict)}
            kind = case.operation.path.split("/")[3]
            foreign = _other_branch_ids(org).get(kind, set()) | (foreign_hazards if kind == "hazards" else set())
            assert not ids & foreign, f"{persona} got rows of another branch from {case.formatted_path}"

        try:
            run()
        except AssertionError as error:
            failures.append(f"{operation.method} {operation.path}: {error}")
    assert not failures, "\n".join(failures)


@pytest.mark.timeout(240)
def test_api_as_a_scoped_officer_never_fails_and_never_leaks(org):
    _check_operations(org, "officer")


@pytest.mark.timeout(240)
def test_api_as_a_security_department_never_fails_and_never_leaks(org):
    _check_operations(org, "security")
