"""Access matrix of the dashboard pages."""

import pytest

from tests.access import AccessCase, check_access

LEADERS_B1 = ("headoffice", "president", "security")
PREMISES_STAFF = ("outlethead", "officer")


def _branch1(org):
    return [org.branch1.pk]


def _sub1(org):
    return [org.sub1.pk]


def _sub1_risk_csv(org):
    return [org.sub1.pk, "risk", "csv"]


def _outlet_a(org):
    return [org.outlet_a.pk]


ACCESS_CASES = [
    # The outsider's own dashboard (branch 2) is forbidden by post, not hidden.
    AccessCase("dashboards:dashboard", ok=LEADERS_B1, forbidden=(*PREMISES_STAFF, "outsider")),
    AccessCase("dashboards:unit", args=_branch1, ok=LEADERS_B1, hidden=("outsider", *PREMISES_STAFF)),
    AccessCase("dashboards:export", args=_sub1_risk_csv, ok=LEADERS_B1, forbidden=PREMISES_STAFF, hidden=("outsider",)),
    AccessCase("dashboards:premises", args=_outlet_a, ok=LEADERS_B1, forbidden=PREMISES_STAFF, hidden=("outsider",)),
    AccessCase(
        "dashboards:weights", ok=("headoffice",), forbidden=("president", "security", *PREMISES_STAFF, "outsider")
    ),
]
POST_ONLY: dict = {}


@pytest.mark.parametrize("case", ACCESS_CASES, ids=lambda c: c.id)
def test_access(client, org, case):
    check_access(client, org, case)
