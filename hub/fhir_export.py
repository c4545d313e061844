"""A site's records of a period as FHIR R4B (docs/fhir.md): the latest version of each record,
voided ones included (as `entered-in-error`), a Patient per person, an Immunization per
record, an Observation per adverse event; as NDJSON (one resource a line: the Patients, then
the Immunizations, then the Observations) or as one transaction Bundle (PUT `Type/id`).

Streamed: the hub is read a page of people at a time (its lock let go between pages), each
resource is checked by its model as it is made and written at once to a part file of its type;
the parts are joined into a temporary file beside `out`, moved into place when complete. So
memory stays flat whatever the size; the disk holds the export twice for a moment.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from dbkit import Cursor
from domain.clock import DEFAULT_TIMEZONE, site_zone
from hub.aefi_db import CURRENT as CURRENT_EVENT
from hub.fhir_map import (
    OWN,
    desk_reaction,
    event_observation,
    immunization,
    patient,
    reaction_of,
    validated,
)
from hub.storage import Storage

PAGE = 500  # people read in one transaction
ORDER = ("Patient", "Immunization", "Observation")
LISTED = 20  # refused records named in the summary (all are counted)
RecordKey = tuple[str, int]  # (record id, version)

_LATEST = (
    "SELECT r.record_id, r.version, r.site_id, r.body FROM records r WHERE r.given_on >= ? "
    "AND r.given_on <= ? AND r.version = "
    "(SELECT MAX(l.version) FROM records l WHERE l.record_id = r.record_id) "
    "AND r.person_key IN ({keys}) ORDER BY r.person_key, r.given_on, r.record_id"
)


@dataclass(frozen=True)
class FhirExported:
    patients: int
    immunizations: int
    observations: int
    voided: int  # Immunizations `entered-in-error`
    refused: int  # records a model refused (bad data from a desk): left out
    refused_ids: tuple[str, ...]  # the first LISTED of them


@dataclass(frozen=True)
class Person:
    """One person's records (latest versions) and the current adverse events of each."""

    records: list[dict[str, Any]]
    events: dict[str, list[dict[str, Any]]]


def latest_people(db: Storage, site_id: str, start: date, end: date) -> Iterator[Person]:
    """The latest version of each record of the site given in [start, end], voided ones
    included, person by person (people first on the site's day index, then their records a
    page at a time on the person index, as the national export reads them)."""
    period = (start.isoformat(), end.isoformat())
    with db._tx() as cur:
        cur.execute(
            "SELECT DISTINCT person_key FROM records WHERE site_id = ? AND given_on >= ? "
            "AND given_on <= ?",
            (site_id, *period),
        )
        keys = sorted(str(key) for (key,) in cur.fetchall())
    for first in range(0, len(keys), PAGE):
        chunk = keys[first : first + PAGE]
        with db._tx() as cur:
            cur.execute(_LATEST.format(keys=", ".join("?" * len(chunk))), (*period, *chunk))
            bodies = [json.loads(body) for _, _, site, body in cur.fetchall() if site == site_id]
            events = _events(cur, [str(body["record_id"]) for body in bodies])
        yield from _by_person(bodies, events)


def _events(cur: Cursor, record_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    linked: dict[str, list[dict[str, Any]]] = {}
    for first in range(0, len(record_ids), PAGE):
        chunk = record_ids[first : first + PAGE]
        cur.execute(
            f"SELECT e.record_id, e.body FROM aefi_events e WHERE e.record_id IN "
            f"({', '.join('?' * len(chunk))}) AND {CURRENT_EVENT} ORDER BY e.onset_on, e.event_id",
            chunk,
        )
        for record_id, body in cur.fetchall():
            linked.setdefault(str(record_id), []).append(json.loads(body))
    return linked


def _by_person(bodies: Iterable[dict[str, Any]],
               events: dict[str, list[dict[str, Any]]]) -> Iterator[Person]:  # fmt: skip
    key: Any = object()
    records: list[dict[str, Any]] = []
    for body in bodies:
        if body.get("person_key") != key:
            if records:
                yield Person(records, events)
            key, records = body.get("person_key"), []
        records.append(body)
    if records:
        yield Person(records, events)


def details_of(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The record whose details the Patient takes: the latest given, a kept one before a
    voided one."""
    return max(records, key=lambda b: (b.get("status") != "voided", str(b.get("given_on")),
                                       str(b.get("recorded_at"))))  # fmt: skip


def record_resources(body: Mapping[str, Any], events: Iterable[Mapping[str, Any]],
                     zone: ZoneInfo) -> list[dict[str, Any]]:  # fmt: skip
    """The record's Immunization and the Observations of its reactions, each validated: the
    one the desk saw during the observation time, then the events linked to it (reported
    when they began after the day of the dose, so after the person left the site)."""
    observations: list[tuple[dict[str, Any], bool]] = []
    if seen := desk_reaction(body, zone):
        observations.append((seen, False))
    for event in events:
        reported = str(event.get("onset_on")) > str(body.get("given_on"))
        observations.append((event_observation(event, body, zone), reported))
    shot = immunization(body, [reaction_of(o, reported) for o, reported in observations], zone)
    return [validated(shot), *(validated(o) for o, _ in observations)]


def full_url(resource: Mapping[str, Any]) -> str:
    """`urn:uuid:` + the resource's id (ids are UUIDs; another id gets a stable one)."""
    try:
        return f"urn:uuid:{uuid.UUID(str(resource['id']))}"
    except ValueError:
        name = f"{OWN}:fhir:{resource['resourceType']}/{resource['id']}"
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def bundle_entry(resource: Mapping[str, Any]) -> dict[str, Any]:
    url = f"{resource['resourceType']}/{resource['id']}"
    return {"fullUrl": full_url(resource), "resource": resource,
            "request": {"method": "PUT", "url": url}}  # fmt: skip


class _Parts:
    """A part file per resource type, and one of the (record id, version) written."""

    def __init__(self, folder: Path, bundle: bool) -> None:
        self.folder, self.bundle = folder, bundle
        self.files: dict[str, IO[str]] = {
            name: (folder / f"{name}.part").open("w", encoding="utf-8") for name in ORDER
        }
        self.keys = (folder / "keys.part").open("w", encoding="utf-8")
        self.counts = dict.fromkeys(ORDER, 0)
        self.voided = self.refused = 0
        self.refused_ids: list[str] = []

    def add(self, resource: dict[str, Any]) -> None:
        kind = resource["resourceType"]
        line = bundle_entry(resource) if self.bundle else resource
        self.files[kind].write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.counts[kind] += 1

    def person(self, person: Person, zone: ZoneInfo) -> int:
        """The person's resources; how many records were read."""
        try:
            who = validated(patient(details_of(person.records)))
        except (ValueError, KeyError, TypeError):  # pydantic's ValidationError is a ValueError
            self._refuse(person.records)
            return len(person.records)
        written = []
        for body in person.records:
            try:
                written.append((body, record_resources(
                    body, person.events.get(str(body["record_id"]), ()), zone)))  # fmt: skip
            except (ValueError, KeyError, TypeError):
                self._refuse([body])
        if written:
            self.add(who)
        for body, resources in written:
            for resource in resources:
                self.add(resource)
            self.voided += resources[0]["status"] == "entered-in-error"
            self.keys.write(f"{body['record_id']}\t{int(body['version'])}\n")
        return len(person.records)

    def _refuse(self, bodies: list[dict[str, Any]]) -> None:
        self.refused += len(bodies)
        room = LISTED - len(self.refused_ids)
        self.refused_ids.extend(str(b.get("record_id")) for b in bodies[: max(room, 0)])

    def close(self) -> None:
        for part in (*self.files.values(), self.keys):
            part.close()

    def join(self, out: IO[str]) -> None:
        """The parts in ORDER: lines as they are, or the entries of one Bundle."""
        if not self.bundle:
            for name in ORDER:
                with (self.folder / f"{name}.part").open(encoding="utf-8") as part:
                    shutil.copyfileobj(part, out)
            return
        out.write('{"resourceType":"Bundle","type":"transaction"')
        first = True
        for name in ORDER:
            with (self.folder / f"{name}.part").open(encoding="utf-8") as part:
                for line in part:
                    out.write(',"entry":[\n' if first else ",\n")
                    out.write(line.rstrip("\n"))
                    first = False
        out.write("}\n" if first else "\n]}\n")  # FHIR JSON has no empty arrays

    def written_keys(self) -> Iterator[RecordKey]:
        with (self.folder / "keys.part").open(encoding="utf-8") as keys:
            for line in keys:
                record_id, _, version = line.rstrip("\n").partition("\t")
                yield record_id, int(version)

    def summary(self) -> FhirExported:
        return FhirExported(
            patients=self.counts["Patient"], immunizations=self.counts["Immunization"],
            observations=self.counts["Observation"], voided=self.voided, refused=self.refused,
            refused_ids=tuple(self.refused_ids),
        )  # fmt: skip


def _owner_only(path: Path) -> IO[str]:
    """A new file only its owner reads: it holds full ID numbers."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return os.fdopen(descriptor, "w", encoding="utf-8")


def export_site_fhir(
    db: Storage, site_id: str, start: date, end: date, out: Path, *, bundle: bool,
    timezone: str = DEFAULT_TIMEZONE, progress: Callable[[int], None] | None = None,
    keep: Callable[[str, int], bool] | None = None,
    sent: Callable[[Iterator[RecordKey]], None] | None = None,
) -> FhirExported:  # fmt: skip
    """The site's records of [start, end] as FHIR at `out` (a Bundle when `bundle`, else
    NDJSON). `keep(record_id, version)`: only the records it answers True for (e.g. those not
    sent yet); `sent(keys)`: given the (record id, version) written, once `out` is complete
    on disk; `progress(records read)` every 1,000 records."""
    zone = site_zone(timezone)
    out = Path(out)
    partial = out.with_name(f".{out.name}.partial")
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}.") as folder:
        parts = _Parts(Path(folder), bundle)
        try:
            read = 0
            for person in latest_people(db, site_id, start, end):
                if keep is not None:
                    kept = [b for b in person.records if keep(str(b["record_id"]),
                                                              int(b["version"]))]  # fmt: skip
                    person = Person(kept, person.events)
                if person.records:
                    before = read
                    read += parts.person(person, zone)
                    if progress is not None and read // 1000 > before // 1000:
                        progress(read)
            parts.close()
            with _owner_only(partial) as written:
                parts.join(written)
            partial.replace(out)
        except BaseException:
            parts.close()
            partial.unlink(missing_ok=True)
            raise
        if sent is not None:
            sent(parts.written_keys())
    return parts.summary()
