"""Storing analysed posts once: the dedupe rule and the sightings that record every repeat.

Dedupe rule: the same canonical URL OR the same text fingerprint is the same item. The first
sighting creates the item; a repeat from another source or another URL adds a Sighting; the same
(source, url) seen again adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pipelines.post import Analysis, Mention
from store.errors import StoreError
from store.models import Item, LabelRow, MentionRow, Sighting

# Column widths from store.models: a longer value is cut rather than failing the whole post.
_URL_MAX = 2048
_AUTHOR_MAX = 300
_SOURCE_MAX = 200
_MENTION_TEXT_MAX = 500
_MENTION_NAME_MAX = 300
_FINGERPRINT_MAX = 64


@dataclass(frozen=True)
class SaveResult:
    """What `save_analysis` did.

    `created`: a new item was stored. `new_sighting`: a (source, url) pair not seen before for
    this item was recorded (always true when `created`).
    """

    item_id: int
    created: bool
    new_sighting: bool


def _clean(text: str, limit: int | None = None) -> str:
    # PostgreSQL refuses NUL in text; post text is attacker-controlled, so drop them here.
    text = text.replace("\x00", "")
    return text[:limit] if limit is not None else text


def _canonical_or_none(canonical_url: str) -> str | None:
    """NULL for an empty URL so that posts without one never collide on the unique index.

    A canonical URL longer than the column is also stored as NULL: truncating it could merge two
    different posts, and the fingerprint still dedupes.
    """
    url = _clean(canonical_url).strip()  # the same NUL-free form on lookup and on insert
    if not url or len(url) > _URL_MAX:
        return None
    return url


def find_duplicate(session: Session, canonical_url: str, fingerprint: str) -> Item | None:
    """The stored item with this canonical URL or this fingerprint, if any.

    A URL match wins over a fingerprint match (the same page edited is still the same item).
    """
    url = _canonical_or_none(canonical_url)
    conditions = [Item.fingerprint == fingerprint]
    if url is not None:
        conditions.append(Item.canonical_url == url)
    rows = session.scalars(select(Item).where(or_(*conditions)).order_by(Item.id)).all()
    if url is not None:
        for row in rows:
            if row.canonical_url == url:
                return row
    return rows[0] if rows else None


def count_items(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Item)) or 0


def _sighting_url(analysis: Analysis) -> str:
    return _clean(analysis.post.url.strip() or analysis.canonical_url.strip(), _URL_MAX)


def _add_sighting(session: Session, item_id: int, source: str, url: str, seen_at: datetime) -> bool:
    """Record (item, source, url) once; True if it was new. Safe against a concurrent insert."""
    exists = session.scalar(
        select(Sighting.id).where(
            Sighting.item_id == item_id, Sighting.source == source, Sighting.url == url
        )
    )
    if exists is not None:
        return False
    try:
        with session.begin_nested():
            session.add(Sighting(item_id=item_id, source=source, url=url, seen_at=seen_at))
    except IntegrityError:
        # Another process recorded the same sighting between our check and our insert.
        return False
    return True


def _mention_row(m: Mention) -> MentionRow:
    return MentionRow(
        kind=m.kind,
        school=_clean(m.school, _MENTION_NAME_MAX),
        name=_clean(m.name, _MENTION_NAME_MAX),
        text=_clean(m.text, _MENTION_TEXT_MAX),
        field=m.field,
        start=m.start,
        end=m.end,
        score=float(m.score),
        reason=_clean(m.reason),
    )


def _aware(published: datetime | None) -> datetime | None:
    """A feed's date without a zone is read as UTC: better a date an hour out than a lost post.

    (`seen_at` is the caller's own clock, so a naive one there is a bug and is refused.)
    """
    if published is not None and published.tzinfo is None:
        return published.replace(tzinfo=UTC)
    return published


def _new_item(analysis: Analysis, fingerprint: str, seen_at: datetime, text_limit: int) -> Item:
    post = analysis.post
    relevant = analysis.relevant
    labels: dict[str, None] = dict.fromkeys(analysis.labels)  # unique, in order
    return Item(
        canonical_url=_canonical_or_none(analysis.canonical_url),
        fingerprint=fingerprint,
        title=_clean(post.title),
        text=_clean(post.text, text_limit),
        author=_clean(post.author, _AUTHOR_MAX),
        url=_clean(post.url, _URL_MAX),
        published_at=_aware(post.published),
        first_seen_at=seen_at,
        relevant=relevant,
        # Severity means nothing for a post about no school (the classify contract says null).
        severity=analysis.severity if relevant else None,
        reasons=[_clean(r) for r in analysis.reasons],
        mentions=[_mention_row(m) for m in analysis.mentions],
        labels=[
            LabelRow(label=label, score=float(analysis.scores.get(label, 0.0))) for label in labels
        ],
    )


def _describe(analysis: Analysis) -> str:
    post = analysis.post
    return f"post {post.id or '(no id)'} from {post.url or post.source or '(no url)'}"


def save_analysis(
    session: Session,
    analysis: Analysis,
    *,
    source: str,
    seen_at: datetime,
    text_limit: int = 20000,
) -> SaveResult:
    """Store an analysed post once and record where it was seen.

    Runs inside the caller's transaction (the caller commits). Two crawl processes inserting the
    same post at once end with one item: the insert runs in a SAVEPOINT, and on a unique-key
    conflict the row the other process committed is found and only a sighting is added.
    """
    fingerprint = analysis.fingerprint.strip()
    if not fingerprint or len(fingerprint) > _FINGERPRINT_MAX:
        raise ValueError(
            f"{_describe(analysis)}: fingerprint must be 1..{_FINGERPRINT_MAX} characters, "
            f"got {analysis.fingerprint!r}"
        )
    if text_limit < 0:
        raise ValueError(f"text_limit must not be negative, got {text_limit}")
    source = _clean(source, _SOURCE_MAX)
    url = _sighting_url(analysis)

    existing = find_duplicate(session, analysis.canonical_url, fingerprint)
    if existing is not None:
        new = _add_sighting(session, existing.id, source, url, seen_at)
        return SaveResult(item_id=existing.id, created=False, new_sighting=new)

    item = _new_item(analysis, fingerprint, seen_at, text_limit)
    try:
        with session.begin_nested():
            session.add(item)
            session.flush()
    except IntegrityError as e:
        # Lost a race: another process stored the same URL or fingerprint after our lookup.
        # Rolling back the SAVEPOINT has already expunged our pending item.
        existing = find_duplicate(session, analysis.canonical_url, fingerprint)
        if existing is None:
            raise StoreError(
                f"{_describe(analysis)}: insert conflicted but no duplicate was found: {e.orig}"
            ) from e
        new = _add_sighting(session, existing.id, source, url, seen_at)
        return SaveResult(item_id=existing.id, created=False, new_sighting=new)

    _add_sighting(session, item.id, source, url, seen_at)
    return SaveResult(item_id=item.id, created=True, new_sighting=True)
