"""The bulk-write rule of the audit, enforced on the source.

``QuerySet.update()``, ``bulk_update()`` and ``bulk_create()`` skip the signals the audit trail
relies on, so on an audited model they are allowed only in migrations, demo data, seed commands,
the bench and the tests. Elsewhere a regulated row is saved through its service (row by row with a
change reason, or ``bulk_*_with_history``, or ``safetybank.audit.update_with_history``: the same values on
many rows, one UPDATE and their historical rows). A column outside the audit (``excluded_fields``) may
still be written by a conditional UPDATE: such calls are listed in ``ALLOWED`` below, carry a
comment at the call, and may write only excluded columns.
"""

from __future__ import annotations

import ast
import gc
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIPPED_DIRS = {".venv", "migrations", "tests", "bench", "node_modules", "staticfiles", "var", ".git"}
SKIPPED_FILES = {"demo.py", "seed_demo.py"}
BULK_WRITES = {"update", "bulk_update", "bulk_create"}

# (file, model, method): UPDATEs of columns outside the audit, each explained at the call.
ALLOWED = {
    # The "reminded once" claim of a planned drill (``excluded_fields=["reminded_on"]``).
    ("drills/services.py", "Drill", "update"),
}


def audited_models() -> dict[str, type]:
    return {
        model.__name__: model
        for model in apps.get_models()
        if getattr(model._meta, "simple_history_manager_attribute", None)
    }


def excluded_fields(model) -> set[str]:
    history = getattr(model, model._meta.simple_history_manager_attribute)
    return set(history.model._history_excluded_fields or ())


def related_accessors(audited: dict[str, type]) -> dict[str, type]:
    """``inspection.answers`` -> Answer: reverse accessors that hand out an audited queryset."""
    accessors = {}
    for model in audited.values():
        for field in model._meta.fields:
            if field.many_to_one and not field.remote_field.hidden:
                accessors[field.remote_field.get_accessor_name()] = model
    return accessors


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    model: str
    method: str
    fields: tuple[str, ...]

    def __str__(self):
        return f"{self.path}:{self.line}: {self.model}.…{self.method}({', '.join(self.fields)})"


class BulkWriteScanner(ast.NodeVisitor):
    """Finds bulk writes whose queryset resolves to an audited model: ``Model.objects…update(``,
    ``get_user_model().objects…``, ``obj.<reverse accessor>…update(`` and a variable assigned from
    one of those in the same function."""

    def __init__(self, path: str, audited: dict[str, type], accessors: dict[str, type]):
        self.path, self.audited, self.accessors = path, audited, accessors
        self.variables: list[dict[str, type]] = [{}]
        self.findings: list[Finding] = []

    def resolve(self, node) -> type | None:
        names = []
        while True:
            if isinstance(node, ast.Call):
                node = node.func
            elif isinstance(node, ast.Attribute):
                names.append(node.attr)
                node = node.value
            elif isinstance(node, ast.Subscript):
                node = node.value
            else:
                break
        if isinstance(node, ast.Call):  # unreachable: calls are unwrapped above
            return None
        root = node.id if isinstance(node, ast.Name) else None
        if "objects" in names or "_default_manager" in names:
            if root == "get_user_model":
                return self.audited.get("User")
            return self.audited.get(root)
        for name in reversed(names):  # the accessor nearest the root decides
            if name in self.accessors:
                return self.accessors[name]
        return self.variables[-1].get(root)

    def visit_FunctionDef(self, node):
        self.variables.append(dict(self.variables[-1]))
        self.generic_visit(node)
        self.variables.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Assign(self, node):
        model = self.resolve(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name):
                if model is not None:
                    self.variables[-1][target.id] = model
                else:
                    self.variables[-1].pop(target.id, None)
        self.generic_visit(node)

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in BULK_WRITES:
            model = self.resolve(func.value)
            if model is not None:
                fields = tuple(kw.arg for kw in node.keywords if kw.arg)
                self.findings.append(Finding(self.path, node.lineno, model.__name__, func.attr, fields))
        self.generic_visit(node)


def scan_source(source: str, path: str = "<snippet>") -> list[Finding]:
    audited = audited_models()
    scanner = BulkWriteScanner(path, audited, related_accessors(audited))
    scanner.visit(_parse(source))
    return scanner.findings


def _parse(source: str) -> ast.AST:
    # CPython 3.11 can fail building a big AST with "recursion depth mismatch" when a garbage
    # collection runs Python finalizers in the middle of it (seen in CI); no collection, no mismatch.
    gc.disable()
    try:
        return ast.parse(source)
    finally:
        gc.enable()


def project_files():
    for file in sorted(ROOT.rglob("*.py")):
        parts = file.relative_to(ROOT).parts
        if SKIPPED_DIRS & set(parts) or file.name in SKIPPED_FILES:
            continue
        yield file


def scan_project() -> list[Finding]:
    findings = []
    for file in project_files():
        findings += scan_source(file.read_text(encoding="utf-8"), str(file.relative_to(ROOT)))
    return findings


def _comment_near(finding: Finding) -> bool:
    lines = (ROOT / finding.path).read_text(encoding="utf-8").splitlines()
    nearby = lines[max(0, finding.line - 3) : finding.line + 1]
    return any("#" in line for line in nearby)


# --------------------------------------------------------------------------- the scanner itself


@pytest.mark.parametrize(
    "source",
    [
        "Inspection.objects.filter(pk=1).update(cosigned_by=None)",
        "Report.objects.filter(is_current=True).update(status='draft')",
        "get_user_model().objects.filter(pk=1).update(language='en')",
        "def f(inspection):\n    inspection.answers.filter(result='').update(result='pass')",
        "def f():\n    stale = Hazard.objects.open().filter(deadline=None)\n    stale.update(grade='major')",
        "Unit.objects.bulk_update(units, ['path'])",
        "Answer.objects.bulk_create(answers)",
    ],
)
def test_scanner_finds_a_bulk_write_on_an_audited_model(source):
    assert len(scan_source(source)) == 1


@pytest.mark.parametrize(
    "source",
    [
        "Assignment.objects.filter(pk=1).update(status='overdue')",  # not audited
        "Notification.objects.filter(read_at=None).update(read_at=now)",
        "context.update(extra)",
        "scope.premises_ids.update(ids)",
        "def f():\n    rows = Assignment.objects.all()\n    rows.update(status='done')",
        "def f():\n    numbers = {}\n    numbers.update(x)",
    ],
)
def test_scanner_leaves_unaudited_and_plain_updates_alone(source):
    assert scan_source(source) == []


# --------------------------------------------------------------------------- the rule


def test_no_bulk_write_on_an_audited_model_outside_migrations_and_demo_data():
    violations = [f for f in scan_project() if (f.path, f.model, f.method) not in ALLOWED]
    assert not violations, "Bulk writes bypass the audit; save through the service:\n" + "\n".join(map(str, violations))


def test_allowed_bulk_writes_touch_only_columns_outside_the_audit_and_say_so():
    audited = audited_models()
    allowed = [f for f in scan_project() if (f.path, f.model, f.method) in ALLOWED]
    assert {(f.path, f.model, f.method) for f in allowed} == ALLOWED, "an ALLOWED entry is no longer used: remove it"
    for finding in allowed:
        assert finding.fields, f"{finding}: name the columns written"
        assert set(finding.fields) <= excluded_fields(audited[finding.model]), f"{finding}: writes audited columns"
        assert _comment_near(finding), f"{finding}: say at the call why the audit does not need it"


# --------------------------------------------------------------------------- reasons are codes


def test_a_mistyped_reason_code_fails_at_once_and_a_typed_reason_is_kept_as_typed():
    from inspections.hazards.models import Hazard
    from safetybank.audit import set_reason

    hazard = Hazard()
    with pytest.raises(KeyError, match="Unknown change reason 'hazard.asign'"):
        set_reason(hazard, "hazard.asign")
    set_reason(hazard, "hazard.grade", typed="  复查后定为重大  ")
    assert hazard._change_reason == "复查后定为重大"
    set_reason(hazard, "hazard.grade")
    assert hazard._change_reason == "hazard.grade"


@pytest.mark.django_db
def test_moving_a_unit_moves_its_subtree_with_an_audit_row_each(org):
    from branches.models import Unit

    branch = Unit.objects.get(pk=org.branch1.pk)
    branch.parent = org.branch2
    branch.save()
    sub = Unit.objects.get(pk=org.sub1.pk)
    assert sub.path == f"{org.head_office.path}{org.branch2.pk}/{branch.pk}/{sub.pk}/" and sub.depth == 3
    latest = sub.history.first()
    assert (latest.path, latest.history_change_reason) == (sub.path, "unit.moved")
