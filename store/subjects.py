"""Subjects of a site's day (the imported lists and walk-ins) and their states, on the
store's connection and transactions. A list is applied in one transaction: all of it or none."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import TYPE_CHECKING, Any

from domain.dates import PartialDate
from domain.identity import Identity, IdType, Sex
from domain.subjects import (
    ListEntry,
    PriorDose,
    Subject,
    SubjectState,
    TransitionRefused,
    check_transition,
)
from domain.text import fold
from domain.wire import SUBJECT_STATE, state_to_body

if TYPE_CHECKING:
    from store.db import Store

_COLUMNS = (
    "subject_id, site_id, list_day, entry, walk_in, state, state_at, list_hash, vaccinated_at"
)


@dataclass(frozen=True)
class Applied:
    """What applying a list did: people added, people whose row changed, rows the same."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0


def match_key(person: Identity) -> str:
    """Folded name and birth date: how a person without an ID number is found."""
    return f"{fold(person.full_name)}|{person.dob.iso()}"


_ENTRY_FIELDS = tuple(f.name for f in fields(ListEntry) if f.name not in ("person", "doses"))
_PERSON_FIELDS = tuple(f.name for f in fields(Identity))
# States of a person who had the dose: their states carry the list's details to the hub.
GIVEN = frozenset({SubjectState.VACCINATED, SubjectState.OBSERVED})


def entry_json(entry: ListEntry) -> str:
    """The entry as the store keeps it (and hashes it): JSON, keys sorted."""
    p = entry.person
    person: dict[str, Any] = {name: getattr(p, name) for name in _PERSON_FIELDS}
    person.update(id_type=p.id_type.value, sex=p.sex.value, dob=p.dob.iso())
    data: dict[str, Any] = {name: getattr(entry, name) for name in _ENTRY_FIELDS}
    data["person"] = person
    data["doses"] = [asdict(d) for d in entry.doses]
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def entry_of(text: str) -> ListEntry:
    data = json.loads(text)
    person = data.pop("person")
    person["id_type"] = IdType(person["id_type"])
    person["sex"] = Sex(person["sex"])
    person["dob"] = PartialDate.from_iso(person["dob"])
    doses = tuple(PriorDose(**d) for d in data.pop("doses"))
    return ListEntry(person=Identity(**person), doses=doses, **data)


def row_hash(entry: ListEntry) -> str:
    return _digest(entry_json(entry))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _subject(row: Any) -> Subject:
    subject_id, site_id, day, entry, walk_in, state, state_at, list_hash, vaccinated_at = row
    return Subject(subject_id=subject_id, site_id=site_id, day=date.fromisoformat(day),
                   entry=entry_of(entry), state=SubjectState(state), state_at=state_at,
                   walk_in=bool(walk_in), list_hash=list_hash,
                   vaccinated_at=vaccinated_at)  # fmt: skip


class Subjects:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- lists -------------------------------------------------------------------------

    def apply_list(self, *, site_id: str, day: date, list_hash: str, file_name: str, by: str,
                   entries: Iterable[ListEntry]) -> Applied:  # fmt: skip
        """Add the list's people, update those whose row changed; one transaction."""
        now = self.store._now()
        new = updated = unchanged = 0
        with self.store._write() as conn:
            by_key: dict[str, tuple[int, str]] = {}
            by_match: dict[str, list[tuple[int, bool]]] = {}  # match key -> (id, has an ID)
            for sid, key, mkey, digest in conn.execute(
                "SELECT subject_id, person_key, match_key, row_hash FROM subjects "
                "WHERE site_id = ? AND list_day = ?", [site_id, day.isoformat()]
            ):
                by_key[key] = (sid, digest)
                by_match.setdefault(mkey, []).append((sid, not key.startswith("none:")))
            hashes = {sid: digest for sid, digest in by_key.values()}
            inserts: list[tuple[Any, ...]] = []
            updates: list[tuple[Any, ...]] = []
            for entry in entries:
                person = entry.person
                key, mkey = person.person_key, match_key(person)
                stored = entry_json(entry)
                digest = _digest(stored)
                found = by_key.get(key)
                sid = found[0] if found else None
                if sid is None:
                    # by name and birth: a row without ID finds anyone; a row with an ID,
                    # only someone listed without one (two IDs are two people)
                    matches = [m for m, has_id in by_match.get(mkey, [])
                               if not (entry.has_id and has_id)]  # fmt: skip
                    sid = matches[0] if len(matches) == 1 else None
                if sid is None:
                    inserts.append((site_id, day.isoformat(), key, mkey, *_person_columns(entry),
                                    stored, digest, list_hash, now, now,
                                    now))  # fmt: skip
                    by_key[key] = (-1, digest)
                    new += 1
                elif hashes.get(sid) == digest:
                    unchanged += 1
                else:
                    updates.append((key, mkey, *_person_columns(entry), stored, digest,
                                    list_hash, now, sid))  # fmt: skip
                    hashes[sid] = digest
                    updated += 1
            conn.executemany(
                "INSERT INTO subjects (site_id, list_day, person_key, match_key, id_type, "
                "id_number, full_name, dob, sex, phone, address, priority_group, entry, row_hash, "
                "list_hash, state, state_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, 'on_list', ?, ?, ?)", inserts,
            )  # fmt: skip
            conn.executemany(
                "UPDATE subjects SET person_key = ?, match_key = ?, id_type = ?, id_number = ?, "
                "full_name = ?, dob = ?, sex = ?, phone = ?, address = ?, priority_group = ?, "
                "entry = ?, row_hash = ?, list_hash = ?, updated_at = ? WHERE subject_id = ?",
                updates,
            )
            conn.execute(
                "INSERT OR IGNORE INTO subject_lists (list_hash, site_id, list_day, file_name, "
                "imported_at, imported_by, rows) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [list_hash, site_id, day.isoformat(), file_name, now, by,
                 new + updated + unchanged],
            )
            if new or updated:
                self.store.people.audit_in_tx(
                    by, "list.import", f"site {site_id} day {day.isoformat()}: {new} new, "
                    f"{updated} updated, {unchanged} unchanged; file {list_hash[:12]}",
                )  # fmt: skip
        return Applied(new, updated, unchanged)

    def add_walk_in(self, *, site_id: str, day: date, entry: ListEntry, by: str) -> Subject:
        """Someone not on the list, registered at the desk: arrived at once."""
        now = self.store._now()
        person = entry.person
        with self.store._write() as conn:
            cursor = conn.execute(
                "INSERT INTO subjects (site_id, list_day, person_key, match_key, id_type, "
                "id_number, full_name, dob, sex, phone, address, priority_group, entry, row_hash, "
                "list_hash, walk_in, state, state_at, created_at, updated_at) VALUES (?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', 1, 'arrived', ?, ?, ?)",
                [site_id, day.isoformat(), person.person_key, match_key(person),
                 *_person_columns(entry), entry_json(entry), row_hash(entry), now, now, now],
            )  # fmt: skip
            sid = int(cursor.lastrowid or 0)
            conn.execute("INSERT INTO subject_states (subject_id, state, at, by) VALUES "
                         "(?, 'arrived', ?, ?)", [sid, now, by])  # fmt: skip
            self._queue_state(sid)
        found = self.get(sid)
        assert found is not None
        return found

    # -- finding -----------------------------------------------------------------------

    def get(self, subject_id: int) -> Subject | None:
        row = self.store.conn.execute(
            f"SELECT {_COLUMNS} FROM subjects WHERE subject_id = ?", [subject_id]
        ).fetchone()
        return _subject(row) if row else None

    def by_person_key(self, site_id: str, day: date, person_key: str) -> Subject | None:
        row = self.store.conn.execute(
            f"SELECT {_COLUMNS} FROM subjects WHERE site_id = ? AND list_day = ? AND "
            "person_key = ?", [site_id, day.isoformat(), person_key],
        ).fetchone()  # fmt: skip
        return _subject(row) if row else None

    def by_match_key(self, site_id: str, day: date, key: str) -> list[Subject]:
        rows = self.store.conn.execute(
            f"SELECT {_COLUMNS} FROM subjects WHERE site_id = ? AND list_day = ? AND "
            "match_key = ? ORDER BY subject_id", [site_id, day.isoformat(), key],
        )  # fmt: skip
        return [_subject(row) for row in rows]

    def of_day(self, site_id: str, day: date,
               states: Iterable[SubjectState] | None = None) -> Iterator[Subject]:  # fmt: skip
        """The day's subjects in list order, those in `states` only when given."""
        sql = f"SELECT {_COLUMNS} FROM subjects WHERE site_id = ? AND list_day = ?"
        params: list[str] = [site_id, day.isoformat()]
        if states is not None:
            wanted = sorted(s.value for s in states)
            sql += f" AND state IN ({', '.join('?' * len(wanted))})"
            params += wanted
        for row in self.store.conn.execute(sql + " ORDER BY subject_id", params):
            yield _subject(row)

    def counts(self, site_id: str, day: date) -> dict[tuple[str, SubjectState], int]:
        """(priority group, state) -> how many people."""
        return {
            (group, SubjectState(state)): count
            for group, state, count in self.store.conn.execute(
                "SELECT priority_group, state, COUNT(*) FROM subjects WHERE site_id = ? AND "
                "list_day = ? GROUP BY priority_group, state", [site_id, day.isoformat()],
            )
        }

    # -- states ------------------------------------------------------------------------

    def set_state(self, subject_id: int, state: SubjectState, *, by: str,
                  note: str = "") -> Subject:  # fmt: skip
        """Move a subject to `state` (checked against the day's rules, in the transaction);
        the state it is in already: nothing changes."""
        with self.store._write():
            self.change_in_tx(subject_id, state, by=by, note=note)
        found = self.get(subject_id)
        assert found is not None
        return found

    def change_in_tx(self, subject_id: int, state: SubjectState, *, by: str,
                     note: str = "") -> bool:  # fmt: skip
        """`set_state` inside the caller's transaction; whether the state changed."""
        conn, now = self.store.conn, self.store._now()
        row = conn.execute("SELECT state FROM subjects WHERE subject_id = ?",
                           [subject_id]).fetchone()  # fmt: skip
        if row is None:
            raise TransitionRefused("subject.not_found")
        if not check_transition(SubjectState(row[0]), state):
            return False
        vaccinated = now if state is SubjectState.VACCINATED else None
        conn.execute(
            "UPDATE subjects SET state = ?, state_at = ?, vaccinated_at = "
            "COALESCE(?, vaccinated_at) WHERE subject_id = ?",
            [state.value, now, vaccinated, subject_id],
        )
        conn.execute(
            "INSERT INTO subject_states (subject_id, state, at, by, note) VALUES "
            "(?, ?, ?, ?, ?)", [subject_id, state.value, now, by, note[:200]],
        )  # fmt: skip
        self._queue_state(subject_id)
        return True

    def observed_in_tx(self, site_id: str, day: str, person_key: str, *, by: str,
                       note: str = "") -> bool:  # fmt: skip
        """The person of a dose is no longer watched: their subject of that day, vaccinated,
        is observed (in the caller's transaction); False when there is none."""
        row = self.store.conn.execute(
            "SELECT subject_id FROM subjects WHERE site_id = ? AND list_day = ? AND "
            "person_key = ? AND state = ?",
            [site_id, day, person_key, SubjectState.VACCINATED.value],
        ).fetchone()  # fmt: skip
        return row is not None and self.change_in_tx(row[0], SubjectState.OBSERVED, by=by,
                                                     note=note)  # fmt: skip

    def _queue_state(self, subject_id: int) -> None:
        """Queue the subject's state for the hub, in the caller's transaction: keyed by the
        subject's stable key, its version the count of the subject's changes."""
        conn = self.store.conn
        site_id, day, person_key, state, state_at, walk_in, entry = conn.execute(
            "SELECT site_id, list_day, person_key, state, state_at, walk_in, entry "
            "FROM subjects WHERE subject_id = ?", [subject_id],
        ).fetchone()  # fmt: skip
        (version,) = conn.execute(
            "SELECT COUNT(*) FROM subject_states WHERE subject_id = ?", [subject_id]
        ).fetchone()
        subject_state = SubjectState(state)
        details = None
        if subject_state in GIVEN:  # what the national template asks of a vaccinated person
            listed = entry_of(entry)
            details = {"priority_group": listed.priority_group, "workplace": listed.workplace,
                       "insurance_number": listed.insurance_number}  # fmt: skip
        body = state_to_body(site_id=site_id, day=date.fromisoformat(day),
                             person_key=person_key, version=version, state=subject_state,
                             state_at=state_at, walk_in=bool(walk_in),
                             details=details)  # fmt: skip
        self.store._enqueue(SUBJECT_STATE, body["state_key"], version, body)

    def history(self, subject_id: int) -> list[tuple[SubjectState, str, str]]:
        """(state, when, by) of every change, oldest first."""
        return [
            (SubjectState(state), at, by)
            for state, at, by in self.store.conn.execute(
                "SELECT state, at, by FROM subject_states WHERE subject_id = ? ORDER BY seq",
                [subject_id],
            )
        ]


def _person_columns(entry: ListEntry) -> tuple[str, ...]:
    p = entry.person
    return (p.id_type.value, p.id_number, p.full_name, p.dob.iso(), p.sex.value, p.phone,
            p.address, entry.priority_group)  # fmt: skip
