"""Technicians' commands: `vaxdesk decode` (image files), `vaxdesk camera-check`. Output for an
SSH window."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from i18n import N_, _, format_number
from vaxdesk.cli.common import camera_option, decoder_option
from vaxdesk.cli.translated import NUMBER, argument, command, option
from vaxdesk.cli.translated import Path as PathType


@command(
    help=N_(
        "Decode image files (by content, whatever the extension) as the desk would. Exit "
        "status 1 when any file held no readable code."
    )
)
@argument("files", nargs=-1, required=True, metavar=N_("FILES..."), type=PathType(path_type=Path))
@option("--json", "as_json", is_flag=True, help=N_("One JSON object a line."))
@decoder_option(default="zxing")
def decode(files: tuple[Path, ...], as_json: bool, decoder: str) -> None:
    if not decode_files(list(files), as_json=as_json, decoder=decoder):
        sys.exit(1)


@command(
    "camera-check",
    help=N_("List cameras; show frames and decodes per second live; optionally save a frame."),
)
@camera_option(default="auto")
@option("--seconds", type=NUMBER, default=10, show_default=True, help=N_("How long to watch."))
@option(
    "--save", type=PathType(path_type=Path, dir_okay=False), help=N_("Save one frame here (PNG).")
)
@decoder_option(default="zxing")
def camera_check(camera: str, seconds: float, save: Path | None, decoder: str) -> None:
    if not check_camera(camera, seconds=seconds, save=save, decoder=decoder):
        sys.exit(1)


def _plain(value: Any) -> Any:
    from dataclasses import asdict, is_dataclass
    from datetime import date

    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def scan_fields(scan: Any) -> dict[str, Any]:
    """The parsed fields of a scan, as JSON-ready values."""
    from domain.scans import CertificateScan, IdentityScan

    fields = _plain(scan)
    fields.pop("kind", None)
    if isinstance(scan, IdentityScan):
        fields = {**fields.pop("identity"), **fields}
        fields["dob"] = scan.identity.dob.iso()
        fields["id_type"] = scan.identity.id_type.value
        fields["sex"] = scan.identity.sex.value
    elif isinstance(scan, CertificateScan):
        fields["dob"] = scan.dob.iso() if scan.dob is not None else ""
        fields["full_name"] = scan.full_name
    return fields


def decode_files(files: list[Path], *, as_json: bool, decoder: str) -> bool:
    """One line a file; False when any file held no readable code."""
    import json
    from datetime import date

    from domain.messages import render
    from domain.scans import Rejected
    from scanner.decode import make_decoder
    from scanner.loop import parse_code
    from scanner.sources import read_image

    try:
        reader = make_decoder(decoder)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    all_read = True
    for path in files:
        result: dict[str, Any] = {"file": str(path)}
        image = read_image(path) if path.is_file() else None
        codes = reader.decode(image) if image is not None else []
        if image is None:
            result.update(kind="error", error=NOT_AN_IMAGE)
        elif not codes:
            result.update(kind="none", error=NO_CODE)
        else:
            scan = parse_code(codes[0], today=date.today())
            result.update(kind=scan.kind, format=codes[0].format, fields=scan_fields(scan))
            if isinstance(scan, Rejected):
                result["error"] = render(scan.code, {"detail": scan.detail})
        if result["kind"] in ("error", "none"):
            all_read = False
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False))
        else:
            click.echo(f"{path}: {_summary(result)}")
    return all_read


# The JSON lines keep these in English (a machine reads them); the summary translates them.
NOT_AN_IMAGE, NO_CODE = N_("not an image file"), N_("no readable code")
ID_NUMBER = {
    "cccd": N_("CCCD number {id}"),
    "cmnd": N_("CMND number {id}"),
    "passport": N_("passport number {id}"),
}


def _shown_date(text: str) -> str:
    """An ISO date as people read it (dd/mm/yyyy); a partial one (a year alone) as it is."""
    from datetime import date

    from i18n import format_date

    try:
        return format_date(date.fromisoformat(text))
    except ValueError:
        return text


def _summary(result: dict[str, Any]) -> str:
    from domain.text import mask

    kind = result["kind"]
    fields = result.get("fields", {})
    if kind == "cccd":
        return _("CCCD {id} {name}, born {dob}, {sex}").format(
            id=mask(fields["id_number"]), name=fields["full_name"],
            dob=_shown_date(fields["dob"]), sex=fields["sex"],
        )  # fmt: skip
    if kind == "id-number":
        template = ID_NUMBER.get(fields["id_type"], N_("ID number {id}"))
        return _(template).format(id=mask(fields["id_number"]))
    if kind == "certificate":
        doses = ", ".join(
            _("dose {number} {vaccine} {date}").format(
                number=d["dose_number"],
                vaccine=d["vaccine"] or d["product"],
                date=_shown_date(d["given_on"]),
            )
            for d in fields["doses"]
        )
        return _("certificate {country}: {name}, {doses}").format(
            country=fields["issuer_country"], name=fields["full_name"], doses=doses
        )
    if kind in ("error", "none"):
        return _(result["error"])
    return _("{kind}: {error}").format(kind=kind, error=result.get("error", ""))


def check_camera(spec: str, *, seconds: float, save: Path | None, decoder: str) -> bool:
    import threading
    import time

    from scanner.decode import make_decoder
    from scanner.sources import CameraError, open_source, video_devices

    devices = video_devices()
    if devices:
        click.echo(_("cameras: {devices}").format(devices=", ".join(devices)))
    else:
        click.echo(_("cameras: none found (/dev/video*)"))
    try:
        source = open_source(spec, demo=True)  # it shows frames, it saves no one
        reader = make_decoder(decoder)
    except (CameraError, RuntimeError) as error:
        click.echo(_("error: {reason}").format(reason=error), err=True)
        return False
    if source is None:
        click.echo(_("camera: none (typing and USB scanners only)"))
        return True
    click.echo(
        _("watching {camera} for {seconds} s (Ctrl+C stops)").format(
            camera=source.name, seconds=format_number(seconds)
        )
    )
    stop = threading.Event()
    frames = codes = 0
    start = window = time.monotonic()
    try:
        for frame in source.frames(stop):
            if save is not None and frames == 0:
                import cv2

                cv2.imwrite(str(save), frame)
                click.echo(
                    _("saved a frame to {path} ({width}x{height})").format(
                        path=save, width=frame.shape[1], height=frame.shape[0]
                    )
                )
            frames += 1
            codes += bool(reader.decode(frame))
            now = time.monotonic()
            if now - window >= 1 or now - start >= seconds:
                span = now - start
                line = _("{frame_rate} frames/s  {decode_rate} decodes/s  {frames} frames")
                sys.stdout.write(
                    "\r"
                    + line.format(
                        frame_rate=f"{frames / span:5.1f}",
                        decode_rate=f"{codes / span:5.1f}",
                        frames=format_number(frames),
                    )
                )
                sys.stdout.flush()
                window = now
            if now - start >= seconds:
                break
    except CameraError as error:
        click.echo("\n" + _("error: {reason}").format(reason=error), err=True)
        return False
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
    click.echo()
    return frames > 0
