"""Generated logo test scenes: drawn school badges pasted into real photographs.

The photographs are scikit-image's bundled samples (astronaut, coffee, chelsea, rocket, ...),
which ship inside its wheel and load offline. The badges are drawn here with OpenCV: the school's
crest, and a *different* crest in the same colours (the negative case). `scene()` pastes a badge
at a given share of the photo's width, rotated, in perspective, partly covered, optionally in
greyscale, and JPEG-compressed at a given quality. Used by tests/test_logo.py and
bench/bench_logo.py; deterministic for a given seed.
"""

from __future__ import annotations

import random
from functools import cache

import cv2
import numpy as np

NAVY = (110, 40, 20)  # BGR
GOLD = (40, 180, 230)
WHITE = (255, 255, 255)
RED = (40, 40, 190)
PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field",
          "immunohistochemistry", "motorcycle", "retina")  # fmt: skip


def _shield(w: int, h: int) -> np.ndarray:
    return np.array(
        [[20, 20], [w - 20, 20], [w - 20, int(h * 0.55)], [w // 2, h - 20], [20, int(h * 0.55)]],
        np.int32,
    )


def millbrook_badge() -> tuple[np.ndarray, np.ndarray]:
    """The school's crest (BGR image, mask of the crest): shield, chevron, book, text."""
    w, h = 400, 480
    img = np.full((h, w, 3), 255, np.uint8)
    shield = _shield(w, h)
    cv2.fillPoly(img, [shield], NAVY)
    cv2.polylines(img, [shield], True, GOLD, 10)
    cv2.fillPoly(img, [np.array([[40, 250], [200, 150], [360, 250], [360, 290], [200, 190],
                                 [40, 290]], np.int32)], GOLD)  # fmt: skip
    # An open book above the chevron, with ruled lines.
    cv2.rectangle(img, (120, 60), (195, 130), WHITE, -1)
    cv2.rectangle(img, (205, 60), (280, 130), WHITE, -1)
    for y in range(72, 128, 12):
        cv2.line(img, (128, y), (188, y), NAVY, 2)
        cv2.line(img, (212, y), (272, y), NAVY, 2)
    # Three wavy lines for the brook, and three stars.
    for k in range(3):
        pts = np.array([[60 + x, 330 + k * 22 + int(8 * np.sin(x / 18))] for x in range(0, 280, 6)],
                       np.int32)  # fmt: skip
        cv2.polylines(img, [pts], False, WHITE, 4)
    for cx in (90, 200, 310):
        _star(img, (cx, 215 if cx == 200 else 300), 16, WHITE)
    cv2.putText(img, "MILLBROOK", (88, 45), cv2.FONT_HERSHEY_DUPLEX, 1.05, GOLD, 2, cv2.LINE_AA)
    cv2.putText(img, "1874", (170, 425), cv2.FONT_HERSHEY_SIMPLEX, 0.9, GOLD, 2, cv2.LINE_AA)
    mask = np.zeros((h, w), np.uint8)
    cv2.fillPoly(mask, [shield], 255)
    cv2.polylines(mask, [shield], True, 255, 10)
    return img, mask


def other_badge() -> tuple[np.ndarray, np.ndarray]:
    """A different crest in the same colours and shield shape: must not match."""
    w, h = 400, 480
    img = np.full((h, w, 3), 255, np.uint8)
    shield = _shield(w, h)
    cv2.fillPoly(img, [shield], NAVY)
    cv2.polylines(img, [shield], True, GOLD, 10)
    for x in range(-200, 400, 70):  # diagonal bends
        cv2.line(img, (x, 60), (x + 300, 400), GOLD, 14)
    cv2.rectangle(img, (160, 120), (240, 300), WHITE, -1)  # a tower with battlements
    for x in range(160, 240, 27):
        cv2.rectangle(img, (x, 95), (x + 15, 120), WHITE, -1)
    cv2.rectangle(img, (188, 240), (212, 300), NAVY, -1)
    cv2.circle(img, (200, 170), 14, NAVY, -1)
    cv2.putText(img, "ASHFIELD", (100, 45), cv2.FONT_HERSHEY_DUPLEX, 1.05, GOLD, 2, cv2.LINE_AA)
    cv2.putText(img, "1921", (170, 425), cv2.FONT_HERSHEY_SIMPLEX, 0.9, GOLD, 2, cv2.LINE_AA)
    mask = np.zeros((h, w), np.uint8)
    cv2.fillPoly(mask, [shield], 255)
    cv2.polylines(mask, [shield], True, 255, 10)
    return img, mask


def _star(img: np.ndarray, c: tuple[int, int], r: int, colour: tuple[int, int, int]) -> None:
    pts = []
    for i in range(10):
        a = np.pi / 2 + i * np.pi / 5
        rr = r if i % 2 == 0 else r * 0.45
        pts.append([c[0] + rr * np.cos(a), c[1] - rr * np.sin(a)])
    cv2.fillPoly(img, [np.array(pts, np.int32)], colour)


@cache
def photo(name: str, width: int = 1600) -> np.ndarray:
    """A real sample photograph from scikit-image (bundled, offline), BGR, `width` wide."""
    import skimage.data as data

    rgb = data.stereo_motorcycle()[0] if name == "motorcycle" else getattr(data, name)()
    if rgb.ndim == 2:
        rgb = np.stack([rgb] * 3, axis=-1)
    bgr = cv2.cvtColor(rgb[..., :3].astype(np.uint8), cv2.COLOR_RGB2BGR)
    h, w = bgr.shape[:2]
    return cv2.resize(bgr, (width, round(h * width / w)), interpolation=cv2.INTER_CUBIC)


def scene(
    badge: tuple[np.ndarray, np.ndarray],
    photo_name: str,
    share: float,
    seed: int,
    *,
    rotate: float | None = None,
    quality: int | None = None,
    grey: bool | None = None,
    cover: float | None = None,
) -> np.ndarray:
    """The badge pasted into the photo at `share` of its width, then JPEG-encoded and decoded.

    Unset knobs are drawn from the seed: rotation within +-15 degrees, a perspective tilt,
    a covered corner of up to `cover` (default up to 20 %) of the badge, greyscale one time in
    three, JPEG quality 40-90.
    """
    rng = random.Random(seed)
    base = photo(photo_name).copy()
    img, mask = badge
    ph, pw = base.shape[:2]
    bw = max(8, int(pw * share))
    bh = int(bw * img.shape[0] / img.shape[1])
    angle = rng.uniform(-15, 15) if rotate is None else rotate
    cx = rng.uniform(bw * 0.75, pw - bw * 0.75)
    cy = rng.uniform(min(bh * 0.75, ph / 2), max(ph - bh * 0.75, ph / 2))
    corners = np.float32(
        [[-bw / 2, -bh / 2], [bw / 2, -bh / 2], [bw / 2, bh / 2], [-bw / 2, bh / 2]]
    )
    rot = np.float32([[np.cos(np.radians(angle)), -np.sin(np.radians(angle))],
                      [np.sin(np.radians(angle)), np.cos(np.radians(angle))]])  # fmt: skip
    jitter = np.float32([[rng.uniform(-0.07, 0.07) * bw, rng.uniform(-0.07, 0.07) * bh]
                         for _ in range(4)])  # fmt: skip
    dst = corners @ rot.T + jitter + np.float32([cx, cy])
    src = np.float32([[0, 0], [img.shape[1], 0], [img.shape[1], img.shape[0]], [0, img.shape[0]]])
    m = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    warped = cv2.warpPerspective(img, m, (pw, ph), flags=cv2.INTER_AREA)
    wmask = cv2.warpPerspective(mask, m, (pw, ph), flags=cv2.INTER_LINEAR)
    alpha = (wmask.astype(np.float32) / 255)[..., None]
    out = (warped * alpha + base * (1 - alpha)).astype(np.uint8)
    share_covered = rng.uniform(0, 0.2) if cover is None else cover
    if share_covered > 0:  # a hand, a head or a flag over one corner of the badge
        x0, y0 = dst.min(axis=0)
        x1, y1 = dst.max(axis=0)
        cw, ch = (x1 - x0) * np.sqrt(share_covered), (y1 - y0) * np.sqrt(share_covered)
        ox, oy = (x0, y0) if rng.random() < 0.5 else (x1 - cw, y1 - ch)
        colour = tuple(int(v) for v in base[int(cy) % ph, int(cx) % pw])
        cv2.rectangle(out, (int(ox), int(oy)), (int(ox + cw), int(oy + ch)), colour, -1)
    if grey if grey is not None else rng.random() < 1 / 3:
        out = cv2.cvtColor(cv2.cvtColor(out, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    q = rng.randint(40, 90) if quality is None else quality
    ok, enc = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, q])
    assert ok
    return cv2.imdecode(enc, cv2.IMREAD_COLOR)


def write_references(folder: object) -> list[str]:
    """Reference images of the school's badge (full colour, on white; greyscale; small)."""
    from pathlib import Path

    d = Path(str(folder))
    d.mkdir(parents=True, exist_ok=True)
    img, _ = millbrook_badge()
    paths = [d / "badge.png", d / "badge-grey.png", d / "badge-small.png"]
    cv2.imwrite(str(paths[0]), img)
    cv2.imwrite(str(paths[1]), cv2.cvtColor(img, cv2.COLOR_BGR2GRAY))
    cv2.imwrite(str(paths[2]), cv2.resize(img, (200, 240), interpolation=cv2.INTER_AREA))
    return [str(p) for p in paths]
