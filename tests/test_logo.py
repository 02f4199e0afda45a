"""Logo matching on generated scenes: a drawn badge pasted into real photographs (scikit-image's
bundled samples), and a different badge in the same colours that must never match.

Recall over many scenes is measured by bench/bench_logo.py; these are fixed cases that must hold.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import logo_scenes as scenes
import numpy as np
import pytest

from config import ConfigError, load_config_text
from pipelines.logo import (
    POSSIBLE,
    SURE,
    LogoMatcher,
    describe_reference,
    hash_distance,
    logo_mentions,
    phash,
)


@pytest.fixture(scope="module")
def refs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return scenes.write_references(tmp_path_factory.mktemp("logos"))


@pytest.fixture(scope="module")
def matcher(refs: list[str]) -> LogoMatcher:
    return LogoMatcher([describe_reference("Millbrook", Path(p)) for p in refs])


def _grey(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)


# (photo, share of width, seed, greyscale): rotation, tilt, cover and JPEG quality from the seed.
FOUND = [
    ("astronaut", 0.12, 11, False),
    ("coffee", 0.12, 12, True),
    ("chelsea", 0.16, 13, False),
    ("rocket", 0.20, 14, True),
    ("hubble_deep_field", 0.30, 15, False),
    ("motorcycle", 0.40, 16, False),
    ("immunohistochemistry", 0.25, 17, True),
    ("retina", 0.14, 18, False),
]


@pytest.mark.parametrize(("photo", "share", "seed", "grey"), FOUND)
def test_badge_in_a_photo_is_found(
    matcher: LogoMatcher, photo: str, share: float, seed: int, grey: bool
) -> None:
    img = scenes.scene(scenes.millbrook_badge(), photo, share, seed, grey=grey)
    [hit] = matcher.find_in(_grey(img), f"{photo}.jpg")
    assert hit.sure and hit.school == "Millbrook"
    assert hit.how == "features" and hit.inliers >= 15
    assert "logo of Millbrook" in hit.reason()


def test_hard_case_rotated_tilted_covered_low_quality(matcher: LogoMatcher) -> None:
    img = scenes.scene(
        scenes.millbrook_badge(), "coffee", 0.15, 99, rotate=15, quality=40, grey=True, cover=0.2
    )
    [hit] = matcher.find_in(_grey(img))
    assert hit.sure


@pytest.mark.parametrize(("photo", "share", "seed", "grey"), FOUND)
def test_a_similar_coloured_different_badge_never_matches(
    matcher: LogoMatcher, photo: str, share: float, seed: int, grey: bool
) -> None:
    img = scenes.scene(scenes.other_badge(), photo, share, seed, grey=grey)
    assert matcher.find_in(_grey(img)) == []  # not even a "possible logo"


def test_a_photo_without_a_badge_has_no_logo(matcher: LogoMatcher) -> None:
    assert matcher.find_in(_grey(scenes.photo("astronaut"))) == []


def test_a_tiny_badge_is_a_possible_logo_note_not_a_mention(
    matcher: LogoMatcher, tmp_path: Path
) -> None:
    """Below the sure threshold a hit is a "possible logo" note, not a mention."""
    path = tmp_path / "tiny.jpg"
    cv2.imwrite(str(path), scenes.scene(scenes.millbrook_badge(), "chelsea", 0.08, 3))
    [hit] = matcher.find_in(_grey(cv2.imread(str(path))))
    assert POSSIBLE <= hit.confidence < SURE
    mentions, notes = logo_mentions(matcher, [str(path)])
    assert mentions == []
    assert [n for n in notes if n.startswith("possible logo of Millbrook in tiny.jpg")]


def test_whole_image_repost_is_recognised_by_hash(
    matcher: LogoMatcher, refs: list[str], tmp_path: Path
) -> None:
    """The badge image itself, re-encoded and resized, is a repost: the hash says so."""
    img = cv2.imread(refs[0])
    small = cv2.resize(img, (300, 360), interpolation=cv2.INTER_AREA)
    ok, enc = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 60])
    assert ok
    grey = cv2.imdecode(enc, cv2.IMREAD_GRAYSCALE)
    assert hash_distance(phash(grey), phash(_grey(img))) <= 6
    hits = matcher.find_in(grey)
    assert hits and hits[0].sure


def test_perceptual_hash_tells_different_photos_apart() -> None:
    a, b = _grey(scenes.photo("coffee")), _grey(scenes.photo("chelsea"))
    assert hash_distance(phash(a), phash(b)) > 12


def test_logo_mentions_from_post_images_skip_what_is_not_a_local_image(
    matcher: LogoMatcher, tmp_path: Path
) -> None:
    scene = tmp_path / "sports-day.jpg"
    cv2.imwrite(str(scene), scenes.scene(scenes.millbrook_badge(), "rocket", 0.2, 5))
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg at all")
    images = ["https://example.org/a.jpg", str(tmp_path / "missing.png"), str(broken), str(scene)]
    mentions, notes = logo_mentions(matcher, images)
    [m] = mentions
    assert (m.kind, m.school, m.name, m.text, m.field) == (
        "logo", "Millbrook", "Millbrook", str(scene), "text",
    )  # fmt: skip
    assert 60 <= m.score <= 100 and m.reason.startswith("logo of Millbrook in sports-day.jpg")
    assert any("not a local file" in n for n in notes)
    assert any("missing.png: no such image file" in n for n in notes)
    assert any("broken.jpg: not an image" in n for n in notes)


def test_missing_logo_file_is_a_config_error(tmp_path: Path) -> None:
    cfg = load_config_text(
        "schools:\n  - name: Oakfield School\n    logos: [crest.png]\n",
        name=str(tmp_path / "sw.yaml"),
        base_dir=tmp_path,
    )
    with pytest.raises(ConfigError, match=r"schools\[0\]\.logos\[0\]: .*crest.png: no such image"):
        LogoMatcher.from_config(cfg)


def test_a_plain_reference_image_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "plain.png"
    cv2.imwrite(str(plain), np.full((200, 200), 128, np.uint8))
    with pytest.raises(ValueError, match="too plain to recognise"):
        describe_reference("Oakfield", plain)


def test_config_logos_are_loaded_relative_to_the_config(refs: list[str]) -> None:
    folder = Path(refs[0]).parent
    cfg = load_config_text(
        f"schools:\n  - name: Millbrook\n    logos: [{Path(refs[0]).name}, {Path(refs[1]).name}]\n",
        name=str(folder / "sw.yaml"),
        base_dir=folder,
    )
    assert [Path(r.path).name for r in LogoMatcher.from_config(cfg).references] == [
        "badge.png", "badge-grey.png",
    ]  # fmt: skip
