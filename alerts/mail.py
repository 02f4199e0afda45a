"""Building outgoing email: multipart/alternative (text + HTML), safe headers, stable Message-ID.

Post text is attacker-controlled. Anything from a post that reaches a header (a title in a
subject) goes through `clean_header` first: control characters, line breaks and bidi overrides
are removed, so "\\r\\nBcc: x@evil" cannot start a header of its own. The stdlib would refuse
such a value anyway; cleaning it keeps one bad post from stopping a whole digest.

The Message-ID is derived from a key the caller chooses ("digest-42-..."), not from the clock or
a random number: the outbox stores the finished message and a retry resends the same bytes, and a
rebuild of the same thing gets the same id, so a receiver can recognise a duplicate.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

SUBJECT_MAX = 200  # characters; a subject is for scanning an inbox, not for reading a post

# Cc: C0/C1 controls (CR, LF, TAB, NUL, NEL ...); Cf: format characters such as bidi overrides
# that can make a subject read differently from what it says; Zl/Zp: Unicode line separators;
# Cs: lone surrogates that cannot be encoded.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_SPACES = re.compile(r"\s+")
_DOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
_KEY_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def clean_header(value: str, max_len: int = SUBJECT_MAX) -> str:
    """`value` made safe for one header line: no control or format characters, single spaces,
    at most `max_len` characters (cut with an ellipsis)."""
    kept = "".join(replace_unsafe(ch) for ch in str(value))
    text = _SPACES.sub(" ", kept).strip()
    if len(text) > max_len:
        text = text[: max_len - 1].rstrip() + "…"
    return text


def replace_unsafe(ch: str) -> str:
    """One character made safe for display in a header or a line of text."""
    category = unicodedata.category(ch)
    if category == "Cf":
        return ""  # invisible: dropping it joins what it sat between, as displayed
    return " " if category in _UNSAFE_CATEGORIES else ch


def address_of(from_header: str) -> str:
    """The bare address in a From value such as "Schoolwatch <sw@school.sch.uk>"."""
    return parseaddr(from_header)[1] or from_header.strip()


def domain_of(from_header: str) -> str:
    """The domain for Message-IDs: the From address's domain, or 'localhost' if it has none."""
    local, at, domain = address_of(from_header).rpartition("@")
    domain = domain.strip().lower()
    return domain if at and local and _DOMAIN.match(domain) else "localhost"


def make_message_id(key: str, from_header: str) -> str:
    """A stable Message-ID for `key`: the same key and sender always give the same id.

    The readable part of the key is kept for whoever reads the headers; the hash makes ids of
    keys that differ only in characters that had to be dropped still differ.
    """
    domain = domain_of(from_header)
    readable = _KEY_SAFE.sub("-", key).strip("-.")[:64] or "message"
    digest = hashlib.sha256(f"{key}\x00{domain}".encode()).hexdigest()[:16]
    return f"<{readable}.{digest}.schoolwatch@{domain}>"


def build_message(
    *,
    from_addr: str,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str | None,
    key: str,
    date: datetime,
    images: dict[str, bytes] | None = None,
) -> EmailMessage:
    """A complete message: text/plain, plus text/html as the preferred alternative if given.

    `to` are addresses from the config (validated there); `subject` may carry post text and is
    cleaned here. `date` must be timezone-aware. `images` are PNGs by Content-ID (without the
    angle brackets), attached inline to the HTML part (multipart/related) for `<img
    src="cid:...">`: mail clients show them without fetching anything remote.
    """
    if date.tzinfo is None:
        raise ValueError("the Date header needs a timezone-aware datetime")
    if not to:
        raise ValueError("a message needs at least one recipient")
    msg = EmailMessage(policy=policy.SMTP)
    msg["Message-ID"] = make_message_id(key, from_addr)
    msg["Date"] = format_datetime(date)
    msg["From"] = clean_header(from_addr, 300)
    msg["To"] = ", ".join(clean_header(addr, 300) for addr in to)
    msg["Subject"] = clean_header(subject)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies back to us
    # Quoted-printable: 7-bit safe for any relay, long HTML lines wrapped, still readable raw.
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    if html is not None:
        msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
        html_part = msg.get_body(("html",))
        assert isinstance(html_part, EmailMessage)
        for cid, png in (images or {}).items():
            html_part.add_related(png, "image", "png", cid=f"<{cid}>", disposition="inline")
    elif images:
        raise ValueError("inline images need an HTML part")
    return msg


def message_bytes(msg: EmailMessage) -> bytes:
    """The message as sent on the wire (CRLF line ends, 7-bit safe encodings)."""
    return msg.as_bytes(policy=policy.SMTP)


def message_text(msg: EmailMessage) -> str:
    """The message as stored in the outbox: the wire bytes as text.

    The SMTP policy encodes every non-ASCII header and body, so this is ASCII in practice;
    UTF-8 is the lossless reading if it ever is not, and `alerts.smtp.send` encodes it back."""
    return message_bytes(msg).decode("utf-8")
