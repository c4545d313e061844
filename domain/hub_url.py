"""What a hub's address may be: http:// or https://, a host, an optional port and path.

One rule for the settings (refused when loaded, naming where the setting came from) and the
desk's sync client (which then keeps the desk offline rather than failing at every call).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from domain.errors import FieldError

SCHEMES = ("http", "https")


def parse_hub_url(field: str, text: str) -> str:
    """The URL, stripped; a FieldError at `field` when it cannot be a hub's address."""
    url = text.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks it: "http://hub:x" has no port
    except ValueError as error:
        raise FieldError(field, "hub_url.invalid", text=url, detail=str(error)) from None
    if parts.scheme.lower() not in SCHEMES:
        raise FieldError(field, "hub_url.scheme", text=url, scheme=parts.scheme)
    if not parts.hostname:
        raise FieldError(field, "hub_url.host", text=url)
    return url
