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

Every view that accepts POST also needs a ``PostCase`` (``POST_CASES`` here or in the feature
module, run by ``check_post``): what each persona gets when it posts real data, and whether
the data changed. Allowed → 2xx/302 and something changed; refused (403, 404, or ``REFUSED``:
any answer below 500, a form error included) → nothing changed; anonymous → sign in, nothing
changed. The cases of one action together name every persona of ``POST_PERSONAS`` (the URL
walker checks it); an extra case (an escalation attempt) may name only the personas it is about.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import time_machine
from django.apps import apps
from django.db import transaction
from django.urls import reverse

PERSONAS = ("headoffice", "president", "security", "outlethead", "officer", "outsider")
# The POST matrix adds the teller of outlet A: another post at the officer's own premises.
POST_PERSONAS = (*PERSONAS, "teller")


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
    # Search-as-you-type of the filters: anyone signed in; the matches are the person's own scope
    # (an outsider gets an empty list, tests/test_search_select.py).
    AccessCase("branches:premises_search", ok=ALL),
    AccessCase("branches:people_search", ok=ALL),
    AccessCase("branches:unit_search", ok=ALL),
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
    "favicon",  # the site icon, for anyone (tests/test_labels.py)
    "service_worker",  # the installable app's files, nothing of anyone's (tests/test_daily_offline.py)
    "web_manifest",
    "set_language",
    "password_change",  # any signed-in person, their own password (tests/test_sign_in.py)
    "password_change_done",
    "password_reset_confirm",  # the one-time link of a password reset (tests/test_escalation.py)
    "second_factor_verify",  # the code step before sign-in completes (tests/test_mfa.py)
    # A person's calendar feed, public by an unguessable, revocable token (tests/test_calendar_feed.py).
    "reports:calendar_ics",
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
    "tests.test_handoffs_access",
    "tests.test_mfa_access",
    "tests.test_api_access",
)


def declared_url_names() -> set[str]:
    """Every URL name with an access declaration: the cases here and those of the feature modules."""
    names = {case.url_name for case in CASES} | {case.url_name for case in POST_CASES}
    for module_name in FEATURE_MODULES:
        module = importlib.import_module(module_name)
        names |= {case.url_name for case in getattr(module, "ACCESS_CASES", [])}
        names |= set(getattr(module, "POST_ONLY", {}))
        names |= {case.url_name for case in getattr(module, "POST_CASES", [])}
    return names


def post_cases() -> list[PostCase]:
    """Every POST case: those here and those of the feature modules."""
    cases = list(POST_CASES)
    for module_name in FEATURE_MODULES:
        cases += getattr(importlib.import_module(module_name), "POST_CASES", [])
    return cases


def check_post_only(client, org, name: str, args: list) -> None:
    """A POST-only action: anonymous POST → sign in; a signed-in GET → 405 (never a page)."""
    url = reverse(name, args=args)
    client.logout()
    response = client.post(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"], f"anonymous POST {url}"
    client.force_login(org.officer)
    assert client.get(url).status_code == 405, f"GET {url} must be refused"
    client.logout()


# --------------------------------------------------------------------------- the POST matrix

OK, REFUSED, SHOWN = "ok", "refused", "shown"
OUR_APPS = {"branches", "core", "inspections", "drills", "facilities", "incidents", "responsibilities", "reports"}
OUR_APPS |= {"dashboards", "api"}
NOT_DATA = {"branches.refusedaccess"}  # a refusal is logged: that is not the data changing
NOT_DATA_FIELDS = {"last_login"}  # signing in touches it


@dataclass(frozen=True)
class PostCase:
    """What each persona gets when it posts ``data`` to one action, and whether the data changed."""

    url_name: str
    ok: tuple[str, ...] = ()  # 2xx/302 and something changed
    forbidden: tuple[str, ...] = ()  # 403, nothing changed
    hidden: tuple[str, ...] = ()  # 404, nothing changed
    refused: tuple[str, ...] = ()  # any answer below 500 that changes nothing (a form error, 400, 403, 404)
    shown: tuple[str, ...] = ()  # allowed, and a step that writes nothing (a dry run): 2xx/302, nothing changed
    args: Callable | None = None  # org -> URL arguments
    data: Callable | dict | None = None  # org -> POST data, built afresh for each persona (uploads)
    setup: Callable | None = field(default=None, compare=False)  # org -> None
    label: str = ""  # tells apart several cases of one action
    at: str = ""  # ISO date-time the posts happen at (time rules), else now
    marks: tuple = ()  # e.g. an xfail while a fix is on another branch

    @property
    def id(self) -> str:
        return f"{self.url_name}[{self.label}]" if self.label else self.url_name

    @property
    def outcomes(self) -> dict[str, object]:
        return {
            **dict.fromkeys(self.ok, OK),
            **dict.fromkeys(self.forbidden, 403),
            **dict.fromkeys(self.hidden, 404),
            **dict.fromkeys(self.refused, REFUSED),
            **dict.fromkeys(self.shown, SHOWN),
        }


def post_params(cases: list[PostCase]) -> list:
    """The cases as pytest parameters, each with its marks and a readable id."""
    return [pytest.param(case, marks=case.marks, id=case.id) for case in cases]


def data_fingerprint() -> dict[str, list]:
    """Every row of every table of the project, for telling whether a request changed anything."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if model._meta.app_label not in OUR_APPS or label in NOT_DATA or label.split(".")[1].startswith("historical"):
            continue
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in NOT_DATA_FIELDS]
        rows[label] = list(model._default_manager.order_by("pk").values_list(*names))
    return rows


def _changed(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


def check_post(client, org, case: PostCase) -> None:
    """Each persona (and anonymous) posts in a savepoint that is rolled back, so each starts from the same data."""
    with time_machine.travel(case.at, tick=False) if case.at else contextlib.nullcontext():
        if case.setup:
            case.setup(org)
        _post_as_each(client, org, case, reverse(case.url_name, args=case.args(org) if case.args else []))


def _post_as_each(client, org, case: PostCase, url: str) -> None:
    before = data_fingerprint()
    failures = []
    for persona, expected in {None: "login", **case.outcomes}.items():
        with transaction.atomic():
            if persona:
                client.force_login(getattr(org, persona))
            data = case.data(org) if callable(case.data) else dict(case.data or {})
            response = client.post(url, data)
            changed = _changed(before, data_fingerprint())
            transaction.set_rollback(True)
        client.logout()
        status = response.status_code
        if expected == OK:
            good = status in (200, 201, 204, 302) and changed
        elif expected == "login":
            good = status == 302 and "/accounts/login/" in response["Location"] and not changed
        elif expected == REFUSED:
            good = status < 500 and not changed
        elif expected == SHOWN:
            good = status in (200, 302) and not changed
        else:
            good = status == expected and not changed
        if not good:
            errors = _form_errors(response) if expected in (OK, SHOWN) else ""
            failures.append(
                f"{persona or 'anonymous'}: {status}, changed {changed or 'nothing'}; expected {expected}{errors}"
            )
    assert not failures, f"POST {url}: " + "; ".join(failures)


def _form_errors(response) -> str:
    """The form errors of a re-rendered page, so a case with wrong data says why."""
    for context in response.context or []:
        for value in context.flatten().values():
            errors = getattr(value, "errors", None)
            if errors and hasattr(value, "is_bound"):
                return f" (form errors: {dict(errors)})"
    return ""


def allowed_methods(callback) -> set[str] | None:
    """The methods a view declares (a class's handlers, ``require_http_methods``), or None if it does not say."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return {name.upper() for name in view_class.http_method_names if hasattr(view_class, name)}
    fn = callback
    while fn is not None:
        code = getattr(fn, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            return set(fn.__closure__[code.co_freevars.index("request_method_list")].cell_contents)
        fn = getattr(fn, "__wrapped__", None)
    return None


def _reads_post(fn, seen: set) -> bool:
    """Whether a function view (or a helper of its own module it calls) looks at POST data."""
    fn = inspect.unwrap(fn)
    if fn in seen:
        return False
    seen.add(fn)
    source = inspect.getsource(fn)
    if "POST" in source or "request.method" in source:
        return True
    helpers = inspect.getclosurevars(fn).globals.values()
    return any(_reads_post(h, seen) for h in helpers if inspect.isfunction(h) and h.__module__ == fn.__module__)


def accepts_post(callback) -> bool:
    methods = allowed_methods(callback)
    return "POST" in methods if methods is not None else _reads_post(callback, set())


# Personas by what they may do to an outlet-A or branch-1 object (the POST matrix).
STAFF_OF_A = ("outlethead", "officer", "teller")
NOT_MANAGERS_IN_B1 = ("president", *STAFF_OF_A)


def _staff_data(org, user, **changes):
    data = {"full_name": user.full_name, "username": user.username, "unit": user.unit_id, "post": user.post}
    data |= {"home_premises": user.home_premises_id or "", "language": "zh-hans", "phone": "0635-8000009"}
    return data | changes


def _with_email(org):
    """A reset may send a set-password link: the officer has an address for it."""
    from branches.models import User

    User.objects.filter(pk=org.officer.pk).update(email="officer@example.com")


def _stashed_import(org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from branches.importing import stash_upload
    from tests.test_import import good_file

    file = SimpleUploadedFile("import.xlsx", good_file(), content_type="application/octet-stream")
    return [stash_upload(user=org.security, file=file)]


def _xlsx(org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.test_import import good_file

    return {"file": SimpleUploadedFile("import.xlsx", good_file(), content_type="application/octet-stream")}


_PREMISES = {"name": "新城营业部", "code": "PNEW", "kind": "outlet", "address": "新城路 1 号", "area": "urban"}
_PREMISES |= {"opens_at": "08:30", "closes_at": "17:00", "phone": "0571-1234567"}
_MANAGE_A = {"ok": MANAGERS_IN_B1, "forbidden": NOT_MANAGERS_IN_B1, "hidden": ("outsider",)}  # an object of B1
_CREATE = {"ok": MANAGERS_IN_B1, "forbidden": (*NOT_MANAGERS_IN_B1, "outsider")}  # nothing to hide yet
_HO_ONLY = {"ok": ("headoffice",), "forbidden": ("president", "security", *STAFF_OF_A, "outsider")}
_TOMORROW = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
_NEXT_WEEK = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()

POST_CASES: list[PostCase] = [
    PostCase(
        "branches:unit_create",
        data=lambda o: {"name": "新华支行", "code": "S1X", "kind": "sub_branch", "parent": o.branch1.pk},
        **_HO_ONLY,
    ),
    PostCase(
        "branches:unit_update",
        args=_sub1,
        data=lambda o: {"name": "城关支行二", "code": "S1A", "kind": "sub_branch", "parent": o.branch1.pk},
        ok=("headoffice",),
        forbidden=("president", "security", *STAFF_OF_A),
        hidden=("outsider",),
    ),
    PostCase("branches:premises_create", data=lambda o: {**_PREMISES, "unit": o.sub1.pk}, **_CREATE),
    PostCase(
        "branches:premises_update",
        args=_outlet_a,
        data=lambda o: {**_PREMISES, "code": "PA", "unit": o.sub1.pk},
        **_MANAGE_A,
    ),
    PostCase(
        "branches:staff_create",
        data=lambda o: _staff_data(o, o.teller, username="chenxm", full_name="陈小明"),
        **_CREATE,
    ),
    PostCase("branches:staff_update", args=_officer, data=lambda o: _staff_data(o, o.officer), **_MANAGE_A),
    PostCase(
        "branches:staff_transfer",
        args=_officer,
        data=lambda o: {
            "unit": o.sub1.pk,
            "post": "teller",
            "home_premises": o.outlet_a2.pk,
            "effective": _TOMORROW,
            "reason": "轮岗",
        },
        **_MANAGE_A,
    ),
    PostCase(
        "branches:staff_leave",
        args=_officer,
        data={"end_date": _TOMORROW, "reason": "辞职", "confirm": "on"},
        **_MANAGE_A,
    ),
    PostCase("branches:staff_reset_password", setup=_with_email, args=_officer, **_MANAGE_A),
    PostCase(
        "branches:acting_create",
        data=lambda o: {
            "user": o.teller.pk,
            "post": "outlet_head",
            "premises": o.outlet_a.pk,
            "start_date": _TOMORROW,
            "end_date": _NEXT_WEEK,
            "reason": "休假",
        },
        **_CREATE,
    ),
    PostCase("branches:import", data=_xlsx, shown=MANAGERS_IN_B1, forbidden=(*NOT_MANAGERS_IN_B1, "outsider")),
    # The stashed upload is security's: head office cannot confirm it with the token either.
    PostCase(
        "branches:import_report",
        args=_stashed_import,
        ok=("security",),
        refused=("headoffice",),
        forbidden=(*NOT_MANAGERS_IN_B1, "outsider"),
    ),
    # Escalation (issue 15): security may not make anyone head office, act as its own president, or
    # reset (and so learn) the password of its president (branches/rules.py).
    PostCase(
        "branches:staff_update",
        label="security makes the officer head office",
        args=_officer,
        data=lambda o: _staff_data(o, o.officer, post="head_office_security", unit=o.b1_security.pk, home_premises=""),
        refused=("security",),
    ),
    PostCase(
        "branches:acting_create",
        label="security acts as its own president",
        data=lambda o: {
            "user": o.security.pk,
            "post": "president",
            "unit": o.branch1.pk,
            "start_date": _TOMORROW,
            "end_date": _NEXT_WEEK,
            "reason": "代理",
        },
        refused=("security",),
    ),
    PostCase(
        "branches:staff_reset_password",
        label="security resets its president's password",
        args=lambda o: [o.president.pk],
        refused=("security",),
    ),
]
