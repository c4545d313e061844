"""What every kind of item the hub keeps shares: an item whose (key, version) the hub holds
already is a duplicate when its content is the same, a conflict kept apart (in `conflicts`, as
records' are) when it is not, never an overwrite."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from dbkit import Cursor
from domain.wire import CONFLICT, DUPLICATE


def settle_held(
    cur: Cursor,
    desk_id: str,
    key: tuple[str, int],
    digest: str,
    held: tuple[str, str],
    body: Mapping[str, Any],
    fields: Sequence[str],
    received: str,
) -> dict[str, Any]:
    """The result for an item the hub holds a version of: `held` is (content hash, body)."""
    held_digest, held_body = held
    if held_digest == digest:
        return {"result": DUPLICATE}
    known = json.loads(held_body)
    field = next((name for name in fields if known.get(name) != body.get(name)), "")
    cur.execute(
        "INSERT INTO conflicts (record_id, version, desk_id, offered_hash, field, received_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (key[0], key[1], desk_id, digest, field, received),
    )
    message = f"the hub holds other content for this version ({field} differs)"
    return {"result": CONFLICT, "field": field, "message": message}
