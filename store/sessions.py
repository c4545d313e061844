"""Desk sessions (site, vaccine, lot, team, date: the defaults of every record) and lots."""

from __future__ import annotations

from datetime import date

from domain.record import Session
from store.base import StoreBase


class Sessions(StoreBase):
    def open_session(self, session: Session) -> None:
        with self._write():
            self.db.table("sessions").insert(
                {
                    "session_id": session.session_id,
                    "opened_at": self._now(),
                    "site_id": session.site_id,
                    "desk_id": session.desk_id,
                    "entered_by": session.entered_by,
                    "vaccinator": session.vaccinator,
                    "vaccine": session.vaccine,
                    "lot": session.lot,
                    "session_date": session.session_date.isoformat(),
                }
            )

    def last_session(self) -> Session | None:
        rows = list(self.db["sessions"].rows_where(order_by="opened_at desc, rowid desc", limit=1))
        if not rows:
            return None
        row = rows[0]
        return Session(
            session_id=row["session_id"],
            site_id=row["site_id"],
            desk_id=row["desk_id"],
            entered_by=row["entered_by"],
            vaccinator=row["vaccinator"],
            vaccine=row["vaccine"],
            lot=row["lot"],
            session_date=date.fromisoformat(row["session_date"]),
        )

    def lots(self, vaccine: str) -> list[str]:
        """Lots used before with this vaccine, for completion: sessions' first, newest first."""
        sessions = (
            "SELECT lot FROM sessions WHERE vaccine = ? GROUP BY lot "
            "ORDER BY MAX(opened_at) DESC, MAX(rowid) DESC"
        )
        records = (
            "SELECT lot FROM records WHERE vaccine = ? AND lot != '' GROUP BY lot "
            "ORDER BY MAX(recorded_at) DESC"
        )
        lots = [row[0] for row in self.conn.execute(sessions, [vaccine])]
        lots += [row[0] for row in self.conn.execute(records, [vaccine]) if row[0] not in lots]
        return lots
