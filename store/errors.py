"""What the store refuses, as codes with parameters (words: `domain.messages`)."""

from __future__ import annotations

from typing import Any

from domain.doses import duplicate_params
from domain.errors import DeskError, FieldError
from domain.record import Record


class StoreError(DeskError, RuntimeError):
    """Something the volunteer can act on."""


class RecordNotFound(StoreError):
    def __init__(self, record_id: str) -> None:
        super().__init__("store.not_found", record_id=record_id)


class DuplicateDose(StoreError):
    """The person already has this dose number; `earlier` is that record."""

    def __init__(self, earlier: Record) -> None:
        super().__init__("dose.duplicate", **duplicate_params(earlier))
        self.earlier = earlier


class DoseRulesBroken(StoreError):
    """The dose breaks the dose rules (`problems`, each at `dose_number`); an override
    with a reason stores it anyway."""

    def __init__(self, problems: list[FieldError]) -> None:
        super().__init__("dose.rules")
        self.problems = problems


def busy(error: Any) -> StoreError:
    return StoreError("store.busy", detail=str(error))
