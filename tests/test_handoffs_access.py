"""Access matrix of what the hand-offs changed: the work queue (home, with its filters) and a hidden
danger's followers. An officer reports at a self-service bank they patrol: the reporter and the head of
the reporter's outlet follow it (200), the branch sees it by scope, the other branch does not (404)."""

import pytest

from inspections.hazards.models import Hazard
from inspections.hazards.services import hazard_report
from tests.access import ALL, AccessCase, check_access
from tests.factories import ContractFactory


def _reported_at_the_self_service_bank(org):
    ContractFactory(user=org.officer, premises=org.outlet_a2)
    hazard_report(premises=org.outlet_a2, description="自助银行监控黑屏", category="technical", by=org.officer)


def _hazard_pk(org):
    return [Hazard.objects.get().pk]


ACCESS_CASES = [
    AccessCase("home", ok=ALL),
    AccessCase("notifications", ok=ALL),
    AccessCase("notification_bell", ok=ALL),
    AccessCase(
        "inspections:hazard_detail",
        setup=_reported_at_the_self_service_bank,
        args=_hazard_pk,
        ok=("headoffice", "president", "security", "outlethead", "officer"),
        hidden=("outsider",),
    ),
]

POST_ONLY: dict[str, list] = {}


@pytest.mark.django_db
@pytest.mark.parametrize("case", ACCESS_CASES, ids=lambda case: case.id)
def test_handoffs_access_matrix(client, org, case):
    check_access(client, org, case)


@pytest.mark.django_db
def test_a_filtered_and_paged_work_queue_is_a_page_not_an_error(client, org):
    client.force_login(org.security)
    for query in ({"kind": "x" * 500}, {"premises": "-1"}, {"premises": "abc"}, {"page": "999"}, {"page": "x"}):
        assert client.get("/", query).status_code == 200, query
