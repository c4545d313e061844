"""The desk's local store: one SQLite file, records and their outbox written together."""

from store.db import DuplicateDose, RecordNotFound, Store, StoreError, open_store

__all__ = ["DuplicateDose", "RecordNotFound", "Store", "StoreError", "open_store"]
