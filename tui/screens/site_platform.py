"""The site's records the national platform refused, not yet corrected, for the supervisor:
each with its desk, its time, the person masked and the platform's reason; the counts above.
From the site screen (`p`). The desk that made a record sees it in its today list, to correct."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text

from i18n import N_, _, format_date, format_number, ngettext
from sync.supervision import PlatformRefusal, platform_figures
from tui.screens.site_list import SiteListScreen

COLUMNS = (N_("Desk"), N_("Given"), N_("ID"), N_("Refused because"))


def platform_line(stats: dict[str, Any] | None) -> str:
    """The site and the national platform in one line ('' from a hub that says nothing)."""
    figures = platform_figures(stats)
    if figures is None:
        return ""
    line = ngettext("Not yet sent to the national platform: {count} record",
                    "Not yet sent to the national platform: {count} records",
                    figures.not_sent).format(count=format_number(figures.not_sent))  # fmt: skip
    if figures.refused:
        line += " · " + _("⚠ {count} refused by the platform, to correct (p: the list)").format(
            count=format_number(figures.refused)
        )
    return line


def row_cells(row: PlatformRefusal) -> list[Any]:
    given = format_date(row.given_on) if row.given_on else "—"
    when = f"{given} {row.given_time}".strip()
    return [Text(row.desk_id, style="bold"), when, row.person or "—", row.reason]


class SitePlatformScreen(SiteListScreen):
    TITLE_TEXT = N_("Refused by the national platform, not yet corrected")
    COLUMNS = COLUMNS
    ID_PREFIX, ROWS_ID = "platform", "platform-refusals"

    def counts(self) -> str:
        return platform_line(self.stats)

    def rows(self) -> Iterable[list[Any]]:
        figures = platform_figures(self.stats)
        return (row_cells(row) for row in (figures.refusals if figures else []))
