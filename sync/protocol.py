"""What desk and hub agree on: paths, headers, how a record is hashed, how tokens are kept."""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from store.schema import RECORD_COLUMNS

API = "/api/v1"
DESK_TIME_HEADER = "X-Desk-Time"  # the desk's clock, ISO 8601: the hub flags skew, never trusts it
SKEW_LIMIT_SECONDS = 300
TOKEN_PREFIX = "vxd_"

# Result of one record in a batch upload.
STORED = "stored"  # new (id, version): kept
DUPLICATE = "duplicate"  # the same (id, version) and content again: acknowledged, nothing changed
CONFLICT = "conflict"  # the same (id, version) with other content: kept apart, never overwritten
INVALID = "invalid"  # not a record the hub can keep
ACKNOWLEDGED = (STORED, DUPLICATE)


def record_body(row: dict[str, Any]) -> dict[str, Any]:
    """A record row as uploaded: exactly the store's columns."""
    return {column: row.get(column) for column in RECORD_COLUMNS}


def content_hash(body: dict[str, Any]) -> str:
    canonical = json.dumps(
        record_body(body), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def differing_field(a: dict[str, Any], b: dict[str, Any]) -> str:
    """The first column where two versions of a record disagree (for the conflict message)."""
    return next((c for c in RECORD_COLUMNS if a.get(c) != b.get(c)), "")


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Only this is stored: a stolen hub database holds no usable token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
