"""`vaxdesk hub rebuild-stats`: the supervisor's figures (counters kept as records arrive)
recomputed from every record the hub holds, in one transaction."""

from __future__ import annotations

import click

from i18n import N_, _, format_number
from vaxdesk.cli.translated import command


@command("rebuild-stats", help=N_("Recompute the supervisors' figures from every record the hub "
                                  "holds (they are kept up to date as records arrive; this "
                                  "mends them after a restore or a repair by hand)."))  # fmt: skip
@click.pass_obj
def rebuild_stats(hub_db: str) -> None:
    import time

    from vaxdesk.cli.hub import _hub_db

    with _hub_db(hub_db) as db:
        started = time.monotonic()
        counted = db.rebuild_stats()
    click.echo(_("figures recomputed from {records} records in {seconds} s").format(
        records=format_number(counted),
        seconds=format_number(round(time.monotonic() - started, 1))))  # fmt: skip
