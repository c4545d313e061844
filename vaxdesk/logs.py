"""The desk's log file, for technicians: events and record ids, never personal data."""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

from platformdirs import user_log_path


def default_log_file() -> Path:
    return user_log_path("vaxdesk") / "vaxdesk.log"


def setup_logging(path: Path | None = None, level: int = logging.INFO) -> Path:
    path = path or default_log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    handler = RotatingFileHandler(path, maxBytes=5_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger("vaxdesk")
    root.setLevel(level)
    root.addHandler(handler)
    return path
