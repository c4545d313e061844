"""A slip's code scanned at a desk (issue 14): the record it names, opened for correction, so
a citizen coming back for a correction is found in one scan at any desk of the site.

The app asks the hub, which answers a desk of the record's own site only, for its latest
version: another desk may have corrected it since this desk last saw it, and a correction of
an older version would be a conflict at the hub. The newer of the hub's version and this
desk's opens; with the hub out of reach (or none set), this desk's own (a record it made, or
one it fetched before). A record from the hub is kept here as the hub holds it, so that
correcting it here makes its next version, which goes up as usual. Every outcome is data; the
screen says it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desk.core import Desk
from desk.scans import Skipped, form_in_use
from domain.errors import DeskError
from domain.record import Record, Status
from domain.scans import SlipScan
from domain.wire import body_to_record
from store import RecordNotFound, StoreError

log = logging.getLogger("vaxdesk.desk")

# Seconds the desk waits for the hub's answer: a citizen is standing at the desk.
HUB_TIMEOUT = 3.0


@dataclass(frozen=True)
class SlipOpened:
    """The record to open for correction."""

    record: Record
    fetched: bool = False  # it came from the hub just now


@dataclass(frozen=True)
class SlipRefused:
    """Nothing opened: voided, unknown, the hub out of reach, the form in use."""

    problem: DeskError


SlipOutcome = SlipOpened | SlipRefused


def receive(scan: SlipScan, form: Mapping[str, str], busy: bool) -> SlipScan | Skipped:
    """A slip opens its record on an empty form only: one in use (typed, a correction or a
    certificate open: `busy`) is never replaced; the volunteer finishes it, then scans again."""
    if busy or form_in_use(form):
        return Skipped(scan, DeskError("slip.form_in_use"))
    return scan


def opening(record: Record) -> SlipOutcome:
    """A voided record is said so, not opened: there is nothing to correct in it."""
    if record.status is Status.VOIDED:
        problem = DeskError("slip.voided", name=record.person.full_name, reason=record.void_reason)
        return SlipRefused(problem)
    return SlipOpened(record)


def local(desk: Desk, record_id: str) -> Record | None:
    """The record's current version in this desk's store; None when it is not here."""
    try:
        return desk.store.get(record_id)
    except RecordNotFound:
        return None


def without_hub(here: Record | None, *, hub_configured: bool) -> SlipOutcome:
    """The hub cannot be asked (down, or none is set): this desk's own version, if it has one."""
    if here is not None:
        return opening(here)
    return SlipRefused(DeskError("slip.unreachable" if hub_configured else "slip.no_hub"))


def from_hub(
    desk: Desk, record_id: str, body: dict[str, Any] | None, here: Record | None = None
) -> SlipOutcome:
    """The hub's answer (None: it knows no such record at this site), kept in the store; the
    newer of it and this desk's version (`here`, one not uploaded yet, say) opens."""
    if body is None:
        return opening(here) if here is not None else SlipRefused(DeskError("slip.unknown"))
    try:
        record = body_to_record(body)
    except (KeyError, TypeError, ValueError, AttributeError):
        log.warning("the hub's answer for a slip is not a record")
        return SlipRefused(DeskError("slip.bad_answer"))
    site = desk.session.site_id if desk.session is not None else desk.site_id
    if record.record_id != record_id or (site and record.site_id != site):
        return SlipRefused(DeskError("slip.unknown"))
    try:
        kept = desk.store.keep_fetched(record, desk.user.name if desk.user else "-")
    except StoreError as error:
        return SlipRefused(error)
    fetched = kept.version == record.version and (here is None or here.version < kept.version)
    if fetched:
        log.info("fetched record %s v%d from the hub for a slip", kept.record_id, kept.version)
    outcome = opening(kept)
    return SlipOpened(kept, fetched) if isinstance(outcome, SlipOpened) else outcome


def settled(outcome: SlipOutcome, form: Mapping[str, str], busy: bool) -> SlipOutcome:
    """The hub answered: the record opens only if the form is still free (it is kept here
    already, so scanning the slip again opens it at once)."""
    if isinstance(outcome, SlipOpened) and (busy or form_in_use(form)):
        return SlipRefused(DeskError("slip.form_changed"))
    return outcome
