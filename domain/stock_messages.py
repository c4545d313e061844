"""The messages of vaccine stock (issue 16): code -> English template, merged into
`domain.messages.MESSAGES` (kept here so that catalogue stays one screen long)."""

from __future__ import annotations

from i18n import N_

STOCK_MESSAGES: dict[str, str] = {
    "stock.count": N_("a whole number from {low} to {high}"),
    "stock.text": N_("at most {limit} characters"),
    "stock.received_expired": N_("lot {lot} expired on {date}: it cannot be received"),
    "stock.other_expiry": N_("lot {lot} was received before with expiry {date}"),
    "stock.other_doses_per_vial": N_(
        "lot {lot} was received before with another number of doses per vial ({number})"
    ),
    "stock.not_received": N_("no receipt of {vaccine} lot {lot} at this site"),
    "stock.over_allocated": N_(
        "lot {lot}: vials left to allocate at this site: {count}"
    ),
    "stock.unknown_desk": N_("no desk {desk} enrolled at site {site}"),
    "stock.nothing": N_("give the vials opened or the doses wasted"),
    "stock.expired": N_("lot {lot} expired on {date}: it cannot be used"),
    "stock.unknown_lot": N_("no lot {lot} of {vaccine} is allocated to this desk"),
    "stock.expiry": N_("'{text}' is not an expiry: type e.g. 31/03/2027 or 03/2027"),
    "stock.not_a_number": N_("'{text}' is not a number"),
}
