"""Technicians' commands: `vaxdesk decode` (image files), `vaxdesk camera-check`. Output for an
SSH window."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from vaxdesk.cli.common import camera_option, decoder_option


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
@decoder_option(default="zxing")
def decode(files: tuple[Path, ...], as_json: bool, decoder: str) -> None:
    """Decode image files (by content, whatever the extension) as the desk would.

    Exit status 1 when any file held no readable code.
    """
    if not decode_files(list(files), as_json=as_json, decoder=decoder):
        sys.exit(1)


@click.command("camera-check")
@camera_option(default="auto")
@click.option("--seconds", type=float, default=10, show_default=True, help="How long to watch.")
@click.option(
    "--save", type=click.Path(path_type=Path, dir_okay=False), help="Save one frame here (PNG)."
)
@decoder_option(default="zxing")
def camera_check(camera: str, seconds: float, save: Path | None, decoder: str) -> None:
    """List cameras; show frames and decodes per second live; optionally save a frame."""
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
            result.update(kind="error", error="not an image file")
        elif not codes:
            result.update(kind="none", error="no readable code")
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


def _summary(result: dict[str, Any]) -> str:
    from domain.text import mask

    kind = result["kind"]
    fields = result.get("fields", {})
    if kind == "cccd":
        return (
            f"CCCD {mask(fields['id_number'])} {fields['full_name']}, born {fields['dob']}, "
            f"{fields['sex']}"
        )
    if kind == "id-number":
        return f"{fields['id_type'].upper()} number {mask(fields['id_number'])}"
    if kind == "certificate":
        doses = ", ".join(
            f"dose {d['dose_number']} {d['vaccine'] or d['product']} {d['given_on']}"
            for d in fields["doses"]
        )
        return f"certificate {fields['issuer_country']}: {fields['full_name']}, {doses}"
    return f"{kind}: {result.get('error', '')}"


def check_camera(spec: str, *, seconds: float, save: Path | None, decoder: str) -> bool:
    import threading
    import time

    from scanner.decode import make_decoder
    from scanner.sources import CameraError, open_source, video_devices

    devices = video_devices()
    click.echo(f"cameras: {', '.join(devices) if devices else 'none found (/dev/video*)'}")
    try:
        source = open_source(spec)
        reader = make_decoder(decoder)
    except (CameraError, RuntimeError) as error:
        click.echo(f"error: {error}", err=True)
        return False
    if source is None:
        click.echo("camera: none (typing and USB scanners only)")
        return True
    click.echo(f"watching {source.name} for {seconds:g} s (Ctrl+C stops)")
    stop = threading.Event()
    frames = codes = 0
    start = window = time.monotonic()
    try:
        for frame in source.frames(stop):
            if save is not None and frames == 0:
                import cv2

                cv2.imwrite(str(save), frame)
                click.echo(f"saved a frame to {save} ({frame.shape[1]}x{frame.shape[0]})")
            frames += 1
            codes += bool(reader.decode(frame))
            now = time.monotonic()
            if now - window >= 1 or now - start >= seconds:
                span = now - start
                sys.stdout.write(
                    f"\r{frames / span:5.1f} frames/s  {codes / span:5.1f} decodes/s  "
                    f"{frames} frames"
                )
                sys.stdout.flush()
                window = now
            if now - start >= seconds:
                break
    except CameraError as error:
        click.echo(f"\nerror: {error}", err=True)
        return False
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
    click.echo()
    return frames > 0
