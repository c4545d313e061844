"""A slip's code scanned at the entry screen (issue 14): its record opens for correction, as
choosing it in today's list does. What the scan means is the desk core's (desk.slip_lookup);
this asks the hub for the record's latest version off the UI thread, with a short timeout."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from desk import slip_lookup
from desk.slip_lookup import SlipOpened, SlipOutcome
from domain.messages import describe
from domain.record import Record
from domain.scans import SlipScan
from i18n import _
from sync.worker import HubClient, HubRefused, HubUnavailable, SyncState
from tui.services import SyncService

if TYPE_CHECKING:
    from tui.screens.entry import EntryScreen

log = logging.getLogger("vaxdesk.desk")


def hub_client(screen: EntryScreen) -> HubClient | None:
    """The app's connection to the hub (the sync worker's), None while there is none."""
    sync = getattr(screen.app, "sync", None)
    if isinstance(sync, SyncService) and sync.worker is not None:
        return sync.worker.client
    return None


def hub_known_down(screen: EntryScreen) -> bool:
    """The sync worker found the hub out of reach: no point in waiting for it now."""
    state = getattr(screen.app, "sync_state", None)
    return isinstance(state, SyncState) and state.unreachable_since is not None


def open_slip(screen: EntryScreen, scan: SlipScan) -> None:
    """The record's latest version from the hub (answered later), else this desk's own."""
    here = slip_lookup.local(screen.entry.desk, scan.record_id)
    client = hub_client(screen)
    if client is None or hub_known_down(screen):
        configured = isinstance(getattr(screen.app, "sync", None), SyncService)
        show(screen, slip_lookup.without_hub(here, hub_configured=configured))
        return
    screen.say(_("Slip scanned: asking the hub for its record…"))
    screen.run_worker(ask_hub(screen, client, scan.record_id, here), group="slip",
                      exclusive=True)  # fmt: skip


async def ask_hub(
    screen: EntryScreen, client: HubClient, record_id: str, here: Record | None
) -> None:
    try:
        body = await client.record(record_id, timeout=slip_lookup.HUB_TIMEOUT)
    except (HubUnavailable, HubRefused) as error:
        log.info("slip's record not fetched: %s", type(error).__name__)
        outcome: SlipOutcome = slip_lookup.without_hub(here, hub_configured=True)
    else:
        outcome = slip_lookup.from_hub(screen.entry.desk, record_id, body, here)
    show(screen, slip_lookup.settled(outcome, screen.values, screen.entry.busy))


def show(screen: EntryScreen, outcome: SlipOutcome) -> None:
    if isinstance(outcome, SlipOpened):
        screen.open_for_correction(outcome.record)  # says whose record it is
    else:
        screen.say(_("Slip: {problem}").format(problem=describe(outcome.problem)), error=True)
