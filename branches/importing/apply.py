"""Applying a checked workbook: all rows in one transaction, or none."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.importing.parse import (
    PREMISES_FIELDS,
    PREMISES_SHEET,
    STAFF_FIELDS,
    STAFF_SHEET,
    UNIT_FIELDS,
    UNIT_SHEET,
    ImportFileError,
)
from branches.importing.plan import CREATE, UPDATE, ImportReport, RowReport, import_plan
from branches.models import Premises, Unit
from branches.services import STAFF_DETAIL_FIELDS, staff_change, staff_create
from safetybank.audit import set_reason

IMPORT_REASON = "XLSX import"  # as a person would type it in the staff forms, so both paths read alike

# ---------------------------------------------------------------------------
# Applying
# ---------------------------------------------------------------------------


def _save(obj, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    set_reason(obj, "import.xlsx")
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
    """Each staff row goes through the services the staff pages use, with the same effects and audit."""
    today = timezone.localdate()
    for row in _changed(rows):
        v = row.values
        unit = units[v["unit_code"]]
        if "home_premises_code" in v:
            code = v["home_premises_code"]
            home = Premises.objects.get(code=code) if code else None
        else:
            home = row.existing.home_premises if row.existing else None
        if row.existing is None:
            fields = {k: v[k] for k in STAFF_FIELDS if k in v}
            fields["employee_number"] = fields.get("employee_number") or None  # unique: empty means none
            # The one way an account is born: an initial password, changed at first sign-in.
            _user, row.initial_password = staff_create(by=by, username=row.key, unit=unit, home_premises=home, **fields)
            continue
        details = {k: v[k] for k in STAFF_DETAIL_FIELDS if k in v}
        staff_change(
            staff=row.existing,
            by=by,
            reason=IMPORT_REASON,
            on=today,
            unit=unit,
            post=v["post"],
            home_premises=home,
            end_date=v.get("end_date"),
            **details,
        )
