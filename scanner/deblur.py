"""A card moved while the webcam's shutter was open: the motion is found in the frame and
undone, for the decoder's last look at a frame where nothing else read a code; where the
gradients say no direction, a lens out of focus is undone instead (`refocused`).

A straight motion blurs along one direction only: the image's gradients lose their energy
along it (the structure tensor's weaker axis gives the direction, its coherence how sure that
is), and the derivative along it is the difference of two copies of the sharp image the
motion's length apart (its autocorrelation is most negative at that lag: Yitzhaky & Kopeika).
With both, a Wiener filter undoes the blur. On the bench's strong motion class (11-17 px in
any direction) the estimates fall within a few degrees and the exact length, and ~9 in 10 of
the frames nothing else read are read after it, at ~5-15 ms a look (bench/scan.py); on the
strong Gaussian blur class, most of those the closer look at a symbol seen missed.

Only the textured part of the frame is looked at (where `midrange` found contrast), only if
it can be a code or a card and is blurred at all, and once a frame: an empty desk never pays
for it, a desk of sharp papers seldom.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from scanner.regions import Box

if TYPE_CHECKING:
    import numpy as np

LENGTHS = range(4, 32)  # pixels of motion looked for
COHERENT = 0.45  # gradients this one-sided: a motion (a sharp QR's are ~0.1-0.3)
NOISE_TO_SIGNAL = 0.01  # the Wiener filter's; lower rings, higher leaves blur
DEFOCUS = 2.5  # pixels: the Gaussian undone where the gradients say no direction
DEFOCUS_NOISE = 0.003
SMALLEST = 64  # pixels: a textured part smaller than this holds no readable code
LARGEST = 640  # pixels: a part bigger than this is no card held up, and costly to undo
SOLID = 0.6  # of its box a code's or a card's part fills at least
BLURRED = 0.75  # edges for contrast below this: blurred (`blurred`)


def textured(contrast: np.ndarray, scale: int) -> Box | None:
    """The box (in the frame's pixels) around the largest part of a contrast mask (255:
    contrast, at 1/`scale` of the frame) that can be a code or a card: at least SMALLEST and
    at most LARGEST pixels a side, at most twice as long as wide, mostly solid (a page of text
    seldom is); else None."""
    import cv2

    count, _, stats, _ = cv2.connectedComponentsWithStats(contrast, connectivity=8)
    if count <= 1:
        return None
    largest = 1 + int(stats[1:, cv2.CC_STAT_AREA].argmax())
    x, y, width, height, area = (int(v) for v in stats[largest])
    if area < SOLID * width * height:
        return None
    x, y, width, height = x * scale, y * scale, width * scale, height * scale
    if min(width, height) < SMALLEST or max(width, height) > min(LARGEST, 2 * min(width, height)):
        return None
    return x, y, x + width, y + height


def blurred(gray: np.ndarray) -> bool:
    """Whether the part is blurred at all: its edges (the mean Laplacian) are weak for its
    contrast (the deviation of its pixels). Print, a sharp code: 0.8-2.5; a cheap webcam's
    strong motion or defocus: 0.15-0.7."""
    import cv2
    import numpy as np

    image = gray.astype(np.float32)
    edges = float(np.abs(cv2.Laplacian(image, cv2.CV_32F, ksize=3)).mean())
    return edges < BLURRED * (float(image.std()) + 1e-6)


def motion(gray: np.ndarray) -> tuple[float, int] | None:
    """The blur's direction (degrees, as `kernel` takes it) and length (pixels), None when
    the gradients say no single direction."""
    import cv2
    import numpy as np

    image = gray.astype(np.float32)
    dx = cv2.Sobel(image, cv2.CV_32F, 1, 0, ksize=3)
    dy = cv2.Sobel(image, cv2.CV_32F, 0, 1, ksize=3)
    xx, yy, xy = float((dx * dx).sum()), float((dy * dy).sum()), float((dx * dy).sum())
    if xx + yy <= 0 or math.hypot(xx - yy, 2 * xy) / (xx + yy) < COHERENT:
        return None
    strongest = math.degrees(0.5 * math.atan2(2 * xy, xx - yy))  # the gradients' own axis
    angle = (90 - strongest) % 180  # the motion, across it, turned as `kernel` turns
    height, width = image.shape
    level = cv2.getRotationMatrix2D((width / 2, height / 2), -angle, 1)  # the motion, level
    turned = cv2.warpAffine(image, level, (width, height))
    inner = turned[height // 4 : height - height // 4, width // 4 : width - width // 4]
    along = np.diff(inner, axis=1)
    along -= along.mean()
    usable = [n for n in LENGTHS if n < along.shape[1] // 2]
    if not usable:
        return None
    scores = [float((along[:, :-n] * along[:, n:]).mean()) for n in usable]
    return angle, usable[int(np.argmin(scores))]


def kernel(length: int, angle: float) -> np.ndarray:
    """A straight motion of `length` pixels, turned `angle` degrees, summing to 1."""
    import cv2
    import numpy as np

    line = np.zeros((length, length), dtype=np.float32)
    line[length // 2, :] = 1
    centre = (length / 2 - 0.5, length / 2 - 0.5)
    turned = cv2.warpAffine(line, cv2.getRotationMatrix2D(centre, angle, 1), (length, length))
    return turned / max(float(turned.sum()), 1e-6)


def defocus_kernel(sigma: float = 2.5) -> np.ndarray:
    """A lens out of focus, as a Gaussian of `sigma` pixels, summing to 1."""
    import cv2

    size = int(6 * sigma) | 1
    column = cv2.getGaussianKernel(size, sigma)
    return (column @ column.T).astype("float32")


def deblurred(gray: np.ndarray, angle: float, length: int) -> np.ndarray:
    """The image with that motion undone."""
    return wiener(gray, kernel(length, angle), NOISE_TO_SIGNAL)


def refocused(gray: np.ndarray) -> np.ndarray:
    """The image with a cheap webcam's defocus (a Gaussian of 2.5 px) undone."""
    return wiener(gray, defocus_kernel(DEFOCUS), DEFOCUS_NOISE)


def wiener(gray: np.ndarray, blur: np.ndarray, noise_to_signal: float) -> np.ndarray:
    """The image with the blur `blur` undone by a Wiener filter."""
    import numpy as np

    height, width = gray.shape
    size = blur.shape[0]
    spread = np.zeros((height, width), dtype=np.float32)
    spread[:size, :size] = blur
    spread = np.roll(spread, (-(size // 2), -(size // 2)), axis=(0, 1))
    image = np.fft.rfft2(gray.astype(np.float32))
    response = np.fft.rfft2(spread)
    sharp = image * np.conj(response) / (np.abs(response) ** 2 + noise_to_signal)
    return np.clip(np.fft.irfft2(sharp, s=(height, width)), 0, 255).astype(np.uint8)
