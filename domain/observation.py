"""Observation after the dose: every dose given at the desk is followed by a wait at the site,
watched for an adverse event, for the vaccine's minutes (the vaccine table: 30 by default, the
Ministry's "at least 30 minutes at the site").

A record keeps the end as "HH:MM" (`observed_until`), rounded up to the minute so that the
wait is never shorter than the minutes; the queue counts down to that minute.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from domain import tables

if TYPE_CHECKING:
    from domain.record import Record


def observation_minutes(vaccine: str) -> int:
    """How long a person is watched after a dose of this vaccine (the table's default for a
    vaccine it does not have)."""
    return tables.vaccine_table().minutes_observed(vaccine)


def longest_observation() -> int:
    """The longest observation of any vaccine, in minutes."""
    table = tables.vaccine_table()
    return max([table.observation_minutes, *(v.observation_minutes for v in table.vaccines)])


def observation_end(given_at: datetime, vaccine: str) -> datetime:
    """When the observation of a dose given at that moment ends: the vaccine's minutes later,
    rounded up to the minute (never shorter than the minutes)."""
    end = given_at + timedelta(minutes=observation_minutes(vaccine))
    if end.second or end.microsecond:
        end = end.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return end


def observed_until(given_at: datetime, vaccine: str) -> str:
    """The end as a record keeps it: "HH:MM", site time."""
    return observation_end(given_at, vaccine).strftime("%H:%M")


def ends_at(given_on: date, given_time: str, until: str, zone: tzinfo | None) -> datetime | None:
    """The moment a record's observation ends: its "HH:MM" on the day given, or the next day
    when it ends past midnight; None for a record with no observation (no end time)."""
    end = _hhmm(until)
    if end is None:
        return None
    moment = datetime.combine(given_on, end, tzinfo=zone)
    start = _hhmm(given_time)
    if start is not None and end < start:
        moment += timedelta(days=1)
    return moment


def _hhmm(text: str) -> time | None:
    try:
        return time.fromisoformat(text) if text else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Watch:
    """A person under observation: the dose's record, and when the observation ends."""

    record: Record
    ends_at: datetime

    @property
    def record_id(self) -> str:
        return self.record.record_id

    def remaining(self, now: datetime) -> timedelta:
        return max(self.ends_at - now, timedelta(0))

    def ended(self, now: datetime) -> bool:
        return now >= self.ends_at


def watch_of(record: Record, zone: tzinfo | None) -> Watch | None:
    """The record's observation, if it has one (a dose given here, live)."""
    end = ends_at(record.given_on, record.given_time, record.observed_until, zone)
    return Watch(record, end) if end is not None else None


def countdown(left: timedelta) -> str:
    """The time left as "mm:ss", whole seconds rounded up: "00:00" only once it has ended."""
    seconds = max(math.ceil(left.total_seconds()), 0)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


@dataclass(frozen=True)
class QueueSummary:
    count: int  # under observation (not marked as left)
    ended: int  # of them, whose time is up
    next_end: datetime | None  # the earliest end still to come, None when every time is up


def summarise(watches: Sequence[Watch], now: datetime) -> QueueSummary:
    coming = [w.ends_at for w in watches if not w.ended(now)]
    return QueueSummary(
        count=len(watches),
        ended=len(watches) - len(coming),
        next_end=min(coming) if coming else None,
    )
