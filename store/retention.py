"""The retention limit: what is older than the school's retention period is deleted.

Data protection: the store keeps what the purpose needs (snippet, URL, time, match) and no longer
than the configured period. An item goes with everything that refers to it; a sent or abandoned
email goes too, because its body quotes the posts. Pending email is never purged: it has not been
delivered yet, and nothing may be lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import CursorResult, and_, delete, or_, select, update
from sqlalchemy.orm import Session

from store.models import (
    Digest,
    DigestItem,
    Feedback,
    Item,
    LabelRow,
    MentionRow,
    Outbox,
    Sighting,
)


@dataclass(frozen=True)
class PurgeReport:
    """How many rows of each kind were deleted."""

    items: int = 0
    sightings: int = 0
    mentions: int = 0
    labels: int = 0
    digest_items: int = 0
    outbox: int = 0
    feedback: int = 0

    @property
    def total(self) -> int:
        return (
            self.items
            + self.sightings
            + self.mentions
            + self.labels
            + self.digest_items
            + self.outbox
            + self.feedback
        )


def _deleted(session: Session, statement: object) -> int:
    result = session.execute(statement)  # type: ignore[call-overload]
    assert isinstance(result, CursorResult)
    return max(result.rowcount, 0)


def purge(session: Session, *, older_than: datetime) -> PurgeReport:
    """Delete items first seen before `older_than`, their dependants, and old finished email.

    Runs in the caller's transaction: either all of it is deleted or none. Children are deleted
    explicitly (not left to ON DELETE CASCADE) so the counts are exact on every backend.
    """
    if older_than.tzinfo is None or older_than.utcoffset() is None:
        raise ValueError(f"older_than must be timezone-aware, got {older_than.isoformat()}")
    expired_items = select(Item.id).where(Item.first_seen_at < older_than)

    counts: dict[str, int] = {}
    for name, table in (
        ("digest_items", DigestItem),
        ("labels", LabelRow),
        ("mentions", MentionRow),
        ("sightings", Sighting),
    ):
        counts[name] = _deleted(session, delete(table).where(table.item_id.in_(expired_items)))
    # Feedback keeps a snapshot of the post's words: it expires like the post itself.
    counts["feedback"] = _deleted(session, delete(Feedback).where(Feedback.created_at < older_than))
    counts["items"] = _deleted(session, delete(Item).where(Item.first_seen_at < older_than))

    # Sent mail, and mail given up on, older than the cutoff. Its body quotes posts.
    finished_mail = or_(
        and_(Outbox.status == "sent", Outbox.sent_at < older_than),
        and_(Outbox.status == "failed", Outbox.created_at < older_than),
    )
    expired_mail = select(Outbox.id).where(finished_mail)
    # The digest ledger row stays (school, time, count: no personal data); only its link goes.
    session.execute(update(Digest).where(Digest.outbox_id.in_(expired_mail)).values(outbox_id=None))
    counts["outbox"] = _deleted(session, delete(Outbox).where(finished_mail))

    # The bulk deletes bypassed the identity map: drop stale objects the session still holds.
    session.expire_all()
    return PurgeReport(**counts)


def purge_files(folder: Path, *, older_than: datetime) -> int:
    """Delete files under `folder` last written before the cutoff (the image cache: a post's
    pictures are personal data too). A missing folder is nothing to purge. Returns the count."""
    if older_than.tzinfo is None or older_than.utcoffset() is None:
        raise ValueError(f"older_than must be timezone-aware, got {older_than.isoformat()}")
    cutoff = older_than.timestamp()
    deleted = 0
    if not folder.is_dir():
        return 0
    for path in folder.rglob("*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                deleted += 1
        except FileNotFoundError:  # a crawl replaced it meanwhile
            continue
    return deleted
