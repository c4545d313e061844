"""The desk's local store: one SQLite file, records and their outbox written together."""

from store.db import Store, open_store
from store.errors import DoseRulesBroken, DuplicateDose, RecordNotFound, StoreError
from store.outbox import OutboxItem

__all__ = [
    "DoseRulesBroken",
    "DuplicateDose",
    "OutboxItem",
    "RecordNotFound",
    "Store",
    "StoreError",
    "open_store",
]
