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
    "site.facility_taken": N_("facility code {facility} is site {site}'s already"),
}
