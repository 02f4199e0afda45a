"""Telling the admins when a source breaks, and again when it recovers.

Called by the crawl in the same transaction that records the source's outcome (the outbox
rule: a message exists if and only if the state it reports was committed). A failure streak is
named by the source's last success before it (`last_success_at` does not move while it fails),
so its "down" and "up" messages have stable ids: a re-run, a crash and retry, or a second
crawler process queue the same message, and the outbox keeps one.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from alerts.mail import build_message
from alerts.outbox import enqueue_email
from config.schema import Config
from store.models import SourceState

logger = logging.getLogger(__name__)


def admins(cfg: Config) -> list[str]:
    """Every recipient with the admin role, across the schools, once each."""
    return list(dict.fromkeys(e for s in cfg.schools for e in s.recipients_for("admin")))


def streak_key(state_name: str, last_success_before: datetime | None) -> str:
    since = f"{last_success_before:%Y%m%dT%H%M%S}" if last_success_before else "never"
    return f"{state_name}-{since}"


def alert_on_change(
    session: Session,
    cfg: Config,
    state: SourceState,
    *,
    failures_before: int,
    last_success_before: datetime | None,
    now: datetime,
) -> str | None:
    """Queue "source down" once a streak reaches `crawler.alert_after_failures`, or "source
    back" when a source that had reached it succeeds. Returns the key queued, if any."""
    threshold = cfg.crawler.alert_after_failures
    streak = streak_key(state.name, last_success_before)
    if state.consecutive_failures >= threshold:
        key, subject, text = f"source-down-{streak}", *_down(state, last_success_before)
    elif failures_before >= threshold and state.consecutive_failures == 0:
        key, subject, text = f"source-up-{streak}", *_up(state, failures_before)
    else:
        return None
    to = admins(cfg)
    if not to:
        logger.warning("source %s: %s, but no recipient has the admin role", state.name, subject)
        return None
    msg = build_message(
        from_addr=cfg.smtp.from_, to=to, subject=subject, text=text, html=None, key=key, date=now
    )
    enqueue_email(session, msg, kind="alert", recipients=to, now=now)
    return key


def _down(state: SourceState, last_success: datetime | None) -> tuple[str, str]:
    since = f"{last_success:%Y-%m-%d %H:%M} UTC" if last_success else "never"
    subject = f"schoolwatch: source {state.name} is failing ({state.last_error_class})"
    text = (
        f"The source {state.name} has failed {state.consecutive_failures} crawls in a row.\n\n"
        f"URL: {state.url}\n"
        f"Last success: {since}\n"
        f"Error class: {state.last_error_class}\n"
        f"Last error: {state.last_error}\n\n"
        "Until it is fixed, nothing from this source reaches the digest. Check the URL in a "
        "browser, and run `schoolwatch sources test "
        f"{state.name}` to see what the crawler sees.\n"
        "You will get one more email when it works again.\n"
    )
    return subject, text


def _up(state: SourceState, failures_before: int) -> tuple[str, str]:
    subject = f"schoolwatch: source {state.name} works again"
    text = (
        f"The source {state.name} was read again after {failures_before} failed crawls.\n\n"
        f"URL: {state.url}\n"
        f"Entries read: {state.last_items}\n"
    )
    return subject, text
