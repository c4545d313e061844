"""Frames in, codes out: capture, decoding and the scan loop (what a code means: domain.scans)."""
