"""Typed settings in sections, layered: defaults < TOML file < environment < flags.

The TOML file ($XDG_CONFIG_HOME/vaxdesk/config.toml, `--config` or `VAXDESK_CONFIG`) has
five sections: `[desk]` (this desk), `[hub]` (the desk's link to its hub), `[hub_server]`
(`vaxdesk hub`, the server), `[supervisor]` (`vaxdesk supervise`) and `[printer]` (slips).
The flat files desks in the field still have (`db = …`, `hub_url = …` at the top level) read
as the desk and hub keys.
An environment variable is `VAXDESK_` + the key for `[desk]` (`VAXDESK_DB`), else `VAXDESK_` +
section + key (`VAXDESK_HUB_URL`, `VAXDESK_HUB_SERVER_PORT`, `VAXDESK_SUPERVISOR_TOKEN`).

Hand-written on purpose: pydantic-settings would add ~330 ms to every start on a low-spec
desk laptop; this is tomllib and dataclasses.
"""

from __future__ import annotations

import os
import socket
import tomllib
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from platformdirs import user_config_path, user_data_path

from i18n import DEFAULT_LANGUAGE, N_, UnknownLanguage, _, parse_language
from printing.config import PrinterConfig, setting_problem

ENV_PREFIX = "VAXDESK_"
LANGUAGE_ENV = "VAXDESK_LANG"  # the language: `language = "vi"` at the top of the file, --lang
SITE_TIMEZONE = "Asia/Ho_Chi_Minh"


class SettingsError(ValueError):
    pass


def default_db() -> Path:
    return user_data_path("vaxdesk") / "vaxdesk.db"


def default_hub_db() -> Path:
    return user_data_path("vaxdesk") / "hub.db"


def default_hub_db_url() -> str:
    return f"sqlite:///{default_hub_db()}"


def default_config_file() -> Path:
    return user_config_path("vaxdesk") / "config.toml"


def config_path(config_file: Path | None = None, environ: Mapping[str, str] = os.environ) -> Path:
    """The settings file in use: `--config`, else VAXDESK_CONFIG, else the XDG default."""
    return config_file or Path(environ.get(f"{ENV_PREFIX}CONFIG", "") or default_config_file())


def default_desk_id() -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in socket.gethostname())[:32]


@dataclass(frozen=True)
class DeskSettings:
    """`[desk]`: this desk."""

    db: Path = field(default_factory=default_db)
    site_id: str = ""
    desk_id: str = field(default_factory=default_desk_id)
    camera: str = "auto"  # none, auto (the first webcam, else none), 0, /dev/video2, a folder
    camera_size: str = "1280x720"
    decoder: str = "zxing"  # or zbar
    camera_linear_every: int = 10  # 1D codes from the camera on 1 frame in this many; 0: none
    site_timezone: str = SITE_TIMEZONE
    print_slip: str = "key"  # the citizen's slip: on Ctrl+P (key), or after every save (auto)

    def camera_dimensions(self) -> tuple[int, int]:
        width, _x, height = self.camera_size.partition("x")
        if not (width.isdigit() and height.isdigit()):
            raise SettingsError(
                _("camera_size '{size}' is not WIDTHxHEIGHT").format(size=self.camera_size)
            )
        return int(width), int(height)


@dataclass(frozen=True)
class HubLink:
    """`[hub]`: the desk's link to its hub; no url, no uploads."""

    url: str = ""  # e.g. https://hub.site.lan:8470
    token: str = ""  # from `vaxdesk hub enrol`
    ca: str = ""  # CA file for a site-made hub certificate


@dataclass(frozen=True)
class HubServerSettings:
    """`[hub_server]`: the hub that desks upload to (`vaxdesk hub`)."""

    db: str = field(default_factory=default_hub_db_url)  # sqlite:///PATH or postgresql://…
    host: str = "127.0.0.1"
    port: int = 8470
    tls_cert: str = ""
    tls_key: str = ""
    site_timezone: str = SITE_TIMEZONE
    check_workers: int = -1  # processes checking record bodies; -1: one a core but the hub's


@dataclass(frozen=True)
class SupervisorSettings:
    """`[supervisor]`: `vaxdesk supervise`; an empty hub_url, site_id or ca falls back to the
    desk's ([hub] url, [desk] site_id, [hub] ca)."""

    hub_url: str = ""
    token: str = ""  # from `vaxdesk hub supervisor`
    site_id: str = ""
    target: int = 200  # doses a day, for the site
    refresh: float = 2.0  # seconds
    ca: str = ""


@dataclass(frozen=True)
class PrinterSettings:
    """`[printer]`: where the desk prints the citizen's slip (README, "Printing a slip")."""

    kind: str = "none"  # none, cups (the PDF through lp), escpos (a receipt printer)
    cups_queue: str = ""  # empty: the system's default printer
    escpos: str = ""  # usb:04b8:0202 (vendor:product), /dev/usb/lp0, or host:9100
    paper: str = "a6"  # a6, 80mm, 58mm
    timeout: float = 20.0  # seconds

    def config(self) -> PrinterConfig:
        return PrinterConfig(self.kind, self.cups_queue, self.escpos, self.paper, self.timeout)


@dataclass(frozen=True)
class Settings:
    language: str = DEFAULT_LANGUAGE  # `language = "vi"` at the top of the file, not in a section
    desk: DeskSettings = field(default_factory=DeskSettings)
    hub: HubLink = field(default_factory=HubLink)
    hub_server: HubServerSettings = field(default_factory=HubServerSettings)
    supervisor: SupervisorSettings = field(default_factory=SupervisorSettings)
    printer: PrinterSettings = field(default_factory=PrinterSettings)


SECTIONS: dict[str, type] = {
    "desk": DeskSettings,
    "hub": HubLink,
    "hub_server": HubServerSettings,
    "supervisor": SupervisorSettings,
    "printer": PrinterSettings,
}

_TYPES = {
    section: {f.name: str(f.type) for f in fields(kind)} for section, kind in SECTIONS.items()
}


# The keys of the old flat file (and the flags' names), as (section, key).
LEGACY_KEYS: dict[str, tuple[str, str]] = {
    **{name: ("desk", name) for name in _TYPES["desk"]},
    "hub_url": ("hub", "url"),
    "hub_token": ("hub", "token"),
    "hub_ca": ("hub", "ca"),
    "supervisor_token": ("supervisor", "token"),
}


def env_name(section: str, key: str) -> str:
    """VAXDESK_DB for [desk] db, VAXDESK_HUB_SERVER_PORT for [hub_server] port."""
    prefix = ENV_PREFIX if section == "desk" else f"{ENV_PREFIX}{section.upper()}_"
    return prefix + key.upper()


ENV_NAMES: dict[str, tuple[str, str]] = {
    env_name(section, key): (section, key) for section, keys in _TYPES.items() for key in keys
}


ENVIRONMENT, COMMAND_LINE = N_("environment"), N_("command line")  # origins, as well as files


def _where(origin: str, name: str) -> str:
    """Where a setting came from, for its error: a file's path, or `environment: 'VAXDESK_DB'`."""
    return f"{_(origin) if origin in PLAIN_TEXT else origin}: '{name}'"


def _coerce(kind: str, value: Any, name: str, origin: str, *, typed: bool) -> Any:
    """`value` as the field's type; `typed` (TOML) must match it, text (environment, flags)
    is parsed."""
    where = _where(origin, name)
    if isinstance(value, str) and not typed:
        value = _parse(kind, value)
    if kind == "Path":
        if not isinstance(value, str | Path) or not str(value):
            raise SettingsError(_("{where} must be a path").format(where=where))
        return Path(value).expanduser()
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(_("{where} must be a whole number").format(where=where))
        return value
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SettingsError(_("{where} must be a number").format(where=where))
        return float(value)
    if not isinstance(value, str):
        raise SettingsError(_("{where} must be text").format(where=where))
    return value


def _parse(kind: str, text: str) -> Any:
    """A number given as text, where the field is one; else the text, refused by the caller."""
    with suppress(ValueError):
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
    return text


def _check_timezone(value: str, where: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            _("{where}: unknown time zone '{value}'").format(where=where, value=value)
        ) from None


URL_KEYS = {("hub", "url"), ("supervisor", "hub_url")}


def _check_url(section: str, key: str, value: str, where: str) -> str:
    from domain.errors import FieldError
    from domain.hub_url import parse_hub_url
    from domain.messages import describe

    if not value.strip():
        return ""  # no hub: the desk works alone
    try:
        return parse_hub_url(f"{section}.{key}", value)
    except FieldError as error:
        raise SettingsError(f"{where}: {describe(error)}") from None


def _resolve(key: str, origin: str) -> tuple[str, str]:
    """A flat key (old file, flags) or `section.key`, as (section, key)."""
    if key in LEGACY_KEYS:
        return LEGACY_KEYS[key]
    section, _dot, name = key.partition(".")
    if section in _TYPES and name in _TYPES[section]:
        return section, name
    raise SettingsError(_("{origin}: unknown setting '{key}'").format(origin=_(origin), key=key))


Changes = dict[str, dict[str, Any]]
PLAIN_TEXT = (ENVIRONMENT, COMMAND_LINE)  # origins whose numbers come as text


def _put(changes: Changes, section: str, key: str, value: Any, name: str, origin: str) -> None:
    value = _coerce(_TYPES[section][key], value, name, origin, typed=origin not in PLAIN_TEXT)
    if key == "site_timezone":
        _check_timezone(value, _where(origin, name))
    if key == "camera_linear_every" and value < 0:
        raise SettingsError(_("{where} must be 0 or more").format(where=_where(origin, name)))
    if (section, key) in URL_KEYS:
        value = _check_url(section, key, value, _where(origin, name))
    if problem := setting_problem(section, key, value):
        raise SettingsError(f"{_where(origin, name)}: {problem}")
    changes.setdefault(section, {})[key] = value


def _read_file(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(
            _("{path}: not valid TOML: {error}").format(path=path, error=error)
        ) from None
    except OSError as error:
        raise SettingsError(
            _("{path}: cannot read: {error}").format(path=path, error=error.strerror or error)
        ) from None


def _from_file(path: Path, data: Mapping[str, Any]) -> Changes:
    changes: Changes = {}
    sections = {k: v for k, v in data.items() if isinstance(v, dict)}
    for key, value in data.items():  # the old flat file first: a section says it better
        if isinstance(value, dict) or key == "language":
            continue
        if key in _TYPES:
            raise SettingsError(
                _("{path}: '{key}' must be a section, [{key}]").format(path=path, key=key)
            )
        if key not in LEGACY_KEYS:
            raise SettingsError(
                _("{path}: unknown setting '{key}' (sections: {sections}; flat keys: {keys})")
                .format(path=path, key=key, sections=", ".join(_TYPES),
                        keys=", ".join(["language", *LEGACY_KEYS]))
            )  # fmt: skip
        _put(changes, *LEGACY_KEYS[key], value, key, str(path))
    for section, values in sections.items():
        if section not in _TYPES:
            raise SettingsError(
                _("{path}: unknown section [{section}] (known: {known})")
                .format(path=path, section=section, known=", ".join(_TYPES))
            )  # fmt: skip
        for key, value in values.items():
            if key not in _TYPES[section]:
                raise SettingsError(
                    _("{path}: unknown setting '{section}.{key}' (known in [{section}]: {known})")
                    .format(path=path, section=section, key=key,
                            known=", ".join(_TYPES[section]))
                )  # fmt: skip
            _put(changes, section, key, value, f"{section}.{key}", str(path))
    return changes


def _apply(settings: Settings, changes: Changes) -> Settings:
    return replace(
        settings,
        **{section: replace(getattr(settings, section), **values)
           for section, values in changes.items()},
    )  # fmt: skip


def _language(value: Any, where: str) -> str:
    """A language code (`vi`, `en`; `vi_VN.UTF-8` too); else the error naming the ones there are."""
    if not isinstance(value, str):
        raise SettingsError(_("{where} must be text").format(where=where))
    try:
        return parse_language(value)
    except UnknownLanguage as error:
        raise SettingsError(f"{where}: {error}") from None


def file_language(path: Path) -> str | None:
    """The file's `language`, if it says one; a file that cannot be read says none (the
    command that reads its settings reports why). A language unknown is an error."""
    try:
        value = tomllib.loads(path.read_text("utf-8")).get("language")
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    return None if value is None else _language(value, _where(str(path), "language"))


def resolve_language(
    *, config_file: Path | None = None, environ: Mapping[str, str] = os.environ,
    flag: str | None = None,
) -> str:  # fmt: skip
    """The language: `vi` < the file's `language` < VAXDESK_LANG < `--lang`; before anything
    else is read (the help is shown in it)."""
    if flag:  # only the layer that wins is read: a bad lower one does not stop `--lang en`
        return _language(flag, "--lang")
    if environ.get(LANGUAGE_ENV):
        return _language(environ[LANGUAGE_ENV], _where(ENVIRONMENT, LANGUAGE_ENV))
    return file_language(config_path(config_file, environ)) or DEFAULT_LANGUAGE


def load_settings(
    *,
    config_file: Path | None = None,
    environ: Mapping[str, str] = os.environ,
    flags: Mapping[str, Any] | None = None,
) -> Settings:
    """`flags`: by flat name (`db`, `hub_url`: the old file's keys, and `language`) or
    `section.key`; None and empty values are flags not given."""
    flags = dict(flags or {})
    settings = Settings()
    path = config_path(config_file, environ)
    if path.exists():
        data = _read_file(path)
        if "language" in data:
            settings = replace(
                settings, language=_language(data["language"], _where(str(path), "language"))
            )
        settings = _apply(settings, _from_file(path, data))
    if environ.get(LANGUAGE_ENV):
        where = _where(ENVIRONMENT, LANGUAGE_ENV)
        settings = replace(settings, language=_language(environ[LANGUAGE_ENV], where))
    from_env: Changes = {}
    for name, (section, key) in ENV_NAMES.items():
        if environ.get(name):
            _put(from_env, section, key, environ[name], name, ENVIRONMENT)
    settings = _apply(settings, from_env)
    if flags.get("language"):
        where = "--lang"
        settings = replace(settings, language=_language(flags.pop("language"), where))
    flags.pop("language", None)
    given: Changes = {}
    for name, value in flags.items():
        if value not in (None, ""):
            section, key = _resolve(name, COMMAND_LINE)
            _put(given, section, key, value, name, COMMAND_LINE)
    return _apply(settings, given)
