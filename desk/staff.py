"""The site's staff at the desk: a member the hub revokes is locked out at the next heartbeat,
even while logged in (the app sends them back to the login with these words)."""

from __future__ import annotations

from desk.core import Desk
from domain.errors import DeskError
from store.staff import is_active


def revoked_at_desk(desk: Desk) -> DeskError | None:
    """Why the user at the desk may no longer be: revoked at the hub since they logged in
    (None while they still may, or nobody is logged in)."""
    user = desk.user
    if user is None or is_active(desk.store, user.user_id):
        return None
    return DeskError("login.revoked_now", name=user.name)
