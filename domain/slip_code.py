"""The code printed on a citizen's slip (phiếu xác nhận): the record's id, in a form that a
Code 128 barcode carries compactly and that no ID card or certificate looks like.

`VX` then the record's UUID as 39 decimal digits: a Code 128 reader packs digit pairs (code
set C), so the barcode stays short enough for a 58 mm receipt; the QR holds the same text.
"""

from __future__ import annotations

import re
from uuid import UUID

PREFIX = "VX"
_DIGITS = 39  # 2**128 has 39 decimal digits
_SLIP = re.compile(rf"{PREFIX}(\d{{{_DIGITS}}})")


def slip_code(record_id: str) -> str:
    """The slip's code for a record id (a UUID in any of its usual spellings)."""
    return f"{PREFIX}{UUID(record_id).int:0{_DIGITS}d}"


def parse_slip_code(text: str) -> str | None:
    """The record id a slip's code names, as the store spells it; None if `text` is not one."""
    match = _SLIP.fullmatch(text.strip())
    if match is None:
        return None
    number = int(match.group(1))
    if number >= 1 << 128:
        return None
    return str(UUID(int=number))
