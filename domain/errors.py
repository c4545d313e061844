"""Errors as data: a code and its parameters. Words are made at the edge, from one catalogue
(`domain.messages`), so a screen, the command line or the hub can say them in the user's
language; `str(error)` gives the English text, for logs and tests."""

from __future__ import annotations

from typing import Any


class DeskError(Exception):
    """Something a person can act on: `code` names it, `params` fill its message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        from domain.messages import render

        return render(self.code, self.params)


class FieldError(DeskError, ValueError):
    """One field's value is unacceptable."""

    def __init__(self, field: str, code: str, **params: Any) -> None:
        super().__init__(code, **params)
        self.field = field

    def at(self, field: str) -> FieldError:
        """The same error, reported at another field (a person's name typed as a vaccinator)."""
        return FieldError(field, self.code, **self.params)

    def __str__(self) -> str:
        return f"{self.field}: {super().__str__()}"


class ValidationError(ValueError):
    """Several fields failed; `errors` maps field name to its error, in form order."""

    def __init__(self, errors: dict[str, FieldError]) -> None:
        super().__init__("; ".join(str(e) for e in errors.values()))
        self.errors = errors
