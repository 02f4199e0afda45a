"""Find a school's badge in a post's images: local features + RANSAC homography (OpenCV).

Each school may configure several reference images (`logos:` in schoolwatch.yaml). A post image
is searched for each reference with ORB features (fast, binary, rotation-invariant), Lowe's ratio
test, then a RANSAC homography: a badge pasted, rotated, tilted, re-compressed or partly covered
in a photo still maps onto its reference by one homography, while a merely similar badge (same
colours, different drawing) gives scattered matches that no homography explains. The confidence
grows with the homography's inliers; at or above SURE it is a logo mention, between POSSIBLE and
SURE a "possible logo" note. Colour is never used (greyscale photos work the same).

A whole-image perceptual hash (DCT, 64 bits) recognises an image that *is* a reference (a repost
of the badge itself), and is exposed for recognising reposts of the same photo; it is never used
to find a badge inside a photo.

Only local files are read (Post.images holds paths; the crawler downloads through Scrapy with
robots.txt, throttling and a size cap). A URL, a missing file or an unreadable image is skipped
with a note; nothing else is lost.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from config.loader import ConfigError
from config.schema import Config
from pipelines.post import Mention

SURE = 0.6  # confidence at or above which a badge is a logo mention
POSSIBLE = 0.3  # below SURE, at or above this: a "possible logo" note
MAX_SIDE = 1280  # post images are searched at most this large (a 1600 px photo: 0.8x)
REF_SIDE = 400  # reference badges are described at this size (ORB's pyramid covers the rest)
MAX_FILE_BYTES = 25 * 1024 * 1024  # bigger files are not images a feed would carry
_RATIO = 0.8  # Lowe's ratio test
_MIN_INLIERS = 8  # fewer RANSAC inliers than this is no evidence at all
_FULL_INLIERS = 25  # this many inliers (with a sane homography) is full confidence
_HASH_CLOSE = 6  # of 64 bits: a repost of the same image (re-encoded, resized)


@dataclass(frozen=True, slots=True)
class LogoHit:
    school: str
    image: str  # the path as the post gave it
    reference: str  # the reference image file that matched
    confidence: float  # 0..1
    inliers: int
    how: str  # "features" or "whole-image hash"

    @property
    def sure(self) -> bool:
        return self.confidence >= SURE

    def reason(self) -> str:
        word = "logo" if self.sure else "possible logo"
        detail = (
            f"{self.inliers} matching features in one homography"
            if self.how == "features"
            else "the whole image is the reference"
        )
        return (
            f"{word} of {self.school} in {Path(self.image).name}: {detail} with "
            f"{Path(self.reference).name}; confidence {self.confidence:.2f}"
        )


@dataclass
class _Reference:
    school: str
    path: str
    keypoints: Any  # tuple of cv2.KeyPoint
    descriptors: np.ndarray
    size: tuple[int, int]  # (width, height) at which keypoints were found
    phash: int


def _orb(n: int) -> Any:
    return cv2.ORB.create(nfeatures=n, scaleFactor=1.2, nlevels=8, edgeThreshold=15, patchSize=31)


def read_grey(path: str | os.PathLike[str]) -> np.ndarray:
    """The image at `path` in greyscale; ValueError naming the file if it cannot be read."""
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"{p}: no such image file")
    if p.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"{p}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; not read")
    data = np.fromfile(str(p), dtype=np.uint8)
    img = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    if img is None or img.size == 0:
        raise ValueError(f"{p}: not an image OpenCV can read")
    return img


def _fit(img: np.ndarray, side: int) -> np.ndarray:
    h, w = img.shape[:2]
    scale = side / max(h, w)
    if scale >= 1:
        return img
    return cv2.resize(img, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)


def phash(img: np.ndarray) -> int:
    """64-bit DCT perceptual hash of a whole greyscale image."""
    small = cv2.resize(img, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)
    low = cv2.dct(small)[:8, :8].flatten()
    median = np.median(low[1:])
    bits = 0
    for v in low:
        bits = (bits << 1) | int(v > median)
    return bits


def hash_distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


class LogoMatcher:
    """The configured schools' reference badges, described once."""

    def __init__(self, references: list[_Reference]) -> None:
        self.references = references
        self._detector = _orb(4000)
        self._matcher = cv2.BFMatcher(cv2.NORM_HAMMING)

    @classmethod
    def from_config(cls, cfg: Config) -> LogoMatcher:
        """Describe every school's `logos:`; a missing or unreadable one is a ConfigError."""
        refs: list[_Reference] = []
        problems = []
        for si, school in enumerate(cfg.schools):
            for li, path in enumerate(cfg.logo_paths(school)):
                try:
                    refs.append(describe_reference(school.name, path))
                except ValueError as e:
                    where = str(cfg.path) if cfg.path else "<config>"
                    problems.append((where, None, f"schools[{si}].logos[{li}]", str(e)))
        if problems:
            raise ConfigError(problems)
        return cls(refs)

    def find(self, images: list[str]) -> tuple[list[LogoHit], list[str]]:
        """(the best hit per school and image at or above POSSIBLE, notes on skipped images)."""
        hits: list[LogoHit] = []
        notes: list[str] = []
        if not self.references:
            return hits, notes
        for image in images:
            if "://" in image or image.startswith("data:"):
                notes.append(f"image {image[:80]}: not a local file; logo not checked")
                continue
            try:
                grey = read_grey(image)
            except ValueError as e:
                notes.append(f"image skipped: {e}")
                continue
            hits.extend(self.find_in(grey, image))
        return hits, notes

    def find_in(self, grey: np.ndarray, label: str = "<image>") -> list[LogoHit]:
        """The best hit per school in one greyscale image (at or above POSSIBLE)."""
        best: dict[str, LogoHit] = {}
        whole = phash(grey)
        for ref in self.references:
            if hash_distance(whole, ref.phash) <= _HASH_CLOSE:
                best[ref.school] = LogoHit(ref.school, label, ref.path, 1.0, 0, "whole-image hash")
        img = _fit(grey, MAX_SIDE)
        kps, desc = self._detector.detectAndCompute(img, None)
        if desc is None or len(kps) < _MIN_INLIERS:
            return list(best.values())
        for ref in self.references:
            if ref.school in best and best[ref.school].confidence >= 1.0:
                continue
            inliers = self._inliers(ref, kps, desc)
            conf = _confidence(inliers)
            if conf >= POSSIBLE and conf > (
                best[ref.school].confidence if ref.school in best else 0
            ):
                best[ref.school] = LogoHit(ref.school, label, ref.path, conf, inliers, "features")
        return list(best.values())

    def _inliers(self, ref: _Reference, kps: Any, desc: np.ndarray) -> int:
        """Matches between ref and the image that one sane homography explains."""
        pairs = self._matcher.knnMatch(ref.descriptors, desc, k=2)
        good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < _RATIO * p[1].distance]
        if len(good) < _MIN_INLIERS:
            return 0
        src = np.array([ref.keypoints[m.queryIdx].pt for m in good], np.float32).reshape(-1, 1, 2)
        dst = np.array([kps[m.trainIdx].pt for m in good], np.float32).reshape(-1, 1, 2)
        homography, mask = cv2.findHomography(src, dst, cv2.RANSAC, 5.0, maxIters=2000)
        if homography is None or mask is None:
            return 0
        if not _sane(homography, ref.size):
            return 0
        # Inliers must come from distinct image points: one blob matched many times is not a badge.
        used = {(round(dst[i][0][0]), round(dst[i][0][1])) for i in np.flatnonzero(mask.ravel())}
        return len(used)


def describe_reference(school: str, path: Path) -> _Reference:
    grey = read_grey(path)
    img = cv2.resize(grey, _size_for(grey, REF_SIDE), interpolation=cv2.INTER_AREA)
    kps, desc = _orb(500).detectAndCompute(img, None)
    if desc is None or len(kps) < 20:
        raise ValueError(
            f"{path}: too plain to recognise ({0 if kps is None else len(kps)} features); use "
            "a larger or more detailed image of the badge"
        )
    return _Reference(school, str(path), kps, desc, (img.shape[1], img.shape[0]), phash(grey))


def _size_for(img: np.ndarray, side: int) -> tuple[int, int]:
    h, w = img.shape[:2]
    scale = side / max(h, w)
    return round(w * scale), round(h * scale)


def _sane(h: np.ndarray, size: tuple[int, int]) -> bool:
    """Does the homography map the reference to a plausible convex, not-too-tiny quadrilateral?"""
    w, hgt = size
    corners = np.array([[0, 0], [w, 0], [w, hgt], [0, hgt]], np.float32).reshape(-1, 1, 2)
    quad = cv2.perspectiveTransform(corners, h).reshape(-1, 2)
    if not cv2.isContourConvex(quad.astype(np.float32)):
        return False
    area = cv2.contourArea(quad.astype(np.float32))
    if area < 24 * 24:
        return False
    sides = [float(np.linalg.norm(quad[i] - quad[(i + 1) % 4])) for i in range(4)]
    # A badge seen at an angle is foreshortened, not folded: opposite sides stay comparable.
    return (
        min(sides) > 0
        and max(sides[0], sides[2]) / min(sides[0], sides[2]) < 3
        and max(sides[1], sides[3]) / min(sides[1], sides[3]) < 3
    )


def _confidence(inliers: int) -> float:
    if inliers < _MIN_INLIERS:
        return 0.0
    return min(1.0, inliers / _FULL_INLIERS)


def explain_logos(cfg: Config, images: list[str]) -> list[str]:
    """Lines for `schoolwatch explain`: each image and what the logo search found in it."""
    matcher = LogoMatcher.from_config(cfg)
    if not matcher.references:
        return ["logo: no school has `logos:` configured; images not checked"]
    hits, notes = matcher.find(images)
    return [f"{'MATCH ' if h.sure else 'maybe '} logo   {h.reason()}" for h in hits] + notes


def logo_mentions(matcher: LogoMatcher, images: list[str]) -> tuple[list[Mention], list[str]]:
    """Logo mentions (sure hits) for a post's images, and notes: possible logos, skipped images.

    A logo mention has kind "logo", the school as name, the image path as its text, and no
    character span (field "text", start = end = 0): it is not in the words of the post.
    """
    hits, notes = matcher.find(images)
    mentions = [
        Mention(kind="logo", school=h.school, name=h.school, text=h.image, field="text",
                start=0, end=0, score=round(h.confidence * 100, 1), reason=h.reason())
        for h in hits
        if h.sure
    ]  # fmt: skip
    return mentions, [h.reason() for h in hits if not h.sure] + notes
