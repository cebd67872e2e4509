"""The dry run: check every row against the file, the database and the importer's scope.

``import_plan(file=…, user=…)`` reads and checks everything and returns an
``ImportReport`` (per row: what would be created or updated, or its errors) without
writing anything. Rows are matched on natural keys: unit code, premises code, staff
username (an employee number may not belong to someone else).

Scope: every unit a row is imported under, and every existing row it updates, must be
in ``for_user(user)`` of the importer (the scoping chokepoint).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.choices import Post, UnitKind
from branches.importing.parse import (
    PREMISES_FIELDS,
    PREMISES_SHEET,
    SHEETS,
    STAFF_FIELDS,
    STAFF_SHEET,
    UNIT_FIELDS,
    UNIT_SHEET,
    Column,
    SheetSpec,
    cell_text,
    read_workbook,
)
from branches.models import Premises, Unit, User
from branches.scoping import user_scope

# Posts that keep their contracted premises through a transfer (as ``staff_transfer`` decides).
CONTRACTING_POSTS = (Post.SECURITY_DEPARTMENT, Post.HEAD_OFFICE_SECURITY)

# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
ACTION_LABELS = {
    CREATE: gettext_lazy("create"),
    UPDATE: gettext_lazy("update"),
    UNCHANGED: gettext_lazy("unchanged"),
    ERROR: gettext_lazy("error"),
}


@dataclass
class RowReport:
    """One data row: what it would do (or did), and why it cannot."""

    sheet: SheetSpec
    row: int
    key: str
    name: str = ""
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # parsed cells, present columns only
    existing: Any = None
    initial_password: str = ""

    @property
    def action(self) -> str:
        if self.errors:
            return ERROR
        if self.existing is None:
            return CREATE
        return UPDATE if self.changes else UNCHANGED

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])


@dataclass
class ImportReport:
    """Everything an import would do (dry run) or did (applied), row by row."""

    rows: list[RowReport] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # e.g. ignored columns
    applied: bool = False

    @property
    def has_errors(self) -> bool:
        return any(r.errors for r in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in ACTION_LABELS}

    def by_sheet(self) -> list[tuple[SheetSpec, list[RowReport]]]:
        return [(s, rows) for s in SHEETS if (rows := [r for r in self.rows if r.sheet is s])]

    @property
    def passwords(self) -> list[RowReport]:
        return [r for r in self.rows if r.initial_password]


# ---------------------------------------------------------------------------
# Checking rows against the file, the database and the importer's scope
# ---------------------------------------------------------------------------


def parse_row(spec: SheetSpec, number: int, raw: dict[str, Any], present: set[str]) -> RowReport:
    report = RowReport(sheet=spec, row=number, key=cell_text(raw.get(spec.key_column)))
    for column in spec.columns:
        if column.key not in present:
            continue
        value = raw.get(column.key)
        try:
            parsed = column.parse(value)
        except ValueError as exc:
            report.errors.append(f"{column.label}: {exc}")
            continue
        if parsed in ("", None) and column.keep_if_blank:
            continue
        if column.required and parsed in ("", None):
            report.errors.append(_("%(column)s: this column is required.") % {"column": column.label})
            continue
        if column.max_length and isinstance(parsed, str) and len(parsed) > column.max_length:
            report.errors.append(
                _("%(column)s: at most %(max)d characters.") % {"column": column.label, "max": column.max_length}
            )
            continue
        report.values[column.key] = parsed
    report.name = report.values.get("name") or report.values.get("full_name") or ""
    return report


def _describe(value: Any) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, models.Model):
        return f"{value} ({getattr(value, 'code', '') or getattr(value, 'username', '')})".replace(" ()", "")
    return str(value)


class _Planner:
    """Checks every row; keeps what the apply step needs on the row reports."""

    def __init__(self, user):
        self.user = user
        self.sees_everything = user_scope(user).everything
        self.report = ImportReport()
        # Units the importer may import under, by code, with enough to walk the tree.
        self.scope_units = {u.code: u for u in Unit.objects.for_user(user).only("pk", "code", "path", "kind")}
        self.units_by_pk = {u.pk: u for u in self.scope_units.values()}
        self.file_units: dict[str, RowReport] = {}
        self.file_premises: dict[str, RowReport] = {}

    # -- helpers ----------------------------------------------------------

    @staticmethod
    def _duplicates(rows: list[RowReport], column: Column) -> None:
        first: dict[str, int] = {}
        for row in rows:
            value = row.values.get(column.key)
            if not value:
                continue
            if value.lower() in first:
                row.errors.append(
                    _("%(column)s “%(value)s” appears more than once in this sheet (first in row %(row)d).")
                    % {"column": column.label, "value": value, "row": first[value.lower()]}
                )
            else:
                first[value.lower()] = row.row

    @staticmethod
    def _changes(row: RowReport, fields: tuple[str, ...]) -> None:
        """Describe plain field changes; empty text, None and False count as the same nothing."""
        for name in fields:
            if name not in row.values:
                continue
            old, new = getattr(row.existing, name), row.values[name]
            if (old or None) != (new or None):
                label = row.existing._meta.get_field(name).verbose_name
                row.changes.append(f"{label}: {_describe(old)} → {_describe(new)}")

    @staticmethod
    def _code_change(row: RowReport, label, old: str, new: str) -> None:
        if (old or "") != (new or ""):
            row.changes.append(f"{label}: {old or '—'} → {new or '—'}")

    def unit_chain(self, code: str) -> list[str] | None:
        """Codes from ``code`` up to the top of the importer's scope, following the file first.

        None when the chain leaves the scope, loops, or passes a row with errors.
        """
        chain: list[str] = []
        while code not in chain:
            chain.append(code)
            row = self.file_units.get(code)
            if row is not None:
                if row.errors:
                    return None
                code = row.values["parent_code"]
                continue
            unit = self.scope_units.get(code)
            if unit is None:
                return None
            above = reversed(unit.ancestor_ids[:-1])
            chain.extend(self.units_by_pk[pk].code for pk in above if pk in self.units_by_pk)
            # A unit met twice: the file moves a unit below one of its own descendants.
            return chain if len(set(chain)) == len(chain) else None
        return None  # a loop inside the file

    def check_unit_ref(self, row: RowReport, code: str, column: Column) -> bool:
        source = self.file_units.get(code)
        if source is not None and source.errors:
            row.errors.append(
                _("%(column)s “%(code)s” has errors in row %(row)d of the units sheet.")
                % {"column": column.label, "code": code, "row": source.row}
            )
            return False
        if self.unit_chain(code) is None:
            row.errors.append(
                _("%(column)s “%(code)s” is unknown, outside your scope, or below the unit itself.")
                % {"column": column.label, "code": code}
            )
            return False
        return True

    # -- units --------------------------------------------------------------

    def plan_units(self, present: set[str], raw_rows) -> None:
        rows = [parse_row(UNIT_SHEET, n, raw, present) for n, raw in raw_rows]
        self._duplicates(rows, UNIT_SHEET.column("code"))
        codes = [r.key for r in rows if r.key]
        existing = {u.code: u for u in Unit.objects.filter(code__in=codes).select_related("parent")}
        for row in rows:
            v = row.values
            kind = v.get("kind")
            if kind == UnitKind.HEAD_OFFICE:
                row.errors.append(_("A head office cannot be imported; import the units below it."))
            if kind == UnitKind.DEPARTMENT and not v.get("department_kind"):
                row.errors.append(_("Name the department kind of a department."))
            if kind and kind != UnitKind.DEPARTMENT and v.get("department_kind"):
                row.errors.append(_("Only a department has a department kind."))
            if row.key and v.get("parent_code") == row.key:
                row.errors.append(_("A unit cannot be its own parent."))
            row.existing = existing.get(row.key)
            if row.existing is not None and row.key not in self.scope_units:
                row.errors.append(_("The code “%(code)s” is already used outside your scope.") % {"code": row.key})
            if row.key and row.key not in self.file_units:
                self.file_units[row.key] = row
        # Parents second: a parent may be a row further down the file.
        parent_column = UNIT_SHEET.column("parent_code")
        for row in rows:
            parent_code = row.values.get("parent_code")
            if row.errors or not parent_code:
                continue
            if not self.check_unit_ref(row, parent_code, parent_column):
                continue
            chain = self.unit_chain(row.key)
            if chain is None:  # the parent lies below this very unit
                row.errors.append(
                    _("%(column)s “%(code)s” is unknown, outside your scope, or below the unit itself.")
                    % {"column": parent_column.label, "code": parent_code}
                )
                continue
            parent_row = self.file_units.get(parent_code)
            parent_kind = parent_row.values.get("kind") if parent_row else self.scope_units[parent_code].kind
            if parent_kind == UnitKind.DEPARTMENT:
                row.errors.append(_("A department cannot have units below it."))
                continue
            row.values["depth"] = len(chain)
        for row in rows:
            if row.existing is not None and not row.errors:
                self._changes(row, UNIT_FIELDS)
                old_parent = row.existing.parent.code if row.existing.parent_id else ""
                self._code_change(row, _("parent unit"), old_parent, row.values["parent_code"])
        self.report.rows.extend(rows)

    # -- premises -------------------------------------------------------------

    def plan_premises(self, present: set[str], raw_rows) -> None:
        rows = [parse_row(PREMISES_SHEET, n, raw, present) for n, raw in raw_rows]
        self._duplicates(rows, PREMISES_SHEET.column("code"))
        codes = [r.key for r in rows if r.key]
        existing = {p.code: p for p in Premises.objects.filter(code__in=codes).select_related("unit")}
        in_scope = set(Premises.objects.for_user(self.user).filter(code__in=codes).values_list("code", flat=True))
        for row in rows:
            v = row.values
            row.existing = existing.get(row.key)
            if row.existing is not None and row.key not in in_scope:
                row.errors.append(_("The code “%(code)s” is already used outside your scope.") % {"code": row.key})
            if v.get("unit_code"):
                self.check_unit_ref(row, v["unit_code"], PREMISES_SHEET.column("unit_code"))
            current = row.existing or Premises()
            open_24h = v.get("open_24h", current.open_24h)
            opens, closes = v.get("opens_at", current.opens_at), v.get("closes_at", current.closes_at)
            if not open_24h and opens and closes and closes <= opens:
                row.errors.append(_("The closing time must be after the opening time."))
            if row.key and row.key not in self.file_premises:
                self.file_premises[row.key] = row
            if row.existing is not None and not row.errors:
                self._changes(row, PREMISES_FIELDS)
                self._code_change(row, _("unit"), row.existing.unit.code, v["unit_code"])
        self.report.rows.extend(rows)

    # -- staff ----------------------------------------------------------------

    def plan_staff(self, present: set[str], raw_rows) -> None:
        rows = [parse_row(STAFF_SHEET, n, raw, present) for n, raw in raw_rows]
        self._duplicates(rows, STAFF_SHEET.column("username"))
        self._duplicates(rows, STAFF_SHEET.column("employee_number"))
        usernames = [r.key for r in rows if r.key]
        numbers = [r.values["employee_number"] for r in rows if r.values.get("employee_number")]
        existing = {
            u.username: u
            for u in User.objects.filter(username__in=usernames)
            .select_related("unit", "home_premises__unit")
            .prefetch_related("contracted_premises")
        }
        in_scope = set(User.objects.for_user(self.user).filter(username__in=usernames).values_list("pk", flat=True))
        number_owners = dict(
            User.objects.filter(employee_number__in=numbers).values_list("employee_number", "username")
        )
        homes = [r.values["home_premises_code"] for r in rows if r.values.get("home_premises_code")]
        premises = {
            p.code: p for p in Premises.objects.for_user(self.user).filter(code__in=homes).select_related("unit")
        }
        for row in rows:
            v = row.values
            row.existing = existing.get(row.key)
            if row.key:
                try:
                    User.username_validator(row.key)
                except ValidationError:
                    row.errors.append(
                        _("Username “%(value)s”: use letters, digits and @ . + - _ only.") % {"value": row.key}
                    )
            if row.existing is not None:
                if row.existing.pk == self.user.pk:
                    row.errors.append(_("You cannot change your own account by import."))
                elif row.existing.pk not in in_scope or row.existing.is_superuser:
                    row.errors.append(_("The username “%(value)s” is already taken.") % {"value": row.key})
            elif v.get("end_date"):
                row.errors.append(_("A new person cannot be imported as having left; leave the end date empty."))
            if v.get("post") == Post.HEAD_OFFICE_SECURITY and not self.sees_everything:
                row.errors.append(_("Only head office may give the post “%(post)s”.") % {"post": Post(v["post"]).label})
            number = v.get("employee_number")
            if number and number_owners.get(number, row.key) != row.key:
                row.errors.append(_("Employee number “%(value)s” belongs to someone else.") % {"value": number})
            if v.get("email"):
                try:
                    validate_email(v["email"])
                except ValidationError:
                    row.errors.append(_("“%(value)s” is not an e-mail address.") % {"value": v["email"]})
            unit_ok = bool(v.get("unit_code")) and self.check_unit_ref(
                row, v["unit_code"], STAFF_SHEET.column("unit_code")
            )
            if v.get("home_premises_code") and unit_ok:
                self._check_home_premises(row, v["home_premises_code"], premises)
            elif "home_premises_code" not in v and unit_ok and row.existing and row.existing.home_premises_id:
                # The column is left out, so the home premises stays: it must belong to the (new) unit.
                home = row.existing.home_premises
                self._check_home_premises(row, home.code, {home.code: home})
            if row.existing is not None and not row.errors:
                self._staff_changes(row)
        self.report.rows.extend(rows)

    def _staff_changes(self, row: RowReport) -> None:
        """What the staff services will do: edit details, transfer, end contracts, record leaving."""
        v, staff = row.values, row.existing
        self._changes(row, STAFF_FIELDS)
        old_unit = staff.unit.code if staff.unit_id else ""
        self._code_change(row, _("unit"), old_unit, v["unit_code"])
        old_home = staff.home_premises.code if staff.home_premises_id else ""
        new_home = v.get("home_premises_code", old_home)
        self._code_change(row, _("home premises"), old_home, new_home)
        # A new unit, post or home premises is a transfer (``staff_transfer``).
        transfer = (old_unit, staff.post, old_home) != (v["unit_code"], v["post"], new_home)
        end_date = v.get("end_date")
        if not staff.is_active:
            if row.changes or end_date != staff.end_date:
                row.changes.clear()
                row.errors.append(_("This person has left; re-activate them on their page, not by import."))
            return
        contracted = list(staff.contracted_premises.all())
        if contracted and (end_date or (transfer and v["post"] not in CONTRACTING_POSTS)):
            row.changes.append(
                _("Contracted premises end: %(premises)s") % {"premises": "、".join(str(p) for p in contracted)}
            )
        if end_date:
            label = User._meta.get_field("end_date").verbose_name
            row.changes.append(f"{label}: — → {_describe(end_date)}")
            row.changes.append(_("Leaves: the account is closed and every session of this person ends."))

    def _check_home_premises(self, row: RowReport, code: str, premises: dict[str, Premises]) -> None:
        column = STAFF_SHEET.column("home_premises_code")
        source = self.file_premises.get(code)
        if source is not None:
            if source.errors:
                row.errors.append(
                    _("%(column)s “%(code)s” has errors in row %(row)d of the premises sheet.")
                    % {"column": column.label, "code": code, "row": source.row}
                )
                return
            premises_unit = source.values["unit_code"]
        elif code in premises:
            premises_unit = premises[code].unit.code
        else:
            row.errors.append(
                _("%(column)s “%(code)s” is unknown or outside your scope.") % {"column": column.label, "code": code}
            )
            return
        if row.values["unit_code"] not in (self.unit_chain(premises_unit) or []):
            row.errors.append(
                _("The home premises “%(code)s” does not belong to unit “%(unit)s”.")
                % {"code": code, "unit": row.values["unit_code"]}
            )


def import_plan(*, file, user) -> ImportReport:
    """Read and check an uploaded workbook; write nothing. Raises ImportFileError for an unreadable file."""
    sheets = read_workbook(file)
    planner = _Planner(user)
    steps = (
        (UNIT_SHEET, planner.plan_units),
        (PREMISES_SHEET, planner.plan_premises),
        (STAFF_SHEET, planner.plan_staff),
    )
    for spec, plan in steps:
        if spec in sheets:
            present, rows = sheets[spec]
            ignored = sorted(name[1:] for name in present if name.startswith("!"))
            if ignored:
                planner.report.notices.append(
                    _("Sheet “%(sheet)s”: the columns %(columns)s are not known and were ignored.")
                    % {"sheet": spec.label, "columns": "、".join(f"“{n}”" for n in ignored)}
                )
            plan(present, rows)
    return planner.report
