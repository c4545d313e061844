"""Shared domain types and validation: every part of vaxdesk imports from here."""

from domain.errors import FieldError, ValidationError

__all__ = ["FieldError", "ValidationError"]
