"""What can go wrong between a desk and its hub, as errors with codes of the catalogue."""

from __future__ import annotations

import logging

from domain.errors import DeskError

log = logging.getLogger("vaxdesk.sync")


class HubUnavailable(DeskError):
    """Worth trying again later: the hub is down, slow, overloaded or the link dropped. A code
    of the catalogue (`sync.answered*`), or the link's own technical words."""


def link_failure(error: Exception) -> HubUnavailable:
    """What went wrong on the link, in words for people; the library's own words to the log."""
    import httpx  # imported already by the client that failed

    log.info("hub link: %s: %s", type(error).__name__, error)
    text = str(error).lower()
    if isinstance(error, httpx.TimeoutException):
        return HubUnavailable("sync.timeout")
    if "ssl" in text or "certificate" in text:
        return HubUnavailable("sync.tls")
    if isinstance(error, httpx.ConnectError):
        return HubUnavailable("sync.no_connection")
    return HubUnavailable("sync.link_dropped")


class HubRefused(DeskError):
    """The hub said no (bad token, bad request): trying again as is will not help."""

    def __init__(self, status: int = 400, reason: str = "") -> None:
        super().__init__("sync.hub_refused", status=status, reason=reason)
        self.status = status
        self.reason = reason  # the hub's own words

    @property
    def about_the_desk(self) -> bool:
        """The desk's token or enrolment, not what it sent: it stays refused until fixed."""
        return self.status in (401, 403)
