"""What the commands share: their common options (declared once, here), the settings of the
invocation, and the supervisor's PIN. Cheap to import: click only."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from i18n import N_, _
from vaxdesk.cli.translated import Path as PathType
from vaxdesk.cli.translated import option

if TYPE_CHECKING:
    from vaxdesk.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])

CAMERA_HELP = N_(
    "none, auto (the first webcam, if any), a device (0, /dev/video2), a folder or a video."
)
DECODERS = ("zxing", "zbar")


def db_option(*, exists: bool = False, help: str | None = N_("SQLite file.")) -> Callable[[F], F]:
    """The desk's SQLite file (`--db`); `exists`: refuse a missing file (exit 2). `help`: a
    message id (`N_()`), as every help text given to these."""
    return option("--db", type=PathType(path_type=Path, dir_okay=False, exists=exists), help=help)


def site_option(help: str, *, required: bool = False) -> Callable[[F], F]:
    return option("--site", "site_id", required=required, metavar=N_("CODE"), help=help)


def desk_option(help: str | None = None, *, required: bool = False) -> Callable[[F], F]:
    return option("--desk", "desk_id", required=required, metavar=N_("CODE"), help=help)


def camera_option(default: str | None = None) -> Callable[[F], F]:
    """`--camera SPEC`; without a default, the settings' camera."""
    return option("--camera", default=default, show_default=default is not None, help=CAMERA_HELP)


def decoder_option(default: str | None = None) -> Callable[[F], F]:
    """`--decoder zxing|zbar`; without a default, the settings' decoder."""
    return option(
        "--decoder",
        type=click.Choice(DECODERS),
        default=default,
        show_default=default is not None,
        help=N_("Barcode decoder."),
    )


def hub_url_option(help: str) -> Callable[[F], F]:
    return option("--hub", "hub_url", metavar="URL", help=help)


def token_option(dest: str, help: str) -> Callable[[F], F]:
    return option("--token", dest, metavar=N_("TOKEN"), help=help)


def ca_option() -> Callable[[F], F]:
    return option(
        "--ca", "hub_ca", metavar=N_("FILE"), help=N_("CA file for a site-made hub certificate.")
    )


def as_user_option(help: str) -> Callable[[F], F]:
    return option("--as", "as_user", metavar=N_("NAME"), help=help)


def given(ctx: click.Context, name: str) -> Any:
    """The value of parameter `name` if it was given, None where it is click's default (shown
    in the help; the settings' default, a file or the environment may say otherwise)."""
    from click.core import ParameterSource

    if ctx.get_parameter_source(name) in (None, ParameterSource.DEFAULT):
        return None
    return ctx.params.get(name)


def settings(ctx: click.Context, flags: Mapping[str, object] | None = None) -> Settings:
    """The settings of this invocation: defaults < file (`--config`) < environment < `flags`
    (by flat name, `db`, `hub_url`, or `section.key`). A bad setting is a one-line error."""
    from vaxdesk.settings import SettingsError, load_settings

    language = ctx.find_root().params.get("language")
    try:
        return load_settings(
            config_file=config_option(ctx), flags={**(flags or {}), "language": language}
        )
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def config_option(ctx: click.Context) -> Path | None:
    """`--config`, given to `vaxdesk` itself."""
    config = ctx.find_root().params.get("config")
    return Path(config) if config else None


def authorise(store: Any, name: str | None, action: Any) -> str:
    """The name of the user allowed to do this, after their PIN; '-' on a desk with no users
    yet (nothing to check against: whoever holds the file holds the data)."""
    user = authorised_user(store, name, action)
    return "-" if user is None else str(user.name)


def authorised_user(store: Any, name: str | None, action: Any) -> Any:
    """The user (after their PIN) who may do this; None on a desk with no users yet."""
    from domain.errors import DeskError
    from domain.messages import describe
    from domain.roles import require

    if store.people.count() == 0:
        return None
    if not name:
        raise click.ClickException(_("this desk has users: give --as NAME"))
    from desk.people import users_named

    matches = users_named(store, name)  # 'giam' for Giám, as at the login screen
    if len(matches) > 1:
        raise click.ClickException(
            _("several users match '{name}': {names}; give the whole name").format(
                name=name, names=", ".join(matches)
            )
        )
    name = matches[0] if matches else name
    pin = os.environ.get("VAXDESK_PIN") or click.prompt(
        _("PIN of {name}").format(name=name), hide_input=True, err=True
    )
    try:
        user = store.people.login(name, pin)
        require(user.role, action)
    except DeskError as error:
        raise click.ClickException(describe(error)) from None
    return user


def no_database(path: Path) -> click.ClickException:
    return click.ClickException(_("no database at {path}").format(path=path))


def one_line(text: str) -> str:
    """A message on one line: drivers (psycopg, sqlite) spread theirs over several."""
    return " ".join(text.split())


def failure(what: str, error: BaseException) -> click.ClickException:
    """`what` failed because of `error`, as the one line a command exits with."""
    from domain.messages import describe

    return click.ClickException(one_line(f"{what}: {describe(error) or type(error).__name__}"))


@contextmanager
def desk_store(path: Path) -> Iterator[Any]:
    """The desk's store at `path`, for a command: a file that is not a database (or cannot
    be opened) is a one-line error, not a traceback. Errors of the command's own work pass."""
    from store import open_store

    try:
        store = open_store(path)
    except Exception as error:  # sqlite3.DatabaseError, OSError, a schema too new, ...
        raise failure(_("cannot open {path}").format(path=path), error) from None
    with store:
        yield store


def demo_folder() -> Path:
    """Where `vaxdesk demo` keeps its site (and `vaxdesk supervise` finds it)."""
    from platformdirs import user_data_path

    return user_data_path("vaxdesk") / "demo"
