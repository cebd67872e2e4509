import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.access import (
    CASES,
    POST_CASES,
    POST_PERSONAS,
    PUBLIC,
    PUBLIC_NAMESPACES,
    accepts_post,
    check_access,
    check_post,
    declared_url_names,
    post_cases,
    post_params,
)


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_access_matrix(client, org, case):
    check_access(client, org, case)


@pytest.mark.django_db
@pytest.mark.parametrize("case", post_params(POST_CASES))
def test_post_matrix(client, colleagues, case):
    check_post(client, colleagues, case)


def _named_patterns(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield pattern, namespace, f"{namespace}{pattern.name}" if pattern.name else None


def _our_patterns():
    for pattern, namespace, name in _named_patterns(get_resolver()):
        if namespace.split(":")[0] not in PUBLIC_NAMESPACES and name not in PUBLIC:
            yield pattern, name


def test_every_url_is_covered_by_the_access_matrix_or_public_by_design():
    covered = declared_url_names()
    uncovered = [name or str(pattern.pattern) for pattern, name in _our_patterns() if name not in covered]
    assert not uncovered, f"views without access checks: {uncovered}"


def test_every_view_that_accepts_post_has_a_post_case_for_every_persona():
    personas = {}
    for case in post_cases():
        personas.setdefault(case.url_name, set()).update(case.outcomes)
    full = {name for name, named in personas.items() if named >= set(POST_PERSONAS)}
    missing = [name or str(pattern.pattern) for pattern, name in _our_patterns() if accepts_post(pattern.callback)]
    # The REST routes (DRF, namespace "api", names with a dash) answer per persona in
    # tests/test_api_access.py and are posted to by schemathesis; the token pages are HTML and listed.
    missing = [name for name in missing if name not in full and not _is_rest_route(name)]
    assert not missing, f"POST actions without a full PostCase: {missing}"


def _is_rest_route(name: str) -> bool:
    return name.startswith("api:") and "-" in name.split(":", 1)[1]


def test_the_walker_tells_post_actions_from_pages():
    from django.urls import resolve, reverse

    def accepts(name):
        return accepts_post(resolve(reverse(name)).func)

    assert accepts("business_calendar")  # a page whose form posts to itself
    assert accepts("notifications_read_all")  # require_POST
    assert accepts("branches:unit_create")  # a class with a post handler
    assert not accepts("notifications")  # require_GET
    assert not accepts("home")  # reads no POST data
