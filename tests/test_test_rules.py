"""Rules for the tests themselves, enforced on their source.

A test that expects a refusal names it (``pytest.raises(..., match=...)``): a bare
``pytest.raises(ValidationError)`` also passes when a different refusal is raised, so it
cannot tell the rule under test from any other. And no assertion may be one that cannot fail.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _trees():
    for path in sorted(TESTS.glob("*.py")):
        yield path.name, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _is_pytest_raises(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr == "raises" and isinstance(func.value, ast.Name) and func.value.id == "pytest"
    return isinstance(func, ast.Name) and func.id == "raises"  # ``from pytest import raises``


def _cannot_fail(test: ast.expr) -> bool:
    """An assertion whose outcome does not depend on the code under test."""
    if isinstance(test, ast.Constant):
        return bool(test.value)  # ``assert True``, ``assert "text"`` (``assert False`` may fail on purpose)
    if isinstance(test, (ast.Tuple, ast.List, ast.Set)):
        return bool(test.elts)  # ``assert (x, "why")``: a non-empty tuple is always true
    if isinstance(test, ast.Dict):
        return bool(test.keys)
    if isinstance(test, ast.Lambda):
        return True
    if isinstance(test, ast.JoinedStr):  # an f-string with fixed text is never empty
        return any(isinstance(part, ast.Constant) and part.value for part in test.values)
    if isinstance(test, ast.BoolOp):
        verdicts = [_cannot_fail(value) for value in test.values]
        return any(verdicts) if isinstance(test.op, ast.Or) else all(verdicts)  # ``assert x or True``
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        same = ast.dump(test.left) == ast.dump(test.comparators[0])
        return same and isinstance(test.ops[0], (ast.Eq, ast.Is, ast.GtE, ast.LtE))  # ``assert x == x``
    return False


def test_every_pytest_raises_names_the_refusal_it_expects():
    bare = [
        f"{name}:{node.lineno}"
        for name, tree in _trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and _is_pytest_raises(node)
        and not any(keyword.arg == "match" for keyword in node.keywords)
    ]
    assert bare == [], "pytest.raises without match= (name the refusal expected): " + ", ".join(bare)


def test_no_assertion_that_cannot_fail():
    hollow = [
        f"{name}:{node.lineno}"
        for name, tree in _trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Assert) and _cannot_fail(node.test)
    ]
    assert hollow == [], "assertions that cannot fail: " + ", ".join(hollow)


def test_the_rules_catch_what_they_are_meant_to_catch():
    def asserts(source: str) -> list[bool]:
        return [_cannot_fail(node.test) for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Assert)]

    assert asserts("assert True\nassert x or True\nassert a.b == a.b\nassert (x, 'why')\nassert f'a{x}'") == [True] * 5
    assert (
        asserts("assert x\nassert x == y\nassert not x\nassert False\nassert x and True\nassert f'{x}'") == [False] * 6
    )
    calls = [
        node
        for node in ast.walk(ast.parse("pytest.raises(E)\npytest.raises(E, match='m')"))
        if isinstance(node, ast.Call)
    ]
    assert [_is_pytest_raises(call) for call in calls] == [True, True]
    assert [any(k.arg == "match" for k in call.keywords) for call in calls] == [False, True]
