"""The heartbeat's exchange beyond figures: the desk says which staff list it holds; the reply
brings the national platform's refusals and, when the desk's list is not the current one, its
site's staff, checked whole before any of it is kept. A reply that cannot be kept (a busy
file, a list that is not right) changes nothing: the next heartbeat brings it again."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from domain.errors import FieldError
from domain.wire_staff import STAFF, STAFF_REVISION, STAFF_SITE, checked_roster
from store import Store, StoreError
from store.hub_reply import keep_reply as keep_hub_reply
from store.staff import RosterChange, held_roster, keep_roster

log = logging.getLogger("vaxdesk.sync")


def beat_fields(store: Store) -> dict[str, Any]:
    """What the heartbeat says of the staff list the desk holds."""
    site, revision = held_roster(store)
    return {STAFF_SITE: site, STAFF_REVISION: revision}


def keep_reply(store: Store, reply: dict[str, Any]) -> RosterChange | None:
    """Keep what the heartbeat's reply brings; the change to the desk's users, if a staff list
    came (None otherwise, or when it could not be kept)."""
    try:  # the platform's refusals, the desk's lots (store.hub_reply)
        keep_hub_reply(store, reply)
    except StoreError as error:  # a busy file: the next heartbeat brings them again
        log.warning("the hub's reply not kept: %s", error.code)
    if STAFF not in reply:  # the list held is current (or a hub before issue 16)
        return None
    try:
        change = keep_roster(store, checked_roster(reply[STAFF]))
    except FieldError as error:  # never the member's name or hash in the log
        log.warning("the hub's staff list refused: %s %s", error.field, error.code)
        return None
    except (StoreError, sqlite3.IntegrityError) as error:
        log.warning("the hub's staff list not kept: %s", getattr(error, "code", "a name clash"))
        return None
    if change.any:
        log.info("staff list: %d added, %d changed, %d revoked", change.added, change.changed,
                 change.revoked)  # fmt: skip
    return change
