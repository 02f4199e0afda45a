"""Per-source crawl state: conditional-GET validators (ETag, Last-Modified) and health.

Every function runs inside the caller's transaction and creates the row on first use.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import SourceState

# The error classes the crawler reports. The column stays a free string so a new class needs no
# migration; these are the ones the source-health view knows how to explain.
ERROR_CLASSES: tuple[str, ...] = (
    "not_found",  # 404 / 410: the page or feed is gone
    "server_error",  # 5xx after retries
    "http_error",  # any other 4xx
    "timeout",
    "too_large",
    "robots",
    "dns",
    "connection",
    "parse_error",
    "not_a_feed",
    "blocked",  # 401/403/429 or a bot-protection page: reported, never evaded
    "empty",  # no entries for longer than the source's `empty_after`, though it had some before
    "offsite",  # redirected outside the source's allowed domains
    "interrupted",  # the crawl was stopped before it finished (e.g. SIGTERM)
    "error",  # anything else: the message says what
)

# Column widths from store.models.
_NAME_MAX = 200
_URL_MAX = 2048
_ETAG_MAX = 500
_LAST_MODIFIED_MAX = 100
_ERROR_CLASS_MAX = 40


def _cut(value: str | None, limit: int) -> str | None:
    # NUL is refused by PostgreSQL; header values and error messages come from remote servers.
    return None if value is None else value.replace("\x00", "")[:limit]


def get_state(session: Session, name: str) -> SourceState | None:
    return session.get(SourceState, name)


def all_states(session: Session) -> list[SourceState]:
    return list(session.scalars(select(SourceState).order_by(SourceState.name)))


def _get_or_create(session: Session, name: str, url: str) -> SourceState:
    if not name:
        raise ValueError("source name must not be empty")
    if len(name) > _NAME_MAX:
        # Cutting the key could merge two sources' state; refuse instead.
        raise ValueError(f"source name longer than {_NAME_MAX} characters: {name[:60]!r}...")
    state = session.get(SourceState, name)
    if state is None:
        try:
            with session.begin_nested():
                state = SourceState(
                    name=name,
                    url="",
                    last_items=0,
                    total_items=0,
                    consecutive_failures=0,
                    warnings=[],
                )
                session.add(state)
        except IntegrityError:
            # Another process created it between our lookup and our insert.
            state = session.get(SourceState, name, populate_existing=True)
            if state is None:
                raise
    state.url = _cut(url, _URL_MAX) or ""
    return state


def record_success(
    session: Session,
    name: str,
    *,
    url: str,
    items: int,
    etag: str | None,
    last_modified: str | None,
    warnings: list[str] | None = None,
    now: datetime,
) -> SourceState:
    """A fetch that was read: `items` entries, the response's validators and any warnings."""
    if items < 0:
        raise ValueError(f"source {name!r}: items must not be negative, got {items}")
    state = _get_or_create(session, name, url)
    state.last_attempt_at = now
    state.last_success_at = now
    state.last_items = items
    state.total_items = (state.total_items or 0) + items
    state.consecutive_failures = 0
    state.etag = _cut(etag, _ETAG_MAX)
    state.last_modified = _cut(last_modified, _LAST_MODIFIED_MAX)
    state.warnings = [_cut(w, 2000) or "" for w in (warnings or [])]
    session.flush()
    return state


def record_not_modified(session: Session, name: str, *, url: str, now: datetime) -> SourceState:
    """A 304: the source is healthy and has nothing new; the stored validators stay valid."""
    state = _get_or_create(session, name, url)
    state.last_attempt_at = now
    state.last_success_at = now
    state.last_items = 0
    state.consecutive_failures = 0
    # Warnings stay: they describe the unchanged content (e.g. a salvaged malformed feed).
    session.flush()
    return state


def record_failure(
    session: Session,
    name: str,
    *,
    url: str,
    error_class: str,
    message: str,
    now: datetime,
) -> SourceState:
    """A failed fetch. Validators and last_success_at are kept: the last good copy still stands."""
    state = _get_or_create(session, name, url)
    state.last_attempt_at = now
    state.consecutive_failures = (state.consecutive_failures or 0) + 1
    state.last_error_class = _cut(error_class, _ERROR_CLASS_MAX)
    state.last_error = _cut(message, 10000)
    state.last_error_at = now
    session.flush()
    return state


def record_empty(
    session: Session,
    name: str,
    *,
    url: str,
    empty_after: timedelta,
    warnings: list[str] | None = None,
    now: datetime,
) -> SourceState:
    """A fetch that was read but held no entries.

    A source that never had entries is simply quiet: a success. One that had entries is
    measured from its last success with entries (`last_success_at`, which an empty read does
    not move): within `empty_after` nothing is recorded against it; beyond, it is a failure of
    class `empty`, so a source that silently stopped is not shown as healthy for weeks.
    The validators are dropped so that the next crawl fetches the whole body, not a 304.
    """
    state = _get_or_create(session, name, url)
    if not state.total_items:
        return record_success(
            session,
            name,
            url=url,
            items=0,
            etag=None,
            last_modified=None,
            warnings=warnings,
            now=now,
        )
    state.last_attempt_at = now
    state.last_items = 0
    state.etag = None
    state.last_modified = None
    state.warnings = [_cut(w, 2000) or "" for w in (warnings or [])]
    since = state.last_success_at
    if since is not None and now - since < empty_after:
        session.flush()  # quiet for now: neither a failure nor a new success
        return state
    when = f"since {since:%Y-%m-%d %H:%M} UTC" if since else "ever"
    return record_failure(
        session,
        name,
        url=url,
        error_class="empty",
        message=f"{url} has had no entries {when} (it had {state.total_items} before)",
        now=now,
    )
