"""Reusable widgets, each with its own look in DEFAULT_CSS."""
