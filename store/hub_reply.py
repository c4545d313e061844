"""What the hub's heartbeat reply carries for the desk, kept: the national platform's refusals
of its record versions (issue 14), the lots allocated to it and the site's stock thresholds
(issue 16). A hub before those says nothing of them, and what the desk holds stays."""

from __future__ import annotations

from typing import Any

from store.outbox import Outbox
from store.refusals import keep_refusals
from store.stock import keep_stock


def keep_reply(store: Outbox, reply: dict[str, Any]) -> None:
    if "platform_refusals" in reply:
        keep_refusals(store, reply["platform_refusals"])
    if "stock_lots" in reply:
        keep_stock(store, reply["stock_lots"], reply.get("stock_settings"))
