"""The empty workbook people fill in: one sheet per subject and an instructions sheet."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from branches.importing.parse import MAX_ROWS, SHEETS

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
