"""The camera's pacing from the desk's settings: `[desk] camera_linear_every` (0: no 1D codes
from the camera, where a wedge scanner reads them) reaches the scan loop the desk runs."""

from __future__ import annotations

from pathlib import Path

from scanner.pacing import Rates
from scanner.sources import CameraSetup
from tui.app import make_app
from vaxdesk.settings import load_settings


def test_the_setting_from_the_file_and_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[desk]\ncamera_linear_every = 0\n", encoding="utf-8")
    assert load_settings(config_file=config, environ={}).desk.camera_linear_every == 0
    env = {"VAXDESK_CAMERA_LINEAR_EVERY": "5"}
    assert load_settings(config_file=config, environ=env).desk.camera_linear_every == 5
    assert load_settings(config_file=tmp_path / "none.toml", environ={}).desk.camera_linear_every \
        == Rates.linear_every == 10  # fmt: skip


def test_the_desk_hands_the_rates_to_its_camera(tmp_path: Path) -> None:
    app = make_app(tmp_path / "desk.db", decoder="zxing", linear_every=0)
    assert app.decoder == CameraSetup("zxing", Rates(linear_every=0))
    assert CameraSetup.of("zbar") == CameraSetup("zbar", Rates())  # a name alone: the defaults
