"""Import units, premises and staff from one XLSX workbook, with a dry run first.

Split by subject: ``parse`` reads the workbook (sheets, columns, cells), ``plan`` checks
every row and reports what would change (the dry run), ``apply`` writes a checked
report, ``stash`` keeps the upload between the dry run and the confirmation, and
``template`` builds the empty workbook.

Sheets are read in order (units, premises, staff), so premises may name units created
by the same file and staff may name premises created by it. A column left out of a
sheet is not touched on existing rows; a column present but empty clears that value.
Rows are matched on natural keys, so importing the same file twice changes nothing the
second time.

``import_plan(file=…, user=…)`` writes nothing. ``import_apply(file=…, user=…)`` checks
again and, only when no row has an error, applies the whole report in one transaction;
new staff get a generated initial password, shown once, which they change at first
sign-in.
"""

from branches.importing.apply import IMPORT_REASON, import_apply
from branches.importing.parse import MAX_ROWS, MAX_UPLOAD_BYTES, SHEETS, ImportFileError
from branches.importing.plan import ImportReport, RowReport, import_plan
from branches.importing.stash import discard_stash, stash_upload, stashed_file
from branches.importing.template import build_template

__all__ = [
    "IMPORT_REASON",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "SHEETS",
    "ImportFileError",
    "ImportReport",
    "RowReport",
    "build_template",
    "discard_stash",
    "import_apply",
    "import_plan",
    "stash_upload",
    "stashed_file",
]
