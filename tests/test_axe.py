"""Accessibility on a 375 px phone (issue 17, item 8): axe-core finds no serious or critical violation on
any page of the URL walker.

The pages are those of the access matrix (``tests/access.py`` and the feature modules' ``ACCESS_CASES``):
each case's own setup and arguments give a concrete URL, opened by a persona the case lets in. Answers
that are not a page (downloads, JSON, HTMX fragments) are left out. One browser context signs in as each
persona (a session made by ``force_login``), one test per persona. Each case's data is removed after its page is
checked, so the next case starts from the same organisation."""

import importlib
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.access import CASES, FEATURE_MODULES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PHONE = {"width": 375, "height": 812}
# Who opens a page when several may: the people with the most in their pages first.
PREFERENCE = ("security", "officer", "outlethead", "president", "headoffice", "outsider")
IMPACTS = ("serious", "critical")
# Pages drawn by a third-party tool, not by our templates: the API's Swagger UI (drf-spectacular), for developers.
NOT_OURS = {"api:docs"}


def _cases():
    cases = list(CASES)
    for module_name in FEATURE_MODULES:
        cases += getattr(importlib.import_module(module_name), "ACCESS_CASES", [])
    return [case for case in cases if case.ok and not _is_rest_route(case.url_name) and case.url_name not in NOT_OURS]


def _is_rest_route(name):
    """The REST API's routes answer JSON (tests/test_api_access.py); its token pages are ours."""
    return name.startswith("api:") and "-" in name.split(":", 1)[1]


def _persona(case):
    return next(name for name in PREFERENCE if name in case.ok)


def _is_page(client, url):
    response = client.get(url)
    return (
        response.status_code == 200
        and response["Content-Type"].startswith("text/html")
        and b"<html" in response.content[:500]
    )


def _violations(page):
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {', '.join(str(node['target']) for node in v['nodes'][:5])}"
        for v in result["violations"]
        if v["impact"] in IMPACTS
    ]


def _last_rows():
    """{table: the highest rowid}: what the organisation holds before a case adds its data."""
    with connection.cursor() as cursor:
        return {
            table: cursor.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0] or 0  # noqa: S608
            for table in connection.introspection.table_names(cursor)
        }


def _forget_rows_after(last):
    """Delete every row added since ``last`` (foreign keys off meanwhile): the next case starts from
    the same organisation, and its arguments find "the" inspection or hazard it made."""
    connection.disable_constraint_checking()
    try:
        with connection.cursor() as cursor:
            for table, rowid in last.items():
                cursor.execute(f'DELETE FROM "{table}" WHERE rowid > %s', [rowid])  # noqa: S608
    finally:
        connection.enable_constraint_checking()


@pytest.mark.timeout(900)
@pytest.mark.parametrize("persona", sorted({_persona(case) for case in _cases()}))
def test_no_page_has_a_serious_or_critical_accessibility_violation_at_375_px(
    live_server, browser, browser_context_args, colleagues, persona
):
    if connection.vendor != "sqlite":
        pytest.skip("each case's rows are removed by SQLite rowid after its page is checked")
    org = colleagues
    client = Client()
    client.force_login(getattr(org, persona))
    # The pages forbid inline scripts (Content-Security-Policy); axe is injected as one, so the test's
    # browser context alone does not enforce the policy.
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE, "bypass_csp": True})
    cookie = {"name": settings.SESSION_COOKIE_NAME, "url": live_server.url}
    context.add_cookies([{**cookie, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    # The live server shares one SQLite connection between its threads: no second request in parallel.
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = context.new_page()
    found, visited = {}, set()
    for case in [case for case in _cases() if _persona(case) == persona]:
        last = _last_rows()
        if case.setup:
            case.setup(org)
        url = reverse(case.url_name, args=case.args(org) if case.args else [])
        if (case.setup, url) not in visited and _is_page(client, url):
            visited.add((case.setup, url))
            page.goto(f"{live_server.url}{url}")
            page.add_script_tag(path=str(AXE))
            if violations := _violations(page):
                found[url] = violations
            page.goto("about:blank")  # nothing of the page still asks the server while its rows go
        _forget_rows_after(last)
    context.close()
    assert visited, f"no page was checked for {persona}"
    assert not found, f"serious or critical accessibility violations ({persona}):\n" + "\n".join(
        f"{where}\n  " + "\n  ".join(violations) for where, violations in found.items()
    )
