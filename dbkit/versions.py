"""SQL written once for append-only versioned rows: which row is current, which is a dose."""

from __future__ import annotations

from domain.fields import Screening, Status


def current_version(alias: str, table: str = "records", key: str = "record_id") -> str:
    """A condition: the row `alias` of `table` is the highest version of its `key`."""
    return (
        f"{alias}.version = "
        f"(SELECT MAX(v.version) FROM {table} v WHERE v.{key} = {alias}.{key})"
    )


def active_dose(alias: str) -> str:
    """A condition: the row `alias` is active (not voided) and gives a dose."""
    return (
        f"{alias}.status = '{Status.ACTIVE.value}' "
        f"AND {alias}.screening = '{Screening.ELIGIBLE.value}'"
    )
