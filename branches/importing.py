"""Import units, premises and staff from one XLSX workbook, with a dry run first.

The workbook has up to three sheets, recognised by name in English or Chinese:
``units`` (机构), ``premises`` (网点) and ``staff`` (员工); any of them may be left out.
Row 1 of a sheet holds the column headers (the column key, or its English or Chinese
label, as in the template from ``build_template``); data starts on row 2. Sheets are
read in that order, so premises may name units created by the same file and staff may
name premises created by it. A column left out of a sheet is not touched on existing
rows; a column present but empty clears that value.

Rows are matched on natural keys: unit code, premises code, staff username (an
employee number may not belong to someone else). Importing the same file twice
therefore changes nothing the second time.

``import_plan(file=…, user=…)`` reads and checks everything and returns an
``ImportReport`` (per row: what would be created or updated, or its errors) without
writing anything. ``import_apply(file=…, user=…)`` checks again and, only when no row
has an error, writes the whole report in one transaction; new staff get a generated
initial password, shown once, which they change at first sign-in.

Scope: every unit a row is imported under, and every existing row it updates, must be
in ``for_user(user)`` of the importer (the scoping chokepoint).
"""

from __future__ import annotations

import datetime
import io
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.choices import Area, DepartmentKind, Post, PremisesKind, UnitKind
from branches.models import Premises, Unit, User
from branches.scoping import forget_scope, user_scope
from branches.services import staff_create
from safetybank.audit import set_reason

MAX_ROWS = 20_000  # per sheet; a large bank has a few thousand premises
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
STASH_DIR = "imports"
STASH_MAX_AGE = datetime.timedelta(days=1)
IMPORT_REASON = "import.xlsx"


class ImportFileError(Exception):
    """The file as a whole cannot be read: not an XLSX, no known sheet, a missing column."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------
# Reading cell values
# ---------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number (1001) comes back as 1001.0
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


def _parse_time(value: Any) -> datetime.time | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.time()
    if isinstance(value, datetime.time):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 1:
        minutes = round(value * 24 * 60)  # Excel stores a time as a fraction of a day
        return datetime.time(minutes // 60, minutes % 60)
    match = re.fullmatch(r"(\d{1,2})[:：.](\d{2})(?:[:：](\d{2}))?", _text(value))
    if match:
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
        if hour < 24 and minute < 60 and second < 60:
            return datetime.time(hour, minute, second)
    raise ValueError(_("“%(value)s” is not a time; write it like 08:30.") % {"value": _text(value)})


def _parse_date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", _text(value))
    if match:
        try:
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise ValueError(_("“%(value)s” is not a date; write it like 2026-03-01.") % {"value": _text(value)})


_TRUE = {"1", "yes", "y", "true", "是", "√", "✓", "x"}
_FALSE = {"", "0", "no", "n", "false", "否"}


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(_("“%(value)s” is not yes or no.") % {"value": _text(value)})


def _labels(label) -> set[str]:
    """A lazy text in English and in Chinese, whatever language the request uses."""
    out = set()
    for language in ("en", "zh-hans"):
        with translation.override(language):
            out.add(str(label).strip().lower())
    return out


def _choice_parser(choices: type[models.TextChoices] | list[tuple[str, Any]]) -> Callable[[Any], str]:
    pairs = choices.choices if hasattr(choices, "choices") else choices

    def parse(value: Any) -> str:
        text = _text(value).lower()
        if not text:
            return ""
        for key, label in pairs:
            if text == key.lower() or text in _labels(label):
                return key
        allowed = "、".join(str(label) for _key, label in pairs)
        raise ValueError(_("“%(value)s” is not one of: %(allowed)s.") % {"value": _text(value), "allowed": allowed})

    return parse


LANGUAGES = (("zh-hans", "简体中文"), ("en", "English"))


# ---------------------------------------------------------------------------
# The sheets and their columns
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazy text
    required: bool = False
    parse: Callable[[Any], Any] = _text
    max_length: int | None = None
    choices: Any = None  # for the template's drop-down list and instructions
    example: str = ""
    keep_if_blank: bool = False  # an empty cell keeps the current value (or the model's default)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: there are three
class SheetSpec:
    key: str
    label: Any
    key_column: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def aliases(self) -> set[str]:
        return {self.key} | _labels(self.label)


def _len(model, name: str) -> int:
    return model._meta.get_field(name).max_length


UNIT_SHEET = SheetSpec(
    "units",
    gettext_lazy("units"),
    "code",
    (
        Column("code", gettext_lazy("code"), True, max_length=_len(Unit, "code"), example="S1D"),
        Column("name", gettext_lazy("name"), True, max_length=_len(Unit, "name"), example="柳河支行"),
        Column("kind", gettext_lazy("kind"), True, _choice_parser(UnitKind), choices=UnitKind, example="sub_branch"),
        Column(
            "department_kind",
            gettext_lazy("department kind"),
            parse=_choice_parser(DepartmentKind),
            choices=DepartmentKind,
        ),
        Column("parent_code", gettext_lazy("parent unit code"), True, max_length=_len(Unit, "code"), example="B1"),
        Column("phone", gettext_lazy("phone"), max_length=_len(Unit, "phone"), example="0635-8123456"),
        Column("address", gettext_lazy("address"), max_length=_len(Unit, "address"), example="清河县柳河镇中心街8号"),
    ),
)

PREMISES_SHEET = SheetSpec(
    "premises",
    gettext_lazy("premises"),
    "code",
    (
        Column("code", gettext_lazy("code"), True, max_length=_len(Premises, "code"), example="P-S1D-01"),
        Column("name", gettext_lazy("name"), True, max_length=_len(Premises, "name"), example="柳河支行营业部"),
        Column(
            "kind", gettext_lazy("kind"), True, _choice_parser(PremisesKind), choices=PremisesKind, example="outlet"
        ),
        Column("unit_code", gettext_lazy("unit code"), True, max_length=_len(Unit, "code"), example="S1D"),
        Column("address", gettext_lazy("address"), max_length=_len(Premises, "address"), example="柳河镇中心街8号"),
        Column(
            "area", gettext_lazy("area"), parse=_choice_parser(Area), choices=Area, example="rural", keep_if_blank=True
        ),
        Column("opens_at", gettext_lazy("opening time"), parse=_parse_time, example="08:30"),
        Column("closes_at", gettext_lazy("closing time"), parse=_parse_time, example="17:00"),
        Column("open_24h", gettext_lazy("open 24 hours"), parse=_parse_bool, example="no"),
        Column("phone", gettext_lazy("phone"), max_length=_len(Premises, "phone"), example="0635-8123457"),
    ),
)

STAFF_SHEET = SheetSpec(
    "staff",
    gettext_lazy("staff"),
    "username",
    (
        Column("username", gettext_lazy("username"), True, max_length=_len(User, "username"), example="liuhe01"),
        Column("full_name", gettext_lazy("full name"), True, max_length=_len(User, "full_name"), example="王秀英"),
        Column("unit_code", gettext_lazy("unit code"), True, max_length=_len(Unit, "code"), example="S1D"),
        Column("post", gettext_lazy("post"), True, _choice_parser(Post), choices=Post, example="teller"),
        Column(
            "home_premises_code",
            gettext_lazy("home premises code"),
            max_length=_len(Premises, "code"),
            example="P-S1D-01",
        ),
        Column("employee_number", gettext_lazy("employee number"), max_length=_len(User, "employee_number")),
        Column("phone", gettext_lazy("phone"), max_length=_len(User, "phone")),
        Column("email", gettext_lazy("email address"), max_length=_len(User, "email")),
        Column("start_date", gettext_lazy("start date"), parse=_parse_date, example="2026-03-01"),
        Column(
            "language",
            gettext_lazy("preferred language"),
            parse=_choice_parser(LANGUAGES),
            choices=LANGUAGES,
            example="zh-hans",
            keep_if_blank=True,
        ),
    ),
)

SHEETS = (UNIT_SHEET, PREMISES_SHEET, STAFF_SHEET)

# Plain model fields each sheet writes (the codes of related rows are resolved separately).
UNIT_FIELDS = ("name", "kind", "department_kind", "phone", "address")
PREMISES_FIELDS = ("name", "kind", "address", "area", "opens_at", "closes_at", "open_24h", "phone")
STAFF_FIELDS = ("full_name", "post", "employee_number", "phone", "email", "start_date", "language")


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
# Reading the workbook
# ---------------------------------------------------------------------------


def _normalise_header(value: Any) -> str:
    return _text(value).rstrip("*＊ ").strip().lower()


def _read_workbook(file) -> dict[SheetSpec, tuple[set[str], list[tuple[int, dict[str, Any]]]]]:
    """Rows of each recognised sheet as {column key: raw value}; raises ImportFileError."""
    import openpyxl  # imported here: only the import pages need it

    not_xlsx = _("This file is not an Excel workbook (.xlsx). Save it as .xlsx and upload it again.")
    if hasattr(file, "seek"):
        file.seek(0)
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or foreign file raises anything from zipfile to KeyError
        raise ImportFileError(not_xlsx) from exc
    try:
        found: dict[SheetSpec, tuple[set[str], list[tuple[int, dict[str, Any]]]]] = {}
        for worksheet in workbook.worksheets:
            spec = next((s for s in SHEETS if worksheet.title.strip().lower() in s.aliases()), None)
            if spec is None or spec in found:
                continue
            found[spec] = _read_sheet(spec, worksheet)
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(not_xlsx) from exc
    finally:
        workbook.close()
    if not found:
        names = "、".join(f"“{s.label}”" for s in SHEETS)
        raise ImportFileError(
            _("The workbook has no sheet named %(names)s. Start from the template and keep its sheet names.")
            % {"names": names}
        )
    return found


def _read_sheet(spec: SheetSpec, worksheet) -> tuple[set[str], list[tuple[int, dict[str, Any]]]]:
    aliases = {}
    for column in spec.columns:
        for alias in {column.key} | _labels(column.label):
            aliases[alias] = column.key
    header: list[str | None] = []
    unknown: list[str] = []
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, cells in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1):
        if number == 1:
            for cell in cells:
                name = _normalise_header(cell)
                header.append(aliases.get(name))
                if name and name not in aliases:
                    unknown.append(_text(cell))
            continue
        if all(_text(cell) == "" for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                _("The sheet “%(sheet)s” has more than %(max)d rows; split the file.")
                % {"sheet": spec.label, "max": MAX_ROWS}
            )
        values = {key: cell for key, cell in zip(header, cells, strict=False) if key is not None}
        rows.append((number, values))
    present = {key for key in header if key}
    missing = [str(c.label) for c in spec.columns if c.required and c.key not in present]
    if missing:
        raise ImportFileError(
            _("The sheet “%(sheet)s” has no column %(columns)s in its first row.")
            % {"sheet": spec.label, "columns": "、".join(f"“{m}”" for m in missing)}
        )
    present.update(f"!{name}" for name in unknown)  # ignored columns, reported as notices
    return present, rows


# ---------------------------------------------------------------------------
# Checking rows against the file, the database and the importer's scope
# ---------------------------------------------------------------------------


def _parse_row(spec: SheetSpec, number: int, raw: dict[str, Any], present: set[str]) -> RowReport:
    report = RowReport(sheet=spec, row=number, key=_text(raw.get(spec.key_column)))
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
        rows = [_parse_row(UNIT_SHEET, n, raw, present) for n, raw in raw_rows]
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
        rows = [_parse_row(PREMISES_SHEET, n, raw, present) for n, raw in raw_rows]
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
        rows = [_parse_row(STAFF_SHEET, n, raw, present) for n, raw in raw_rows]
        self._duplicates(rows, STAFF_SHEET.column("username"))
        self._duplicates(rows, STAFF_SHEET.column("employee_number"))
        usernames = [r.key for r in rows if r.key]
        numbers = [r.values["employee_number"] for r in rows if r.values.get("employee_number")]
        existing = {
            u.username: u for u in User.objects.filter(username__in=usernames).select_related("unit", "home_premises")
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
                elif not row.existing.is_active:
                    row.errors.append(_("This person has left; re-activate them on their page, not by import."))
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
            if row.existing is not None and not row.errors:
                self._changes(row, STAFF_FIELDS)
                old_unit = row.existing.unit.code if row.existing.unit_id else ""
                self._code_change(row, _("unit"), old_unit, v["unit_code"])
                if "home_premises_code" in v:
                    old_home = row.existing.home_premises.code if row.existing.home_premises_id else ""
                    self._code_change(row, _("home premises"), old_home, v["home_premises_code"])
        self.report.rows.extend(rows)

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
    sheets = _read_workbook(file)
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


# ---------------------------------------------------------------------------
# Applying
# ---------------------------------------------------------------------------


def _save(obj, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    set_reason(obj, IMPORT_REASON)
    obj.save()


def import_apply(*, file, user) -> ImportReport:
    """Check the workbook again and, when no row has an error, apply it all in one transaction.

    Returns the report; ``report.applied`` is False (and nothing was written) when a row
    has errors. New staff rows carry their ``initial_password``, to be shown once.
    Raises ImportFileError when the database refuses a row (nothing is written then either).
    """
    report = import_plan(file=file, user=user)
    if report.has_errors:
        return report
    by_sheet = dict(report.by_sheet())
    try:
        with transaction.atomic():
            _apply_units(by_sheet.get(UNIT_SHEET, []))
            units = _UnitsByCode()  # after the unit rows: units no longer move
            _apply_premises(by_sheet.get(PREMISES_SHEET, []), units)
            _apply_staff(by_sheet.get(STAFF_SHEET, []), units, by=user)
    except (IntegrityError, ValidationError) as exc:
        # Someone changed the same rows between the check and now; the transaction rolled back.
        raise ImportFileError(
            _("The import could not be applied, and nothing was changed. Run the dry run again. (%(error)s)")
            % {"error": "; ".join(getattr(exc, "messages", [str(exc)]))}
        ) from exc
    report.applied = True
    return report


def _changed(rows: list[RowReport]) -> list[RowReport]:
    return [r for r in rows if r.action in (CREATE, UPDATE)]


def _apply_units(rows: list[RowReport]) -> None:
    # Parents before children, whatever the order of the rows in the file.
    for row in sorted(_changed(rows), key=lambda r: r.values["depth"]):
        obj = Unit.objects.get(pk=row.existing.pk) if row.existing else Unit(code=row.key)
        fields = {k: row.values[k] for k in UNIT_FIELDS if k in row.values}
        # Fetched afresh each time: moving a unit rewrites the paths of its whole subtree.
        fields["parent"] = Unit.objects.get(code=row.values["parent_code"])
        _save(obj, fields)


class _UnitsByCode(dict):
    def __missing__(self, code: str) -> Unit:
        self[code] = Unit.objects.get(code=code)
        return self[code]


def _apply_premises(rows: list[RowReport], units: _UnitsByCode) -> None:
    for row in _changed(rows):
        obj = row.existing or Premises(code=row.key)
        fields = {k: row.values[k] for k in PREMISES_FIELDS if k in row.values}
        fields["unit"] = units[row.values["unit_code"]]
        _save(obj, fields)


def _apply_staff(rows: list[RowReport], units: _UnitsByCode, *, by) -> None:
    for row in _changed(rows):
        v = row.values
        fields = {k: v[k] for k in STAFF_FIELDS if k in v}
        if "employee_number" in fields:
            fields["employee_number"] = fields["employee_number"] or None  # unique: empty means none
        fields["unit"] = units[v["unit_code"]]
        if "home_premises_code" in v:
            code = v["home_premises_code"]
            fields["home_premises"] = Premises.objects.get(code=code) if code else None
        if row.existing is None:
            # The one way an account is born: an initial password, changed at first sign-in.
            _user, row.initial_password = staff_create(by=by, username=row.key, **fields)
        else:
            _save(row.existing, fields)
            forget_scope(row.existing)


# ---------------------------------------------------------------------------
# Keeping the uploaded file between the dry run and the confirmation
# ---------------------------------------------------------------------------


def _stash_dir(user) -> Path:
    return Path(settings.MEDIA_ROOT) / STASH_DIR / str(user.pk)


def stash_upload(*, user, file) -> str:
    """Keep an uploaded workbook for its owner; returns a random token naming it."""
    folder = _stash_dir(user)
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STASH_MAX_AGE.total_seconds()
    for old in folder.glob("*.xlsx"):  # forgotten dry runs
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    file.seek(0)
    with open(folder / f"{token}.xlsx", "wb") as out:
        for chunk in file.chunks() if hasattr(file, "chunks") else [file.read()]:
            out.write(chunk)
    return token


def stashed_file(*, user, token: str) -> io.BytesIO | None:
    """The workbook stashed under ``token`` by this user, or None (another user's token finds nothing)."""
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        return None
    path = _stash_dir(user) / f"{token}.xlsx"
    if not path.is_file():
        return None
    return io.BytesIO(path.read_bytes())


def discard_stash(*, user, token: str) -> None:
    if re.fullmatch(r"[0-9a-f]{32}", token or ""):
        (_stash_dir(user) / f"{token}.xlsx").unlink(missing_ok=True)


# ---------------------------------------------------------------------------
# The template
# ---------------------------------------------------------------------------


def _choice_text(choices) -> str:
    pairs = choices.choices if hasattr(choices, "choices") else choices
    return "、".join(f"{key} ({label})" for key, label in pairs)


def build_template() -> bytes:
    """An empty workbook with the three sheets, their headers and an instructions sheet."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    guide = workbook.active
    guide.title = str(_("instructions"))
    guide.append(
        [
            str(
                _(
                    "Fill in the sheets you need and delete the others. Row 1 holds the column names; "
                    "columns marked * are required. Existing rows are matched on their code or username "
                    "and updated; an empty cell clears that value."
                )
            )
        ]
    )
    guide.append([])
    guide.append([str(_("sheet")), str(_("column")), str(_("required")), str(_("allowed values")), str(_("example"))])
    for cell in guide[3]:
        cell.font = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE9D9")
    for spec in SHEETS:
        sheet = workbook.create_sheet(str(spec.label))
        for index, column in enumerate(spec.columns, start=1):
            cell = sheet.cell(row=1, column=index, value=f"{column.label}{' *' if column.required else ''}")
            cell.font = Font(bold=True)
            if column.required:
                cell.fill = required_fill
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(14, len(str(column.label)) * 2 + 4)
            if column.choices is not None:
                pairs = column.choices.choices if hasattr(column.choices, "choices") else column.choices
                values = ",".join(key for key, _label in pairs)
                validation = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True)
                validation.add(f"{letter}2:{letter}{MAX_ROWS}")
                sheet.add_data_validation(validation)
            guide.append(
                [
                    str(spec.label),
                    str(column.label),
                    str(_("yes")) if column.required else "",
                    _choice_text(column.choices) if column.choices is not None else "",
                    column.example,
                ]
            )
        sheet.freeze_panes = "A2"
    guide.column_dimensions["A"].width = 12
    guide.column_dimensions["B"].width = 22
    guide.column_dimensions["D"].width = 60
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
