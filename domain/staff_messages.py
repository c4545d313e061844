"""The messages of the site registry, the site's staff and the session's team (issue 16):
code -> English template, merged into `domain.messages.MESSAGES` (kept here so that catalogue
stays one screen long)."""

from __future__ import annotations

from i18n import N_

STAFF_MESSAGES: dict[str, str] = {
    # the site registry (hub/sites.py)
    "site.facility_code": N_("a facility code has 1 to 20 letters, digits, - or ."),
    "site.name_length": N_("a site's name has 3 to 120 characters"),
    "site.tables": N_("the number of tables is a whole number from 1 to 99"),
    "site.address_length": N_("longer than 200 characters"),
    "site.exists": N_("site {site} is in the registry already: change it with `hub site edit`"),
    "site.unknown": N_(
        "no site {site} in the hub's registry: add it first with `vaxdesk hub site add`"
    ),
    "site.facility_taken": N_("facility code {value} is site {site}'s already"),
    # the site's staff (hub/staff.py, domain/wire_staff.py, domain/pins.py)
    "staff.role": N_("'{text}' is not a role: {choices}"),
    "staff.pin_hash": N_("not a PIN hash this desk accepts"),
    "staff.not_a_list": N_("not a list of members"),
    "staff.too_many": N_("more than {limit} members"),
    "staff.twice": N_("the same member twice"),
    "staff.exists": N_("{name} is on the staff of site {site} already"),
    "staff.unknown": N_("nobody called '{name}' on the staff of site {site}"),
    "staff.ambiguous": N_("several members match '{name}': {names}; give the whole name"),
    "login.revoked": N_("this user was revoked at the hub: ask the site's supervisor"),
    "login.revoked_now": N_("{name} was revoked at the hub: log in as another user"),
}
