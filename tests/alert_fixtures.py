"""Helpers for the alert-routing tests: a school with every role, and stored items."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from smtp_fixtures import smtp_config
from sqlalchemy.orm import Session

from config.schema import Config
from store.models import Item, LabelRow, MentionRow, Sighting

SCHOOL = "Millbrook Primary School"
HEAD = "head@millbrook.example.sch.uk"
DEPUTY = "deputy@millbrook.example.sch.uk"
DSL = "dsl@millbrook.example.sch.uk"
COMMS = "office@millbrook.example.sch.uk"
ADMIN = "it@millbrook.example.sch.uk"


def config(port: int = 25, **extra: Any) -> Config:
    doc: dict[str, Any] = {
        "schools": [
            {
                "name": SCHOOL,
                "aliases": ["Millbrook Primary"],
                "recipients": [
                    {"email": HEAD, "roles": ["slt", "head"]},
                    {"email": DEPUTY, "roles": ["slt"]},
                    {"email": DSL, "roles": ["dsl"]},
                    {"email": COMMS, "roles": ["comms"]},
                    {"email": ADMIN, "roles": ["admin"]},
                ],
            }
        ],
        "smtp": smtp_config(port).model_dump(by_alias=True),
    }
    doc.update(extra)
    return Config.model_validate(doc)


def add_item(
    session: Session,
    text: str,
    *,
    labels: dict[str, float] | None = None,
    severity: str | None = "normal",
    seen_at: datetime,
    title: str = "",
    school: str = SCHOOL,
    url: str | None = None,
) -> int:
    """Store one analysed item mentioning `school` (as the crawl pipeline would)."""
    fp = hashlib.sha256(f"{title}\x00{text}".encode()).hexdigest()
    link = url or f"https://forum.example.org/post/{fp[:10]}"
    item = Item(
        canonical_url=link,
        fingerprint=fp,
        title=title,
        text=text,
        author="A Parent",
        url=link,
        published_at=seen_at - timedelta(minutes=10),
        first_seen_at=seen_at,
        relevant=True,
        severity=severity,
        reasons=["mentions the school"],
    )
    session.add(item)
    session.flush()
    name = "Millbrook Primary"
    at = text.find(name)
    # Where the post names the school; a post that does not gets an empty mention at 0.
    said, start, score = (name, at, 95.0) if at >= 0 else ("", 0, 90.0)
    session.add(
        MentionRow(
            item_id=item.id,
            kind="school",
            school=school,
            name=school,
            text=said,
            field="text",
            start=start,
            end=start + len(said),
            score=score,
        )
    )
    for label, score in (labels or {}).items():
        session.add(LabelRow(item_id=item.id, label=label, score=score))
    session.add(Sighting(item_id=item.id, source="parents-forum", url=link, seen_at=seen_at))
    session.flush()
    return item.id
