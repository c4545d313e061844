"""Parts of a frame and the closer looks the decoder takes at them.

A box is `(x0, y0, x1, y1)` in the frame's pixels, x1 and y1 excluded. A crop is a view of the
frame, never a copy. The looks (bench/scan.py measures each):
- `midrange`: each pixel against the middle of the darkest and lightest pixels around it (a
  window wider than a cheap webcam's blur); flat areas white. zxing-cpp's own binarizer judges
  8-pixel blocks, and a motion-blurred QR's edges fall below its contrast floor there; this
  reads most of the motion-blurred frames it misses, at ~1.5 ms a 1280x720 frame.
- `unsharp`: an unsharp mask, for a symbol seen and not read (a lens out of focus).
- `enlarged`: the same crop 1.5 times bigger, for a symbol of few pixels a module.
- `quieter`: the frame with a webcam's sensor noise averaged away, for the DataMatrix pass:
  zxing-cpp's DataMatrix detector spends ~20 ms on a noisy empty 1280x720 frame, 0.3 ms at
  half size, where a vial's label still has ~3 pixels a module.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

Box = tuple[int, int, int, int]

MIDRANGE_WINDOW = 23  # pixels of the half-size frame: ~46 of the frame
MIDRANGE_FLOOR = 40  # darkest to lightest below this: flat, no code there


def box_of(position: Any) -> Box:
    """The box around zxing-cpp's four corners of a symbol."""
    corners = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    xs = [point.x for point in corners]
    ys = [point.y for point in corners]
    return min(xs), min(ys), max(xs) + 1, max(ys) + 1


def grown(box: Box, shape: tuple[int, ...], by: float = 0.25, least: int = 8) -> Box:
    """The box with `by` of its larger side added on every side (`least` pixels at least),
    inside a frame of `shape` (rows, columns)."""
    x0, y0, x1, y1 = box
    margin = max(least, int(max(x1 - x0, y1 - y0) * by))
    height, width = shape[:2]
    x0, y0 = max(0, x0 - margin), max(0, y0 - margin)
    return x0, y0, min(width, x1 + margin), min(height, y1 + margin)


def inside(box: Box, outer: Box) -> bool:
    return outer[0] <= box[0] and outer[1] <= box[1] and box[2] <= outer[2] and box[3] <= outer[3]


def crop(gray: np.ndarray, box: Box) -> np.ndarray:
    x0, y0, x1, y1 = box
    return gray[y0:y1, x0:x1]


def moved(box: Box, by: tuple[int, int]) -> Box:
    """A box found in a crop, in the frame's pixels (`by`: the crop's top left corner)."""
    dx, dy = by
    return box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy


def shrunk(box: Box, scale: float) -> Box:
    """A box found in an enlarged crop, in the crop's pixels."""
    return tuple(int(v / scale) for v in box)  # type: ignore[return-value]


def unsharp(gray: np.ndarray, sigma: float = 2.0, amount: float = 2.0) -> np.ndarray:
    import cv2

    blurred = cv2.GaussianBlur(gray, (0, 0), sigma)
    return cv2.addWeighted(gray, 1 + amount, blurred, -amount, 0)


def enlarged(gray: np.ndarray, scale: float = 1.5) -> np.ndarray:
    import cv2

    return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)


HALVED_FROM = 960  # frames at least this wide are halved by `quieter`


def quieter(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """The frame averaged (at half size from HALVED_FROM pixels wide, else 3x3), and its
    scale."""
    import cv2

    height, width = gray.shape[:2]
    if width >= HALVED_FROM:
        return cv2.resize(gray, (width // 2, height // 2), interpolation=cv2.INTER_AREA), 0.5
    return cv2.blur(gray, (3, 3)), 1.0


@cache
def _window(size: int) -> Any:
    import cv2

    return cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))


def midrange(
    gray: np.ndarray, window: int = MIDRANGE_WINDOW, floor: int = MIDRANGE_FLOOR
) -> np.ndarray:
    """Black and white (0, 255): a pixel is white when lighter than the middle of the darkest
    and lightest pixels around it, and where those differ by less than `floor`."""
    return midrange_and_contrast(gray, window, floor)[0]


def midrange_and_contrast(
    gray: np.ndarray, window: int = MIDRANGE_WINDOW, floor: int = MIDRANGE_FLOOR
) -> tuple[np.ndarray, np.ndarray]:
    """`midrange`, and where the frame has contrast (255), at half size. The extremes are
    taken on the frame at half size: a quarter of the work, the same middle."""
    import cv2

    height, width = gray.shape[:2]
    small = cv2.resize(gray, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
    darkest = cv2.erode(small, _window(window))
    lightest = cv2.dilate(small, _window(window))
    middle = cv2.addWeighted(darkest, 0.5, lightest, 0.5, 0)
    contrast = cv2.compare(cv2.subtract(lightest, darkest), floor, cv2.CMP_GE)  # type: ignore[call-overload]
    middle = cv2.bitwise_and(middle, contrast)  # flat: 0, so every pixel there is lighter
    middle = cv2.resize(middle, (width, height), interpolation=cv2.INTER_LINEAR)
    return cv2.compare(gray, middle, cv2.CMP_GT), contrast
