"""Generated codes and webcam-like frames: for the demo, the tests and the benchmark.

Distortion classes follow what the desks' webcams see: rotation, perspective, blur, motion,
low light, noise, JPEG, glare, a phone screen (light on dark), a small code far away. Vial
labels are GS1 DataMatrix codes (GTIN, expiry, lot, serial), drawn by zxing-cpp's writer.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from domain.dates import PartialDate
from domain.identity import Identity, IdType, Sex
from domain.tables import cccd_province_codes

if TYPE_CHECKING:
    import numpy as np

DISTORTIONS = (
    "clean",
    "rotation",
    "perspective",
    "blur",
    "motion",
    "low-light",
    "noise",
    "jpeg",
    "glare",
    "inverted",
    "small",
)
# Harder than the desks' tests demand, as a cheap webcam gives them (bench/scan.py): a card
# moved during the exposure (11-17 px, any direction), a lens out of focus (sigma 2-3 px).
HARD_DISTORTIONS = ("motion-strong", "blur-strong")


def cccd_payload(person: Identity, issued: str = "01022021") -> str:
    """The chip card's QR text: `ID12|CMND9|Full name|DDMMYYYY|Nam/Nữ|Address|DDMMYYYY`."""
    born = person.dob.to_date().strftime("%d%m%Y")
    return "|".join(
        [person.id_number, person.old_id, person.full_name, born, person.sex.value,
         person.address, issued]
    )  # fmt: skip


def qr_modules(text: str | bytes) -> np.ndarray:
    """The QR's modules (1 = dark) with its 4-module quiet zone, UTF-8 without ECI as CCCDs."""
    import numpy as np
    import segno

    data = text if isinstance(text, bytes) else text.encode("utf-8")
    qr = segno.make_qr(data, error="m")
    matrix = np.array([list(row) for row in qr.matrix], dtype=np.uint8)
    return np.pad(matrix, 4)


def code128_modules(text: str) -> np.ndarray:
    """A Code 128 barcode as one row of modules (1 = bar), with quiet zones."""
    import barcode
    import numpy as np

    row = barcode.get("code128", text).build()[0]
    return np.pad(np.array([int(c) for c in row], dtype=np.uint8)[None, :], ((0, 0), (10, 10)))


def render(modules: np.ndarray, module_px: int, bar_height: int = 0) -> np.ndarray:
    """Dark modules black on white, each module_px pixels (a 1-row barcode gets a height)."""
    import numpy as np

    image = np.where(modules == 1, 0, 255).astype(np.uint8)
    if modules.shape[0] == 1:
        image = np.repeat(image, max(bar_height, 1), axis=0)
        return np.repeat(image, module_px, axis=1)
    return np.kron(image, np.ones((module_px, module_px), dtype=np.uint8))


def frame_with(
    code: np.ndarray,
    size: tuple[int, int] = (1280, 720),
    rng: random.Random | None = None,
    code_width: int | None = None,
) -> np.ndarray:
    """The code on a card, somewhere in a grey webcam-like scene (grayscale)."""
    import cv2
    import numpy as np

    rng = rng or random.Random(0)
    width, height = size
    scene: np.ndarray = np.full((height, width), rng.randint(90, 150), dtype=np.uint8)
    scene = cv2.add(scene, np.linspace(0, 40, width, dtype=np.uint8)[None, :].repeat(height, 0))
    target = code_width or int(min(width, height) * rng.uniform(0.35, 0.55))
    scale = target / code.shape[1]
    resized = cv2.resize(code, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = resized.shape
    h, w = min(h, height - 4), min(w, width - 4)
    y = rng.randint(0, height - h)
    x = rng.randint(0, width - w)
    scene[y : y + h, x : x + w] = resized[:h, :w]
    return scene


def distort(frame: np.ndarray, kind: str, rng: random.Random) -> np.ndarray:
    import cv2
    import numpy as np

    height, width = frame.shape
    center = (width / 2, height / 2)

    def rotation() -> np.ndarray:
        matrix = cv2.getRotationMatrix2D(center, rng.uniform(-30, 30), 0.8)  # keep it in view
        return cv2.warpAffine(frame, matrix, (width, height), borderValue=128)

    def perspective() -> np.ndarray:
        d = min(width, height) * 0.12
        src = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
        jitter = [rng.uniform(0, d) for _ in range(8)]
        corners = [
            [jitter[0], jitter[1]],
            [width - jitter[2], jitter[3]],
            [width - jitter[4], height - jitter[5]],
            [jitter[6], height - jitter[7]],
        ]
        dst = np.array(corners, dtype=np.float32)
        matrix = cv2.getPerspectiveTransform(src, dst)
        return cv2.warpPerspective(frame, matrix, (width, height), borderValue=128)

    def motion() -> np.ndarray:
        length = rng.randint(5, 9)
        kernel = np.zeros((length, length), dtype=np.float32)
        kernel[length // 2, :] = 1 / length
        return cv2.filter2D(frame, -1, kernel)

    def motion_strong() -> np.ndarray:
        length = rng.randint(11, 17)
        kernel = np.zeros((length, length), dtype=np.float32)
        kernel[length // 2, :] = 1 / length
        turn = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), rng.uniform(0, 180), 1)
        turned = cv2.warpAffine(kernel, turn, (length, length))
        return cv2.filter2D(frame, -1, turned / turned.sum())

    def noise() -> np.ndarray:
        grain = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 18, frame.shape)
        return np.clip(frame + grain, 0, 255).astype(np.uint8)

    def low_light() -> np.ndarray:
        dark = (frame.astype(np.float32) * 0.3 + 10).astype(np.uint8)
        grain = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 5, frame.shape)
        return np.clip(dark + grain, 0, 255).astype(np.uint8)

    def jpeg() -> np.ndarray:
        _, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 25])
        return np.asarray(cv2.imdecode(data, cv2.IMREAD_GRAYSCALE))

    def glare() -> np.ndarray:
        light = np.zeros_like(frame)
        cv2.circle(light, (rng.randint(0, width), rng.randint(0, height)),
                   int(min(width, height) * 0.25), 120, -1)  # fmt: skip
        return cv2.add(frame, cv2.GaussianBlur(light, (0, 0), 40))

    def inverted() -> np.ndarray:
        return (255 - frame).astype(np.uint8)

    kinds: dict[str, Callable[[], np.ndarray]] = {
        "clean": lambda: frame,
        "rotation": rotation,
        "perspective": perspective,
        "blur": lambda: cv2.GaussianBlur(frame, (0, 0), 1.5),
        "motion": motion,
        "low-light": low_light,
        "noise": noise,
        "jpeg": jpeg,
        "glare": glare,
        "inverted": inverted,
        "small": lambda: frame,
        "motion-strong": motion_strong,
        "blur-strong": lambda: cv2.GaussianBlur(frame, (0, 0), rng.uniform(2.0, 3.0)),
    }
    return kinds[kind]()


def scene(
    payload: str | bytes, kind: str, rng: random.Random, size: tuple[int, int] = (1280, 720)
) -> np.ndarray:
    """One frame of a distortion class holding a QR of the payload."""
    code = render(qr_modules(payload), 4)
    width = 150 if kind == "small" else None
    return distort(frame_with(code, size, rng, code_width=width), kind, rng)


GS = "\x1d"  # GS1's separator after a field of variable length


def gtin_check_digit(body: str) -> str:
    """The GS1 check digit of a GTIN's first 13 digits (weights 3, 1 from the right)."""
    total = sum(int(d) * (3 if n % 2 == 0 else 1) for n, d in enumerate(reversed(body)))
    return str(-total % 10)


@dataclass(frozen=True)
class VialLabel:
    """What a vaccine vial's GS1 DataMatrix holds: (01) GTIN, (17) expiry, (10) lot, (21)
    serial, in the order the pharmaceutical labels use."""

    gtin: str  # 14 digits
    expiry: date
    lot: str
    serial: str = ""

    def hri(self) -> str:
        """As printed under the code: `(01)…(17)YYMMDD(10)LOT(21)SERIAL`."""
        serial = f"(21){self.serial}" if self.serial else ""
        return f"(01){self.gtin}(17){self.expiry:%y%m%d}(10){self.lot}{serial}"

    def element_string(self) -> bytes:
        """The code's bytes as a decoder gives them: no parentheses, GS after the lot when
        a field follows it."""
        serial = f"{GS}21{self.serial}" if self.serial else ""
        return f"01{self.gtin}17{self.expiry:%y%m%d}10{self.lot}{serial}".encode("ascii")


def vial_labels(seed: int = 1, today: date = date(2026, 11, 23)) -> Iterator[VialLabel]:
    """An endless stream of vial labels: Viet Nam's GS1 prefix (893), lots of letters and
    digits, expiry within two years."""
    rng = random.Random(seed)
    while True:
        body = f"0893{rng.randint(0, 10**9 - 1):09d}"
        lot = rng.choice(["AB", "NX", "FK", "EW", "LT"]) + str(rng.randint(1000, 99999))
        expiry = today + timedelta(days=rng.randint(30, 730))
        yield VialLabel(body + gtin_check_digit(body), expiry, lot, f"{rng.randint(1, 10**8)}")


def datamatrix_modules(label: VialLabel) -> np.ndarray:
    """The label's GS1 DataMatrix modules (1 = dark) with a quiet zone of 2 modules."""
    import numpy as np
    import zxingcpp

    barcode = zxingcpp.create_barcode(label.hri(), zxingcpp.BarcodeFormat.DataMatrix, gs1=True)
    image = np.asarray(barcode.to_image(scale=1, add_quiet_zones=False))
    return np.pad((image < 128).astype(np.uint8), 2)


def vial_scene(
    label: VialLabel, kind: str, rng: random.Random, size: tuple[int, int] = (1280, 720),
    code_width: int | None = None,
) -> np.ndarray:  # fmt: skip
    """One frame of a distortion class holding a vial's label, held close: about a sixth of
    the frame's height wide, unless `code_width` says."""
    code = render(datamatrix_modules(label), 6)
    width = code_width or int(size[1] * rng.uniform(0.15, 0.22))
    return distort(frame_with(code, size, rng, code_width=width), kind, rng)


def empty_frame(rng: random.Random, size: tuple[int, int] = (1280, 720)) -> np.ndarray:
    import numpy as np

    width, height = size
    base = np.full((height, width), rng.randint(60, 160), dtype=np.uint8)
    grain = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 6, base.shape)
    return np.clip(base + grain, 0, 255).astype(np.uint8)


def cluttered_frame(rng: random.Random, size: tuple[int, int] = (1280, 720)) -> np.ndarray:
    """A desk with no code on it: papers, printed lines, a pen, edges, a hand's shadow; the
    textured frames a desk's camera sees most, where the decoder's last looks are tried."""
    import cv2
    import numpy as np

    frame = empty_frame(rng, size)
    width, height = size
    for _ in range(rng.randint(2, 5)):  # sheets of paper, some with printed lines
        x, y = rng.randint(0, width - 100), rng.randint(0, height - 100)
        w, h = rng.randint(80, width // 2), rng.randint(60, height // 2)
        cv2.rectangle(frame, (x, y), (x + w, y + h), rng.randint(170, 240), -1)
        for line in range(y + 12, y + h - 8, rng.randint(14, 26)):
            words = "".join(rng.choice("abcdefghiklmnopqrstuvxy  ") for _ in range(w // 9))
            cv2.putText(frame, words, (x + 6, line), cv2.FONT_HERSHEY_SIMPLEX, 0.4,
                        rng.randint(20, 80), 1, cv2.LINE_AA)  # fmt: skip
    for _ in range(rng.randint(1, 4)):  # pens, cables, the desk's edge
        start = (rng.randint(0, width), rng.randint(0, height))
        end = (rng.randint(0, width), rng.randint(0, height))
        cv2.line(frame, start, end, rng.randint(0, 60), rng.randint(2, 9), cv2.LINE_AA)
    shadow = np.zeros_like(frame)
    cv2.ellipse(shadow, (rng.randint(0, width), rng.randint(0, height)),
                (rng.randint(60, 200), rng.randint(40, 120)), rng.uniform(0, 180), 0, 360, 60, -1)
    return cv2.subtract(frame, cv2.GaussianBlur(shadow, (0, 0), 25))  # fmt: skip


FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Công"]
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hồng", "Mỹ"]
GIVEN_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Phúc",
    "Quang",
    "Sơn",
    "Tuấn",
    "Việt",
]
GIVEN_FEMALE = [
    "Anh",
    "Chi",
    "Dung",
    "Hà",
    "Hạnh",
    "Hoa",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Nhung",
    "Phương",
    "Thảo",
    "Trang",
    "Yến",
]


def people(seed: int = 1, today: date = date(2026, 11, 23)) -> Iterator[Identity]:
    """An endless stream of distinct adults with valid CCCD numbers."""
    rng = random.Random(seed)
    provinces = sorted(cccd_province_codes())
    serial = 0
    while True:
        serial += 1
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        born = today - timedelta(days=rng.randint(18 * 365, 85 * 365))
        century = 0 if born.year < 2000 else 2
        digit = century + (sex is Sex.FEMALE)
        number = f"{rng.choice(provinces)}{digit}{born.year % 100:02d}{serial:06d}"
        female = sex is Sex.FEMALE
        name = " ".join(
            [
                rng.choice(FAMILY),
                rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE),
                rng.choice(GIVEN_FEMALE if female else GIVEN_MALE),
            ]
        )
        yield Identity(
            IdType.CCCD,
            number,
            name,
            PartialDate.of(born),
            sex,
            phone=f"09{rng.randint(10_000_000, 99_999_999)}",
            address=f"Số {rng.randint(1, 200)}, ấp {rng.randint(1, 9)}",
        )
