"""The messages of the export ledger and the platform's result file (issue 14): code -> English
template, merged into `domain.messages.MESSAGES` (kept here so that catalogue stays one screen
long)."""

from __future__ import annotations

from i18n import N_

LEDGER_MESSAGES: dict[str, str] = {
    "results.not_xlsx": N_("not an Excel workbook (.xlsx): {error}"),
    "results.no_sheet": N_("no sheet '{sheet}': not the national template"),
    "results.no_result_column": N_(
        "no column '{label}' in the header: not the platform's result file"
    ),
    "results.header": N_("column {column}: the template has '{expected}', this file '{found}'"),
    "results.no_export_id": N_(
        "the title names no export (Mã xuất: …): not a file this hub exported"
    ),
    "results.unknown_export": N_("export {export} is not one this hub made"),
    "results.no_number": N_("no row number in column # ('{text}')"),
    "results.duplicate_row": N_("# {number} again (first on row {first})"),
    "results.unknown_row": N_("export {export} has no row # {number}"),
    "results.mismatch": N_(
        "# {number} is not the person exported in that row (the ID number, or the name and "
        "birth date, differ)"
    ),
}
