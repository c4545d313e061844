"""Frames in, identities out: capture, decoding and payload parsing (no Textual here)."""
