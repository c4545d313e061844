"""Validation errors carry the field at fault, so a screen can put the message beside it."""

from __future__ import annotations


class FieldError(ValueError):
    """One field's value is unacceptable; `message` is meant for the volunteer."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ValidationError(ValueError):
    """Several fields failed; `errors` maps field name to a message, in form order."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
