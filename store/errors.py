"""What the store refuses, said so the volunteer can act on it."""

from __future__ import annotations

from domain.record import Record


class StoreError(RuntimeError):
    """Something the volunteer can act on, with a message that says what."""


class RecordNotFound(StoreError):
    pass


class DuplicateDose(StoreError):
    """The person already has this dose number; `earlier` is that record."""

    def __init__(self, earlier: Record) -> None:
        when = earlier.given_on.strftime("%d/%m/%Y")
        super().__init__(
            f"dose {earlier.dose_number} already recorded on {when}: "
            f"{earlier.vaccine} lot {earlier.lot or '?'}, site {earlier.site_id}, "
            f"desk {earlier.desk_id}"
        )
        self.earlier = earlier
