"""Access matrix of the two-factor sign-in pages (add this module to FEATURE_MODULES in tests/access.py).

``second_factor_verify`` (the code step of signing in) is reached before signing in, so it belongs in
``PUBLIC``; tests/test_mfa.py covers it."""

import pytest

from tests.access import ALL, AccessCase, check_access

ACCESS_CASES = [
    AccessCase("second_factor", ok=ALL),
    AccessCase("second_factor_enrol", ok=ALL),
    # Administrators only: no persona of the matrix is one (tests/test_mfa.py signs one in).
    AccessCase(
        "second_factor_reset",
        args=lambda org: [org.officer.pk],
        ok=(),
        forbidden=("headoffice", "president", "security", "outlethead", "officer"),
        hidden=("outsider",),
    ),
]

POST_ONLY: dict[str, list] = {}


@pytest.mark.django_db
@pytest.mark.parametrize("case", ACCESS_CASES, ids=lambda case: case.id)
def test_mfa_access_matrix(client, org, case):
    check_access(client, org, case)
