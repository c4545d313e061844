"""One line on the entry screen: how many people are under observation after their dose, and
when the next one's time is up. A tick a second reads the queue held in memory (the store is
read again only after this desk wrote something), and the line is redrawn only when its text
changes; when a person's time is up, the bell rings once for them."""

from __future__ import annotations

from textual.widgets import Static

from desk.core import Desk
from desk.observation import ObservationQueue
from domain.observation import QueueSummary
from i18n import _, format_number, format_time, ngettext
from tui.widgets.text import show_text


def summary_line(summary: QueueSummary) -> str:
    """At most 80 columns in Vietnamese and English, with the key that opens the list."""
    count = format_number(summary.count)
    if not summary.count:
        return _("Observation after the dose: nobody · F6 list")
    if summary.next_end is None:  # every time is up
        text = ngettext(
            "Observation after the dose: {count} person · time up: {ended} · F6",
            "Observation after the dose: {count} people · time up: {ended} · F6",
            summary.count,
        )
        return text.format(count=count, ended=format_number(summary.ended))
    time = format_time(summary.next_end.time())
    if summary.ended:
        text = ngettext(
            "Observation after the dose: {count} person · time up: {ended} · next {time} · F6",
            "Observation after the dose: {count} people · time up: {ended} · next {time} · F6",
            summary.count,
        )
        return text.format(count=count, ended=format_number(summary.ended), time=time)
    text = ngettext(
        "Observation after the dose: {count} person · first done at {time} · F6",
        "Observation after the dose: {count} people · first done at {time} · F6",
        summary.count,
    )
    return text.format(count=count, time=time)


class ObservationLine(Static):
    """The summary line; `queue` is the desk's observation queue, which the observation
    screen shares (so the bell rings once a person, whichever screen is showing)."""

    DEFAULT_CSS = """
    ObservationLine { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, desk: Desk, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.queue = ObservationQueue(desk)
        self._shown: tuple[str, bool] | None = None

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1, self.tick)

    def tick(self) -> None:
        now = self.queue.desk.clock()
        if self.queue.newly_ended(now):
            self.app.bell()
        summary = self.queue.summary(now)
        shown = (summary_line(summary), summary.ended > 0)
        if shown != self._shown:
            self._shown = shown
            show_text(self, shown[0])
            self.set_class(shown[1], "-ended")
