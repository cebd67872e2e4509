"""Reading the workbook: sheets and columns, cell values, and the rows of each sheet.

The workbook has up to three sheets, recognised by name in English or Chinese:
``units`` (机构), ``premises`` (网点) and ``staff`` (员工); any of them may be left out.
Row 1 of a sheet holds the column headers (the column key, or its English or Chinese
label, as in the template from ``build_template``); data starts on row 2.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.choices import Area, DepartmentKind, Post, PremisesKind, UnitKind
from branches.models import Premises, Unit, User

MAX_ROWS = 20_000  # per sheet; a large bank has a few thousand premises
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be read: not an XLSX, no known sheet, a missing column."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------
# Reading cell values
# ---------------------------------------------------------------------------


def cell_text(value: Any) -> str:
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
    match = re.fullmatch(r"(\d{1,2})[:：.](\d{2})(?:[:：](\d{2}))?", cell_text(value))
    if match:
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
        if hour < 24 and minute < 60 and second < 60:
            return datetime.time(hour, minute, second)
    raise ValueError(_("“%(value)s” is not a time; write it like 08:30.") % {"value": cell_text(value)})


def _parse_date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", cell_text(value))
    if match:
        try:
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise ValueError(_("“%(value)s” is not a date; write it like 2026-03-01.") % {"value": cell_text(value)})


_TRUE = {"1", "yes", "y", "true", "是", "√", "✓", "x"}
_FALSE = {"", "0", "no", "n", "false", "否"}


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(_("“%(value)s” is not yes or no.") % {"value": cell_text(value)})


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
        text = cell_text(value).lower()
        if not text:
            return ""
        for key, label in pairs:
            if text == key.lower() or text in _labels(label):
                return key
        allowed = "、".join(str(label) for _key, label in pairs)
        raise ValueError(_("“%(value)s” is not one of: %(allowed)s.") % {"value": cell_text(value), "allowed": allowed})

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
    parse: Callable[[Any], Any] = cell_text
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
        # Filled in for someone who leaves: the account closes as on the "Record leaving" form.
        Column("end_date", gettext_lazy("end date"), parse=_parse_date, keep_if_blank=True),
    ),
)

SHEETS = (UNIT_SHEET, PREMISES_SHEET, STAFF_SHEET)

# Plain model fields each sheet writes (the codes of related rows are resolved separately).
UNIT_FIELDS = ("name", "kind", "department_kind", "phone", "address")
PREMISES_FIELDS = ("name", "kind", "address", "area", "opens_at", "closes_at", "open_24h", "phone")
STAFF_FIELDS = ("full_name", "post", "employee_number", "phone", "email", "start_date", "language")


# ---------------------------------------------------------------------------
# Reading the workbook
# ---------------------------------------------------------------------------


def _normalise_header(value: Any) -> str:
    return cell_text(value).rstrip("*＊ ").strip().lower()


def read_workbook(file) -> dict[SheetSpec, tuple[set[str], list[tuple[int, dict[str, Any]]]]]:
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
                    unknown.append(cell_text(cell))
            continue
        if all(cell_text(cell) == "" for cell in cells):
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
