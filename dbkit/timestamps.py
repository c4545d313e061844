"""Moments as both databases keep them: UTC, ISO 8601, milliseconds (they sort as text)."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def utc_now() -> datetime:
    return datetime.now(UTC)
