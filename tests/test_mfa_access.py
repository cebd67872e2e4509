"""Access matrix of the two-factor sign-in pages and the audit page (add this module to FEATURE_MODULES
in tests/access.py).

``second_factor_verify`` (the code step of signing in) is reached before signing in, so it belongs in
``PUBLIC``; tests/test_mfa.py covers it."""

import pytest

from safetybank.audit import set_reason
from tests.access import ALL, POST_PERSONAS, AccessCase, PostCase, check_access, check_post, post_params

AUDIT_READERS = ("headoffice", "security")
NOT_AUDIT_READERS = ("president", "outlethead", "officer")


def _premises_changed(org):
    org.outlet_a.name = "城关营业部（新址）"
    set_reason(org.outlet_a, "record.edit", by=org.security)
    org.outlet_a.save()


def _premises_record(org):
    return ["branches", "premises", org.outlet_a.pk]


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
    AccessCase("audit", ok=AUDIT_READERS, forbidden=(*NOT_AUDIT_READERS, "outsider")),
    AccessCase(
        "audit_record",
        setup=_premises_changed,
        args=_premises_record,
        ok=AUDIT_READERS,
        forbidden=(*NOT_AUDIT_READERS, "outsider"),
    ),
]

POST_ONLY: dict[str, list] = {}

POST_CASES = [
    # One's own second factor only, so everyone may post; it touches django-otp's tables alone (not
    # counted as our data) and, with no app set up, ends in a message: nothing of ours changes.
    PostCase("second_factor", data={"do": "renew"}, shown=POST_PERSONAS),
    # A wrong code never sets up a second factor, whoever tries.
    PostCase("second_factor_enrol", data={"code": "000000"}, refused=POST_PERSONAS),
    # Resetting someone else's second factor is for administrators (tests/test_mfa.py signs one in).
    PostCase(
        "second_factor_reset",
        args=lambda org: [org.officer.pk],
        forbidden=("headoffice", "president", "security", "outlethead", "officer", "teller"),
        hidden=("outsider",),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", ACCESS_CASES, ids=lambda case: case.id)
def test_mfa_access_matrix(client, org, case):
    check_access(client, org, case)


@pytest.mark.django_db
@pytest.mark.parametrize("case", post_params(POST_CASES))
def test_mfa_post_matrix(client, colleagues, case):
    check_post(client, colleagues, case)
