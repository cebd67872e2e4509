"""The reusable access matrix.

Each view is declared once as an ``AccessCase``: which personas of the ``org`` fixture
get it (200), which are outside its scope (404) and which are in scope but hold the
wrong post (403). ``check_access`` also checks that an anonymous visitor is sent to
sign in. ``tests/test_access_matrix.py`` runs every case and walks every URL pattern of
the project, failing on any that is neither declared here nor public by design.
A new view gets its checks by adding one ``AccessCase`` to ``CASES`` — or, for a feature
app, to ``ACCESS_CASES`` in its own test module (run there with ``check_access``), with
POST-only actions in that module's ``POST_ONLY`` ({url name: URL args}), and the module
named in ``FEATURE_MODULES`` below so the URL walker counts them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

PERSONAS = ("headoffice", "president", "security", "outlethead", "officer", "outsider")


@dataclass(frozen=True)
class AccessCase:
    url_name: str
    ok: tuple[str, ...]
    hidden: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    args: Callable | None = None  # org -> list of URL arguments
    setup: Callable | None = field(default=None, compare=False)  # org -> None, builds extra data

    @property
    def id(self) -> str:
        return self.url_name


def check_access(client, org, case: AccessCase) -> None:
    if case.setup:
        case.setup(org)
    url = reverse(case.url_name, args=case.args(org) if case.args else [])
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"], (
        f"anonymous visitor on {url}: {anonymous.status_code}"
    )
    expected = {**dict.fromkeys(case.ok, 200), **dict.fromkeys(case.hidden, 404), **dict.fromkeys(case.forbidden, 403)}
    for persona, status in expected.items():
        client.force_login(getattr(org, persona))
        response = client.get(url)
        assert response.status_code == status, f"{persona} on {url}: {response.status_code}, expected {status}"
        client.logout()


def _officer(org):
    return [org.officer.pk]


def _sub1(org):
    return [org.sub1.pk]


def _outlet_a(org):
    return [org.outlet_a.pk]


ALL = PERSONAS
MANAGERS_IN_B1 = ("headoffice", "security")

CASES: list[AccessCase] = [
    AccessCase("home", ok=ALL),
    # Organisation (branches)
    AccessCase("branches:unit_list", ok=ALL),
    AccessCase(
        "branches:unit_detail",
        args=_sub1,
        ok=("headoffice", "president", "security", "outlethead", "officer"),
        hidden=("outsider",),
    ),
    AccessCase("branches:unit_create", ok=("headoffice",), forbidden=("president", "security", "officer")),
    AccessCase(
        "branches:unit_update",
        args=_sub1,
        ok=("headoffice",),
        forbidden=("president", "security", "officer"),
        hidden=("outsider",),
    ),
    AccessCase("branches:premises_list", ok=ALL),
    AccessCase(
        "branches:premises_detail",
        args=_outlet_a,
        ok=("headoffice", "president", "security", "outlethead", "officer"),
        hidden=("outsider",),
    ),
    AccessCase("branches:premises_create", ok=MANAGERS_IN_B1, forbidden=("president", "outlethead", "officer")),
    AccessCase(
        "branches:premises_update",
        args=_outlet_a,
        ok=MANAGERS_IN_B1,
        forbidden=("president", "outlethead", "officer"),
        hidden=("outsider",),
    ),
    AccessCase(
        "branches:staff_list",
        ok=("headoffice", "president", "security", "outlethead"),
        forbidden=("officer", "outsider"),
    ),
    AccessCase(
        "branches:staff_detail",
        args=_officer,
        ok=("headoffice", "president", "security", "outlethead"),
        forbidden=("officer",),
        hidden=("outsider",),
    ),
    AccessCase("branches:staff_create", ok=MANAGERS_IN_B1, forbidden=("president", "outlethead", "officer")),
    *[
        AccessCase(
            name,
            args=_officer,
            ok=MANAGERS_IN_B1,
            forbidden=("president", "outlethead", "officer"),
            hidden=("outsider",),
        )
        for name in (
            "branches:staff_update",
            "branches:staff_transfer",
            "branches:staff_leave",
            "branches:staff_reset_password",
        )
    ],
    AccessCase("branches:acting_create", ok=MANAGERS_IN_B1, forbidden=("president", "outlethead", "officer")),
    AccessCase(
        "branches:orphans", ok=("headoffice", "president", "security"), forbidden=("outlethead", "officer", "outsider")
    ),
    # XLSX import: managers only. The report page of a real upload is tested in tests/test_import.py.
    *[
        AccessCase(name, ok=MANAGERS_IN_B1, forbidden=("president", "outlethead", "officer", "outsider"))
        for name in ("branches:import", "branches:import_template")
    ],
    AccessCase(
        "branches:import_report",
        args=lambda org: ["0" * 32],
        ok=(),
        forbidden=("president", "outlethead", "officer", "outsider"),
    ),
]

# Reachable without signing in, or outside the matrix by design (tested on their own).
PUBLIC = {
    "login",
    "logout",
    "healthz",
    "set_language",
    "password_change",  # any signed-in person, their own password (tests/test_sign_in.py)
    "password_change_done",
    "password_reset_confirm",  # the one-time link of a password reset (tests/test_escalation.py)
}
PUBLIC_NAMESPACES = {"admin"}  # superusers only (tests/test_organisation.py::test_admin_is_for_superusers_only)

# Feature test modules that declare ACCESS_CASES and POST_ONLY for their own views.
FEATURE_MODULES = (
    "tests.test_core_access",
    "tests.test_inspections_access",
    "tests.test_daily_access",
    "tests.test_facilities_access",
    "tests.test_drills_access",
    "tests.test_responsibilities_access",
    "tests.test_reports_access",
    "tests.test_dashboards_access",
    "tests.test_hazards_access",
)


def declared_url_names() -> set[str]:
    """Every URL name with an access declaration: the cases here and those of the feature modules."""
    names = {case.url_name for case in CASES}
    for module_name in FEATURE_MODULES:
        module = importlib.import_module(module_name)
        names |= {case.url_name for case in getattr(module, "ACCESS_CASES", [])}
        names |= set(getattr(module, "POST_ONLY", {}))
    return names


def check_post_only(client, org, name: str, args: list) -> None:
    """A POST-only action: anonymous POST → sign in; a signed-in GET → 405 (never a page)."""
    url = reverse(name, args=args)
    client.logout()
    response = client.post(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"], f"anonymous POST {url}"
    client.force_login(org.officer)
    assert client.get(url).status_code == 405, f"GET {url} must be refused"
    client.logout()
