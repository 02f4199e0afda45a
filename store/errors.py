"""The one error the persistence layer raises for a problem with the database itself."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError


class StoreError(Exception):
    """The store cannot do what was asked: unreachable database, failed migration, bad row.

    The message names the database (password masked) and the cause, so an admin can act on
    it without reading a traceback.
    """


def masked_url(url: object) -> str:
    """The URL as it is safe to show in a log or an error: the password replaced by ***."""
    try:
        return make_url(str(url)).render_as_string(hide_password=True)
    except ArgumentError:
        # Not a parseable URL: show nothing that might hold a secret after a colon.
        text = str(url)
        return text.split("@", 1)[-1] if "@" in text else text
