"""The hub: the server desks upload to and supervisors read (Starlette; SQLite or PostgreSQL).

It never imports the desk's side (store, sync, desk, tui): it shares only `domain` (the wire
format and the rules a record must follow) and `dbkit` (database mechanics).
"""
