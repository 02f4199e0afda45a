"""The shape of schoolwatch.yaml, as small pydantic value classes.

Every model forbids unknown keys so that a typo ("recipents:") is an error naming the line,
not a silently ignored setting. Defaults live here and nowhere else.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from datetime import time as dtime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

Role = Literal["slt", "head", "dsl", "comms", "admin"]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
_DURATION = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def is_email_address(value: str) -> bool:
    """The same test the config applies to `recipients[].email`."""
    return bool(_EMAIL.match(value))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True)


# Invisible characters pasted with a name from a document or web page, or hidden in a post to
# split a word (zero-width space, word joiner, soft hyphen, BOM, direction marks). Posts lose
# them in pipelines.normalise; a watched name must lose them too, or "Mill\u00adbrook" would
# never match "Millbrook". (The zero-width joiner stays: emoji sequences need it.)
INVISIBLE_CHARS = dict.fromkeys(map(ord, "\u200b\u2060\u00ad\ufeff\u200e\u200f"), None)


def _clean_watch_text(v: object) -> object:
    """NFC, invisible characters dropped: for watched names, aliases, places and phrases."""
    if isinstance(v, str):
        return unicodedata.normalize("NFC", v).translate(INVISIBLE_CHARS)
    if isinstance(v, list):
        return [_clean_watch_text(x) for x in v]
    return v


def _nonblank(v: str) -> str:
    if not v or not v.strip():
        raise ValueError("must not be empty")
    return v


def parse_duration(value: str | int) -> int:
    """'30m', '1h', '2h30m', '45s', '1d' or a number of seconds -> seconds."""
    if isinstance(value, int):
        seconds = value
    else:
        m = _DURATION.match(str(value))
        if not m or not any(m.groups()):
            raise ValueError(f"expected a duration like 30m, 1h or 2h30m, got {value!r}")
        d, h, mi, s = (int(g or 0) for g in m.groups())
        seconds = ((d * 24 + h) * 60 + mi) * 60 + s
    if seconds < 60:
        raise ValueError("must be at least 1m: polite crawling means not hammering a source")
    return seconds


def parse_clock(v: object, *, example: str) -> dtime:
    """A local time of day written "HH:MM" (or already a time)."""
    if isinstance(v, dtime):
        return v
    if isinstance(v, int):  # YAML 1.1 reads an unquoted 07:30 as 450 (base 60)
        v = f"{v // 60:02d}:{v % 60:02d}"
    m = re.match(r"^(\d{1,2}):(\d{2})$", str(v).strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(f'expected a 24-hour time like "{example}", got {v!r}')
    return dtime(int(m.group(1)), int(m.group(2)))


def check_http_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected an http:// or https:// URL, got {url!r}")
    return url


class Staff(_Model):
    name: str
    role: str | None = None
    aliases: list[str] = Field(default_factory=list)
    handles: list[str] = Field(default_factory=list)

    _name = field_validator("name")(_nonblank)
    _clean = field_validator("name", "aliases", "handles", mode="before")(_clean_watch_text)


class Recipient(_Model):
    email: str
    roles: list[Role] = Field(min_length=1)
    name: str | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        if not _EMAIL.match(v):
            raise ValueError(f"expected an email address like name@school.sch.uk, got {v!r}")
        return v


ClassifyLabel = Literal[
    "safeguarding", "reputation_risk", "parental_complaint", "staff_conduct", "positive"
]


class Classify(_Model):
    """Per-school tuning of the classifier (issue 4, pipelines/classify.py)."""

    # Phrases that count as evidence for a label in this school's posts, on top of the shipped
    # rules and model: {reputation_risk: ["the academy trust inquiry"]}.
    phrases: dict[ClassifyLabel, list[str]] = Field(default_factory=dict)
    # Phrases that are never evidence here, e.g. a place or event whose name sounds alarming
    # ("Millbrook Lake fishing tournament", "four-court sports hall").
    ignore: list[str] = Field(default_factory=list)
    # The score (0..1) at which a label is given (defaults: pipelines.classify.THRESHOLDS). Lower
    # hears more, higher less.
    thresholds: dict[ClassifyLabel, float] = Field(default_factory=dict)

    @field_validator("phrases")
    @classmethod
    def _phrases(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for label, phrases in v.items():
            if any(not p.strip() for p in phrases):
                raise ValueError(f"{label}: a phrase must not be empty")
        return v

    @field_validator("ignore")
    @classmethod
    def _ignore(cls, v: list[str]) -> list[str]:
        if any(not p.strip() for p in v):
            raise ValueError("a phrase must not be empty")
        return v

    @field_validator("thresholds")
    @classmethod
    def _thresholds(cls, v: dict[str, float]) -> dict[str, float]:
        for label, t in v.items():
            if not 0.0 < t < 1.0:
                raise ValueError(f"{label}: expected a number between 0 and 1, got {t}")
        return v


class School(_Model):
    name: str
    aliases: list[str] = Field(default_factory=list)
    location_terms: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    staff: list[Staff] = Field(default_factory=list)
    logos: list[Path] = Field(default_factory=list)  # resolved against the config file's folder
    recipients: list[Recipient] = Field(default_factory=list)
    # Extra "Formal: Short, Short" lines on top of config/nicknames.txt (relative to the config).
    nicknames_file: Path | None = None
    classify: Classify = Field(default_factory=Classify)  # issue 4
    # Per-label routing on top of the defaults (config.schema.default_lanes); issue 5.
    lanes: dict[AlertLabel, Lane] = Field(default_factory=dict)

    _name = field_validator("name")(_nonblank)
    _clean = field_validator("name", "aliases", "location_terms", "exclude", mode="before")(
        _clean_watch_text
    )

    def recipients_for(self, role: Role) -> list[str]:
        return [r.email for r in self.recipients if role in r.roles]


class PageSelectors(_Model):
    """CSS selectors for a generic listing or thread page (the `page` spider)."""

    item: str
    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    link: str | None = None
    next_page: str | None = None


# One spider per kind (crawler/spiders); the service kinds are explained in config/presets.py.
SourceKind = Literal[
    "feed",
    "page",
    "google_alerts",
    "google_news",
    "reddit",
    "mastodon",
    "bluesky",
    "youtube",
    "forum",
    "article",
]


class Source(_Model):
    name: str
    kind: SourceKind
    url: str = ""  # built by config.presets for google_news, reddit, mastodon, bluesky, youtube
    every: int = 1800  # seconds; written as 30m, 1h ... in YAML
    enabled: bool = True
    selectors: PageSelectors | None = None
    max_pages: int = Field(default=5, ge=1, le=200)
    allowed_domains: list[str] = Field(default_factory=list)  # default: the URL's own host
    # Service kinds (issue 6): what to look for; the URL is built from these (config/presets.py).
    query: str | None = None  # default: the schools' names and aliases, quoted, OR-ed
    language: str = "en-GB"
    region: str = "GB"
    subreddit: str | None = None
    instance: str | None = None  # mastodon: e.g. mastodon.social
    hashtag: str | None = None  # mastodon: default from the school's shortest name
    channel_id: str | None = None  # youtube
    playlist_id: str | None = None  # youtube
    api_base: str | None = None  # replaces the service's address (tests, mirrors)
    preset: str | None = None  # forum: "mumsnet" (the default when no selectors are given)
    full_text: bool = True  # follow feed entries that carry only a headline to their page
    article_links: str | None = None  # article: CSS selector of the links to follow from `url`
    comments: PageSelectors | None = None  # article: where the comments are in the page
    empty_after: int = 3 * 86400  # no entries for this long, from a source that had some: failing
    # About the schools' own area (the town's parents' forum, the local paper): there a short
    # alias ("St Aidans", "Millbrook Primary") or a titled staff name with an unusual surname
    # needs nothing more beside it. A one-word alias that is also a place ("Millbrook") still
    # does: the village is local too.
    local: bool = False

    _name = field_validator("name")(_nonblank)

    @field_validator("name")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", v):
            raise ValueError("use letters, digits, '-', '_' or '.' (it is used as a job id)")
        return v

    @field_validator("url", "api_base")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        return check_http_url(v) if v else v

    @field_validator("every", "empty_after", mode="before")
    @classmethod
    def _every(cls, v: str | int) -> int:
        return parse_duration(v)

    @model_validator(mode="after")
    def _selectors_for_pages(self) -> Source:
        from config import presets

        if self.kind == "page" and self.selectors is None:
            raise ValueError("a page source needs selectors: {item: ..., text: ...}")
        if self.kind == "forum" and (self.preset or self.selectors is None):
            merged = presets.forum_selectors(self.preset or "mumsnet", self.selectors)
            self.selectors = PageSelectors.model_validate(merged)
        if not self.url and self.kind not in presets.BUILT_KINDS:
            raise ValueError(f"a {self.kind} source needs a url")
        return self

    @property
    def domains(self) -> list[str]:
        return self.allowed_domains or [urlsplit(self.url).hostname or ""]


class Digest(_Model):
    time: dtime = dtime(7, 30)
    days: list[Day] = Field(default_factory=lambda: list(DAYS[:5]))
    timezone: str = "Europe/London"

    @field_validator("time", mode="before")
    @classmethod
    def _time(cls, v: object) -> dtime:
        return parse_clock(v, example="07:30")

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {v!r}; expected an IANA name like Europe/London"
            ) from None
        return v

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Smtp(_Model):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    host: str = "localhost"
    port: int = Field(default=25, ge=1, le=65535)
    tls: Literal["starttls", "ssl", "none"] = "none"
    from_: str = Field(default="schoolwatch@localhost", alias="from")
    username_env: str | None = None
    password_env: str | None = None
    timeout: float = Field(default=30.0, gt=0)

    # Declared only so that writing a secret into the file is an error on its own line.
    password: str | None = Field(default=None, exclude=True)
    username: str | None = Field(default=None, exclude=True)

    @field_validator("password", "username")
    @classmethod
    def _no_secrets_in_file(cls, v: str | None, info: ValidationInfo) -> None:
        if v is not None:
            raise ValueError(
                f"must not be written into the config file: put it in an environment variable "
                f"and give that variable's name as {info.field_name}_env"
            )
        return None

    @field_validator("username_env", "password_env")
    @classmethod
    def _env_name(cls, v: str | None) -> str | None:
        if v is not None and not _ENV_NAME.match(v):
            raise ValueError(
                f"expected the NAME of an environment variable (like SW_SMTP_PASSWORD), got {v!r}; "
                "never write the password itself here"
            )
        return v


class Crawler(_Model):
    # A URL or email put in the user agent, so that a site owner can reach us.
    contact: str | None = None
    max_download_mb: float = Field(default=10.0, gt=0, le=100)
    timeout: float = Field(default=30.0, gt=0, le=600)
    concurrency_per_domain: int = Field(default=2, ge=1, le=8)
    download_delay: float = Field(default=1.0, ge=0)
    retries: int = Field(default=2, ge=0, le=10)
    httpcache: bool = False
    # Images of posts, for the logo matcher (issue 6): downloaded into this folder (default:
    # `images/` next to a SQLite database, else next to the config), capped in size and number.
    image_cache: Path | None = None
    image_max_mb: float = Field(default=5.0, gt=0, le=50)
    images_per_post: int = Field(default=4, ge=0, le=20)
    # An email to the admins after this many failed crawls in a row, and one on recovery.
    alert_after_failures: int = Field(default=3, ge=1, le=100)


# ----------------------------------------------------------------------------- alert routing
# (issue 5) Who hears of what, when: lanes per label, school days, the complaints clock.

AlertLabel = Literal[
    "safeguarding", "reputation_risk", "parental_complaint", "staff_conduct", "positive"
]


def parse_short_duration(value: str | int) -> int:
    """Like parse_duration, but seconds are allowed: for timings that are not crawl intervals
    (a flush every 5s in tests; a reminder 4h before a deadline)."""
    if isinstance(value, int):
        return value
    m = _DURATION.match(str(value))
    if not m or not any(m.groups()):
        raise ValueError(f"expected a duration like 30s, 5m, 4h or 1d, got {value!r}")
    d, h, mi, s = (int(g or 0) for g in m.groups())
    return ((d * 24 + h) * 60 + mi) * 60 + s


class Lane(_Model):
    """What happens to an item with one label, for one school.

    `alert`: roles emailed at once (at the next outbox flush); `alert_min_severity`: only when
    the item is at least this severe; `digest`: full (the item in the SLT digest), count (only
    "N items went to ..."), none; `queue`: the item goes into the comms queue with a due time.
    """

    alert: list[Role] = Field(default_factory=list)
    alert_min_severity: Literal["urgent", "high", "normal", "low"] | None = None
    digest: Literal["full", "count", "none"] = "full"
    queue: bool = False


def default_lanes() -> dict[str, Lane]:
    return {
        "safeguarding": Lane(alert=["dsl"], digest="count"),
        "staff_conduct": Lane(alert=["head"], digest="none"),
        "parental_complaint": Lane(queue=True),
        "reputation_risk": Lane(alert=["head"], alert_min_severity="high"),
        "positive": Lane(),
    }


class Holiday(_Model):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)

    from_: date = Field(alias="from")
    to: date
    name: str = ""

    @model_validator(mode="after")
    def _order(self) -> Holiday:
        if self.to < self.from_:
            raise ValueError(f"'to' ({self.to}) is before 'from' ({self.from_})")
        return self


class Complaints(_Model):
    """The comms queue clock. `due`: 48h (found + `hours`, moved to the next school day if that
    lands on a closed day) or next_school_day (the end of the next school day after it was
    found). `remind_before`: a reminder to the owner this long before it is due."""

    due: Literal["48h", "next_school_day"] = "48h"
    hours: int = Field(default=48, ge=1, le=24 * 14)
    day_ends: dtime = dtime(16, 0)  # local time a school day's deadline falls at
    remind_before: int = 4 * 3600
    reply_templates: Path | None = None  # a folder of *.txt.j2 drafts an admin may edit
    procedure_url: str | None = None  # the school's published complaints procedure
    contact: str = "the school office"  # who a parent is invited to talk to in person

    @field_validator("day_ends", mode="before")
    @classmethod
    def _day_ends(cls, v: object) -> dtime:
        return parse_clock(v, example="16:00")

    @field_validator("remind_before", mode="before")
    @classmethod
    def _remind(cls, v: str | int) -> int:
        return parse_short_duration(v)


class RateLimit(_Model):
    count: int = Field(default=10, ge=1)
    per: int = 3600

    @field_validator("per", mode="before")
    @classmethod
    def _per(cls, v: str | int) -> int:
        seconds = parse_short_duration(v)
        if seconds < 60:
            raise ValueError("must be at least 1m")
        return seconds


class Alerts(_Model):
    flush_every: int = 60  # seconds between outbox flushes (and alert routing)
    rate_limit: RateLimit = Field(default_factory=RateLimit)  # immediate alerts per recipient
    group_window: int = 24 * 3600  # near-duplicates of an alert within this are grouped into it
    group_similarity: float = Field(default=0.8, gt=0, le=1)

    @field_validator("flush_every", "group_window", mode="before")
    @classmethod
    def _durations(cls, v: str | int) -> int:
        seconds = parse_short_duration(v)
        if seconds < 1:
            raise ValueError("must be at least 1s")
        return seconds


class Classifier(_Model):
    # Where `schoolwatch train` writes the retrained model and where classifying looks for it
    # (relative to the config's folder). Default: classifier-model.json next to the config. When
    # the file is absent the shipped model (config/classifier/model.json) is used.
    model: Path | None = None


class Config(_Model):
    schools: list[School] = Field(min_length=1)
    sources: list[Source] = Field(default_factory=list)
    digest: Digest = Field(default_factory=Digest)
    smtp: Smtp = Field(default_factory=Smtp)
    storage: str = "sqlite:///schoolwatch.db"
    retention_days: int = Field(default=90, ge=1, le=3650)
    crawler: Crawler = Field(default_factory=Crawler)
    classifier: Classifier = Field(default_factory=Classifier)  # issue 4
    alerts: Alerts = Field(default_factory=Alerts)
    complaints: Complaints = Field(default_factory=Complaints)
    holidays: list[Holiday] = Field(default_factory=list)  # no digest, no deadline on these

    # Not from YAML: where the file was, so relative paths (logos, sqlite files) resolve against it.
    base_dir: Path = Field(default=Path("."), exclude=True)
    path: Path | None = Field(default=None, exclude=True)

    @field_validator("storage")
    @classmethod
    def _storage(cls, v: str) -> str:
        scheme = v.split(":", 1)[0].split("+", 1)[0]
        if scheme not in ("sqlite", "postgresql", "postgres") or "://" not in v:
            raise ValueError(f"expected sqlite:///FILE or postgresql://user@host/db, got {v!r}")
        return v

    @model_validator(mode="after")
    def _unique_names(self) -> Config:
        for what, names in (
            ("source", [s.name for s in self.sources]),
            ("school", [s.name for s in self.schools]),
        ):
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"{what} names must be unique; repeated: {', '.join(dupes)}")
        return self

    @model_validator(mode="after")
    def _service_urls(self) -> Config:
        from config.presets import BUILT_KINDS, build_url

        for source in self.sources:  # after the schools are known: queries default to their names
            if not source.url and source.kind in BUILT_KINDS:
                try:
                    source.url = build_url(source, self.schools)
                except ValueError as e:
                    raise ValueError(f"source {source.name!r}: {e}") from None
        return self

    @property
    def image_cache_dir(self) -> Path:
        """`crawler.image_cache`, else `images/` next to a SQLite database, else by the config."""
        if self.crawler.image_cache is not None:
            folder = self.crawler.image_cache
            return folder if folder.is_absolute() else (self.base_dir / folder).resolve()
        url = self.database_url
        if url.startswith("sqlite:///") and not url.endswith(":memory:"):
            return Path(url[len("sqlite:///") :]).resolve().parent / "images"
        return (self.base_dir / "images").resolve()

    @property
    def database_url(self) -> str:
        """The storage URL with a relative SQLite path resolved against the config's folder."""
        url = self.storage
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://") :]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            rel = url[len("sqlite:///") :]
            if rel and rel != ":memory:":
                url = "sqlite:///" + str((self.base_dir / rel).resolve())
        return url

    def source(self, name: str) -> Source:
        for s in self.sources:
            if s.name == name:
                return s
        raise KeyError(name)

    def school(self, name: str) -> School:
        for s in self.schools:
            if s.name == name:
                return s
        raise KeyError(name)

    def logo_paths(self, school: School) -> list[Path]:
        return [p if p.is_absolute() else (self.base_dir / p) for p in school.logos]
