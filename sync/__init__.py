"""Upload of the outbox to the hub, and the hub itself (no Textual here)."""
