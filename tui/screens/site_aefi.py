"""The site's adverse events of the day, for the supervisor: severe first, each with its desk,
time and the person masked; counts by desk and severity above. From the site screen (`a`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text

from domain.aefi import Outcome, Severity, symptom_list
from i18n import N_, _, format_number, format_time
from sync.supervision import AefiRow, aefi_by_desk, aefi_rows
from tui.screens.site_list import SiteListScreen

COLUMNS = (N_("Began"), N_("Reported"), N_("Desk"), N_("Person"), N_("Severity"),
           N_("Outcome"), N_("Symptoms"), N_("Referred to"))  # fmt: skip


def severity_text(value: str) -> str:
    return Severity(value).label if value in set(Severity) else value


def outcome_text(value: str) -> str:
    return Outcome(value).label if value in set(Outcome) else value


def symptoms_text(row: AefiRow) -> str:
    table = symptom_list()
    names = [s.name if (s := table.by_code(code)) else code for code in row.symptoms]
    if row.symptoms_other:
        names.append(row.symptoms_other)
    return ", ".join(names)


def counts_line(stats: dict[str, Any] | None) -> str:
    """Per desk: `desk-2: 1 severe, 2 mild`."""
    parts = []
    for desk_id, kinds in aefi_by_desk(stats).items():
        parts.append(_("{desk}: {severe} severe, {mild} mild").format(
            desk=desk_id, severe=format_number(kinds.get("severe", 0)),
            mild=format_number(kinds.get("mild", 0))))  # fmt: skip
    return " · ".join(parts) or _("No adverse event reported today")


def row_cells(row: AefiRow) -> list[Any]:
    style = "bold red" if row.severe else ""
    reported = format_time(row.reported_at) if row.reported_at else "—"
    return [row.onset_time, reported, Text(row.desk_id, style=style), row.person,
            Text(severity_text(row.severity), style=style), outcome_text(row.outcome),
            symptoms_text(row), row.referral]  # fmt: skip


class SiteAefiScreen(SiteListScreen):
    TITLE_TEXT = N_("Adverse events reported today")
    COLUMNS = COLUMNS
    ID_PREFIX, ROWS_ID = "aefi", "aefi-events"

    def counts(self) -> str:
        return counts_line(self.stats)

    def rows(self) -> Iterable[list[Any]]:
        return (row_cells(row) for row in aefi_rows(self.stats))
