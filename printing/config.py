"""Which printer a desk prints slips on, as the settings say it: none, the system's (CUPS, a
queue or its default), or an ESC/POS receipt printer on USB, a device file or the network."""

from __future__ import annotations

import re
from dataclasses import dataclass

from i18n import _

KINDS = ("none", "cups", "escpos")
PAPERS = ("a6", "80mm", "58mm")
PRINT_SLIP = ("key", "auto")  # [desk] print_slip: on Ctrl+P only, or after every save too

_USB = re.compile(r"(?:usb:)?([0-9a-fA-F]{4}):([0-9a-fA-F]{4})")
_NETWORK = re.compile(r"(?:tcp:)?([A-Za-z0-9.\-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})")


@dataclass(frozen=True)
class PrinterConfig:
    kind: str = "none"
    cups_queue: str = ""  # empty: the system's default printer
    escpos: str = ""  # usb:04b8:0202 (vendor:product), /dev/usb/lp0, or host:9100
    paper: str = "a6"
    timeout: float = 20.0  # seconds, for lp or the printer to take the slip


@dataclass(frozen=True)
class UsbTarget:
    vendor: int
    product: int


@dataclass(frozen=True)
class DeviceTarget:
    path: str


@dataclass(frozen=True)
class NetworkTarget:
    host: str
    port: int


EscposTarget = UsbTarget | DeviceTarget | NetworkTarget


def escpos_target(text: str) -> EscposTarget | None:
    """The receipt printer a setting names; None when it names none that can be reached."""
    text = text.strip()
    if usb := _USB.fullmatch(text):
        return UsbTarget(int(usb.group(1), 16), int(usb.group(2), 16))
    if text.startswith("/"):
        return DeviceTarget(text)
    if (network := _NETWORK.fullmatch(text)) and 0 < int(network.group(2)) < 65536:
        return NetworkTarget(network.group(1).strip("[]"), int(network.group(2)))
    return None


def setting_problem(section: str, key: str, value: object) -> str | None:
    """What is wrong with a printing setting's value (words to show), None when it is fine."""
    choices = {("printer", "kind"): KINDS, ("printer", "paper"): PAPERS,
               ("desk", "print_slip"): PRINT_SLIP}.get((section, key))  # fmt: skip
    if choices is not None and value not in choices:
        return _("'{value}' is not one of {choices}").format(
            value=value, choices=", ".join(choices)
        )
    if (section, key) == ("printer", "escpos") and value and escpos_target(str(value)) is None:
        return _(
            "'{value}' is not a printer: give usb:VVVV:PPPP, /dev/usb/lp0 or host:port"
        ).format(value=value)
    if (section, key) == ("printer", "timeout") and isinstance(value, float) and value <= 0:
        return _("give a number of seconds above 0")
    return None
