"""Saves records in a loop and prints each id once save() has returned: the desk's promise.

Run by test_crash.py, which kills it with SIGKILL mid-loop.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from domain.record import EntryContext, Mode, build_record, build_session
from store import open_store
from tests.conftest import SESSION_FORM


def main(db: str, count: int) -> None:
    now = datetime.now().astimezone()
    session = build_session(SESSION_FORM, today=now.date())
    ctx = EntryContext(session=session, mode=Mode.LIVE, now=now)
    with open_store(Path(db)) as store:
        for serial in range(count):
            form = {
                "id_number": f"0790920{serial:05d}",
                "full_name": "Nguyễn Văn An",
                "dob": "150892",
            }
            saved = store.save(build_record(form, ctx))
            sys.stdout.write(saved.record_id + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
