"""Typed settings, layered: defaults < TOML file (XDG config dir) < environment < flags.

Hand-written on purpose: pydantic-settings would add ~330 ms to every start on a
low-spec desk laptop; this is a few dozen lines of tomllib and dataclasses.
"""

from __future__ import annotations

import os
import socket
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from platformdirs import user_config_path, user_data_path

ENV_PREFIX = "VAXDESK_"


class SettingsError(ValueError):
    pass


def default_db() -> Path:
    return user_data_path("vaxdesk") / "vaxdesk.db"


def default_hub_db() -> Path:
    return user_data_path("vaxdesk") / "hub.db"


def default_config_file() -> Path:
    return user_config_path("vaxdesk") / "config.toml"


def default_desk_id() -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in socket.gethostname())[:32]


@dataclass(frozen=True)
class Settings:
    db: Path
    site_id: str = ""
    desk_id: str = ""
    camera: str = "auto"  # none, auto (webcam, else the demo), demo, 0, /dev/video2, a folder
    camera_size: str = "1280x720"
    decoder: str = "zxing"  # or zbar
    hub_url: str = ""  # e.g. https://hub.site.lan:8470; empty: no uploads
    hub_token: str = ""  # from `vaxdesk hub enrol`
    hub_ca: str = ""  # CA file for a site-made hub certificate
    supervisor_token: str = ""  # from `vaxdesk hub supervisor`, for `vaxdesk supervise`

    def camera_dimensions(self) -> tuple[int, int]:
        width, _, height = self.camera_size.partition("x")
        if not (width.isdigit() and height.isdigit()):
            raise SettingsError(f"camera_size '{self.camera_size}' is not WIDTHxHEIGHT")
        return int(width), int(height)

    @classmethod
    def defaults(cls) -> Settings:
        return cls(db=default_db(), desk_id=default_desk_id())


def _coerce(name: str, kind: Any, value: Any, origin: str) -> Any:
    if kind in ("Path", Path):
        if not isinstance(value, str | Path) or not str(value):
            raise SettingsError(f"{origin}: '{name}' must be a path")
        return Path(value).expanduser()
    if not isinstance(value, str):
        raise SettingsError(f"{origin}: '{name}' must be text")
    return value


def _layer(base: Settings, values: Mapping[str, Any], origin: str) -> Settings:
    known = {f.name: f.type for f in fields(Settings)}
    changes = {}
    for key, value in values.items():
        if key not in known:
            raise SettingsError(f"{origin}: unknown setting '{key}' (known: {', '.join(known)})")
        changes[key] = _coerce(key, known[key], value, origin)
    return replace(base, **changes)


def load_settings(
    *,
    config_file: Path | None = None,
    environ: Mapping[str, str] = os.environ,
    flags: Mapping[str, Any] | None = None,
) -> Settings:
    settings = Settings.defaults()
    path = config_file or Path(environ.get(f"{ENV_PREFIX}CONFIG", "") or default_config_file())
    if path.exists():
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise SettingsError(f"{path}: not valid TOML: {error}") from None
        settings = _layer(settings, data, str(path))
    from_env = {
        f.name: environ[ENV_PREFIX + f.name.upper()]
        for f in fields(Settings)
        if environ.get(ENV_PREFIX + f.name.upper())
    }
    settings = _layer(settings, from_env, "environment")
    given = {k: v for k, v in (flags or {}).items() if v not in (None, "")}
    return _layer(settings, given, "command line")
