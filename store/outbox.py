"""The outbox: items of any kind waiting for the hub, pending -> inflight -> acked, or conflict
(the hub holds other content for that version) or refused (the hub will not keep it as it is):
those two are parked, never sent again by themselves, and shown with the hub's reason.

An item is (kind, key, version) with its payload as JSON; nothing ties it to the table it came
from, so every kind (records today; adverse events, list states, stock, timesheets later) has
the same queue, retry and acknowledgement.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from store.base import StoreBase


@dataclass(frozen=True)
class OutboxItem:
    seq: int
    kind: str
    key: str
    version: int
    payload: dict[str, Any]


class Outbox(StoreBase):
    def _enqueue(self, kind: str, key: str, version: int, payload: dict[str, Any]) -> None:
        """Queue an item inside the caller's transaction (with what it stands for)."""
        self.conn.execute(
            "INSERT INTO outbox (kind, key, version, payload, enqueued_at) VALUES (?, ?, ?, ?, ?)",
            [kind, key, version, json.dumps(payload, ensure_ascii=False), self._now()],
        )

    def outbox_reset_inflight(self) -> int:
        """Rows a crash left in flight go back to pending: the hub may never have seen them."""
        with self._write():
            cursor = self.conn.execute(
                "UPDATE outbox SET state = 'pending' WHERE state = 'inflight'"
            )
        return cursor.rowcount

    def outbox_claim(self, limit: int) -> list[OutboxItem]:
        """Up to `limit` pending items, oldest first, marked in flight."""
        with self._write():
            rows = self.conn.execute(
                "SELECT seq, kind, key, version, payload FROM outbox WHERE state = 'pending' "
                "ORDER BY seq LIMIT ?",
                [limit],
            ).fetchall()
            self.conn.executemany(
                "UPDATE outbox SET state = 'inflight', attempts = attempts + 1 WHERE seq = ?",
                [(row[0],) for row in rows],
            )
        return [
            OutboxItem(seq, kind, key, version, json.loads(payload))
            for seq, kind, key, version, payload in rows
        ]

    def outbox_settle(
        self,
        acked: list[int],
        conflicts: dict[int, str],
        retry: list[int],
        error: str = "",
        refused: dict[int, str] | None = None,
        problems: dict[int, dict[str, Any]] | None = None,
    ) -> None:
        """Record the hub's answer: acked rows, conflicts and refusals (with the hub's reason,
        and in `problems` the same as data: field, code, params), and rows to send again (not
        mentioned in the reply, or the call failed)."""
        with self._write():
            self.conn.executemany(
                "UPDATE outbox SET state = 'refused', last_error = ? WHERE seq = ?",
                [(reason, seq) for seq, reason in (refused or {}).items()],
            )
            self.conn.executemany(
                "UPDATE outbox SET state = 'acked', last_error = '' WHERE seq = ?",
                [(seq,) for seq in acked],
            )
            self.conn.executemany(
                "UPDATE outbox SET state = 'conflict', last_error = ? WHERE seq = ?",
                [(message, seq) for seq, message in conflicts.items()],
            )
            self.conn.executemany(
                "UPDATE outbox SET state = 'pending', last_error = ? WHERE seq = ?",
                [(error, seq) for seq in retry],
            )
            self.conn.executemany(
                "UPDATE outbox SET problem = ? WHERE seq = ?",
                [(json.dumps(problem, ensure_ascii=False), seq)
                 for seq, problem in (problems or {}).items()],
            )  # fmt: skip
            self.conn.executemany(
                "UPDATE outbox SET problem = '' WHERE seq = ?",
                [(seq,) for seq in [*acked, *retry] if seq not in (problems or {})],
            )

    def outbox_counts(self) -> dict[str, int]:
        rows = self.conn.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state")
        return {state: count for state, count in rows}

    def outbox_conflicts(self) -> list[dict[str, Any]]:
        """Items the hub would not take: kind, key, version and what is at fault."""
        return list(
            self.db.query(
                "SELECT kind, key, version, last_error FROM outbox WHERE state = 'conflict' "
                "ORDER BY seq"
            )
        )

    def outbox_problems(self) -> list[dict[str, Any]]:
        """Items parked with the hub's reason, conflicts and refusals: kind, key, version,
        state, the reason (`last_error`) and, when the hub gave them, its field, code and
        parameters (`problem`, a dict; empty when the hub gave words only)."""
        rows = self.db.query(
            "SELECT kind, key, version, state, last_error, problem FROM outbox "
            "WHERE state IN ('conflict', 'refused') ORDER BY seq"
        )
        return [{**row, "problem": _problem(row["problem"])} for row in rows]

    def acked_keys(self, after_seq: int, limit: int) -> list[tuple[int, str, str, int]]:
        """Acknowledged (seq, kind, key, version), for reconciliation with the hub."""
        return [
            (seq, kind, key, version)
            for seq, kind, key, version in self.conn.execute(
                "SELECT seq, kind, key, version FROM outbox WHERE state = 'acked' AND seq > ? "
                "ORDER BY seq LIMIT ?",
                [after_seq, limit],
            )
        ]

    def outbox_requeue(self, items: list[tuple[str, str, int]]) -> None:
        """The hub lost these (kind, key, version) (restored from a backup?): send them again."""
        with self._write():
            self.conn.executemany(
                "UPDATE outbox SET state = 'pending' WHERE kind = ? AND key = ? AND version = ?",
                items,
            )

    def backlog(self) -> int:
        sql = "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'inflight')"
        return int(self.conn.execute(sql).fetchone()[0])


def _problem(text: str) -> dict[str, Any]:
    try:
        problem = json.loads(text) if text else {}
    except ValueError:
        return {}
    return problem if isinstance(problem, dict) else {}
