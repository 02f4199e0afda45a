"""The shape of schoolwatch.yaml, as small pydantic value classes.

Every model forbids unknown keys so that a typo ("recipents:") is an error naming the line,
not a silently ignored setting. Defaults live here and nowhere else.
"""

from __future__ import annotations

import re
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


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True)


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

    _name = field_validator("name")(_nonblank)

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


class Source(_Model):
    name: str
    kind: Literal["feed", "page"]
    url: str
    every: int = 1800  # seconds; written as 30m, 1h ... in YAML
    enabled: bool = True
    selectors: PageSelectors | None = None
    max_pages: int = Field(default=5, ge=1, le=200)
    allowed_domains: list[str] = Field(default_factory=list)  # default: the URL's own host

    _name = field_validator("name")(_nonblank)

    @field_validator("name")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", v):
            raise ValueError("use letters, digits, '-', '_' or '.' (it is used as a job id)")
        return v

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        return check_http_url(v)

    @field_validator("every", mode="before")
    @classmethod
    def _every(cls, v: str | int) -> int:
        return parse_duration(v)

    @model_validator(mode="after")
    def _selectors_for_pages(self) -> Source:
        if self.kind == "page" and self.selectors is None:
            raise ValueError("a page source needs selectors: {item: ..., text: ...}")
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
        if isinstance(v, dtime):
            return v
        if isinstance(v, int):  # YAML 1.1 reads an unquoted 07:30 as 450 (base 60)
            v = f"{v // 60:02d}:{v % 60:02d}"
        m = re.match(r"^(\d{1,2}):(\d{2})$", str(v).strip())
        if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            raise ValueError(f'expected a 24-hour time like "07:30", got {v!r}')
        return dtime(int(m.group(1)), int(m.group(2)))

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


class Config(_Model):
    schools: list[School] = Field(min_length=1)
    sources: list[Source] = Field(default_factory=list)
    digest: Digest = Field(default_factory=Digest)
    smtp: Smtp = Field(default_factory=Smtp)
    storage: str = "sqlite:///schoolwatch.db"
    retention_days: int = Field(default=90, ge=1, le=3650)
    crawler: Crawler = Field(default_factory=Crawler)

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
