"""Tabular exports (CSV and XLSX) of rows a view has already scoped with ``for_user``.

    return tabular_response(fmt, "facilities", headers, rows)

``rows`` are sequences of plain values; dates, numbers and text keep their type in XLSX.
CSV is UTF-8 with a byte-order mark so spreadsheet programs show Chinese correctly.
A cell that begins like a formula is prefixed with an apostrophe (CSV/formula injection).
A control character XLSX cannot hold (a vertical tab pasted into a name) is written as its escape
``\\x0b`` instead of failing the whole download for everyone.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence

from django.http import Http404, HttpResponse
from django.utils import timezone

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, str | int | float | datetime.date) or hasattr(value, "as_tuple"):
        if isinstance(value, str) and value.startswith(_FORMULA_START):
            return "'" + value
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _xlsx_cell(value):
    """What openpyxl can write: its illegal characters become a visible ``\\xNN`` escape."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = _cell(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return value


def tabular_response(fmt: str, name: str, headers: Sequence, rows: Iterable[Sequence]) -> HttpResponse:
    """A download of ``rows`` under ``headers`` as ``fmt`` ("csv" or "xlsx"); any other format is a 404."""
    if fmt not in FORMATS:
        raise Http404
    headers = [str(h) for h in headers]
    filename = f"{name}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_cell(v) for v in row])
        content = out.getvalue().encode("utf-8")
    else:
        import openpyxl  # only exports need it
        from openpyxl.styles import Font

        book = openpyxl.Workbook(write_only=False)
        sheet = book.active
        sheet.title = name[:31]
        sheet.append([_xlsx_cell(h) for h in headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_xlsx_cell(v) for v in row])
        sheet.freeze_panes = "A2"
        out = io.BytesIO()
        book.save(out)
        content = out.getvalue()
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export_value(row, bound_column):
    """The plain value of a cell: the choice label, the text of a related object, dates and numbers kept.

    A table changes what a column exports with ``value_<column>(self, record, value)``.
    """
    table = row.table
    if hasattr(table, f"value_{bound_column.name}"):
        return row.get_cell_value(bound_column.name)
    record = row.record
    penultimate, remainder = bound_column.accessor.penultimate(record)
    display = getattr(penultimate, f"get_{remainder}_display", None) if remainder else None
    value = display() if callable(display) else bound_column.accessor.resolve(record, quiet=True)
    return "" if value is None else value


def table_export_response(table, fmt: str, name: str) -> HttpResponse:
    """The download of a django-tables2 ``table`` (its rows already scoped and filtered) as ``fmt``.

    Columns: ``table.export_columns`` (names, in order) when the table declares it, else every column
    not marked ``exclude_from_export``. An export-only column is hidden (``visible=False``); the list tables'
    base, ``branches.tables.ObjectTable``, adds one for each plain field ``export_columns`` names.
    """
    names = getattr(table, "export_columns", ()) or [
        c.name for c in table.columns.iterall() if not c.column.exclude_from_export
    ]
    columns = [table.columns[n] for n in names]
    headers = [c.header for c in columns]
    rows = ([_export_value(row, c) for c in columns] for row in table.rows)
    return tabular_response(fmt, name, headers, rows)
