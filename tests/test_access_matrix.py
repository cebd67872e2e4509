import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.access import CASES, PUBLIC, PUBLIC_NAMESPACES, check_access, declared_url_names


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_access_matrix(client, org, case):
    check_access(client, org, case)


def _named_patterns(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield pattern, namespace, f"{namespace}{pattern.name}" if pattern.name else None


def test_every_url_is_covered_by_the_access_matrix_or_public_by_design():
    covered = declared_url_names()
    uncovered = []
    for pattern, namespace, name in _named_patterns(get_resolver()):
        if namespace.split(":")[0] in PUBLIC_NAMESPACES:
            continue
        if name is None:
            uncovered.append(str(pattern.pattern))
        elif name not in covered and name not in PUBLIC:
            uncovered.append(name)
    assert not uncovered, f"views without access checks: {uncovered}"
