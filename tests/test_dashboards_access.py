"""Access matrix of the dashboard pages."""

import pytest

from tests.access import POST_PERSONAS, AccessCase, PostCase, check_access, check_post, post_params

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

_WEIGHTS = {"overdue_danger": 6, "escalated_danger": 8, "missed_check": 2, "failed_test": 4, "overdue_test": 3}
POST_CASES = [
    PostCase(
        "dashboards:weights",
        data={**_WEIGHTS, "no_recent_drill": 3, "drill_window_days": 90, "reason": "加重逾期隐患"},
        ok=("headoffice",),
        forbidden=tuple(p for p in POST_PERSONAS if p != "headoffice"),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", post_params(POST_CASES))
def test_dashboards_post_matrix(client, colleagues, case):
    check_post(client, colleagues, case)


@pytest.mark.parametrize("case", ACCESS_CASES, ids=lambda c: c.id)
def test_access(client, org, case):
    check_access(client, org, case)
