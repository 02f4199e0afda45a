"""School days and deadlines, in the school's local time.

A school day is one of the configured digest days (mon..fri by default) that is not inside a
configured holiday. Everything here takes and returns aware datetimes; local dates and times
are worked out in the digest's time zone (Europe/London by default), so a deadline "at 16:00
on the next school day" is 16:00 on the wall clock on both sides of a clock change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime

from config.schema import DAYS, Config

# A calendar with no school day in a year is a configuration mistake; stop looking after that.
_SEARCH_DAYS = 400


class CalendarError(ValueError):
    """The config leaves no school day to move a deadline to."""


def is_school_day(cfg: Config, day: date) -> bool:
    if DAYS[day.weekday()] not in cfg.digest.days:
        return False
    return not any(h.from_ <= day <= h.to for h in cfg.holidays)


def holiday_name(cfg: Config, day: date) -> str | None:
    for h in cfg.holidays:
        if h.from_ <= day <= h.to:
            return h.name or "holiday"
    return None


def local_date(cfg: Config, when: datetime) -> date:
    return when.astimezone(cfg.digest.tzinfo).date()


def next_school_day(cfg: Config, after: date) -> date:
    """The first school day strictly after `after`."""
    day = after
    for _ in range(_SEARCH_DAYS):
        day += timedelta(days=1)
        if is_school_day(cfg, day):
            return day
    raise CalendarError(
        f"no school day in the {_SEARCH_DAYS} days after {after}: check digest.days and holidays"
    )


def at_local(cfg: Config, day: date, clock: dtime) -> datetime:
    """`clock` on `day` in the school's zone, as an aware UTC datetime. A wall time skipped by
    the spring change resolves forward (zoneinfo's fold=0 rule), never to a non-existent time."""
    local = datetime.combine(day, clock, tzinfo=cfg.digest.tzinfo)
    return local.astimezone(UTC)


def complaint_due(cfg: Config, found_at: datetime) -> datetime:
    """When a parental complaint found at `found_at` must be answered, per `complaints.due`.

    - `48h`: `hours` after it was found; if that falls on a day the school is closed, the same
      local time on the next school day.
    - `next_school_day`: `day_ends` on the first school day after the day it was found.
    """
    policy = cfg.complaints
    if found_at.tzinfo is None:
        raise ValueError("found_at must be timezone-aware")
    if policy.due == "next_school_day":
        day = next_school_day(cfg, local_date(cfg, found_at))
        return at_local(cfg, day, policy.day_ends)
    due = found_at + timedelta(hours=policy.hours)
    due_day = local_date(cfg, due)
    if is_school_day(cfg, due_day):
        return due.astimezone(UTC)
    local_clock = due.astimezone(cfg.digest.tzinfo).time()
    return at_local(cfg, next_school_day(cfg, due_day), local_clock)
