"""Desk and supervisor tokens: issued here only, shown once, kept as hashes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hub.db import HubDB

TOKEN_PREFIX = "vxd_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Only this is stored: a stolen hub database holds no usable token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_desk_token(db: HubDB, desk_id: str, site_id: str, now: datetime) -> str:
    """Enrol the desk at the site (again: its earlier token stops working); the new token."""
    token = new_token()
    db.enrol(desk_id, site_id, token_hash(token), now)
    return token


def issue_supervisor_token(db: HubDB, site_id: str, now: datetime) -> str:
    """A token that reads the site's figures (and nothing else)."""
    token = new_token()
    db.enrol_supervisor(site_id, token_hash(token), now)
    return token
