"""Write digest previews to disk: an .html to look at and an .eml to open in a mail client."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from config.schema import Config


def slug(name: str) -> str:
    """A file-name-safe form of a name: lower-case letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]


def write_previews(
    factory: sessionmaker[Session], cfg: Config, target: Path, *, now: datetime
) -> list[Path]:
    """Write one preview per school. With one school, `target` is the .html path itself;
    with several, each school's files get the school's name appended to the stem."""
    from alerts.digest import preview_digest

    previews = preview_digest(factory, cfg, now=now)
    target.parent.mkdir(parents=True, exist_ok=True)
    stem = target.with_suffix("") if target.suffix else target
    written: list[Path] = []
    for preview in previews:
        base = stem if len(previews) == 1 else stem.with_name(f"{stem.name}-{slug(preview.school)}")
        html_path = base.with_suffix(".html")
        eml_path = base.with_suffix(".eml")
        html_path.write_text(preview.html, encoding="utf-8")
        eml_path.write_bytes(bytes(preview.message))
        written += [html_path, eml_path]
    return written
